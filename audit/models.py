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


class AuditLog(models.TextChoices):
    """Two logs, each with its own hash chain, because they are kept for different
    periods: reads are purged after AUDIT_READ_LOG_MONTHS, activity is kept."""

    READ = "read", _("Læselog")
    ACTIVITY = "activity", _("Aktivitetslog")


# Must match `audit_log_of()` in migration 0003, which sorts entries into logs.
READ_ACTIONS = frozenset({AuditAction.VIEW, AuditAction.LIST, AuditAction.DOWNLOAD})


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
    # Set by a database trigger (migrations 0003, 0005): the log the entry belongs to, its
    # place in that log's chain and sha256(previous chain_hash || this row).
    # `manage.py verify_audit` checks the chains.
    log = models.CharField(max_length=10, choices=AuditLog, editable=False, blank=True)
    chain_seq = models.BigIntegerField(null=True, editable=False)
    chain_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["log", "chain_seq"], name="one_place_per_chain"),
        ]
        verbose_name = _("revisionspost")
        verbose_name_plural = _("revisionsposter")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type}:{self.object_id}"


class ChainHead(models.Model):
    """The last link of each log's chain, moved by a trigger after each INSERT of
    entries. It makes the removal of the newest entries detectable, and lets the read
    log's chain go on after a purge has removed every entry in it."""

    log = models.CharField(max_length=10, choices=AuditLog, primary_key=True)
    last_seq = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("kædeled")
        verbose_name_plural = _("kædeled")

    def __str__(self) -> str:
        return f"{self.log} {self.last_seq}"


class ReadLogPurge(models.Model):
    """One purge of read-log entries older than the retention period. The hash of the
    last purged entry anchors the chain of the entries that remain."""

    at = models.DateTimeField(_("tidspunkt"))
    cutoff = models.DateTimeField(_("slettet før"))
    up_to_seq = models.BigIntegerField(_("til og med kædeposition"))
    up_to_hash = models.CharField(max_length=64)
    purged = models.PositiveIntegerField(_("antal slettede"))

    class Meta:
        ordering = ["-up_to_seq"]
        verbose_name = _("sletning af læselog")
        verbose_name_plural = _("sletninger af læselog")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d}: {self.purged}"
