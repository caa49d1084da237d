"""Every case view walks the permission ladder through HTTP:
anonymous → login; outsider → 404; read-only → 403 on writes; owner → success."""

from datetime import date
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from audit.models import AuditAction, AuditEntry
from concerns import actions
from concerns.choices import LegalBasis, SharePurpose, Status
from concerns.models import Case, Note, PoliceDistrict, Share
from tests.conftest import continue_case, make_case

pytestmark = pytest.mark.django_db


def login(client: Client, user: User | None) -> Client:
    if user is not None:
        client.force_login(user)
    return client


def write_requests(case: Case) -> dict[str, tuple[str, dict[str, Any]]]:
    """One valid POST per write view of a case."""
    share = case.shares.first()
    return {
        "transition": (f"/sager/{case.pk}/status/", {"to": Status.POLICE_SCREENING}),
        "add_action": (
            f"/sager/{case.pk}/indsatser/",
            {
                "action_type": "mentor",
                "responsible_authority": "ssp",
                "status": "planned",
                "due_on": "2030-01-01",
            },
        ),
        "add_note": (
            f"/sager/{case.pk}/notater/",
            {"visibility": "shared", "body": "Samtale holdt"},
        ),
        "revoke_share": (
            f"/sager/{case.pk}/deling/{share.pk if share else 0}/tilbagekald/",
            {"reason": "Ikke længere nødvendigt"},
        ),
    }


# --- Reads -----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/sager/", "/sager/ny/", "/sager/1/"])
def test_anonymous_is_sent_to_login(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_coordinator_lists_own_cases_only(
    client: Client, coordinator: User, case: Case, other_case: Case
) -> None:
    page = login(client, coordinator).get("/sager/").content.decode()
    assert case.number in page
    assert other_case.number not in page
    assert "0101091234" not in page  # never a CPR number in a list
    assert (
        AuditEntry.objects.filter(
            user=coordinator, action=AuditAction.LIST, object_id=str(case.pk)
        ).count()
        == 1
    )


def test_case_list_query_count_does_not_grow(
    client: Client, coordinator: User, case: Case, django_assert_max_num_queries: Any
) -> None:
    login(client, coordinator)
    client.get("/sager/")  # fills the content-type cache
    with django_assert_max_num_queries(12) as few:
        client.get("/sager/")
    for _ in range(15):
        make_case(coordinator, case.municipality)
    with django_assert_max_num_queries(12) as many:
        client.get("/sager/")
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("who", ["other_coordinator", "police", "analyst", "administrator"])
def test_outsiders_get_404_on_the_case(
    client: Client, case: Case, who: str, request: pytest.FixtureRequest
) -> None:
    response = login(client, request.getfixturevalue(who)).get(f"/sager/{case.pk}/")
    assert response.status_code == 404
    assert "Mikkel" not in response.content.decode()


@pytest.mark.parametrize("who", ["analyst", "administrator"])
def test_roles_without_case_work_get_404_on_the_list(
    client: Client, who: str, request: pytest.FixtureRequest
) -> None:
    assert login(client, request.getfixturevalue(who)).get("/sager/").status_code == 404


def test_owner_sees_the_case_and_the_read_is_audited(
    client: Client, coordinator: User, case: Case
) -> None:
    response = login(client, coordinator).get(f"/sager/{case.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mikkel Hansen" in page and case.number in page
    assert "010109-XXXX" in page and "0101091234" not in page
    assert AuditEntry.objects.filter(
        user=coordinator, action=AuditAction.VIEW, object_id=str(case.pk), person_id=case.person_id
    ).exists()


def test_police_liaison_sees_exactly_the_shared_case(
    client: Client, police: User, shared_case: Case, coordinator: User
) -> None:
    unshared = make_case(coordinator, shared_case.municipality, name="Ikke Delt")
    login(client, police)
    listing = client.get("/sager/").content.decode()
    assert shared_case.number in listing and unshared.number not in listing
    assert client.get(f"/sager/{shared_case.pk}/").status_code == 200
    assert client.get(f"/sager/{unshared.pk}/").status_code == 404


def test_police_do_not_see_municipality_only_notes(
    client: Client, police: User, coordinator: User, shared_case: Case
) -> None:
    actions.add_note(case=shared_case, by=coordinator, visibility="municipality", body="SKOLENOTAT")
    actions.add_note(case=shared_case, by=police, visibility="police", body="POLITINOTAT")
    police_page = login(client, police).get(f"/sager/{shared_case.pk}/").content.decode()
    assert "POLITINOTAT" in police_page and "SKOLENOTAT" not in police_page
    coordinator_page = (
        login(Client(), coordinator).get(f"/sager/{shared_case.pk}/").content.decode()
    )
    assert "SKOLENOTAT" in coordinator_page and "POLITINOTAT" not in coordinator_page


# --- Writes ----------------------------------------------------------------------


@pytest.mark.parametrize("view", ["transition", "add_note", "revoke_share"])
def test_writes_refuse_get(client: Client, coordinator: User, shared_case: Case, view: str) -> None:
    url, _ = write_requests(shared_case)[view]
    assert login(client, coordinator).get(url).status_code == 405


@pytest.mark.parametrize("view", ["transition", "add_action", "add_note", "revoke_share"])
def test_write_ladder(
    client: Client,
    view: str,
    shared_case: Case,
    coordinator: User,
    other_coordinator: User,
    other_police: User,
    police: User,
) -> None:
    url, data = write_requests(shared_case)[view]
    anonymous = Client().post(url, data)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert login(Client(), other_coordinator).post(url, data).status_code == 404
    assert login(Client(), other_police).post(url, data).status_code == 404
    if view in ("transition", "revoke_share"):
        assert login(Client(), police).post(url, data).status_code == 403
    events_before = shared_case.events.count()
    response = login(client, coordinator).post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert shared_case.events.count() == events_before + 1


def test_only_police_record_the_screening(
    client: Client, shared_case: Case, coordinator: User, police: User
) -> None:
    url = f"/sager/{shared_case.pk}/vurdering/"
    data = {"result": "no_police_matter", "screened_on": date.today().isoformat()}
    assert login(Client(), coordinator).post(url, data).status_code == 403
    assert login(client, police).post(url, data).status_code == 302
    shared_case.refresh_from_db()
    assert shared_case.screened_by == police


def test_police_cannot_write_a_municipality_only_note(
    client: Client, shared_case: Case, police: User
) -> None:
    url = f"/sager/{shared_case.pk}/notater/"
    response = login(client, police).post(url, {"visibility": "municipality", "body": "Forsøg"})
    assert response.status_code == 400
    assert not Note.objects.filter(body="Forsøg").exists()


def test_refused_transition_keeps_the_input_and_explains(
    client: Client, coordinator: User, case: Case
) -> None:
    response = login(client, coordinator).post(
        f"/sager/{case.pk}/status/", {"to": Status.CANCELLED, "cancel_reason": ""}
    )
    assert response.status_code == 400
    assert "annulleres" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_share_with_police_is_logged_with_purpose_and_basis(
    client: Client, coordinator: User, case: Case, kbh_police: PoliceDistrict
) -> None:
    response = login(client, coordinator).post(
        f"/sager/{case.pk}/deling/",
        {
            "district": kbh_police.pk,
            "purpose": SharePurpose.PREVENTION,
            "purpose_detail": "Drøftes på analysemøde",
            "legal_basis": LegalBasis.RPL_115,
        },
    )
    assert response.status_code == 302
    share = Share.objects.get(case=case)
    assert (share.purpose, share.legal_basis, share.shared_by) == (
        SharePurpose.PREVENTION,
        LegalBasis.RPL_115,
        coordinator,
    )
    assert AuditEntry.objects.filter(action=AuditAction.SHARE, object_id=str(case.pk)).exists()


def test_share_form_offers_no_criminal_investigation(
    client: Client, coordinator: User, case: Case, kbh_police: PoliceDistrict
) -> None:
    response = login(client, coordinator).post(
        f"/sager/{case.pk}/deling/",
        {
            "district": kbh_police.pk,
            "purpose": "investigation",
            "purpose_detail": "Efterforskning",
            "legal_basis": LegalBasis.RPL_115,
        },
    )
    assert response.status_code == 400
    assert "Efterforskning" in response.content.decode()  # the typed text is kept
    assert not Share.objects.exists()


# --- Intake ------------------------------------------------------------------------


INTAKE = {
    "person-name": "Ali Jensen",
    "person-cpr": "150308-1234",
    "person-date_of_birth": "2008-03-15",
    "person-gender": "male",
    "person-psych_vulnerability": "unknown",
    "case-received_on": "2025-09-01",
    "case-received_by": "municipality",
    "case-channel": "phone",
    "case-sender_type": "school",
    "case-description": "Eleven deler voldsforherligende videoer.",
    "case-extremism_type": "militant_islamism",
    "case-signs": ["seeks_material", "spreads_messages"],
    "case-online_element": "yes",
    "case-milieu_tie": "unknown",
}


@pytest.mark.parametrize("who", ["police", "analyst", "administrator"])
def test_only_coordinators_record_concerns(
    client: Client, who: str, request: pytest.FixtureRequest
) -> None:
    login(client, request.getfixturevalue(who))
    assert client.get("/sager/ny/").status_code == 404
    assert client.post("/sager/ny/", INTAKE).status_code == 404


def test_coordinator_records_a_concern(client: Client, coordinator: User, kbh: Any) -> None:
    login(client, coordinator)
    assert client.get("/sager/ny/").status_code == 200
    data = {**INTAKE, "case-municipality": kbh.pk}
    response = client.post("/sager/ny/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    assert case.number == "IH-0101-2025-0001"
    assert case.person is not None and case.person.cpr == "1503081234"
    assert case.age_at_receipt == 17
    assert case.signs == ["seeks_material", "spreads_messages"]
    assert response["Location"] == f"/sager/{case.pk}/"


def test_bad_intake_keeps_everything_typed(client: Client, coordinator: User, kbh: Any) -> None:
    login(client, coordinator)
    data = {**INTAKE, "case-municipality": kbh.pk, "person-cpr": "99999", "case-description": ""}
    response = client.post("/sager/ny/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Ali Jensen"' in page
    assert 'value="99999"' in page
    assert (
        'seeks_material" checked' in page
        or 'value="seeks_material" checked' in page
        or ("checked" in page.split('value="seeks_material"')[1][:80])
    )
    assert not Case.objects.exists()


def test_case_detail_query_count_does_not_grow(
    client: Client,
    coordinator: User,
    police: User,
    shared_case: Case,
    django_assert_max_num_queries: Any,
) -> None:
    # Screened, by a liaison whose name the page shows.
    actions.record_screening(
        case=shared_case, by=police, result="no_police_matter", screened_on=date(2025, 1, 2)
    )
    login(client, coordinator)
    client.get(f"/sager/{shared_case.pk}/")  # fills the content-type cache
    # Nine: the links come with the case.
    with django_assert_max_num_queries(9) as few:
        assert client.get(f"/sager/{shared_case.pk}/").status_code == 200
    for n in range(6):
        actions.add_note(case=shared_case, by=coordinator, visibility="shared", body=f"Notat {n}")
        actions.add_note(case=shared_case, by=police, visibility="police", body=f"Politi {n}")
        actions.add_follow_up_action(
            case=shared_case,
            by=coordinator,
            fields={"action_type": "mentor", "responsible_authority": "ssp"},
        )
    with django_assert_max_num_queries(9) as many:
        assert client.get(f"/sager/{shared_case.pk}/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_linked_case_page_takes_no_query_more(
    client: Client, coordinator: User, case: Case, django_assert_max_num_queries: Any
) -> None:
    later = continue_case(case, coordinator)
    login(client, coordinator)
    client.get(f"/sager/{case.pk}/")  # fills the content-type cache
    for shown, other in ((case, later), (later, case)):
        # As many as without links: they come with the case, as do the share
        # form's police districts.
        with django_assert_max_num_queries(9):
            response = client.get(f"/sager/{shown.pk}/")
        assert f'href="/sager/{other.pk}/"' in response.content.decode()


def test_a_case_handed_to_police_leaves_the_municipality_a_stub(
    client: Client, coordinator: User, police: User, shared_case: Case
) -> None:
    actions.transition_case(case=shared_case, to=Status.HANDED_TO_POLICE, by=coordinator)
    client.force_login(coordinator)
    page = client.get(f"/sager/{shared_case.pk}/").content.decode()
    assert shared_case.number in page and "overdraget til politiet" in page
    assert "Mikkel Hansen" not in page and shared_case.description not in page
    assert "Københavns Politi" in page
    note = {"visibility": "shared", "body": "mere"}
    assert client.post(f"/sager/{shared_case.pk}/notater/", note).status_code == 403
    client.force_login(police)
    police_page = client.get(f"/sager/{shared_case.pk}/").content.decode()
    assert "Mikkel Hansen" in police_page and shared_case.description in police_page
