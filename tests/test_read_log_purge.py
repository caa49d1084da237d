"""Read-log entries are purged after AUDIT_READ_LOG_MONTHS without breaking the hash
chains; the activity log stays; tampering is still found after a purge."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.chain import broken_links
from audit.models import AuditAction, AuditEntry, AuditLog, ReadLogPurge
from audit.purge import purge_read_log
from audit.tasks import purge_read_log as nightly_task

pytestmark = pytest.mark.django_db


def entry(action: AuditAction, days_ago: int) -> AuditEntry:
    return AuditEntry.objects.create(
        at=timezone.now() - timedelta(days=days_ago),
        action=action,
        object_type="concerns.case",
        object_id="1",
        person_id=7,
    )


def test_reads_older_than_the_period_go_and_the_chains_still_verify() -> None:
    assert settings.AUDIT_READ_LOG_MONTHS == 6
    old_reads = [entry(AuditAction.VIEW, 200), entry(AuditAction.LIST, 190)]
    old_change = entry(AuditAction.UPDATE, 200)
    recent = [entry(AuditAction.VIEW, 10), entry(AuditAction.DOWNLOAD, 1)]
    assert {e.log for e in AuditEntry.objects.all()} == {AuditLog.READ, AuditLog.ACTIVITY}

    assert purge_read_log() == 2

    remaining = set(AuditEntry.objects.values_list("pk", flat=True))
    assert not remaining & {e.pk for e in old_reads}
    assert {old_change.pk, *(e.pk for e in recent)} <= remaining
    purge = ReadLogPurge.objects.get()
    assert (purge.up_to_seq, purge.purged) == (2, 2)
    assert broken_links() == []
    assert purge_read_log() == 0  # nothing more is old enough
    entry(AuditAction.VIEW, 0)
    assert broken_links() == []


def test_a_read_log_purged_to_the_end_goes_on_chaining() -> None:
    entry(AuditAction.VIEW, 400)
    assert purge_read_log() == 1
    assert not AuditEntry.objects.filter(log=AuditLog.READ).exists()
    assert broken_links() == []
    newest = entry(AuditAction.VIEW, 0)
    newest.refresh_from_db()
    assert newest.chain_seq == 2 and broken_links() == []


def test_tampering_is_still_detected_after_a_purge(capsys: pytest.CaptureFixture[str]) -> None:
    entry(AuditAction.VIEW, 400)
    kept = [entry(AuditAction.VIEW, 3), entry(AuditAction.VIEW, 2), entry(AuditAction.VIEW, 1)]
    purge_read_log()
    with connection.cursor() as cursor:  # what only a superuser could do
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [kept[2].pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    (link,) = broken_links()
    assert link.entry_id is None and "chain head" in link.reason  # the newest went missing
    with pytest.raises(Exception, match="broken"):
        call_command("verify_audit")


def test_the_purge_keeps_at_least_thirty_days_and_only_reads_go() -> None:
    entry(AuditAction.VIEW, 400)
    with pytest.raises(DatabaseError), transaction.atomic():
        purge_read_log(months=0)
    activity = entry(AuditAction.LOGIN, 400)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=activity.pk).delete()
    assert AuditEntry.objects.count() == 2


def test_the_nightly_purge_runs() -> None:
    entry(AuditAction.VIEW, 400)
    nightly_task()
    assert not AuditEntry.objects.exists()
