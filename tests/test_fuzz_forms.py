"""Hostile and random input to every form and query parameter: never a server
error, never a stack trace, never a half-written case."""

from datetime import date
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from concerns.models import Case, CaseEvent

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
    ],
    "status/": ["to", "closure_reason", "cancel_reason"],
    "vurdering/": ["result", "screened_on"],
    "tilbagehold/": ["hold", "reason"],
    "indsatser/": ["action_type", "responsible_authority", "status", "starts_on", "due_on"],
    "notater/": ["visibility", "body"],
    "deling/": ["district", "purpose", "purpose_detail", "legal_basis"],
    "cpr/": ["purpose"],
    "/rapporter/ny/": ["period_start", "period_end"],
    "/login/kode/": ["token", "next"],
}
EXAMPLES = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


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
    payload = {field: data.draw(VALUE, label=field) for field in FORMS[form]}
    events_before = CaseEvent.objects.count()
    cases_before = Case.objects.count()
    response = client.post(url, payload)
    assert_handled(response)
    if response.status_code != 302:  # refused: nothing of it was written
        assert CaseEvent.objects.count() == events_before
        assert Case.objects.count() == cases_before


@EXAMPLES
@given(status=VALUE, page=VALUE)
def test_case_list_parameters_survive_hostile_input(
    shared_case: Case, coordinator: User, status: str, page: str
) -> None:
    client = Client()
    client.force_login(coordinator)
    assert_handled(client.get("/sager/", {"status": status, "side": page}))


@EXAMPLES
@given(page=VALUE)
def test_report_list_parameters_survive_hostile_input(analyst: User, page: str) -> None:
    client = Client()
    client.force_login(analyst)
    assert_handled(client.get("/rapporter/", {"side": page}))


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
