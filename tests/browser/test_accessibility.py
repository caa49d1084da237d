"""axe-core finds no WCAG 2.1 AA violation on any page, for any role, with the
forms in their normal and their error state."""

from datetime import date
from typing import Any

import pytest

from accounts.models import Role
from concerns import actions
from concerns.models import Municipality, PoliceDistrict
from reporting.models import ReportJob
from tests.browser.axe import axe_violations
from tests.browser.test_foundation_journey import log_in, log_out
from tests.conftest import make_case, make_user, share_with_police

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page: Any, url: str, found: dict[str, list[str]]) -> None:
    page.goto(url)
    violations = axe_violations(page)
    if violations:
        found[url] = violations


def test_the_check_finds_a_violation(page: Any) -> None:
    page.set_content("<html lang='da'><title>t</title><main><img src='x.png'></main></html>")
    assert any(v.startswith("image-alt") for v in axe_violations(page))


def test_every_page_passes_axe(live_server: Any, page: Any) -> None:
    base = live_server.url
    kbh = Municipality.objects.get(code="0101")
    district = PoliceDistrict.objects.get(code="1470")
    coordinator = make_user("koordinator.kbh", Role.COORDINATOR, kbh, first_name="Karen")
    make_user("politi.kbh", Role.POLICE, district)
    analyst = make_user("analytiker", Role.ANALYST)
    case = share_with_police(make_case(coordinator, kbh), coordinator, district)
    job = ReportJob.objects.create(
        period_start="2025-01-01", period_end="2025-12-31", requested_by=analyst
    )
    found: dict[str, list[str]] = {}

    check(page, f"{base}/login/", found)
    meeting = actions.schedule_meeting(
        municipality=kbh, kind="analysis", held_on=date(2025, 5, 20), by=coordinator
    )
    log_in(page, base, "koordinator.kbh")
    for path in (
        "/sager/",
        "/sager/?q=vold&status=received",
        "/sager/ny/",
        f"/sager/{case.pk}/",
        f"/sager/{case.pk}/rediger/",
        "/sager/999999/",
        "/moeder/",
        "/moeder/ny/",
        f"/moeder/{meeting.pk}/",
        "/opgaver/",
    ):
        check(page, base + path, found)
    # The same pages in English.
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    for path in ("/sager/", f"/sager/{case.pk}/", "/opgaver/"):
        check(page, base + path, found)
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Dansk").click()
    page.wait_for_load_state()
    # Error states: an empty intake form and an empty note come back with errors.
    page.goto(f"{base}/sager/ny/")
    page.get_by_role("button", name="Registrér bekymringen").click()
    page.wait_for_load_state()
    if violations := axe_violations(page):
        found["/sager/ny/ (errors)"] = violations
    log_out(page)

    log_in(page, base, "politi.kbh")
    check(page, f"{base}/sager/{case.pk}/", found)
    log_out(page)

    log_in(page, base, "analytiker")
    for path in ("/rapporter/", f"/rapporter/{job.pk}/"):
        check(page, base + path, found)
    log_out(page)

    assert found == {}, found
