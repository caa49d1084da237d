"""Meetings through HTTP: scheduling, participants, the agenda, the assessment over
CDE's nine dimensions and agreements, for the municipality's coordinators only."""

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from accounts.models import Role, User
from audit.models import AuditAction, AuditEntry
from concerns import actions
from concerns.choices import (
    ActionStatus,
    AssessmentOutcome,
    Dimension,
    EventKind,
    MeetingKind,
    Status,
)
from concerns.models import Assessment, Case, CaseEvent, FollowUpAction, Meeting, Municipality
from tests.conftest import make_case, make_user

pytestmark = pytest.mark.django_db


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def schedule(by: User, municipality: Municipality, **fields: Any) -> Meeting:
    fields = {"kind": MeetingKind.ANALYSIS, "held_on": date(2025, 4, 1), **fields}
    return actions.schedule_meeting(by=by, municipality=municipality, **fields)


@pytest.fixture
def meeting(coordinator: User, kbh: Municipality) -> Meeting:
    return schedule(coordinator, kbh)


@pytest.fixture
def agenda_meeting(meeting: Meeting, case: Case, coordinator: User) -> Meeting:
    """The København meeting with the København case on its agenda."""
    actions.attach_case_to_meeting(meeting=meeting, case=case, by=coordinator)
    return meeting


def assessment_data(**overrides: str | list[str]) -> dict[str, Any]:
    """A complete assessment: words for both sides of all nine dimensions."""
    data: dict[str, Any] = {
        "main_problems": "Isolation og optagethed af voldelig propaganda.",
        "main_resources": "Tæt kontakt til morbror og god skolegang.",
        "focus_dimensions": [Dimension.NETWORK, Dimension.EDUCATION],
        "outcome": AssessmentOutcome.PREVENTIVE,
        "overall_assessment": "Begrundet bekymring; mentorforløb anbefales.",
    }
    for dimension in Dimension:
        data[f"{dimension.value}_concerns"] = f"Bekymring om {dimension.label}"
        data[f"{dimension.value}_resources"] = f"Ressource i {dimension.label}"
    data.update(overrides)
    return data


def agreement_data(**overrides: Any) -> dict[str, Any]:
    return {
        "action_type": "mentor",
        "responsible_authority": "ssp",
        "responsible_person": "Jens SSP",
        "due_on": "2025-06-01",
        **overrides,
    }


# --- The whole flow --------------------------------------------------------------------


def test_coordinator_runs_a_meeting_from_schedule_to_agreement(
    client: Client, coordinator: User, kbh: Municipality, case: Case
) -> None:
    Case.objects.filter(pk=case.pk).update(status=Status.READY_FOR_MEETING)
    login(client, coordinator)
    assert client.get("/moeder/ny/").status_code == 200

    response = client.post(
        "/moeder/ny/", {"municipality": kbh.pk, "kind": "analysis", "held_on": "2025-04-01"}
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/moeder/{meeting.pk}/"
    assert (meeting.municipality, meeting.kind, meeting.created_by) == (
        kbh,
        "analysis",
        coordinator,
    )

    base = f"/moeder/{meeting.pk}"
    for authority, role in (("social_services", "Sagsbehandler"), ("police", "Tovholder")):
        response = client.post(f"{base}/deltagere/", {"authority": authority, "role": role})
        assert response.status_code == 302
    extra = meeting.participants.create(authority="other", role="Fejl")
    assert client.post(f"{base}/deltagere/{extra.pk}/fjern/").status_code == 302
    assert sorted(meeting.participants.values_list("authority", flat=True)) == [
        "police",
        "social_services",
    ]

    assert client.post(f"{base}/sager/", {"case": case.pk}).status_code == 302
    assert list(meeting.cases.all()) == [case]
    page = client.get(f"{base}/").content.decode()
    assert "Socialforvaltning" in page and "Tovholder" in page
    assert f'href="/sager/{case.pk}/"' in page and "Mikkel Hansen" in page

    assessment_url = f"{base}/sager/{case.pk}/vurdering/"
    assert client.get(assessment_url).status_code == 200
    response = client.post(assessment_url, assessment_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    assessment = Assessment.objects.get(meeting=meeting, case=case)
    assert set(assessment.dimensions) == set(Dimension.values)
    assert assessment.dimensions["family"] == {
        "concerns": "Bekymring om Familie",
        "resources": "Ressource i Familie",
    }
    assert assessment.focus_dimensions == ["network", "education"]
    case.refresh_from_db()
    assert case.assessment_outcome == AssessmentOutcome.PREVENTIVE
    assert case.assessed_on == date(2025, 4, 1)
    assert case.overall_assessment == "Begrundet bekymring; mentorforløb anbefales."

    response = client.post(f"{base}/sager/{case.pk}/aftaler/", agreement_data())
    assert response.status_code == 302
    agreement = FollowUpAction.objects.get(case=case)
    assert agreement.meeting == meeting and agreement.due_on == date(2025, 6, 1)

    # The case can now be assessed, and the agreement is a follow-up action on it.
    assert client.post(f"/sager/{case.pk}/status/", {"to": Status.ASSESSED}).status_code == 302
    case_page = client.get(f"/sager/{case.pk}/").content.decode()
    assert "Mentorforløb" in case_page and "01.06.2025" in case_page and "Jens SSP" in case_page
    assert "Sat på dagsordenen" in case_page


def test_attaching_assessing_and_agreeing_write_timeline_and_audit(
    client: Client, coordinator: User, meeting: Meeting, case: Case
) -> None:
    login(client, coordinator)
    base = f"/moeder/{meeting.pk}/sager"
    client.post(f"{base}/", {"case": case.pk})
    client.post(f"{base}/{case.pk}/vurdering/", assessment_data())
    client.post(f"{base}/{case.pk}/aftaler/", agreement_data())
    kinds = list(
        CaseEvent.objects.filter(case=case, actor=coordinator)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        EventKind.CREATED,
        EventKind.MEETING,
        EventKind.MEETING,
        EventKind.ACTION_ADDED,
    ]
    audited = AuditEntry.objects.filter(user=coordinator, person_id=case.person_id)
    assert audited.filter(action=AuditAction.UPDATE, object_id=str(case.pk)).count() == 2
    assert audited.filter(action=AuditAction.CREATE, object_type="concerns.followupaction").exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="concerns.meeting", object_id=str(meeting.pk)
    ).exists()


# --- Reading is audited ----------------------------------------------------------------


def test_meeting_page_logs_each_case_shown(
    client: Client, coordinator: User, agenda_meeting: Meeting, case: Case, kbh: Municipality
) -> None:
    second = make_case(coordinator, kbh, name="Anna Berg")
    actions.attach_case_to_meeting(meeting=agenda_meeting, case=second, by=coordinator)
    login(client, coordinator).get(f"/moeder/{agenda_meeting.pk}/")
    listed = AuditEntry.objects.filter(user=coordinator, action=AuditAction.LIST)
    assert sorted(listed.values_list("object_id", "person_id")) == sorted(
        [(str(case.pk), case.person_id), (str(second.pk), second.person_id)]
    )


def test_assessment_page_logs_a_view_of_the_case(
    client: Client, coordinator: User, agenda_meeting: Meeting, case: Case
) -> None:
    url = f"/moeder/{agenda_meeting.pk}/sager/{case.pk}/vurdering/"
    assert login(client, coordinator).get(url).status_code == 200
    assert AuditEntry.objects.filter(
        user=coordinator, action=AuditAction.VIEW, object_id=str(case.pk), person_id=case.person_id
    ).exists()


# --- The permission ladder -----------------------------------------------------------------


def meeting_urls(meeting: Meeting, case: Case) -> list[str]:
    return [
        f"/moeder/{meeting.pk}/",
        f"/moeder/{meeting.pk}/sager/{case.pk}/vurdering/",
    ]


def test_anonymous_is_sent_to_login(agenda_meeting: Meeting, case: Case) -> None:
    for url in ["/moeder/", "/moeder/ny/", *meeting_urls(agenda_meeting, case)]:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("who", ["police", "analyst", "administrator"])
def test_only_coordinators_reach_meetings(
    client: Client, who: str, request: pytest.FixtureRequest, shared_case: Case, meeting: Meeting
) -> None:
    actions.attach_case_to_meeting(
        meeting=meeting, case=shared_case, by=request.getfixturevalue("coordinator")
    )
    login(client, request.getfixturevalue(who))
    for url in ["/moeder/", "/moeder/ny/", *meeting_urls(meeting, shared_case)]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Mikkel" not in response.content.decode()
    response = client.post(f"/moeder/{meeting.pk}/deltagere/", {"authority": "ssp"})
    assert response.status_code == 404
    assert not meeting.participants.exists()
    assert 'href="/moeder/"' not in client.get("/login/kode/").content.decode()


def test_coordinators_have_meetings_in_the_menu(client: Client, coordinator: User) -> None:
    assert 'href="/moeder/"' in login(client, coordinator).get("/sager/").content.decode()


def test_coordinator_of_another_municipality_gets_404_everywhere(
    client: Client, other_coordinator: User, agenda_meeting: Meeting, case: Case, other_case: Case
) -> None:
    login(client, other_coordinator)
    for url in meeting_urls(agenda_meeting, case):
        assert client.get(url).status_code == 404
    assert "Analysemøde" not in client.get("/moeder/").content.decode()
    events_before = CaseEvent.objects.count()
    base = f"/moeder/{agenda_meeting.pk}"
    writes = {
        f"{base}/sager/": {"case": other_case.pk},
        f"{base}/sager/{case.pk}/fjern/": {},
        f"{base}/sager/{case.pk}/vurdering/": assessment_data(),
        f"{base}/sager/{case.pk}/aftaler/": agreement_data(),
        f"{base}/deltagere/": {"authority": "ssp"},
        f"{base}/ret/": {"kind": "follow_up", "held_on": "2025-05-01"},
    }
    for url, data in writes.items():
        assert client.post(url, data).status_code == 404, url
    assert list(agenda_meeting.cases.all()) == [case]
    assert CaseEvent.objects.count() == events_before
    assert not Assessment.objects.exists() and not FollowUpAction.objects.exists()
    assert AuditEntry.objects.filter(user=other_coordinator, action=AuditAction.DENIED).exists()


def test_a_case_of_another_municipality_cannot_be_attached(
    client: Client, coordinator: User, meeting: Meeting, other_case: Case
) -> None:
    events_before = CaseEvent.objects.count()
    response = login(client, coordinator).post(
        f"/moeder/{meeting.pk}/sager/", {"case": other_case.pk}
    )
    assert response.status_code == 400
    assert 'id="attach-case_error"' in response.content.decode()
    assert not meeting.cases.exists()
    assert CaseEvent.objects.count() == events_before


def test_coordinator_of_two_municipalities_attaches_only_the_meetings_own(
    client: Client, kbh: Municipality, aarhus: Municipality, coordinator: User
) -> None:
    both = make_user("koordinator.begge", Role.COORDINATOR, kbh, aarhus)
    aarhus_case = make_case(both, aarhus, name="Sofie Aarhus-Jensen")
    kbh_case = make_case(both, kbh)
    meeting = schedule(both, kbh)
    login(client, both)
    page = client.get(f"/moeder/{meeting.pk}/").content.decode()
    assert kbh_case.number in page and aarhus_case.number not in page
    assert client.post(f"/moeder/{meeting.pk}/sager/", {"case": aarhus_case.pk}).status_code == 400
    assert not meeting.cases.exists()


def test_a_case_not_on_the_agenda_has_no_assessment_page(
    client: Client, coordinator: User, meeting: Meeting, case: Case
) -> None:
    login(client, coordinator)
    assert client.get(f"/moeder/{meeting.pk}/sager/{case.pk}/vurdering/").status_code == 404
    response = client.post(f"/moeder/{meeting.pk}/sager/{case.pk}/aftaler/", agreement_data())
    assert response.status_code == 404
    assert not FollowUpAction.objects.exists()


@pytest.mark.parametrize(
    "path", ["ny/", "{pk}/ret/", "{pk}/deltagere/", "{pk}/sager/", "{pk}/sager/{case}/aftaler/"]
)
def test_writes_refuse_get(
    client: Client, coordinator: User, agenda_meeting: Meeting, case: Case, path: str
) -> None:
    url = "/moeder/" + path.format(pk=agenda_meeting.pk, case=case.pk)
    expected = 200 if path == "ny/" else 405  # scheduling has a form page of its own
    assert login(client, coordinator).get(url).status_code == expected


# --- Refused input is kept ----------------------------------------------------------------


def test_bad_schedule_keeps_the_input(client: Client, coordinator: User) -> None:
    response = login(client, coordinator).post(
        "/moeder/ny/", {"kind": "follow_up", "held_on": "31.02.2025"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="31.02.2025"' in page
    assert 'value="follow_up" class="form-radio" id="meeting-kind_1" checked' in page or (
        "checked" in page.split('value="follow_up"')[1][:80]
    )
    assert 'id="meeting-held_on_error"' in page
    assert not Meeting.objects.exists()


def test_refused_assessment_keeps_every_word(
    client: Client, coordinator: User, agenda_meeting: Meeting, case: Case
) -> None:
    url = f"/moeder/{agenda_meeting.pk}/sager/{case.pk}/vurdering/"
    data = assessment_data(outcome="", overall_assessment="")
    events_before = CaseEvent.objects.count()
    response = login(client, coordinator).post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bekymring om Kriminel historik" in page and "Ressource i Personlighed" in page
    assert 'id="assessment-outcome_error"' in page
    assert 'id="assessment-overall_assessment_error"' in page
    assert not Assessment.objects.exists()
    assert CaseEvent.objects.count() == events_before


def test_refused_agreement_keeps_the_input(
    client: Client, coordinator: User, agenda_meeting: Meeting, case: Case
) -> None:
    url = f"/moeder/{agenda_meeting.pk}/sager/{case.pk}/aftaler/"
    login(client, coordinator)
    response = client.post(url, agreement_data(due_on=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Jens SSP"' in page and 'id="agreement-due_on_error"' in page
    before_meeting = client.post(url, agreement_data(due_on="2025-03-01"))
    assert before_meeting.status_code == 400
    assert "før mødet" in before_meeting.content.decode()
    assert not FollowUpAction.objects.exists()


def test_an_agreement_is_assigned_only_within_the_municipality(
    client: Client,
    coordinator: User,
    other_coordinator: User,
    kbh: Municipality,
    agenda_meeting: Meeting,
    case: Case,
) -> None:
    colleague = make_user("kollega.kbh", Role.COORDINATOR, kbh, first_name="Lone")
    url = f"/moeder/{agenda_meeting.pk}/sager/{case.pk}/aftaler/"
    login(client, coordinator)
    page = client.get(f"/moeder/{agenda_meeting.pk}/sager/{case.pk}/vurdering/").content.decode()
    assert "Lone" in page and other_coordinator.username not in page
    refused = client.post(url, agreement_data(assignee=other_coordinator.pk))
    assert refused.status_code == 400 and not FollowUpAction.objects.exists()
    assert client.post(url, agreement_data(assignee=colleague.pk)).status_code == 302
    assert FollowUpAction.objects.get().assignee == colleague


def test_refused_participant_keeps_the_role_with_and_without_htmx(
    client: Client, coordinator: User, meeting: Meeting
) -> None:
    url = f"/moeder/{meeting.pk}/deltagere/"
    login(client, coordinator)
    page = client.post(url, {"authority": "", "role": "Mødeleder"})
    assert page.status_code == 400
    assert 'value="Mødeleder"' in page.content.decode() and "<html" in page.content.decode()
    fragment = client.post(url, {"authority": "", "role": "Mødeleder"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 400
    body = fragment.content.decode()
    assert 'value="Mødeleder"' in body and "<html" not in body
    assert 'id="participant-authority_error"' in body
    assert not meeting.participants.exists()


def test_htmx_redraws_only_the_participants(
    client: Client, coordinator: User, meeting: Meeting
) -> None:
    login(client, coordinator)
    url = f"/moeder/{meeting.pk}/deltagere/"
    added = client.post(url, {"authority": "ssp", "role": "Konsulent"}, HTTP_HX_REQUEST="true")
    assert added.status_code == 200
    body = added.content.decode()
    assert body.lstrip().startswith("<section") and "SSP" in body and "Konsulent" in body
    participant = meeting.participants.get()
    removed = client.post(f"{url}{participant.pk}/fjern/", HTTP_HX_REQUEST="true")
    assert removed.status_code == 200 and not meeting.participants.exists()


def test_an_assessed_case_stays_on_the_agenda(
    client: Client, coordinator: User, agenda_meeting: Meeting, case: Case
) -> None:
    login(client, coordinator)
    base = f"/moeder/{agenda_meeting.pk}/sager/{case.pk}"
    client.post(f"{base}/vurdering/", assessment_data())
    response = client.post(f"{base}/fjern/")
    assert response.status_code == 400
    assert "kan ikke tages af" in response.content.decode()
    assert list(agenda_meeting.cases.all()) == [case]


def test_a_case_taken_off_the_agenda_says_so_on_its_timeline(
    client: Client, coordinator: User, agenda_meeting: Meeting, case: Case
) -> None:
    response = login(client, coordinator).post(
        f"/moeder/{agenda_meeting.pk}/sager/{case.pk}/fjern/"
    )
    assert response.status_code == 302
    assert not agenda_meeting.cases.exists()
    assert case.events.filter(kind=EventKind.MEETING, detail__startswith="Taget af").exists()


def test_coordinator_reschedules_and_a_bad_date_is_kept(
    client: Client, coordinator: User, meeting: Meeting
) -> None:
    url = f"/moeder/{meeting.pk}/ret/"
    login(client, coordinator)
    refused = client.post(url, {"kind": "follow_up", "held_on": "i morgen"})
    assert refused.status_code == 400
    assert 'value="i morgen"' in refused.content.decode()
    assert client.post(url, {"kind": "follow_up", "held_on": "2025-04-08"}).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.kind, meeting.held_on) == (MeetingKind.FOLLOW_UP, date(2025, 4, 8))
    assert AuditEntry.objects.filter(
        user=coordinator, action=AuditAction.UPDATE, object_type="concerns.meeting"
    ).exists()


# --- Editing an assessment -------------------------------------------------------------------


def test_an_existing_assessment_is_prefilled_and_updated_in_place(
    client: Client, coordinator: User, agenda_meeting: Meeting, case: Case
) -> None:
    url = f"/moeder/{agenda_meeting.pk}/sager/{case.pk}/vurdering/"
    login(client, coordinator)
    client.post(url, assessment_data())
    page = client.get(url).content.decode()
    assert "Bekymring om Netværk og fritid" in page
    assert "Begrundet bekymring; mentorforløb anbefales." in page
    assert "checked" in page.split('value="preventive"')[1][:80]
    assert "checked" in page.split('value="network"')[1][:80]
    changed = assessment_data(violence_concerns="Ingen tegn på voldsparathed.")
    assert client.post(url, changed).status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.dimensions["violence"]["concerns"] == "Ingen tegn på voldsparathed."


def test_the_assessment_has_no_score(
    client: Client, coordinator: User, agenda_meeting: Meeting, case: Case
) -> None:
    url = f"/moeder/{agenda_meeting.pk}/sager/{case.pk}/vurdering/"
    page = login(client, coordinator).get(url).content.decode()
    assert 'type="number"' not in page and 'type="range"' not in page
    assert page.count("<textarea") == 2 * len(Dimension) + 3
    for dimension in Dimension:
        assert str(dimension.label) in page


def test_an_anonymised_case_cannot_be_assessed(
    client: Client, coordinator: User, agenda_meeting: Meeting, case: Case
) -> None:
    Case.objects.filter(pk=case.pk).update(anonymised_on=date(2025, 5, 1))
    url = f"/moeder/{agenda_meeting.pk}/sager/{case.pk}/vurdering/"
    login(client, coordinator)
    assert client.post(url, assessment_data()).status_code == 403
    assert not Assessment.objects.exists()


# --- The list ----------------------------------------------------------------------------


def test_list_splits_upcoming_and_past_with_case_counts(
    client: Client, coordinator: User, kbh: Municipality, case: Case, other_coordinator: User
) -> None:
    today = date.today()
    past = schedule(coordinator, kbh, held_on=today - timedelta(days=30))
    actions.attach_case_to_meeting(meeting=past, case=case, by=coordinator)
    schedule(coordinator, kbh, kind=MeetingKind.FOLLOW_UP, held_on=today + timedelta(days=7))
    schedule(other_coordinator, Municipality.objects.get(code="0751"), held_on=today)
    page = login(client, coordinator).get("/moeder/").content.decode()
    upcoming, _, previous = page.partition('id="past-heading"')
    assert "Opfølgningsmøde" in upcoming and past.held_on.strftime("%d.%m.%Y") in previous
    assert f'href="/moeder/{past.pk}/"' in previous
    listed = re.findall(r'href="/moeder/(\d+)/"', page)
    assert len(listed) == 2  # not Aarhus's meeting
    case_counts = re.findall(r"<td>(\d+)</td>", previous)
    assert case_counts == ["1"]


def test_list_query_count_does_not_grow(
    client: Client, coordinator: User, kbh: Municipality, django_assert_max_num_queries: Any
) -> None:
    login(client, coordinator)
    schedule(coordinator, kbh)
    client.get("/moeder/")
    with django_assert_max_num_queries(15) as few:
        assert client.get("/moeder/").status_code == 200
    for day in range(1, 12):
        meeting = schedule(coordinator, kbh, held_on=date(2025, 5, day))
        actions.attach_case_to_meeting(
            meeting=meeting, case=make_case(coordinator, kbh), by=coordinator
        )
        schedule(coordinator, kbh, held_on=date.today() + timedelta(days=day))
    with django_assert_max_num_queries(15) as many:
        assert client.get("/moeder/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_meeting_page_query_count_does_not_grow(
    client: Client,
    coordinator: User,
    kbh: Municipality,
    agenda_meeting: Meeting,
    case: Case,
    django_assert_max_num_queries: Any,
) -> None:
    login(client, coordinator)
    url = f"/moeder/{agenda_meeting.pk}/"
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    actions.record_assessment(
        meeting=agenda_meeting, case=case, by=coordinator, outcome=AssessmentOutcome.PREVENTIVE
    )
    for n in range(8):
        other = make_case(coordinator, kbh, name=f"Person {n}")
        actions.attach_case_to_meeting(meeting=agenda_meeting, case=other, by=coordinator)
        actions.add_meeting_participant(
            meeting=agenda_meeting, by=coordinator, authority="ssp", role=f"Rolle {n}"
        )
        actions.record_agreement(
            meeting=agenda_meeting,
            case=other,
            by=coordinator,
            fields={
                "action_type": "mentor",
                "responsible_authority": "ssp",
                "due_on": date(2025, 6, 1),
                "assignee": coordinator,
                "status": ActionStatus.PLANNED,
            },
        )
        make_case(coordinator, kbh, name=f"Ikke på dagsordenen {n}")
    with django_assert_max_num_queries(20) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
