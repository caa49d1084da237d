"""The access matrix: every URL pattern of the project, for every role, against a
declared answer. A URL pattern without a row here fails the suite, so a new page
cannot be added without deciding who may reach it.

Roles: anonymous; `outsider`, a coordinator of another municipality; `police_unshared`,
a police liaison of another district; `analyst`, a ministry analyst; `owner`, the
case's coordinator; `police_shared`, the liaison of the district the case is shared
with. Writes are posted empty: 400 means access was granted and the form refused the
(empty) input, nothing was written.
"""

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role, User
from concerns import actions
from concerns.models import Case, PoliceDistrict
from reporting.models import JobStatus, ReportJob
from tests.conftest import make_user, share_with_police

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "police_unshared", "analyst", "owner", "police_shared")
LOGIN = "login"  # a redirect to the sign-in page
ADMIN_LOGIN = "admin-login"  # a redirect to the admin's sign-in page


def row(*answers: int | str) -> dict[str, int | str]:
    return dict(zip(ROLES, answers, strict=True))


# URL name -> (method, answer per role). Keep in the order of the URL files.
MATRIX: dict[str, tuple[str, dict[str, int | str]]] = {
    "home": ("get", row(LOGIN, 302, 302, 302, 302, 302)),
    "login": ("get", row(200, 200, 200, 200, 200, 200)),
    "verify_second_factor": ("get", row(LOGIN, 200, 200, 200, 200, 200)),
    "enrol_second_factor": ("get", row(LOGIN, 302, 302, 302, 302, 302)),
    "logout": ("post", row(302, 302, 302, 302, 302, 302)),
    "set_language": ("post", row(302, 302, 302, 302, 302, 302)),
    "concerns:list": ("get", row(LOGIN, 200, 200, 404, 200, 200)),
    "concerns:new": ("get", row(LOGIN, 200, 404, 404, 200, 404)),
    # Any coordinator may check for duplicates; it shows only cases they may see.
    "concerns:check_duplicates": ("post", row(LOGIN, 200, 404, 404, 200, 404)),
    "concerns:detail": ("get", row(LOGIN, 404, 404, 404, 200, 200)),
    "concerns:edit": ("get", row(LOGIN, 404, 404, 404, 200, 403)),
    "concerns:reveal_cpr": ("post", row(LOGIN, 404, 404, 404, 400, 400)),
    "concerns:transition": ("post", row(LOGIN, 404, 404, 404, 400, 403)),
    "concerns:screening": ("post", row(LOGIN, 404, 404, 404, 403, 400)),
    "concerns:legal_hold": ("post", row(LOGIN, 404, 404, 404, 400, 403)),
    "concerns:add_action": ("post", row(LOGIN, 404, 404, 404, 400, 400)),
    "concerns:edit_action": ("post", row(LOGIN, 404, 404, 404, 400, 400)),
    "concerns:add_note": ("post", row(LOGIN, 404, 404, 404, 400, 400)),
    "concerns:share": ("post", row(LOGIN, 404, 404, 404, 400, 403)),
    "concerns:revoke_share": ("post", row(LOGIN, 404, 404, 404, 400, 403)),
    # Meetings are the municipality's own: only its coordinators reach them.
    "meetings:list": ("get", row(LOGIN, 200, 404, 404, 200, 404)),
    "meetings:new": ("get", row(LOGIN, 200, 404, 404, 200, 404)),
    "meetings:detail": ("get", row(LOGIN, 404, 404, 404, 200, 404)),
    "meetings:reschedule": ("post", row(LOGIN, 404, 404, 404, 400, 404)),
    "meetings:add_participant": ("post", row(LOGIN, 404, 404, 404, 400, 404)),
    "meetings:remove_participant": ("post", row(LOGIN, 404, 404, 404, 302, 404)),
    "meetings:attach_case": ("post", row(LOGIN, 404, 404, 404, 400, 404)),
    "meetings:detach_case": ("post", row(LOGIN, 404, 404, 404, 302, 404)),
    "meetings:assessment": ("get", row(LOGIN, 404, 404, 404, 200, 404)),
    "meetings:add_agreement": ("post", row(LOGIN, 404, 404, 404, 400, 404)),
    # Everyone who works on cases has a task list of their own.
    "tasks:list": ("get", row(LOGIN, 200, 200, 404, 200, 200)),
    "reporting:list": ("get", row(LOGIN, 404, 404, 200, 404, 404)),
    "reporting:start": ("post", row(LOGIN, 404, 404, 400, 404, 404)),
    "reporting:detail": ("get", row(LOGIN, 404, 404, 200, 404, 404)),
    "reporting:download": ("get", row(LOGIN, 404, 404, 200, 404, 404)),
    "reporting:download_csv": ("get", row(LOGIN, 404, 404, 200, 404, 404)),
    "reporting:download_xlsx": ("get", row(LOGIN, 404, 404, 200, 404, 404)),
    "reporting:retry": ("post", row(LOGIN, 404, 404, 400, 404, 404)),
    # Each coordinator sees the figures of their own municipality; nobody else.
    "reporting:dashboard": ("get", row(LOGIN, 200, 404, 404, 200, 404)),
    # The admin is for administrators only; its index stands for all its pages,
    # which share one permission check (`admin.site.has_permission`).
    "admin:index": (
        "get",
        row(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN),
    ),
}


def url_names(patterns: list[Any] | None = None, namespace: str = "") -> set[str]:
    """Every named URL pattern of the project, with its namespace."""
    names: set[str] = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(namespace + entry.name)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}<unnamed {entry.pattern}>")
    return names


def test_every_url_pattern_has_a_row() -> None:
    project_urls = {name for name in url_names() if not name.startswith("admin:")}
    assert project_urls - set(MATRIX) == set(), "add these URLs to the access matrix"
    assert set(MATRIX) - project_urls - {"admin:index"} == set(), "rows for URLs that are gone"


@pytest.fixture
def world(
    case: Case,
    coordinator: User,
    other_coordinator: User,
    police: User,
    kbh_police: PoliceDistrict,
    analyst: User,
) -> dict[str, Any]:
    share_with_police(case, coordinator, kbh_police)
    job = ReportJob.objects.create(
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        requested_by=analyst,
        status=JobStatus.DONE,
        pdf=b"%PDF-1.7 matrix",
        csv_zip=b"PK matrix",
        xlsx=b"PK matrix",
        progress=100,
    )
    users = {
        "outsider": other_coordinator,
        "police_unshared": make_user(
            "politi.sydjylland", Role.POLICE, PoliceDistrict.objects.get(code="1464")
        ),
        "analyst": analyst,
        "owner": coordinator,
        "police_shared": police,
    }
    kwargs = {
        "pk": case.pk,
        "share_pk": case.shares.get().pk,
    }
    meeting = actions.schedule_meeting(
        by=coordinator, municipality=case.municipality, kind="analysis", held_on=date(2025, 4, 1)
    )
    actions.attach_case_to_meeting(meeting=meeting, case=case, by=coordinator)
    participant = actions.add_meeting_participant(
        meeting=meeting, by=coordinator, authority="ssp", role="SSP-konsulent"
    )
    meeting_kwargs = {"pk": meeting.pk, "participant_pk": participant.pk, "case_pk": case.pk}
    actions.add_follow_up_action(
        case=case, by=coordinator, fields={"action_type": "mentor", "responsible_authority": "ssp"}
    )
    return {"users": users, "case": case, "job": job, "kwargs": kwargs, "meeting": meeting_kwargs}


MEETING_URL_KWARGS = {
    "meetings:remove_participant": ("pk", "participant_pk"),
    "meetings:detach_case": ("pk", "case_pk"),
    "meetings:assessment": ("pk", "case_pk"),
    "meetings:add_agreement": ("pk", "case_pk"),
}


def url_for(name: str, world: dict[str, Any]) -> str:
    if name.startswith("meetings:") and name not in ("meetings:list", "meetings:new"):
        meeting = world["meeting"]
        keys = MEETING_URL_KWARGS.get(name, ("pk",))
        return reverse(name, kwargs={key: meeting[key] for key in keys})
    if name.startswith("reporting:") and name not in (
        "reporting:list",
        "reporting:start",
        "reporting:dashboard",
    ):
        return reverse(name, kwargs={"pk": world["job"].pk})
    if name == "concerns:edit_action":
        action = world["case"].actions.order_by("pk").first()
        return reverse(name, kwargs={"pk": world["case"].pk, "action_pk": action.pk})
    if name in ("concerns:revoke_share",):
        return reverse(name, kwargs=world["kwargs"])
    if name.startswith("concerns:") and name not in (
        "concerns:list",
        "concerns:new",
        "concerns:check_duplicates",
    ):
        return reverse(name, kwargs={"pk": world["case"].pk})
    return reverse(name)


@pytest.mark.parametrize("name", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(name: str, role: str, world: dict[str, Any]) -> None:
    method, answers = MATRIX[name]
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    url = url_for(name, world)
    response = getattr(client, method)(url, {})
    expected = answers[role]
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/login/"), (
            response.status_code
        )
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/"), response["Location"]
    else:
        assert response.status_code == expected
    if response.status_code in (403, 404) or expected in (LOGIN, ADMIN_LOGIN):
        body = response.content.decode(errors="replace")
        assert "Mikkel" not in body and "0101091234" not in body
