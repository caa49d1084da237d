"""Hostile and random input to every form and query parameter: never a server
error, never a stack trace, never a half-written case."""

from datetime import date
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from concerns import actions
from concerns.models import Case, CaseEvent, Meeting

pytestmark = pytest.mark.django_db

HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "<script>alert(1)</script>",
        "'; DROP TABLE concerns_case; --",
        "\x00",
        "9" * 5000,
        "-1",
        "0",
        "2024-02-30",
        "31.12.9999",
        "../../etc/passwd",
        "%s%s%n",
        "🙂" * 50,
        "null",
        "[]",
    ]
)
VALUE = st.one_of(HOSTILE, st.text(max_size=300), st.integers().map(str))

FORMS: dict[str, list[str]] = {
    "/sager/ny/": [
        "person-name",
        "person-cpr",
        "person-date_of_birth",
        "person-gender",
        "person-municipality",
        "person-psych_vulnerability",
        "case-municipality",
        "case-is_group",
        "case-received_on",
        "case-received_by",
        "case-channel",
        "case-sender_type",
        "case-age_at_receipt",
        "case-description",
        "case-signs",
        "case-extremism_type",
        "case-online_element",
        "case-milieu_tie",
        "person-link",
    ],
    "/sager/ny/dubletter/": [
        "person-name",
        "person-cpr",
        "person-date_of_birth",
        "person-link",
    ],
    "rediger/": [
        "case-version",
        "case-received_on",
        "case-channel",
        "case-description",
        "case-signs",
        "case-extremism_type",
        "case-age_at_receipt",
        "person-name",
        "person-cpr",
        "person-date_of_birth",
        "person-gender",
    ],
    "status/": ["to", "closure_reason", "cancel_reason"],
    "vurdering/": ["result", "screened_on"],
    "tilbagehold/": ["hold", "reason"],
    "indsatser/": [
        "action_type",
        "responsible_authority",
        "status",
        "starts_on",
        "due_on",
        "assignee",
        "outcome",
    ],
    "notater/": ["visibility", "body"],
    "deling/": ["district", "purpose", "purpose_detail", "legal_basis"],
    "cpr/": ["purpose"],
    "/rapporter/ny/": ["period_start", "period_end", "scope"],
    "/moeder/ny/": ["municipality", "kind", "held_on"],
    "/moeder/{meeting}/ret/": ["kind", "held_on"],
    "/moeder/{meeting}/deltagere/": ["authority", "role"],
    "/moeder/{meeting}/sager/": ["case"],
    "/moeder/{meeting}/sager/{case}/vurdering/": [
        "beliefs_concerns",
        "family_resources",
        "main_problems",
        "focus_dimensions",
        "outcome",
        "overall_assessment",
    ],
    "/moeder/{meeting}/sager/{case}/aftaler/": [
        "action_type",
        "responsible_authority",
        "responsible_person",
        "assignee",
        "due_on",
    ],
    "/login/kode/": ["token", "next"],
}
EXAMPLES = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def meeting_with(case: Case) -> Meeting:
    """A meeting of the case's municipality with the case on its agenda."""
    meeting = case.meetings.first()
    if meeting is None:
        meeting = actions.schedule_meeting(
            by=case.created_by,
            municipality=case.municipality,
            kind="analysis",
            held_on=date.today(),
        )
        actions.attach_case_to_meeting(meeting=meeting, case=case, by=case.created_by)
    return meeting


def assert_handled(response: Any) -> None:
    assert response.status_code < 500, response.status_code
    body = response.content.decode(errors="replace")
    assert "Traceback" not in body and "Exception Value" not in body


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("who", ["coordinator", "police", "analyst"])
@EXAMPLES
@given(data=st.data())
def test_forms_survive_hostile_input(
    shared_case: Case, form: str, who: str, request: pytest.FixtureRequest, data: st.DataObject
) -> None:
    client = Client()
    client.force_login(request.getfixturevalue(who))
    url = form if form.startswith("/") else f"/sager/{shared_case.pk}/{form}"
    if "{meeting}" in url:
        url = url.format(meeting=meeting_with(shared_case).pk, case=shared_case.pk)
    payload = {field: data.draw(VALUE, label=field) for field in FORMS[form]}
    events_before = CaseEvent.objects.count()
    cases_before = Case.objects.count()
    response = client.post(url, payload)
    assert_handled(response)
    if response.status_code != 302:  # refused: nothing of it was written
        assert CaseEvent.objects.count() == events_before
        assert Case.objects.count() == cases_before


# The case list's query parameters, each with some valid values to mix in, so that
# hostile values also meet valid filters, a search and a sort.
CASE_LIST_PARAMETERS: dict[str, list[str]] = {
    "q": ["Mikkel", "voldelige", "IH-0101-2025", "mikkel -vold", '"om vold"'],
    "status": ["received", "closed"],
    "extremism_type": ["right_wing"],
    "sender_type": ["school"],
    "age_band": ["15-17", "40+", "unknown"],
    "municipality": ["1"],
    "overdue": ["on"],
    "shared": ["on"],
    "sort": ["number", "-number", "status", "-status", "received", "-received", "relevance"],
    "side": ["1", "2"],
}


@EXAMPLES
@given(data=st.data())
def test_case_list_parameters_survive_hostile_input(
    shared_case: Case, coordinator: User, aarhus: Any, data: st.DataObject
) -> None:
    coordinator.groups.add(aarhus.group)  # two municipalities: the filter is offered
    client = Client()
    client.force_login(coordinator)
    params = {
        name: data.draw(st.one_of(VALUE, st.sampled_from(valid)), label=name)
        for name, valid in CASE_LIST_PARAMETERS.items()
    }
    htmx = data.draw(st.booleans(), label="htmx")
    headers = {"HX-Request": "true"} if htmx else {}
    assert_handled(client.get("/sager/", params, headers=headers))


@EXAMPLES
@given(page=VALUE)
def test_report_list_parameters_survive_hostile_input(analyst: User, page: str) -> None:
    client = Client()
    client.force_login(analyst)
    assert_handled(client.get("/rapporter/", {"side": page}))


# The coordinator's statistics page: own and other municipalities, valid periods.
STATISTICS_PARAMETERS: dict[str, list[str]] = {
    "municipality": ["0101", "0751"],
    "period_start": ["01.01.2025", "2025-01-01"],
    "period_end": ["31.12.2025", "2025-06-30"],
}


@EXAMPLES
@given(data=st.data())
def test_statistics_parameters_survive_hostile_input(
    coordinator: User, aarhus: Any, data: st.DataObject
) -> None:
    client = Client()
    client.force_login(coordinator)
    params = {
        name: data.draw(st.one_of(VALUE, st.sampled_from(valid)), label=name)
        for name, valid in STATISTICS_PARAMETERS.items()
    }
    response = client.get("/rapporter/kommune/", params)
    assert_handled(response)
    assert "Aarhus Kommune" not in response.content.decode()


def test_hostile_text_is_shown_escaped(
    client: Client, coordinator: User, shared_case: Case
) -> None:
    client.force_login(coordinator)
    client.post(
        f"/sager/{shared_case.pk}/notater/",
        {"visibility": "shared", "body": "<script>alert('x')</script>"},
    )
    page = client.get(f"/sager/{shared_case.pk}/").content.decode()
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert shared_case.notes.get().created_at.date() <= date.today()
