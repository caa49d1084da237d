"""The foundation journey in Debian's Chromium: a coordinator records a concern,
follows it up, moves it on and shares it with police; the police liaison sees
exactly that case; a ministry analyst gets the status report PDF from a real
Celery worker."""

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from accounts.models import Role, User
from concerns.models import Case, Municipality, PoliceDistrict
from tests.conftest import PASSWORD, current_code, make_case, make_user, verified_device

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]


def log_in(page: Any, base: str, username: str) -> None:
    """Password, then the code the user's enrolled authenticator app shows."""
    device = verified_device(User.objects.get(username=username))
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(re.compile(r"/login/kode/\?"))
    page.fill("input[name=token]", current_code(device))
    page.get_by_role("button", name="Fortsæt").click()
    page.wait_for_url(re.compile(r"/(sager|rapporter)/$"))


def log_out(page: Any) -> None:
    page.locator("form[action='/logout/'] button:visible").first.click()
    page.wait_for_url(re.compile(r"/login/"))


def test_concern_is_shared_with_police_and_counted_in_the_report(
    live_server: Any, page: Any, celery_worker_process: str, tmp_path: Path
) -> None:
    base = live_server.url
    kbh = Municipality.objects.get(code="0101")
    make_user("koordinator.kbh", Role.COORDINATOR, kbh, first_name="Karen")
    make_user("politi.kbh", Role.POLICE, PoliceDistrict.objects.get(code="1470"))
    make_user("analytiker", Role.ANALYST)
    colleague = make_user("koordinator.kbh2", Role.COORDINATOR, kbh)
    unshared = make_case(colleague, kbh, name="Ikke Delt Person")

    # The coordinator records a concern during a phone call.
    log_in(page, base, "koordinator.kbh")
    page.get_by_role("link", name="Registrér bekymring").first.click()
    page.fill("input[name=person-name]", "Jonas Nielsen")
    page.fill("input[name=person-date_of_birth]", "2009-04-02")
    page.check("input[name=person-gender][value=male]")
    page.fill("input[name=case-received_on]", "2025-10-06")
    page.select_option("select[name=case-received_by]", "municipality")
    page.select_option("select[name=case-channel]", "phone")
    page.select_option("select[name=case-sender_type]", "school")
    page.fill(
        "textarea[name=case-description]", "Eleven viser klassekammerater voldelig propaganda."
    )
    page.check("input[name=case-signs][value=spreads_messages]")
    page.select_option("select[name=case-extremism_type]", "right_wing")
    page.get_by_role("button", name="Registrér bekymringen").click()
    page.wait_for_url(re.compile(r"/sager/\d+/$"))
    case = Case.objects.get(person__name="Jonas Nielsen")
    assert case.number == "IH-0101-2025-0002"
    assert case.age_at_receipt == 16
    page.get_by_text(case.number).first.wait_for()

    # It is on the case list.
    page.goto(f"{base}/sager/")
    page.get_by_role("link", name=case.number).click()
    page.wait_for_url(re.compile(rf"/sager/{case.pk}/$"))

    # A follow-up action, a transition and a share with the police district.
    page.get_by_role("link", name="Opret indsats", exact=True).click()
    page.select_option("select[name=action_type]", "conversation")
    page.select_option("select[name=responsible_authority]", "ssp")
    page.fill("input[name=responsible_person]", "SSP-konsulent Hanne")
    page.fill("input[name=due_on]", "2030-01-15")
    page.get_by_role("button", name="Opret indsatsen").click()
    page.get_by_text("SSP-konsulent Hanne").first.wait_for()

    page.get_by_role("button", name="Indledende vurdering (politi)").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == "police_screening"

    page.select_option("select[name=purpose]", "screening")
    page.fill("[name=purpose_detail]", "Politiets indledende vurdering i infohus")
    page.get_by_role("button", name="Del sagen").click()
    page.wait_for_load_state()
    assert case.shares.filter(revoked_at__isnull=True, to_district__code="1470").exists()
    log_out(page)

    # The police liaison sees exactly the shared case.
    log_in(page, base, "politi.kbh")
    page.goto(f"{base}/sager/")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert case.number in rows.first.inner_text()
    assert "Ikke Delt" not in page.content()
    assert page.goto(f"{base}/sager/{unshared.pk}/").status == 404
    page.goto(f"{base}/sager/{case.pk}/")
    page.get_by_text("Jonas Nielsen").first.wait_for()
    log_out(page)

    # The ministry analyst starts a report and downloads the PDF.
    log_in(page, base, "analytiker")
    page.goto(f"{base}/rapporter/")
    page.fill("input[name=period_start]", "01.01.2025")
    page.fill("input[name=period_end]", "31.12.2025")
    page.get_by_role("button", name="Dan rapport").click()
    download_link = page.get_by_role("link", name="Hent rapporten (PDF)")
    download_link.wait_for(timeout=90_000)
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == "statusrapport-2025-01-01-2025-12-31.pdf"
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext") or "pdftotext", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "1 af 98" in text
    assert "Jonas" not in text and "Nielsen" not in text
