"""Follow-up actions: who they may be assigned to, and updating them through HTTP,
as a page of its own and inline with htmx, with lost updates caught."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role, User
from audit.models import AuditAction, AuditEntry
from concerns import actions
from concerns.choices import ActionStatus, EventKind
from concerns.models import Case, CaseEvent, FollowUpAction, Municipality, PoliceDistrict
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_action(case: Case, by: User, **fields: Any) -> FollowUpAction:
    return actions.add_follow_up_action(
        case=case,
        by=by,
        fields={"action_type": "mentor", "responsible_authority": "ssp", **fields},
    )


def assignee_options(page: str) -> set[int]:
    """The users offered by the (first) assignee field on a page."""
    select = re.search(r'<select name="assignee".*?</select>', page, re.S)
    assert select is not None, "no assignee field"
    return {int(pk) for pk in re.findall(r'<option value="(\d+)"', select.group(0))}


def add_url(case: Case) -> str:
    return f"/sager/{case.pk}/indsatser/"


def edit_url(action: FollowUpAction) -> str:
    return f"/sager/{action.case_id}/indsatser/{action.pk}/"


def update(action: FollowUpAction, **changes: Any) -> dict[str, Any]:
    """A complete update form for `action` as it is now, with `changes` applied."""
    data: dict[str, Any] = {
        "status": action.status,
        "outcome": action.outcome,
        "due_on": action.due_on.isoformat() if action.due_on else "",
        "assignee": action.assignee_id or "",
        "state": actions.action_state(action),
    }
    if action.consent_recorded:
        data["consent_recorded"] = "on"
    data.update(changes)
    return data


@pytest.fixture
def action(case: Case, coordinator: User) -> FollowUpAction:
    return make_action(case, coordinator, due_on=timezone.localdate() + timedelta(days=30))


# --- Assignees --------------------------------------------------------------------


def test_assignees_are_the_people_working_on_the_case(
    client: Client,
    case: Case,
    coordinator: User,
    other_coordinator: User,
    police: User,
    other_police: User,
    kbh: Municipality,
    kbh_police: PoliceDistrict,
) -> None:
    colleague = make_user("kollega.kbh", Role.COORDINATOR, kbh, first_name="Kollega")
    make_user("tidligere.kbh", Role.COORDINATOR, kbh, is_active=False)
    page = login(coordinator).get(add_url(case)).content.decode()
    # Not the inactive colleague, not Aarhus, and police only while the case is shared.
    assert assignee_options(page) == {coordinator.pk, colleague.pk}
    actions.share_case_with_police(
        case=case,
        by=coordinator,
        district=kbh_police,
        purpose="screening",
        purpose_detail="Vurdering",
        legal_basis="rpl_115",
    )
    page = login(coordinator).get(add_url(case)).content.decode()
    assert assignee_options(page) == {coordinator.pk, colleague.pk, police.pk}


def test_an_action_is_created_with_an_assignee(
    shared_case: Case, coordinator: User, police: User
) -> None:
    response = login(coordinator).post(
        f"/sager/{shared_case.pk}/indsatser/",
        {
            "action_type": "conversation",
            "responsible_authority": "police",
            "status": "planned",
            "assignee": police.pk,
        },
    )
    assert response.status_code == 302
    assert FollowUpAction.objects.get().assignee == police


# --- Adding ---------------------------------------------------------------------------


def test_the_case_page_links_to_the_add_form(case: Case, coordinator: User) -> None:
    page = login(coordinator).get(f"/sager/{case.pk}/").content.decode()
    assert f'href="{add_url(case)}#indsats-ny"' in page
    assert f'hx-get="{add_url(case)}"' in page
    assert "Opret indsatsen" not in page  # the form itself comes when asked for


def test_the_add_form_is_the_case_page_with_the_form_open(case: Case, coordinator: User) -> None:
    response = login(coordinator).get(add_url(case))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page and 'id="indsats-ny"' in page
    assert f'<form method="post" action="{add_url(case)}"' in page
    assert "Opret indsatsen" in page and f'href="{add_url(case)}#indsats-ny"' not in page


def test_htmx_loads_the_add_form_into_the_actions_section(case: Case, coordinator: User) -> None:
    response = login(coordinator).get(add_url(case), headers=HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page and 'id="indsatser"' in page and 'id="indsats-ny"' in page
    assert assignee_options(page) == {coordinator.pk}
    # Showing the section reads the case's actions: the reading is audited.
    assert AuditEntry.objects.filter(
        user=coordinator, action=AuditAction.VIEW, object_id=str(case.pk)
    ).exists()


def test_add_form_ladder(
    shared_case: Case,
    coordinator: User,
    other_coordinator: User,
    police: User,
    other_police: User,
    analyst: User,
) -> None:
    url = add_url(shared_case)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    for outsider in (other_coordinator, other_police, analyst):
        response = login(outsider).get(url)
        assert response.status_code == 404
        assert "Mikkel" not in response.content.decode()
    assert login(police).get(url).status_code == 200
    assert login(coordinator).get(url).status_code == 200
    Case.objects.filter(pk=shared_case.pk).update(anonymised_on=timezone.localdate())
    assert login(coordinator).get(url).status_code == 403
    page = login(coordinator).get(f"/sager/{shared_case.pk}/").content.decode()
    assert f'href="{url}#indsats-ny"' not in page  # read-only: no way to add


@pytest.mark.parametrize("who", ["other_coordinator", "police", "analyst"])
def test_an_assignee_outside_the_case_is_refused_and_the_input_kept(
    case: Case, coordinator: User, who: str, request: pytest.FixtureRequest
) -> None:
    outsider = request.getfixturevalue(who)  # police: the case is not shared
    response = login(coordinator).post(
        f"/sager/{case.pk}/indsatser/",
        {
            "action_type": "mentor",
            "responsible_authority": "ssp",
            "responsible_person": "Mentor Møller",
            "status": "planned",
            "assignee": outsider.pk,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Vælg en, der arbejder på sagen." in page
    assert 'value="Mentor Møller"' in page
    assert not FollowUpAction.objects.exists()


def test_a_completed_action_cannot_be_created_without_an_outcome(
    case: Case, coordinator: User
) -> None:
    response = login(coordinator).post(
        f"/sager/{case.pk}/indsatser/",
        {"action_type": "mentor", "responsible_authority": "ssp", "status": "completed"},
    )
    assert response.status_code == 400
    assert "Skriv resultatet af indsatsen" in response.content.decode()
    assert not FollowUpAction.objects.exists()


# --- Updating -----------------------------------------------------------------------


def test_the_update_page_shows_the_form_filled_in(
    action: FollowUpAction, coordinator: User
) -> None:
    response = login(coordinator).get(edit_url(action))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="indsats-redigering"' in page
    assert f'value="{actions.action_state(action)}"' in page
    assert f'value="{action.due_on.isoformat()}"' in page  # type: ignore[union-attr]
    assert "Opret indsatsen" not in page  # the add form gives way to the update form


def test_owner_updates_an_action(action: FollowUpAction, coordinator: User, case: Case) -> None:
    version = Case.objects.get(pk=case.pk).version
    due = timezone.localdate() + timedelta(days=60)
    client = login(coordinator)
    response = client.post(
        edit_url(action),
        update(
            action,
            status=ActionStatus.IN_PROGRESS,
            due_on=due.isoformat(),
            assignee=coordinator.pk,
            consent_recorded="on",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/sager/{case.pk}/#indsatser"
    action.refresh_from_db()
    assert (action.status, action.due_on, action.assignee, action.consent_recorded) == (
        ActionStatus.IN_PROGRESS,
        due,
        coordinator,
        True,
    )
    event = CaseEvent.objects.get(case=case, kind=EventKind.ACTION_UPDATED)
    assert event.actor == coordinator
    assert "Planlagt → I gang" in event.detail and due.strftime("%d.%m.%Y") in event.detail
    assert AuditEntry.objects.filter(
        user=coordinator,
        action=AuditAction.UPDATE,
        object_type="concerns.followupaction",
        object_id=str(action.pk),
        person_id=case.person_id,
    ).exists()
    assert Case.objects.get(pk=case.pk).version == version + 1
    page = client.get(f"/sager/{case.pk}/").content.decode()
    assert "Indsatsen er opdateret." in page and "Karen" in page


def test_completing_needs_an_outcome_and_keeps_the_input(
    action: FollowUpAction, coordinator: User
) -> None:
    due = (timezone.localdate() + timedelta(days=9)).isoformat()
    response = login(coordinator).post(
        edit_url(action), update(action, status=ActionStatus.COMPLETED, due_on=due)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Skriv resultatet af indsatsen, før du markerer den som gennemført." in page
    assert f'value="{due}"' in page
    assert 'value="completed" selected' in page
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED
    assert not CaseEvent.objects.filter(kind=EventKind.ACTION_UPDATED).exists()


def test_completing_with_an_outcome_ends_the_action(
    action: FollowUpAction, coordinator: User
) -> None:
    response = login(coordinator).post(
        edit_url(action),
        update(action, status=ActionStatus.COMPLETED, outcome="Forløbet er gennemført."),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETED
    assert action.ended_on == timezone.localdate()
    event = CaseEvent.objects.get(kind=EventKind.ACTION_UPDATED)
    assert "Resultat ændret" in event.detail
    assert "Forløbet er gennemført" not in event.detail  # free text stays off the timeline


def test_a_due_date_before_the_start_is_refused(case: Case, coordinator: User) -> None:
    today = timezone.localdate()
    action = make_action(case, coordinator, starts_on=today, due_on=today + timedelta(days=5))
    before = (today - timedelta(days=1)).isoformat()
    response = login(coordinator).post(edit_url(action), update(action, due_on=before))
    assert response.status_code == 400
    assert "Fristen kan ikke ligge før indsatsens start" in response.content.decode()


def test_saving_without_changes_writes_nothing(action: FollowUpAction, coordinator: User) -> None:
    response = login(coordinator).post(edit_url(action), update(action), follow=True)
    assert "Der var ingen ændringer at gemme." in response.content.decode()
    assert not CaseEvent.objects.filter(kind=EventKind.ACTION_UPDATED).exists()


# --- Lost updates ------------------------------------------------------------------------


def test_a_stale_post_is_refused_with_the_input_kept(
    action: FollowUpAction, coordinator: User, kbh: Municipality
) -> None:
    colleague = make_user("kollega.kbh", Role.COORDINATOR, kbh, first_name="Kollega")
    opened = update(action)  # the form as the coordinator opened it
    actions.update_follow_up_action(
        action=action,
        by=colleague,
        fields={"status": ActionStatus.IN_PROGRESS, "assignee": colleague},
        expected_state=opened["state"],
    )
    mine = {**opened, "status": ActionStatus.ABORTED, "outcome": "Borgeren er flyttet."}
    response = login(coordinator).post(edit_url(action), mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Indsatsen er blevet ændret af en anden" in page
    assert "Borgeren er flyttet." in page and 'value="aborted" selected' in page
    assert "Kollega" in page  # the current assignee is shown
    action.refresh_from_db()
    assert (action.status, action.assignee) == (ActionStatus.IN_PROGRESS, colleague)
    # Saving again, having seen the current values, goes through.
    assert f'value="{actions.action_state(action)}"' in page
    again = {**mine, "state": actions.action_state(action)}
    assert login(coordinator).post(edit_url(action), again).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.ABORTED


def test_a_stale_post_through_htmx_is_swapped_in_as_refused(
    action: FollowUpAction, coordinator: User
) -> None:
    stale = update(action, state="0" * 64, status=ActionStatus.IN_PROGRESS)
    response = login(coordinator).post(edit_url(action), stale, headers=HTMX)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<html" not in page
    assert "Indsatsen er blevet ændret af en anden" in page
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED


def test_the_action_function_refuses_a_stale_state(
    action: FollowUpAction, coordinator: User
) -> None:
    with pytest.raises(actions.ActionConflict):
        actions.update_follow_up_action(
            action=action,
            by=coordinator,
            fields={"status": ActionStatus.IN_PROGRESS},
            expected_state="stale",
        )
    assert FollowUpAction.objects.get(pk=action.pk).status == ActionStatus.PLANNED


# --- htmx -----------------------------------------------------------------------------


def test_htmx_loads_the_form_into_the_actions_section(
    action: FollowUpAction, coordinator: User
) -> None:
    response = login(coordinator).get(edit_url(action), headers=HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page and 'id="indsatser"' in page
    assert f'hx-post="{edit_url(action)}"' in page


def test_htmx_save_redraws_the_actions_and_the_timeline(
    action: FollowUpAction, coordinator: User
) -> None:
    response = login(coordinator).post(
        edit_url(action), update(action, status=ActionStatus.IN_PROGRESS), headers=HTMX
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert 'id="indsatser"' in page and "Indsatsen er opdateret." in page
    assert 'id="tidslinje"' in page and 'hx-swap-oob="true"' in page
    assert "Indsats opdateret" in page


def test_htmx_refusal_comes_back_as_400_with_errors(
    action: FollowUpAction, coordinator: User
) -> None:
    response = login(coordinator).post(
        edit_url(action), update(action, status="completed"), headers=HTMX
    )
    assert response.status_code == 400
    assert "Skriv resultatet af indsatsen" in response.content.decode()


# --- The permission ladder ---------------------------------------------------------------


def test_update_ladder(
    shared_case: Case,
    coordinator: User,
    other_coordinator: User,
    police: User,
    other_police: User,
    analyst: User,
) -> None:
    action = make_action(shared_case, coordinator)
    url = edit_url(action)
    data = update(action, status=ActionStatus.IN_PROGRESS)
    for method in ("get", "post"):
        anonymous = getattr(Client(), method)(url, data if method == "post" else None)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
        for outsider in (other_coordinator, other_police, analyst):
            response = getattr(login(outsider), method)(url, data if method == "post" else None)
            assert response.status_code == 404
            assert "Mikkel" not in response.content.decode()
    # The liaison of the district the case is shared with works on it too.
    assert login(police).get(url).status_code == 200
    assert login(police).post(url, data).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS


def test_police_lose_the_update_when_the_share_is_revoked(
    shared_case: Case, coordinator: User, police: User
) -> None:
    action = make_action(shared_case, coordinator, assignee=police)
    actions.revoke_share(share=shared_case.shares.get(), by=coordinator, reason="Afsluttet")
    data = update(action, status=ActionStatus.IN_PROGRESS)
    assert login(police).post(edit_url(action), data).status_code == 404
    # The coordinator is told the liaison no longer works on the case.
    page = login(coordinator).get(edit_url(action)).content.decode()
    assert "arbejder ikke længere på sagen" in page
    assert assignee_options(page) == {coordinator.pk}
    refused = login(coordinator).post(edit_url(action), update(action))
    assert refused.status_code == 400


def test_a_read_only_case_answers_403(case: Case, coordinator: User) -> None:
    action = make_action(case, coordinator)
    Case.objects.filter(pk=case.pk).update(anonymised_on=timezone.localdate())
    response = login(coordinator).post(edit_url(action), update(action, status="in_progress"))
    assert response.status_code == 403
    assert login(coordinator).get(edit_url(action)).status_code == 403


def test_an_action_of_another_case_is_not_found(
    case: Case, other_case: Case, coordinator: User, other_coordinator: User
) -> None:
    foreign = make_action(other_case, other_coordinator)
    url = f"/sager/{case.pk}/indsatser/{foreign.pk}/"
    assert login(coordinator).get(url).status_code == 404
    assert login(coordinator).post(url, update(foreign, status="aborted")).status_code == 404
    assert FollowUpAction.objects.get(pk=foreign.pk).status == ActionStatus.PLANNED


def test_other_methods_are_refused(action: FollowUpAction, coordinator: User) -> None:
    assert login(coordinator).put(edit_url(action)).status_code == 405
    assert login(coordinator).delete(edit_url(action)).status_code == 405


def test_case_page_query_count_does_not_grow_with_assigned_actions(
    shared_case: Case,
    coordinator: User,
    police: User,
    django_assert_max_num_queries: Any,
) -> None:
    client = login(coordinator)
    make_action(shared_case, coordinator, assignee=coordinator)
    client.get(f"/sager/{shared_case.pk}/")  # fills the content-type cache
    with django_assert_max_num_queries(10) as few:
        assert client.get(f"/sager/{shared_case.pk}/").status_code == 200
    for n in range(8):
        make_action(shared_case, coordinator, assignee=police if n % 2 else coordinator)
    with django_assert_max_num_queries(10) as many:
        assert client.get(f"/sager/{shared_case.pk}/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Hostile input -------------------------------------------------------------------------

VALUE = st.one_of(
    st.sampled_from(["", "completed", "9" * 5000, "2024-02-30", "-1", "<script>", "\x00"]),
    st.text(max_size=200),
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_update_form_survives_hostile_input(
    case: Case, coordinator: User, data: st.DataObject
) -> None:
    action = FollowUpAction.objects.filter(case=case).first() or make_action(case, coordinator)
    fields = ("status", "outcome", "due_on", "assignee", "consent_recorded", "state")
    payload = {field: data.draw(VALUE, label=field) for field in fields}
    response = login(coordinator).post(edit_url(action), payload)
    assert response.status_code in (302, 400, 409)
    body = response.content.decode(errors="replace")
    assert "Traceback" not in body
