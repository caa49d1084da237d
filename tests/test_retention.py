"""Retention: ended cases are anonymised when their period has run out, a legal hold
stops the clock, and what is left still counts in the statistics."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.test import Client

from accounts.models import User
from audit.chain import broken_links
from audit.models import AuditEntry
from concerns import actions
from concerns.choices import ClosureReason, EventKind, NoteVisibility, Status
from concerns.models import (
    Case,
    CaseEvent,
    DeletionReceipt,
    Municipality,
    Note,
    Person,
    RetentionPolicy,
)
from concerns.retention import apply_retention, due_cases, months_before
from concerns.tasks import apply_retention as nightly_task
from reporting.facts import case_facts
from tests.conftest import make_case

pytestmark = pytest.mark.django_db


def history(model: str, pk: object) -> QuerySet[Any]:
    """The change history django-pghistory keeps of one row."""
    return apps.get_model("concerns", f"{model}History")._default_manager.filter(pgh_obj_id=pk)


TODAY = date(2031, 6, 15)
NAME = "Mikkel Hansen"
NOTE = "Mor fortæller om nye venner fra forummet."


def ended(case: Case, on: date, reason: str = ClosureReason.COMPLETED, **fields: object) -> Case:
    """A case closed on `on`: the clock of a time-travel test."""
    Case.objects.filter(pk=case.pk).update(
        status=Status.CLOSED, closure_reason=reason, closed_on=on, **fields
    )
    case.refresh_from_db()
    return case


def test_months_before_keeps_the_day_or_the_months_last() -> None:
    assert months_before(date(2031, 6, 15), 60) == date(2026, 6, 15)
    assert months_before(date(2031, 3, 31), 1) == date(2031, 2, 28)


def test_a_closed_case_goes_five_years_after_closure_not_before(
    coordinator: User, kbh: Municipality
) -> None:
    due = ended(make_case(coordinator, kbh), date(2026, 6, 15))
    not_yet = ended(make_case(coordinator, kbh, name="Anna"), date(2026, 6, 16))
    assert list(due_cases(TODAY)) == [due]
    apply_retention(TODAY)
    due.refresh_from_db()
    not_yet.refresh_from_db()
    assert due.anonymised_on == TODAY and not_yet.anonymised_on is None


def test_unfounded_and_cancelled_concerns_go_after_the_shorter_period(
    coordinator: User, kbh: Municipality
) -> None:
    assert settings.RETENTION_UNFOUNDED_MONTHS == 12
    unfounded = ended(make_case(coordinator, kbh), date(2030, 6, 15), ClosureReason.UNFOUNDED)
    recent = ended(make_case(coordinator, kbh, name="B"), date(2030, 6, 16), "unfounded")
    cancelled = make_case(coordinator, kbh, name="C")
    Case.objects.filter(pk=cancelled.pk).update(
        status=Status.CANCELLED, cancel_reason="Dublet", closed_on=date(2030, 1, 2)
    )
    assert set(due_cases(TODAY)) == {unfounded, cancelled}
    assert recent not in set(due_cases(TODAY))


def test_open_cases_are_never_due(coordinator: User, kbh: Municipality) -> None:
    case = make_case(coordinator, kbh)
    Case.objects.filter(pk=case.pk).update(closed_on=date(2001, 1, 1))  # status stays open
    assert not due_cases(TODAY).exists()


def test_a_municipality_sets_its_own_periods(
    coordinator: User, kbh: Municipality, other_coordinator: User, aarhus: Municipality
) -> None:
    RetentionPolicy.objects.create(municipality=kbh, years_after_closure=2, unfounded_months=3)
    kbh_case = ended(make_case(coordinator, kbh), date(2029, 6, 1))
    aarhus_case = ended(make_case(other_coordinator, aarhus), date(2029, 6, 1))
    assert list(due_cases(TODAY)) == [kbh_case]
    assert aarhus_case not in due_cases(TODAY + timedelta(days=365 * 2))


def test_a_legal_hold_stops_the_clock(coordinator: User, kbh: Municipality) -> None:
    case = ended(make_case(coordinator, kbh), date(2020, 1, 1))
    actions.set_legal_hold(case=case, by=coordinator, hold=True, reason="Klage til Ombudsmanden")
    assert not due_cases(TODAY).exists()
    apply_retention(TODAY)
    case.refresh_from_db()
    assert case.anonymised_on is None and case.description
    actions.set_legal_hold(case=case, by=coordinator, hold=False, reason="")
    assert list(due_cases(TODAY)) == [case]


def test_anonymisation_strips_personal_data_and_keeps_the_statistics(
    coordinator: User, kbh: Municipality
) -> None:
    case = make_case(coordinator, kbh, age_at_receipt=16, housing_area="Tingbjerg")
    actions.add_note(case=case, by=coordinator, visibility=NoteVisibility.SHARED, body=NOTE)
    actions.add_follow_up_action(
        case=case,
        by=coordinator,
        fields={
            "action_type": "mentor",
            "responsible_authority": "social",
            "responsible_person": "Jens Mentor",
            "status": "completed",
            "due_on": date(2025, 5, 17),
            "outcome": "Gik godt for Mikkel",
        },
    )
    ended(case, date(2025, 9, 23))
    facts_before = case_facts(date(2025, 1, 1), date(2025, 12, 31))

    (outcome,) = apply_retention(TODAY)

    case.refresh_from_db()
    person = Person.objects.get(cases=case)
    assert person.name != NAME and not person.cpr_encrypted and not person.cpr_hash
    assert person.date_of_birth == date(2009, 1, 1) and person.anonymised_on == TODAY
    assert case.description == "" and case.housing_area == ""
    assert not Note.objects.filter(case=case).exists()
    action = case.actions.get()
    assert (action.responsible_person, action.outcome) == ("", "")
    assert action.due_on == date(2025, 5, 1)
    assert (case.received_on, case.closed_on) == (date(2025, 3, 1), date(2025, 9, 1))
    assert case.age_at_receipt == 15  # the floor of the 15–17 band
    # Categorical fields stay, so the statistics of the period are unchanged.
    assert case.extremism_type and case.sender_type and case.status == Status.CLOSED
    assert case_facts(date(2025, 1, 1), date(2025, 12, 31)) == facts_before
    # The change history kept the old values; it is gone for this case and person.
    assert not history("Case", case.pk).exists()
    assert not history("Person", person.pk).exists()
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ANONYMISED).exists()
    assert (
        not CaseEvent.objects.filter(case=case)
        .exclude(kind=EventKind.ANONYMISED)
        .exclude(detail="")
        .exists()
    )

    receipt = outcome.receipt
    assert receipt is not None and DeletionReceipt.objects.get() == receipt
    assert receipt.case_number == case.number and receipt.ended_in == date(2025, 9, 1)
    assert receipt.removed["notes"] == 1 and receipt.removed["history_rows"] > 0
    text = str(DeletionReceipt.objects.values().get())
    for personal in (NAME, "0101091234", "Tingbjerg", NOTE, "Jens Mentor", "Lærer"):
        assert personal not in text
    assert AuditEntry.objects.filter(object_id=str(case.pk), purpose__startswith="anonym").exists()
    assert broken_links() == []


def test_the_person_stays_while_another_case_about_them_is_kept(
    coordinator: User, kbh: Municipality
) -> None:
    first = ended(make_case(coordinator, kbh), date(2020, 1, 1))
    second = make_case(coordinator, kbh)
    Case.objects.filter(pk=second.pk).update(person=first.person)
    apply_retention(TODAY)
    first.refresh_from_db()
    assert first.anonymised_on == TODAY
    assert Person.objects.get(cases=first).name == NAME


def test_receipts_and_history_cannot_be_changed(coordinator: User, kbh: Municipality) -> None:
    case = ended(make_case(coordinator, kbh), date(2020, 1, 1))
    apply_retention(TODAY)
    with pytest.raises(DatabaseError), transaction.atomic():
        DeletionReceipt.objects.update(rule="ingen")
    with pytest.raises(DatabaseError), transaction.atomic():
        DeletionReceipt.objects.all().delete()
    kept = make_case(coordinator, kbh, name="Kept")
    with pytest.raises(DatabaseError), transaction.atomic():
        history("Case", kept.pk).delete()
    # Forgetting a case's history is refused until the case has been anonymised.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT concerns_forget_case(%s)", [kept.pk])
    assert case.pk != kept.pk and history("Case", kept.pk).exists()


def test_dry_run_lists_and_changes_nothing(
    coordinator: User, kbh: Municipality, capsys: pytest.CaptureFixture[str]
) -> None:
    case = ended(make_case(coordinator, kbh), date(2020, 1, 1))
    call_command("apply_retention", "--dry-run", "--today", TODAY.isoformat())
    out = capsys.readouterr().out
    assert case.number in out and "1 case(s) would be anonymised" in out
    case.refresh_from_db()
    assert case.anonymised_on is None and not DeletionReceipt.objects.exists()
    call_command("apply_retention", "--today", TODAY.isoformat())
    assert "1 case(s) anonymised" in capsys.readouterr().out
    call_command("apply_retention", "--today", TODAY.isoformat())  # again: nothing left
    assert "0 case(s) anonymised" in capsys.readouterr().out


def test_the_nightly_job_is_scheduled_and_runs(coordinator: User, kbh: Municipality) -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"concerns.tasks.apply_retention", "audit.tasks.purge_read_log"} <= tasks
    case = ended(make_case(coordinator, kbh), date(2000, 1, 1))
    nightly_task()
    case.refresh_from_db()
    assert case.anonymised_on is not None


def test_ending_a_case_any_way_starts_its_clock(coordinator: User, kbh: Municipality) -> None:
    case = make_case(coordinator, kbh)
    actions.transition_case(case=case, to=Status.HANDED_TO_POLICE, by=coordinator)
    case.refresh_from_db()
    assert case.closed_on is not None


# --- Legal hold through the case page ---------------------------------------------


def test_owner_sets_and_lifts_a_legal_hold(client: Client, coordinator: User, case: Case) -> None:
    client.force_login(coordinator)
    response = client.post(f"/sager/{case.pk}/tilbagehold/", {"hold": "on", "reason": "Retssag"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.legal_hold and case.legal_hold_reason == "Retssag"
    page = client.get(f"/sager/{case.pk}/").content.decode()
    assert "Retssag" in page and "Ophæv tilbageholdet" in page
    assert CaseEvent.objects.filter(case=case, kind=EventKind.LEGAL_HOLD).exists()
    client.post(f"/sager/{case.pk}/tilbagehold/", {"hold": "off"})
    case.refresh_from_db()
    assert not case.legal_hold and case.legal_hold_reason == ""


def test_a_hold_without_reason_is_refused_and_keeps_the_input(
    client: Client, coordinator: User, case: Case
) -> None:
    client.force_login(coordinator)
    response = client.post(f"/sager/{case.pk}/tilbagehold/", {"hold": "on", "reason": "  "})
    assert response.status_code == 400
    assert "Skriv hvorfor sagen skal holdes tilbage." in response.content.decode()
    case.refresh_from_db()
    assert not case.legal_hold


def test_only_the_municipality_may_hold_a_case(
    client: Client, shared_case: Case, police: User, other_coordinator: User
) -> None:
    client.force_login(police)
    payload = {"hold": "on", "reason": "x"}
    assert client.post(f"/sager/{shared_case.pk}/tilbagehold/", payload).status_code == 403
    client.force_login(other_coordinator)
    assert client.post(f"/sager/{shared_case.pk}/tilbagehold/", payload).status_code == 404
    shared_case.refresh_from_db()
    assert not shared_case.legal_hold


def test_an_anonymised_case_can_be_read_but_not_added_to(
    client: Client, coordinator: User, kbh: Municipality
) -> None:
    case = ended(make_case(coordinator, kbh), date(2020, 1, 1))
    apply_retention(TODAY)
    client.force_login(coordinator)
    page = client.get(f"/sager/{case.pk}/").content.decode()
    assert NAME not in page and "Anonymiseret den" in page
    assert 'name="body"' not in page and "Del sagen" not in page
    note = {"visibility": NoteVisibility.SHARED, "body": "Mikkel Hansen er flyttet"}
    assert client.post(f"/sager/{case.pk}/notater/", note).status_code == 403
    assert client.post(f"/sager/{case.pk}/tilbagehold/", {"hold": "on"}).status_code == 403
    assert not Note.objects.filter(case=case).exists()


def test_the_statistics_keep_the_exact_values_that_anonymisation_coarsens(
    coordinator: User, kbh: Municipality
) -> None:
    from reporting.models import StatFact

    case = make_case(coordinator, kbh, age_at_receipt=17, assessed_on=date(2025, 4, 2))
    ended(case, date(2025, 9, 23))
    apply_retention(TODAY)
    case.refresh_from_db()
    assert (case.received_on, case.age_at_receipt) == (date(2025, 3, 1), 15)
    fact = StatFact.objects.get(case_id=case.pk)
    assert (fact.received_on, fact.age_band, fact.days_to_assessment) == (
        date(2025, 3, 14),
        "15-17",
        19,
    )
    assert fact.frozen
    Case.objects.filter(pk=case.pk).delete()
    assert StatFact.objects.filter(case_id=case.pk, received_on=date(2025, 3, 14)).exists()
