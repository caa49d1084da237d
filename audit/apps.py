from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Revisionsspor")

    def ready(self) -> None:
        from audit.history import guard_history_tables

        # Sent once per app; bound to this one so it runs once per migrate.
        post_migrate.connect(guard_history_tables, sender=self)
