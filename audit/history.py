"""The change history kept by django-pghistory, and the guards around it."""

from typing import Any

import pghistory.models
from django.apps import apps
from django.db import connections, models


def history_models() -> list[type[models.Model]]:
    """Every event model: one per tracked model, named <Model>History."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, pghistory.models.Event) and not model._meta.proxy
    ]


def guard_history_tables(using: str = "default", **kwargs: Any) -> None:
    """After migrate: every event table refuses UPDATE and DELETE (function from
    audit migration 0004), so no code path rewrites the history by accident."""
    with connections[using].cursor() as cursor:
        for model in history_models():
            table = connections[using].ops.quote_name(model._meta.db_table)
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER history_append_only "  # noqa: S608 - a model's table
                f"BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION history_refuse_change()"
            )
