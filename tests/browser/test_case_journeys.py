"""The coordinator's and the police liaison's journeys, one test each, in Debian's
Chromium; axe-core checks the pages on the way."""

import re
from datetime import date
from typing import Any

import pytest

from accounts.models import Role
from concerns import actions
from concerns.choices import Status
from concerns.models import Case, Municipality, PoliceDistrict
from tests.browser.axe import axe_violations
from tests.browser.test_foundation_journey import log_in, log_out
from tests.conftest import PASSWORD, make_case, make_user, share_with_police

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(db: None) -> dict[str, Any]:
    kbh = Municipality.objects.get(code="0101")
    district = PoliceDistrict.objects.get(code="1470")
    coordinator = make_user("koordinator.kbh", Role.COORDINATOR, kbh, first_name="Karen")
    make_user("politi.kbh", Role.POLICE, district)
    return {"kbh": kbh, "district": district, "coordinator": coordinator}


def test_share_and_revoke(
    live_server: Any, page: Any, browser: Any, people: dict[str, Any]
) -> None:
    base = live_server.url
    case = make_case(people["coordinator"], people["kbh"], name="Delt Person")
    police = browser.new_context(locale="da-DK").new_page()  # signed in side by side
    log_in(page, base, "koordinator.kbh")
    page.goto(f"{base}/sager/{case.pk}/#deling")
    page.select_option("select[name=purpose]", "screening")
    page.fill("[name=purpose_detail]", "Politiets indledende vurdering i infohus")
    page.get_by_role("button", name="Del sagen").click()
    page.get_by_text("Tilbagekald delingen med").wait_for()
    assert axe_violations(page) == []

    log_in(police, base, "politi.kbh")
    police.goto(f"{base}/sager/{case.pk}/")
    police.get_by_text("Delt Person").first.wait_for()

    page.get_by_text("Tilbagekald delingen med").click()
    page.fill("#deling [name=reason]", "Politiet har afsluttet vurderingen")
    page.get_by_role("button", name="Tilbagekald delingen").click()
    page.get_by_text("Politiet har afsluttet vurderingen").first.wait_for()

    # Revoked: the police liaison's very next request no longer finds the case.
    assert police.goto(f"{base}/sager/{case.pk}/").status == 404
    police.goto(f"{base}/sager/")
    assert case.number not in police.content()
    police.context.close()


def test_police_liaisons_view(live_server: Any, page: Any, people: dict[str, Any]) -> None:
    base = live_server.url
    coordinator = people["coordinator"]
    shared = share_with_police(
        make_case(coordinator, people["kbh"], name="Politiets Sag"), coordinator, people["district"]
    )
    hidden = make_case(coordinator, people["kbh"], name="Kommunens Sag")

    log_in(page, base, "politi.kbh")
    page.goto(f"{base}/sager/")
    table = page.locator("table tbody").inner_text()
    assert shared.number in table and hidden.number not in table
    page.get_by_role("link", name=shared.number).click()
    page.wait_for_url(re.compile(rf"/sager/{shared.pk}/$"))
    assert axe_violations(page) == []

    # The police screening, and a police-only note the municipality never sees.
    page.select_option("select[name=result]", "no_police_matter")
    page.fill("input[name=screened_on]", "2025-04-01")
    page.get_by_role("button", name="Gem vurderingen").click()
    page.get_by_text("Politiets indledende vurdering er registreret.").wait_for()
    page.check("input[name=visibility][value=police]")
    page.fill("textarea[name=body]", "Kendt af politiet fra tidligere sag.")
    page.get_by_role("button", name="Gem notatet").click()
    page.get_by_text("Kendt af politiet fra tidligere sag.").first.wait_for()
    # No status buttons or sharing for the police liaison.
    assert page.get_by_role("button", name="Del sagen").count() == 0
    assert page.goto(f"{base}/sager/{hidden.pk}/").status == 404
    log_out(page)

    log_in(page, base, "koordinator.kbh")
    page.goto(f"{base}/sager/{shared.pk}/")
    assert "Kendt af politiet fra tidligere sag." not in page.content()
    assert Case.objects.get(pk=shared.pk).screening_result == "no_police_matter"


def test_a_validation_error_keeps_the_input(
    live_server: Any, page: Any, people: dict[str, Any]
) -> None:
    base = live_server.url
    log_in(page, base, "koordinator.kbh")
    page.goto(f"{base}/sager/ny/")
    page.fill("input[name=person-name]", "Halvt Udfyldt")
    page.fill("textarea[name=case-description]", "Beskrivelsen skal stå her igen efter fejlen.")
    page.fill("input[name=case-received_on]", "2099-01-01")  # in the future: refused
    page.get_by_role("button", name="Registrér bekymringen").click()
    page.wait_for_load_state()
    assert page.locator(".form-error-message").count() >= 1
    assert page.input_value("input[name=person-name]") == "Halvt Udfyldt"
    assert page.input_value("textarea[name=case-description]") == (
        "Beskrivelsen skal stå her igen efter fejlen."
    )
    assert axe_violations(page) == []
    assert not Case.objects.filter(person__name="Halvt Udfyldt").exists()


def test_meeting_with_assessment(live_server: Any, page: Any, people: dict[str, Any]) -> None:
    base = live_server.url
    case = make_case(people["coordinator"], people["kbh"], name="Mødets Person")

    log_in(page, base, "koordinator.kbh")
    page.goto(f"{base}/moeder/ny/")
    page.check("input[name=kind][value=analysis]")
    page.fill("input[name=held_on]", "2025-05-20")
    page.get_by_role("button", name="Planlæg mødet").click()
    page.get_by_text("Mødet er planlagt.").wait_for()
    assert axe_violations(page) == []

    page.select_option("select[name=authority]", "police")
    page.fill("input[name=role]", "Infohuskoordinator, Københavns Politi")
    page.get_by_role("button", name="Tilføj deltageren").click()
    page.get_by_text("Infohuskoordinator, Københavns Politi").first.wait_for()
    page.select_option("select[name=case]", str(case.pk))
    page.get_by_role("button", name="Sæt på dagsordenen").click()
    page.get_by_text(f"Sag {case.number} er sat på dagsordenen.").wait_for()

    page.get_by_role("link", name=f"Vurdér sagen {case.number}").click()
    page.fill("textarea[name=beliefs_concerns]", "Deler voldsforherligende indhold.")
    page.fill("textarea[name=family_resources]", "Tæt og støttende familie.")
    page.check("input[name=focus_dimensions][value=beliefs]")
    page.check("input[name=outcome][value=preventive]")
    page.fill("textarea[name=overall_assessment]", "Forebyggende samtaleforløb anbefales.")
    assert axe_violations(page) == []
    page.get_by_role("button", name=re.compile("Gem vurdering")).click()
    page.get_by_text(f"Vurderingen af sag {case.number} er gemt.").wait_for()

    # On the same page, the agreement becomes a follow-up action with a deadline.
    page.select_option("#agreement-action_type", "conversation")
    page.select_option("#agreement-responsible_authority", "social_services")
    page.fill("#agreement-responsible_person", "Rådgiver Lone")
    page.fill("#agreement-due_on", "2025-06-30")
    page.get_by_role("button", name="Gem aftalen").click()
    page.get_by_text("Aftalen er gemt som en indsats på sagen.").wait_for()

    page.goto(f"{base}/sager/{case.pk}/")
    page.get_by_text("Rådgiver Lone").first.wait_for()
    page.get_by_text("Forebyggende samtaleforløb anbefales.").first.wait_for()
    case.refresh_from_db()
    assert case.assessment_outcome == "preventive"
    assert case.actions.get().due_on == date(2025, 6, 30)


def test_action_to_completion_and_closure(
    live_server: Any, page: Any, people: dict[str, Any]
) -> None:
    base = live_server.url
    coordinator = people["coordinator"]
    case = make_case(coordinator, people["kbh"], name="Forløbets Person")
    action = actions.add_follow_up_action(
        case=case,
        by=coordinator,
        fields={
            "action_type": "mentor",
            "responsible_authority": "social_services",
            "status": "in_progress",
            "due_on": date(2025, 8, 1),
        },
    )
    Case.objects.filter(pk=case.pk).update(status=Status.FOLLOW_UP)

    log_in(page, base, "koordinator.kbh")
    page.goto(f"{base}/sager/{case.pk}/#indsatser")
    page.get_by_role("link", name=re.compile("Opdatér")).first.click()
    status = page.locator(f"#indsats-{action.pk}-status")
    status.wait_for()
    status.select_option("completed")
    page.get_by_role("button", name="Gem ændringerne").click()
    # Completing needs an outcome: refused, with the choice kept.
    page.get_by_text("Skriv resultatet af indsatsen").first.wait_for()
    assert page.locator(f"#indsats-{action.pk}-status").input_value() == "completed"
    page.fill(f"#indsats-{action.pk}-outcome", "Mentorforløbet er gennemført med god effekt.")
    page.get_by_role("button", name="Gem ændringerne").click()
    page.get_by_text("Mentorforløbet er gennemført med god effekt.").first.wait_for()
    assert axe_violations(page) == []

    page.select_option("#transition-closure_reason", "completed")
    page.get_by_role("button", name="Afslut sagen").last.click()
    page.wait_for_load_state()
    case.refresh_from_db()
    action.refresh_from_db()
    assert action.status == "completed" and action.ended_on is not None
    assert case.status == Status.CLOSED and case.closure_reason == "completed"
    page.get_by_text("Sagen er afsluttet").first.wait_for()


def test_intake_with_duplicate_detection(
    live_server: Any, page: Any, people: dict[str, Any]
) -> None:
    base = live_server.url
    earlier = make_case(people["coordinator"], people["kbh"], name="Mikkel Hansen")
    Case.objects.filter(pk=earlier.pk).update(
        status=Status.CLOSED, closure_reason="completed", closed_on=date(2025, 6, 1)
    )

    log_in(page, base, "koordinator.kbh")
    page.goto(f"{base}/sager/ny/")
    page.fill("input[name=case-received_on]", "2025-10-06")
    page.select_option("select[name=case-received_by]", "municipality")
    page.select_option("select[name=case-channel]", "phone")
    page.select_option("select[name=case-sender_type]", "school")
    page.fill("input[name=person-name]", "Mikkel Hansen")
    page.fill("input[name=person-cpr]", "010109-1234")
    page.press("input[name=person-cpr]", "Tab")
    # The check finds the registered person, with only the cases this user may see.
    choice = page.get_by_label(re.compile("Knyt til denne person"))
    choice.wait_for()
    assert earlier.number in page.locator("#dubletter").inner_text()
    assert axe_violations(page) == []
    choice.check()
    page.fill("textarea[name=case-description]", "Ny bekymring fra skolen om samme elev.")
    page.select_option("select[name=case-extremism_type]", "right_wing")
    page.get_by_role("button", name="Registrér bekymringen").click()
    page.wait_for_url(re.compile(r"/sager/\d+/$"))
    new = Case.objects.exclude(pk=earlier.pk).get()
    assert new.person_id == earlier.person_id and new.previous_case_id == earlier.pk
    page.get_by_role("link", name=earlier.number).first.wait_for()


def test_conflict_on_concurrent_edit(
    live_server: Any, page: Any, browser: Any, people: dict[str, Any]
) -> None:
    base = live_server.url
    case = make_case(people["coordinator"], people["kbh"], name="Redigeret Person")
    colleague = browser.new_context(locale="da-DK").new_page()
    log_in(page, base, "koordinator.kbh")
    log_in(colleague, base, "koordinator.kbh")  # the same coordinator in a second tab

    page.goto(f"{base}/sager/{case.pk}/rediger/")
    colleague.goto(f"{base}/sager/{case.pk}/rediger/")
    colleague.fill("textarea[name=case-description]", "Kollegaens nye beskrivelse.")
    colleague.get_by_role("button", name="Gem ændringerne").click()
    colleague.get_by_text("Ændringerne er gemt.").wait_for()

    page.fill("textarea[name=case-description]", "Min egen beskrivelse, skrevet samtidig.")
    response = None
    with page.expect_response(re.compile(rf"/sager/{case.pk}/rediger/$")) as info:
        page.get_by_role("button", name="Gem ændringerne").click()
    response = info.value
    assert response.status == 409
    # My input is kept, the saved value is shown beside it, and nothing was overwritten.
    assert page.input_value("textarea[name=case-description]") == (
        "Min egen beskrivelse, skrevet samtidig."
    )
    page.get_by_text("Kollegaens nye beskrivelse.").first.wait_for()
    assert axe_violations(page) == []
    case.refresh_from_db()
    assert case.description == "Kollegaens nye beskrivelse."
    colleague.context.close()


def tab_to(page: Any, selector: str) -> None:
    """Press Tab until the element is focused (within a few steps)."""
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_alone(live_server: Any, page: Any, people: dict[str, Any]) -> None:
    """Sign in and add a note without the mouse: skip link, tab order, Enter."""
    from tests.conftest import current_code, verified_device

    base = live_server.url
    case = make_case(people["coordinator"], people["kbh"], name="Tastatur Person")
    device = verified_device(people["coordinator"])
    page.goto(f"{base}/login/")  # the user name field has the focus
    page.keyboard.type("koordinator.kbh")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/login/kode/"))
    page.keyboard.type(current_code(device))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sager/$"))

    page.goto(f"{base}/sager/{case.pk}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skipnav')")
    page.focus("input[name=visibility][value=shared]")
    page.keyboard.press("Space")
    tab_to(page, "textarea[name=body]")
    page.keyboard.type("Skrevet med tastaturet alene.")
    tab_to(page, "#notater button[type=submit]")
    page.keyboard.press("Enter")
    page.get_by_text("Skrevet med tastaturet alene.").first.wait_for()
    assert case.notes.filter(body="Skrevet med tastaturet alene.").exists()
