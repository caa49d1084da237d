"""The audit trail is append-only and hash-chained; sign-in events are in it."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client

from accounts.models import User
from audit.chain import broken_links
from audit.models import AuditAction, AuditEntry, AuditLog, ChainHead
from concerns.models import Case
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def behind_the_applications_back(sql: str, params: list[str | int]) -> None:
    """What only a database superuser could do: change rows with the guard off."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # triggers off
        cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = DEFAULT")


def test_entries_cannot_be_changed_or_deleted(case: Case) -> None:
    entry = AuditEntry.objects.first()
    assert entry is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(purpose="rettet")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).purpose == entry.purpose


def test_intact_trail_verifies(case: Case, capsys: pytest.CaptureFixture[str]) -> None:
    assert AuditEntry.objects.count() >= 1
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_a_changed_entry_is_detected(case: Case, coordinator: User, client: Client) -> None:
    client.force_login(coordinator)
    client.get(f"/sager/{case.pk}/")
    target = AuditEntry.objects.order_by("id").first()
    assert target is not None
    behind_the_applications_back(
        "UPDATE audit_auditentry SET purpose = %s WHERE id = %s", ["skjult", target.pk]
    )
    assert [link.entry_id for link in broken_links()] == [target.pk]
    with pytest.raises(CommandError):
        call_command("verify_audit")


def test_a_removed_entry_is_detected(case: Case, coordinator: User, client: Client) -> None:
    client.force_login(coordinator)
    for _ in range(3):
        client.get(f"/sager/{case.pk}/")
    middle = AuditEntry.objects.filter(action=AuditAction.VIEW).order_by("chain_seq")[1]
    behind_the_applications_back("DELETE FROM audit_auditentry WHERE id = %s", [middle.pk])
    (link,) = broken_links()
    assert link.reason.startswith("gap")


def test_one_statement_of_entries_in_both_logs_chains_each_log_in_order() -> None:
    actions = [AuditAction.LIST, AuditAction.CREATE, AuditAction.VIEW, AuditAction.UPDATE] * 5
    AuditEntry.objects.bulk_create(
        AuditEntry(action=action, object_type="concerns.case", object_id=str(n))
        for n, action in enumerate(actions)
    )
    assert broken_links() == []
    for log, count in ((AuditLog.READ, 10), (AuditLog.ACTIVITY, 10)):
        entries = list(AuditEntry.objects.filter(log=log).order_by("chain_seq"))
        assert [e.chain_seq for e in entries] == list(range(1, count + 1))
        head = ChainHead.objects.get(log=log)
        assert (head.last_seq, head.last_hash) == (entries[-1].chain_seq, entries[-1].chain_hash)


def test_removing_the_newest_entries_is_detected_after_more_are_written() -> None:
    def write(count: int) -> None:
        AuditEntry.objects.bulk_create(
            AuditEntry(action=AuditAction.VIEW, object_type="concerns.case", object_id=str(n))
            for n in range(count)
        )

    write(5)
    newest = AuditEntry.objects.filter(log=AuditLog.READ).order_by("-chain_seq")[:2]
    behind_the_applications_back(
        "DELETE FROM audit_auditentry WHERE id IN (%s, %s)", [e.pk for e in newest]
    )
    write(3)
    (link,) = broken_links()
    assert (link.chain_seq, link.reason) == (6, "gap after 3")


def test_sign_in_events_are_recorded(client: Client, coordinator: User) -> None:
    client.post("/login/", {"username": coordinator.username, "password": "forkert"})
    client.post("/login/", {"username": "findes.ikke", "password": "forkert"})
    client.post("/login/", {"username": coordinator.username, "password": PASSWORD})
    client.post("/logout/")
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "user"))
    assert actions == [
        (AuditAction.LOGIN_FAILED, coordinator.pk),
        (AuditAction.LOGIN_FAILED, None),
        (AuditAction.LOGIN, coordinator.pk),
        (AuditAction.LOGOUT, coordinator.pk),
    ]
    assert not AuditEntry.objects.filter(purpose__icontains="forkert").exists()


def test_every_look_up_on_a_person_can_be_extracted(
    case: Case,
    other_case: Case,
    coordinator: User,
    client: Client,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client.force_login(coordinator)
    client.get("/sager/")
    client.get(f"/sager/{case.pk}/")
    call_command("person_lookups", str(case.person_id))
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0] == "tidspunkt,bruger,handling,objekt,formål"
    body = "\n".join(rows[1:])
    assert "Oprettet" in body and "Vist i liste" in body and "Læst" in body
    assert "sagsvisning" in body and "sagsliste" in body
    assert f"concerns.case:{other_case.pk}" not in body
