"""Intake of a concern in steps, with duplicate detection and linking to a
registered person, through HTTP."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from audit.models import AuditAction, AuditEntry
from concerns import actions
from concerns.choices import ClosureReason, EventKind, Status
from concerns.models import Case, Municipality, Person, PoliceDistrict
from tests.conftest import CASE_DEFAULTS, share_with_police

pytestmark = pytest.mark.django_db

CHECK = "/sager/ny/dubletter/"
HTMX = {"HX-Request": "true"}
# The CPR number every case made by `tests.conftest.make_case` carries.
KNOWN_CPR = "0101091234"

INTAKE: dict[str, Any] = {
    "case-received_on": "2025-09-01",
    "case-received_by": "municipality",
    "case-channel": "phone",
    "case-sender_type": "school",
    "case-sender_anonymous": "on",
    "person-name": "Ali Jensen",
    "person-cpr": "150308-1234",
    "person-date_of_birth": "2008-03-15",
    "person-gender": "male",
    "person-municipality": "",
    "person-psych_vulnerability": "assumed",
    "person-gang_fringe": "on",
    "person-relative_radicalised": "on",
    "person-parallel_social_case": "on",
    "case-description": "Eleven deler voldsforherligende videoer.",
    "case-signs": ["seeks_material", "spreads_messages"],
    "case-extremism_type": "militant_islamism",
    "case-secondary_extremism_types": ["anti_authority"],
    "case-online_element": "yes",
    "case-milieu_tie": "no",
    "case-housing_area": "Mjølnerparken",
    "case-acute": "on",
    "case-psych_vulnerability_part": "on",
}


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def filled(municipality: Municipality, **fields: Any) -> dict[str, Any]:
    """The whole intake, for `municipality`."""
    return {**INTAKE, "case-municipality": municipality.pk, **fields}


def about(case: Case, **person: str) -> dict[str, Any]:
    """An intake in København about the same person as `case` (CPR number, name and
    birth date)."""
    return {
        **filled(Municipality.objects.get(code="0101")),
        "person-name": "Mikkel Hansen",
        "person-cpr": "010109-1234",
        "person-date_of_birth": "2009-01-01",
        **{f"person-{key}": value for key, value in person.items()},
    }


def close(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(
        status=Status.CLOSED, closure_reason=ClosureReason.UNFOUNDED, closed_on=date(2025, 6, 1)
    )


def errors(response: Any) -> str:
    """The error summary of a refused form, for assertion messages."""
    page = response.content.decode()
    start = page.find("Der er fejl i formularen")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start : start + 3000]))


def shown_for_duplicates(user: User) -> list[str]:
    entries = AuditEntry.objects.filter(user=user, action=AuditAction.LIST, purpose="dubletkontrol")
    return sorted(entries.values_list("object_id", flat=True))


# --- The form in steps ------------------------------------------------------------------


def test_intake_is_one_form_in_four_steps_with_every_field(coordinator: User) -> None:
    page = login(coordinator).get("/sager/ny/").content.decode()
    for heading in ("Henvendelsen", "Personen", "Bekymringen", "Opsummering"):
        assert heading in page
    assert page.count('class="step-indicator"') == 1
    assert page.count('<form method="post" action="/sager/ny/"') == 1
    for name in INTAKE:
        assert f'name="{name}"' in page, name
    for name in ("case-municipality", "case-is_group", "case-age_at_receipt"):
        assert f'name="{name}"' in page, name
    # The duplicate check runs on a change of CPR number, name or birth date.
    assert f'hx-post="{CHECK}"' in page
    assert "change from:#id_person-cpr" in page
    # The file name carries a content hash when static files are collected (not DEBUG).
    assert re.search(r'src="/static/js/intake(\.[0-9a-f]+)?\.js" defer', page)
    assert "<script>" not in page and "style=" not in page


def test_coordinator_records_a_concern_with_every_field(
    coordinator: User, kbh: Municipality
) -> None:
    response = login(coordinator).post("/sager/ny/", filled(kbh))
    assert response.status_code == 302, errors(response)
    case = Case.objects.get()
    assert response["Location"] == f"/sager/{case.pk}/"
    assert case.municipality == kbh and case.number == "IH-0101-2025-0001"
    assert case.sender_anonymous and case.acute and case.psych_vulnerability_part
    assert case.secondary_extremism_types == ["anti_authority"]
    assert (case.online_element, case.milieu_tie) == ("yes", "no")
    assert case.housing_area == "Mjølnerparken"
    assert case.age_at_receipt == 17 and case.previous_case is None
    person = case.person
    assert person is not None and person.cpr == "1503081234"
    assert person.gang_fringe and person.relative_radicalised and person.parallel_social_case
    assert person.psych_vulnerability == "assumed"
    assert case.events.get().kind == EventKind.CREATED
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(case.pk)).exists()


def test_refused_intake_marks_the_step_with_the_error(coordinator: User, kbh: Municipality) -> None:
    response = login(coordinator).post("/sager/ny/", filled(kbh, **{"case-description": ""}))
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('<li class="error">') == 1
    assert 'value="Ali Jensen"' in page


# --- The duplicate check (htmx) -----------------------------------------------------------


def test_duplicate_by_cpr_offers_the_person_with_their_cases(coordinator: User, case: Case) -> None:
    response = login(coordinator).post(
        CHECK, {"person-cpr": "010109-1234", "person-name": "Et Andet Navn"}, headers=HTMX
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert case.number in page and "Modtaget" in page and "14.03.2025" in page
    assert "samme CPR-nummer" in page
    assert "Knyt til denne person: Mikkel Hansen" in page and "Opret ny person" in page
    assert f'value="{case.person_id}"' in page
    assert KNOWN_CPR not in page
    assert shown_for_duplicates(coordinator) == [str(case.pk)]
    entry = AuditEntry.objects.get(purpose="dubletkontrol")
    assert entry.person_id == case.person_id


def test_duplicate_by_name_and_birth_date_ignores_case(coordinator: User, case: Case) -> None:
    page = (
        login(coordinator)
        .post(
            CHECK,
            {"person-name": "  mIKKEL hansen ", "person-date_of_birth": "2009-01-01"},
            headers=HTMX,
        )
        .content.decode()
    )
    assert case.number in page and "samme navn og fødselsdato" in page


def test_same_name_and_birth_date_with_another_cpr_is_another_person(
    coordinator: User, case: Case
) -> None:
    response = login(coordinator).post(
        CHECK,
        {
            "person-name": "Mikkel Hansen",
            "person-date_of_birth": "2009-01-01",
            "person-cpr": "010109-9999",
        },
        headers=HTMX,
    )
    assert case.number not in response.content.decode()
    assert shown_for_duplicates(coordinator) == []


def test_no_match_answers_an_empty_fragment_and_logs_nothing(coordinator: User, case: Case) -> None:
    response = login(coordinator).post(CHECK, {"person-cpr": "311299-0000"}, headers=HTMX)
    assert response.status_code == 200
    assert response.content.decode().strip() == ""
    assert shown_for_duplicates(coordinator) == []


def test_match_in_another_municipality_reveals_nothing(coordinator: User, other_case: Case) -> None:
    """The Aarhus person has the CPR number typed in København: København learns
    nothing, not even that the number is registered (see concerns.duplicates)."""
    client = login(coordinator)
    known = client.post(CHECK, {"person-cpr": "010109-1234"}, headers=HTMX)
    unknown = client.post(CHECK, {"person-cpr": "311299-0000"}, headers=HTMX)
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    page = known.content.decode()
    assert other_case.number not in page and "Sofie" not in page and "registreret" not in page
    assert shown_for_duplicates(coordinator) == []


def test_person_with_cases_in_two_municipalities_shows_only_own_cases(
    coordinator: User, other_coordinator: User, case: Case, aarhus: Municipality
) -> None:
    aarhus_case = actions.record_concern(
        by=other_coordinator,
        municipality=aarhus,
        person=case.person,
        case_fields={**CASE_DEFAULTS, "received_on": date(2025, 5, 2)},
    )
    page = (
        login(coordinator).post(CHECK, {"person-cpr": "0101091234"}, headers=HTMX).content.decode()
    )
    assert case.number in page
    assert aarhus_case.number not in page and "02.05.2025" not in page and "Aarhus" not in page
    assert shown_for_duplicates(coordinator) == [str(case.pk)]


def test_htmx_check_keeps_the_choice_made(coordinator: User, case: Case) -> None:
    page = (
        login(coordinator)
        .post(CHECK, {"person-cpr": "0101091234", "person-link": str(case.person_id)}, headers=HTMX)
        .content.decode()
    )
    assert f'value="{case.person_id}" class="form-radio" id="id_person-link_0" checked' in page


def test_duplicate_check_ladder(
    client: Client, police: User, analyst: User, coordinator: User, case: Case
) -> None:
    data = {"person-cpr": "0101091234"}
    anonymous = client.post(CHECK, data)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    for outsider in (police, analyst):
        response = login(outsider).post(CHECK, data, headers=HTMX)
        assert response.status_code == 404
        assert case.number not in response.content.decode()
    assert login(coordinator).get(CHECK).status_code == 405
    assert shown_for_duplicates(police) == shown_for_duplicates(analyst) == []


# --- The same check on submit, without JavaScript ---------------------------------------


def test_unresolved_duplicate_sends_the_form_back_with_the_choice(
    coordinator: User, case: Case
) -> None:
    response = login(coordinator).post("/sager/ny/", about(case, name="Mikkel H."))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Mikkel H."' in page and 'value="010109-1234"' in page
    assert "Eleven deler voldsforherligende videoer." in page
    assert case.number in page and 'name="person-link"' in page
    assert "Vælg, om bekymringen skal knyttes til den registrerede person" in page
    assert 'href="#id_person-link_0"' in page  # the error summary points at the choice
    assert Case.objects.count() == 1
    assert shown_for_duplicates(coordinator) == [str(case.pk)]


def test_duplicate_in_another_municipality_does_not_stop_the_intake(
    coordinator: User, other_case: Case
) -> None:
    response = login(coordinator).post("/sager/ny/", about(other_case))
    assert response.status_code == 302
    new = Case.objects.exclude(pk=other_case.pk).get()
    assert new.person_id != other_case.person_id and new.previous_case is None


def test_linking_to_a_person_with_an_ended_case_continues_it(coordinator: User, case: Case) -> None:
    close(case)
    client = login(coordinator)
    response = client.post(
        "/sager/ny/",
        about(case, name="Mikkel Skrevet Anderledes", link=str(case.person_id)),
    )
    assert response.status_code == 302, errors(response)
    new = Case.objects.exclude(pk=case.pk).get()
    assert new.person_id == case.person_id
    assert new.previous_case == case
    assert list(new.related_cases.all()) == [case]
    person = case.person
    assert person is not None
    person.refresh_from_db()
    assert person.name == "Mikkel Hansen"  # the registered details are kept
    assert Person.objects.count() == 1
    assert new.events.get().kind == EventKind.CREATED
    assert shown_for_duplicates(coordinator) == []  # nothing was shown on this submit
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_id=str(new.pk), person_id=person.pk
    ).exists()
    new_page = client.get(f"/sager/{new.pk}/").content.decode()
    assert "Tidligere sag" in new_page and f'href="/sager/{case.pk}/">{case.number}' in new_page
    old_page = client.get(f"/sager/{case.pk}/").content.decode()
    assert "Ny sag" in old_page and f'href="/sager/{new.pk}/">{new.number}' in old_page


def test_linking_to_a_person_with_an_open_case_sets_no_previous_case(
    coordinator: User, case: Case
) -> None:
    check = login(coordinator).post(CHECK, {"person-cpr": "0101091234"}, headers=HTMX)
    assert "Personen har en åben sag" in check.content.decode()
    response = login(coordinator).post("/sager/ny/", about(case, link=str(case.person_id)))
    assert response.status_code == 302
    new = Case.objects.exclude(pk=case.pk).get()
    assert new.person_id == case.person_id and new.previous_case is None


def test_choosing_a_new_person_creates_one(coordinator: User, case: Case) -> None:
    response = login(coordinator).post("/sager/ny/", about(case, link="new"))
    assert response.status_code == 302
    new = Case.objects.exclude(pk=case.pk).get()
    assert new.person_id != case.person_id and Person.objects.count() == 2


def test_only_an_offered_person_can_be_linked(
    coordinator: User, case: Case, other_case: Case
) -> None:
    client = login(coordinator)
    # A match exists, but the posted choice is another municipality's person.
    response = client.post("/sager/ny/", about(case, link=str(other_case.person_id)))
    assert response.status_code == 400
    assert "Sofie" not in response.content.decode()
    # No visible match at all: a posted choice is ignored and a new person made.
    response = client.post(
        "/sager/ny/", filled(case.municipality, **{"person-link": str(other_case.person_id)})
    )
    assert response.status_code == 302
    new = Case.objects.get(number="IH-0101-2025-0002")
    assert new.person_id not in (case.person_id, other_case.person_id)


def test_police_do_not_see_the_link_to_an_unshared_earlier_case(
    coordinator: User, police: User, case: Case, kbh_police: PoliceDistrict
) -> None:
    close(case)
    login(coordinator).post("/sager/ny/", about(case, link=str(case.person_id)))
    new = Case.objects.exclude(pk=case.pk).get()
    assert new.previous_case == case
    share_with_police(new, coordinator, kbh_police)
    page = login(police).get(f"/sager/{new.pk}/").content.decode()
    assert "Tidligere sag" not in page and case.number not in page
