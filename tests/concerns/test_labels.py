"""get_FOO_display() of the case models: the label Django gives, in the language
that is active when it is shown, from a lookup made once per field."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from concerns.choices import Status
from concerns.models import Case, LabelledModel


def labelled_fields() -> list[tuple[type[models.Model], models.Field]]:  # type: ignore[type-arg]
    return [
        (model, field)
        for model in apps.get_app_config("concerns").get_models()
        if issubclass(model, LabelledModel)
        for field in model._meta.concrete_fields
        if field.choices
    ]


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_label_is_djangos_in_the_active_language(language: str) -> None:
    assert len(labelled_fields()) > 20
    with translation.override(language):
        for model, field in labelled_fields():
            for value, label in field.flatchoices:
                instance = model(**{field.attname: value})
                shown = getattr(instance, f"get_{field.name}_display")()
                assert shown == str(label), (model.__name__, field.name, value)


def test_a_value_outside_the_vocabulary_is_shown_as_it_is() -> None:
    assert Case(status="unknown-code").get_status_display() == "unknown-code"
    assert Case(status="").get_status_display() == ""


def test_the_label_follows_the_language() -> None:
    case = Case(status=Status.CLOSED)
    with translation.override("da"):
        danish = case.get_status_display()
    with translation.override("en"):
        english = case.get_status_display()
    assert (danish, english) == ("Afsluttet", "Closed")
