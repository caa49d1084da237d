"""The task list ("Mine opgaver") and the daily reminder e-mail about overdue
follow-up actions."""

import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AuditAction, AuditEntry
from concerns import actions, reminders
from concerns.choices import ActionStatus, Status
from concerns.models import Case, FollowUpAction, Municipality
from concerns.tasks import send_action_reminders
from concerns.workflow import TransitionInput
from tests.conftest import make_case, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assign(case: Case, to: User, due_in_days: int, **fields: Any) -> FollowUpAction:
    """An action on `case` assigned to `to`, due `due_in_days` from today."""
    return actions.add_follow_up_action(
        case=case,
        by=case.created_by,
        fields={
            "action_type": "mentor",
            "responsible_authority": "ssp",
            "assignee": to,
            "due_on": TODAY() + timedelta(days=due_in_days),
            **fields,
        },
    )


def case_numbers(page: str) -> set[str]:
    return set(re.findall(r"IH-\d{4}-\d{4}-\d{4}", page))


# --- The page --------------------------------------------------------------------------


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get("/opgaver/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("who", ["analyst", "administrator"])
def test_roles_without_case_work_get_404(who: str, request: pytest.FixtureRequest) -> None:
    assert login(request.getfixturevalue(who)).get("/opgaver/").status_code == 404


def test_the_menu_links_to_my_tasks(coordinator: User, police: User, analyst: User) -> None:
    for user in (coordinator, police):
        assert 'href="/opgaver/"' in login(user).get("/sager/").content.decode()
    page = login(analyst).get("/rapporter/").content.decode()
    assert 'href="/opgaver/"' not in page


def test_my_tasks_lists_overdue_and_upcoming_actions(
    case: Case, coordinator: User, other_coordinator: User, kbh: Municipality
) -> None:
    colleague = make_user("kollega.kbh", Role.COORDINATOR, kbh)
    overdue = assign(case, coordinator, -3, action_type="psychologist")
    later_case = make_case(coordinator, kbh, name="Anden Person")
    upcoming = assign(later_case, coordinator, 14, action_type="education")
    far_case = make_case(coordinator, kbh, name="Tredje Person")
    assign(far_case, coordinator, 15)  # beyond the 14 days
    done_case = make_case(coordinator, kbh, name="Fjerde Person")
    assign(done_case, coordinator, -5, status=ActionStatus.COMPLETED, outcome="Gennemført")
    theirs = make_case(coordinator, kbh, name="Femte Person")
    assign(theirs, colleague, -5)

    response = login(coordinator).get("/opgaver/")
    assert response.status_code == 200
    page = response.content.decode()
    assert case_numbers(page) == {case.number, later_case.number}
    overdue_section = page.split('id="overskredne"')[1].split('id="kommende"')[0]
    assert case.number in overdue_section and "Psykologhjælp" in overdue_section
    assert (TODAY() - timedelta(days=3)).strftime("%d.%m.%Y") in overdue_section
    assert "Planlagt" in overdue_section
    assert f'href="/sager/{case.pk}/"' in overdue_section
    assert f'href="/sager/{case.pk}/indsatser/{overdue.pk}/#indsats-redigering"' in page
    upcoming_section = page.split('id="kommende"')[1]
    assert later_case.number in upcoming_section and "Uddannelsesrettet indsats" in upcoming_section
    assert f"/indsatser/{upcoming.pk}/" in upcoming_section
    waiting = page.split('id="venter"')[1].split('id="overskredne"')[0]
    assert case_numbers(waiting) == {case.number}
    # Case numbers only: no person is named on the page.
    assert "Mikkel" not in page and "Anden Person" not in page
    assert case_numbers(login(other_coordinator).get("/opgaver/").content.decode()) == set()


def test_cases_waiting_count_their_overdue_actions(
    case: Case, coordinator: User, kbh: Municipality
) -> None:
    assign(case, coordinator, -10)
    assign(case, coordinator, -2, action_type="parent_coach")
    page = login(coordinator).get("/opgaver/").content.decode()
    waiting = page.split('id="venter"')[1].split('id="overskredne"')[0]
    row = waiting.split(case.number)[1].split("</tr>")[0]
    assert "<td>2</td>" in row
    assert (TODAY() - timedelta(days=10)).strftime("%d.%m.%Y") in row


def test_a_revoked_share_removes_the_case_from_my_tasks(
    shared_case: Case, coordinator: User, police: User
) -> None:
    assign(shared_case, police, -1, responsible_authority="police")
    assert shared_case.number in login(police).get("/opgaver/").content.decode()
    actions.revoke_share(share=shared_case.shares.get(), by=coordinator, reason="Afsluttet")
    assert shared_case.number not in login(police).get("/opgaver/").content.decode()


def test_a_cancelled_case_leaves_my_tasks(case: Case, coordinator: User) -> None:
    assign(case, coordinator, -1)
    actions.transition_case(
        case=case,
        to=Status.CANCELLED,
        by=coordinator,
        data=TransitionInput(cancel_reason="Oprettet ved en fejl"),
    )
    assert case.number not in login(coordinator).get("/opgaver/").content.decode()


def test_each_case_shown_is_audited_once(case: Case, coordinator: User, kbh: Municipality) -> None:
    other = make_case(coordinator, kbh, name="Anden Person")
    assign(case, coordinator, -1)
    assign(case, coordinator, 2)
    assign(other, coordinator, 5)
    login(coordinator).get("/opgaver/")
    entries = AuditEntry.objects.filter(user=coordinator, purpose="mine opgaver")
    assert sorted((e.action, e.object_type, e.object_id, e.person_id) for e in entries) == sorted(
        [
            (AuditAction.LIST, "concerns.case", str(case.pk), case.person_id),
            (AuditAction.LIST, "concerns.case", str(other.pk), other.person_id),
        ]
    )


def test_query_count_does_not_grow(
    coordinator: User, kbh: Municipality, django_assert_max_num_queries: Any
) -> None:
    client = login(coordinator)
    cases = [make_case(coordinator, kbh, name=f"Person {n}") for n in range(5)]
    for n in range(3):
        assign(cases[n], coordinator, n - 1)
    client.get("/opgaver/")  # fills the content-type cache
    with django_assert_max_num_queries(15) as few:
        assert client.get("/opgaver/").status_code == 200
    for n in range(17):
        assign(cases[n % 5], coordinator, (n % 20) - 8)
    with django_assert_max_num_queries(15) as many:
        page = client.get("/opgaver/").content.decode()
    assert page.count("/indsatser/") == 20
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Reminder e-mails ----------------------------------------------------------------------


@pytest.fixture
def with_emails(coordinator: User, police: User) -> None:
    User.objects.filter(pk=coordinator.pk).update(email="karen@kk.example")
    User.objects.filter(pk=police.pk).update(email="politi@politi.example")


@pytest.mark.usefixtures("with_emails")
def test_each_user_gets_one_mail_listing_their_overdue_actions(
    mailoutbox: list[mail.EmailMessage],
    shared_case: Case,
    coordinator: User,
    police: User,
    kbh: Municipality,
) -> None:
    other = make_case(coordinator, kbh, name="Anden Person")
    assign(shared_case, coordinator, -3, action_type="psychologist")
    assign(other, coordinator, -1, action_type="parent_coach")
    assign(other, coordinator, 2)  # not overdue yet
    assign(shared_case, police, -1, action_type="police_handling")

    run = reminders.send_overdue_reminders(TODAY())

    assert (run.sent, run.skipped, run.failed) == (2, 0, 0)
    by_recipient = {tuple(message.to): message for message in mailoutbox}
    assert set(by_recipient) == {("karen@kk.example",), ("politi@politi.example",)}
    body = str(by_recipient[("karen@kk.example",)].body)
    assert case_numbers(body) == {shared_case.number, other.number}
    assert "Psykologhjælp" in body and "Forældre-/pårørendecoach" in body
    assert (TODAY() - timedelta(days=3)).strftime("%d.%m.%Y") in body
    police_body = str(by_recipient[("politi@politi.example",)].body)
    assert case_numbers(police_body) == {shared_case.number}
    assert by_recipient[("karen@kk.example",)].from_email == settings.DEFAULT_FROM_EMAIL
    assert AuditEntry.objects.filter(
        user=coordinator, action=AuditAction.LIST, object_id=str(other.pk)
    ).exists()
    # A repeated or retried run the same day sends nothing more; the next day does.
    assert reminders.send_overdue_reminders(TODAY()).sent == 0
    assert len(mailoutbox) == 2
    assert reminders.send_overdue_reminders(TODAY() + timedelta(days=1)).sent == 2


@pytest.mark.usefixtures("with_emails")
def test_the_mail_holds_no_person_data_or_free_text(
    mailoutbox: list[mail.EmailMessage], case: Case, coordinator: User
) -> None:
    assign(
        case,
        coordinator,
        -1,
        responsible_person="Mentor Møller",
        legal_basis="Serviceloven § 12 b",
        status=ActionStatus.IN_PROGRESS,
        outcome="Første samtale holdt",
    )
    reminders.send_overdue_reminders(TODAY())
    [message] = mailoutbox
    text = f"{message.subject}\n{message.body}"
    assert case.number in text
    person = case.person
    assert person is not None
    for secret in (
        person.name,
        "Mikkel",
        "Hansen",
        "0101091234",
        "010109",
        case.description,
        "Mentor Møller",
        "Første samtale holdt",
        "Serviceloven",
        "Karen",
    ):
        assert secret not in text, secret


@pytest.mark.usefixtures("with_emails")
def test_a_revoked_share_stops_the_reminders(
    mailoutbox: list[mail.EmailMessage], shared_case: Case, coordinator: User, police: User
) -> None:
    assign(shared_case, police, -1, responsible_authority="police")
    actions.revoke_share(share=shared_case.shares.get(), by=coordinator, reason="Afsluttet")
    run = reminders.send_overdue_reminders(TODAY())
    assert mailoutbox == [] and run.sent == 0


@pytest.mark.usefixtures("with_emails")
def test_users_without_address_or_inactive_are_skipped(
    mailoutbox: list[mail.EmailMessage], case: Case, coordinator: User, kbh: Municipality
) -> None:
    no_address = make_user("uden.email", Role.COORDINATOR, kbh)
    inactive = make_user("stoppet", Role.COORDINATOR, kbh, email="stoppet@kk.example")
    assign(case, no_address, -1)
    assign(case, inactive, -1)
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    assign(case, coordinator, -1)
    run = reminders.send_overdue_reminders(TODAY())
    assert [message.to for message in mailoutbox] == [["karen@kk.example"]]
    assert (run.sent, run.skipped) == (1, 2)


@pytest.mark.usefixtures("with_emails")
def test_a_failed_mail_does_not_stop_the_others(
    mailoutbox: list[mail.EmailMessage],
    shared_case: Case,
    coordinator: User,
    police: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assign(shared_case, coordinator, -1)
    assign(shared_case, police, -1)
    original = mail.EmailMessage.send

    def send(message: mail.EmailMessage, fail_silently: bool = False) -> int:
        if message.to == ["karen@kk.example"]:
            raise ConnectionRefusedError("smtp down")
        return original(message, fail_silently)

    monkeypatch.setattr(mail.EmailMessage, "send", send)
    run = reminders.send_overdue_reminders(TODAY())
    assert (run.sent, run.failed) == (1, 1)
    assert [message.to for message in mailoutbox] == [["politi@politi.example"]]


def test_the_daily_task_is_scheduled_and_runs(
    mailoutbox: list[mail.EmailMessage],
    case: Case,
    coordinator: User,
    caplog: pytest.LogCaptureFixture,
) -> None:
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "concerns.tasks.send_action_reminders" in schedule
    User.objects.filter(pk=coordinator.pk).update(email="karen@kk.example")
    assign(case, coordinator, -2)
    with caplog.at_level(logging.INFO, logger="concerns.tasks"):
        send_action_reminders.apply().get()
    assert len(mailoutbox) == 1
    [entry] = [r for r in caplog.records if r.getMessage() == "action reminders sent"]
    assert (entry.sent, entry.skipped, entry.failed) == (1, 0, 0)  # type: ignore[attr-defined]
    logged = " ".join(str(value) for value in vars(entry).values())
    assert "Mikkel" not in logged and case.number not in logged and "karen@" not in logged


def test_reminders_are_relative_to_the_given_day(
    mailoutbox: list[mail.EmailMessage], case: Case, coordinator: User
) -> None:
    User.objects.filter(pk=coordinator.pk).update(email="karen@kk.example")
    assign(case, coordinator, 3)
    assert reminders.send_overdue_reminders(TODAY()).sent == 0
    assert reminders.send_overdue_reminders(TODAY() + timedelta(days=4)).sent == 1
