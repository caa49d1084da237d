"""The audit trail: who read or changed which person or case data, when and why."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("Læst")
    LIST = "list", _("Vist i liste")
    CREATE = "create", _("Oprettet")
    UPDATE = "update", _("Ændret")
    TRANSITION = "transition", _("Status ændret")
    SHARE = "share", _("Delt")
    REVOKE = "revoke", _("Deling tilbagekaldt")
    DOWNLOAD = "download", _("Hentet")
    DENIED = "denied", _("Adgang nægtet")
    LOGIN = "login", _("Logget ind")
    LOGIN_FAILED = "login_failed", _("Mislykket login")
    LOGOUT = "logout", _("Logget ud")


class AuditEntry(models.Model):
    """One access to, or change of, protected data, or one sign-in event.

    Rows are only ever inserted: database triggers refuse UPDATE and DELETE and
    chain each row to the one before it by hash, so an edit made around the
    application is detectable."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=AuditAction)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50, blank=True)
    # Kept apart so every look-up on one person can be extracted for them.
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    purpose = models.CharField(max_length=200, blank=True)
    # Set by a database trigger (migration 0002): the entry's place in the chain and
    # sha256(previous chain_hash || this row). `manage.py verify_audit` checks it.
    chain_seq = models.BigIntegerField(null=True, editable=False, unique=True)
    chain_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("revisionspost")
        verbose_name_plural = _("revisionsposter")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type}:{self.object_id}"
