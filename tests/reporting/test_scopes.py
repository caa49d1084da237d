"""Report scopes: the whole country, one police district, one municipality.

Analysts report on the country or a district; a coordinator sees the same figures
for their own municipality on a page of its own; everyone else gets 404.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
import subprocess
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AuditAction, AuditEntry
from concerns import permissions
from concerns.choices import ExtremismType
from concerns.models import Municipality, PoliceDistrict
from reporting import facts, jobs
from reporting.models import JobStatus, ReportJob
from tests.conftest import make_case, make_user

pytestmark = pytest.mark.django_db

REFERENCE = Path(__file__).resolve().parents[2] / "concerns" / "reference"
DASHBOARD = "/rapporter/kommune/"
PERIOD = {"period_start": "01.01.2025", "period_end": "31.12.2025"}


def reference_codes(district: str) -> set[str]:
    """The municipalities of a police district, read from the reference file itself."""
    with open(REFERENCE / "kommuner.csv", encoding="utf-8", newline="") as handle:
        return {
            row["kode"] for row in csv.DictReader(handle) if row["politikreds_kode"] == district
        }


def cases_in(coordinator: User, code: str, count: int, **fields: Any) -> None:
    municipality = Municipality.objects.get(code=code)
    for _ in range(count):
        make_case(coordinator, municipality, **fields)


@pytest.fixture
def spread(coordinator: User) -> None:
    """Concerns in 2025 in four municipalities of three police districts:
    København 2 and Frederiksberg 3 (Københavns Politi), Aarhus 4 (Østjyllands
    Politi), Ballerup 1 (Københavns Vestegns Politi); one more in København in
    2019, outside the period."""
    cases_in(coordinator, "0101", 2)
    cases_in(coordinator, "0147", 3)
    cases_in(coordinator, "0751", 4)
    cases_in(coordinator, "0151", 1)
    cases_in(coordinator, "0101", 1, received_on=date(2019, 5, 1))


def counted(scope: str) -> dict[str, int]:
    """How many concerns of 2025 the scope counts, per municipality code."""
    counts: dict[str, int] = {}
    for fact in facts.case_facts(date(2025, 1, 1), date(2025, 12, 31), scope):
        counts[fact.municipality_code] = counts.get(fact.municipality_code, 0) + 1
    return counts


def pdf_text(path: Path) -> str:
    out = subprocess.run(  # noqa: S603 - fixed argument list
        [shutil.which("pdftotext") or "pdftotext", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


def option_values(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select is not None, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"', select.group(0))


def table_cells(page: str) -> list[tuple[str, str]]:
    """(label, shown count) of every row of the page's count tables, totals included."""
    rows = re.findall(
        r'<th scope="row">(.*?)</th>\s*<td class="align-text-right">(.*?)</td>', page, re.S
    )
    return [(html.unescape(label).strip(), html.unescape(shown).strip()) for label, shown in rows]


def report_cells(report: Any) -> list[tuple[str, str]]:
    """Every figure of the PDF's tables of concerns, in its order, as printed."""
    cells: list[tuple[str, str]] = []

    def counts(table: Any) -> None:
        nonlocal cells
        cells += [(str(row.label), row.cell.display) for row in table.rows]
        cells.append(("I alt", table.total.display))

    counts(report.per_year)
    counts(report.by_area)
    for table in (
        report.by_extremism_type,
        report.by_sender_type,
        report.by_age_band,
        report.by_gender,
        report.by_group,
        report.by_online_element,
        report.by_psych_vulnerability_part,
    ):
        counts(table)
    cells += [(str(row.label), row.cell.display) for row in report.flags.rows]
    counts(report.by_assessment_outcome)
    cells += [(str(row.label), row.cell.display) for row in report.by_action_type.rows]
    counts(report.by_closure_reason)
    cells += [(str(line.label), line.display) for line in report.follow_up.rows]
    cells += [(str(line.label), line.display) for line in report.data_quality]
    return cells


# --- Scopes in facts and labels -------------------------------------------------------


@pytest.mark.usefixtures("spread")
def test_each_scope_counts_exactly_its_municipalities_cases() -> None:
    assert counted("national") == {"0101": 2, "0147": 3, "0751": 4, "0151": 1}
    assert counted("politikreds:1470") == {"0101": 2, "0147": 3}
    assert counted("politikreds:1461") == {"0751": 4}
    assert counted("politikreds:1469") == {"0151": 1}
    assert counted("politikreds:1471") == {}
    assert counted("kommune:0101") == {"0101": 2}
    assert counted("kommune:0147") == {"0147": 3}
    assert counted("kommune:0155") == {}


def test_each_scope_covers_the_right_municipalities() -> None:
    assert facts.municipality_count("national") == 98
    for district in PoliceDistrict.objects.all():
        scope = f"politikreds:{district.code}"
        codes = set(facts.municipalities_in(scope).values_list("code", flat=True))
        assert codes == reference_codes(district.code)
        assert facts.municipality_count(scope) == len(codes)
    assert (
        sum(facts.municipality_count(f"politikreds:{d.code}") for d in PoliceDistrict.objects.all())
        == 98
    )
    assert list(facts.municipalities_in("kommune:0101").values_list("name", flat=True)) == [
        "København"
    ]
    assert facts.municipality_count("kommune:0751") == 1


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        ("", "use 'national'"),
        ("landsdækkende", "use 'national'"),
        ("region:1084", "use 'national'"),
        ("politikreds:", "use 'national'"),
        ("politikreds:147", "use 'national'"),
        ("politikreds:1470\n", "use 'national'"),
        ("Kommune:0101", "use 'national'"),
        ("kommune:0101:0147", "use 'national'"),
        ("politikreds:9999", "there is no police district with the code 9999"),
        ("kommune:0411", "there is no municipality with the code 0411"),  # Christiansø
    ],
)
def test_an_unknown_scope_is_refused_with_a_clear_message(scope: str, message: str) -> None:
    for function in (facts.municipalities_in, facts.municipality_count, jobs.scope_label):
        with pytest.raises(ValueError, match=re.escape(message)) as refused:
            function(scope)
        assert repr(scope) in str(refused.value)


@pytest.mark.parametrize(
    ("scope", "label"),
    [
        ("national", "Hele landet"),
        ("politikreds:1470", "Københavns Politi"),
        ("politikreds:1461", "Østjyllands Politi"),
        ("kommune:0101", "Københavns Kommune"),
        ("kommune:0751", "Aarhus Kommune"),
        ("kommune:0480", "Nordfyns Kommune"),
        ("kommune:0400", "Bornholms Regionskommune"),
    ],
)
def test_scope_labels_are_danish_names(scope: str, label: str) -> None:
    assert jobs.scope_label(scope) == label
    assert jobs.scope_labels([scope, "kommune:9999"]) == {
        scope: label,
        "kommune:9999": "kommune:9999",
    }


# --- Who may have which scope ----------------------------------------------------------


def test_analysts_may_have_the_country_and_every_district_and_nothing_else(
    analyst: User,
) -> None:
    scopes = permissions.report_scopes_for(analyst)
    assert scopes.national
    assert scopes.police_districts.count() == 12
    assert not scopes.municipalities.exists()


def test_coordinators_may_have_only_their_own_municipalities(
    coordinator: User, aarhus: Municipality
) -> None:
    scopes = permissions.report_scopes_for(coordinator)
    assert not scopes.national and not scopes.police_districts.exists()
    assert list(scopes.municipalities.values_list("code", flat=True)) == ["0101"]
    coordinator.groups.add(aarhus.group)
    scopes = permissions.report_scopes_for(coordinator)
    assert sorted(scopes.municipalities.values_list("code", flat=True)) == ["0101", "0751"]


def test_police_administrators_and_inactive_users_may_have_no_scope(
    police: User, administrator: User, coordinator: User
) -> None:
    coordinator.is_active = False
    coordinator.save()
    for user in (police, administrator, coordinator):
        scopes = permissions.report_scopes_for(user)
        assert not scopes.national
        assert not scopes.police_districts.exists() and not scopes.municipalities.exists()


# --- The analyst's report form -----------------------------------------------------------


def test_analyst_form_offers_the_country_and_the_twelve_districts(
    client: Client, analyst: User
) -> None:
    client.force_login(analyst)
    page = client.get("/rapporter/").content.decode()
    offered = option_values(page, "scope")
    districts = {
        f"politikreds:{code}" for code in PoliceDistrict.objects.values_list("code", flat=True)
    }
    assert offered[0] == "national"
    assert set(offered[1:]) == districts and len(offered) == 13
    assert not any(value.startswith("kommune:") for value in offered)


def test_analyst_starts_a_district_report_and_sees_its_scope(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    response = client.post(
        "/rapporter/ny/",
        {"period_start": "01.01.2025", "period_end": "31.12.2025", "scope": "politikreds:1470"},
    )
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/rapporter/{job.pk}/"
    assert job.scope == "politikreds:1470"
    assert "Københavns Politi" in client.get(f"/rapporter/{job.pk}/").content.decode()
    listed = client.get("/rapporter/").content.decode()
    assert re.search(r"<td>01\.01\.2025–31\.12\.2025</td>\s*<td>Københavns Politi</td>", listed)


def test_a_report_without_a_scope_is_national(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    client.post("/rapporter/ny/", {"period_start": "01.01.2025", "period_end": "31.12.2025"})
    assert ReportJob.objects.get().scope == "national"


@pytest.mark.parametrize("scope", ["kommune:0101", "politikreds:9999", "region:1084", "x" * 500])
def test_analyst_form_refuses_other_scopes(client: Client, analyst: User, scope: str) -> None:
    client.force_login(analyst)
    response = client.post("/rapporter/ny/", {**PERIOD, "scope": scope})
    assert response.status_code == 400
    assert "Vælg et af de omfang, der står på listen." in response.content.decode()
    assert not ReportJob.objects.exists()
    # What the analyst typed is kept.
    assert 'value="01.01.2025"' in response.content.decode()


def test_coordinator_cannot_start_a_report_for_their_own_municipality(
    client: Client, coordinator: User
) -> None:
    client.force_login(coordinator)
    response = client.post("/rapporter/ny/", {**PERIOD, "scope": "kommune:0101"})
    assert response.status_code == 404
    assert not ReportJob.objects.exists()


def test_job_list_labels_scopes_in_constant_queries(
    client: Client,
    analyst: User,
    django_assert_max_num_queries: Any,
    django_assert_num_queries: Any,
) -> None:
    def add_jobs(scopes: list[str]) -> None:
        for scope in scopes:
            ReportJob.objects.create(
                period_start=date(2025, 1, 1),
                period_end=date(2025, 12, 31),
                scope=scope,
                requested_by=analyst,
            )

    add_jobs(["national", "politikreds:1470"])
    client.force_login(analyst)
    client.get("/rapporter/")  # fills the content-type cache
    with django_assert_max_num_queries(20) as few:
        client.get("/rapporter/")
    add_jobs([f"politikreds:{d.code}" for d in PoliceDistrict.objects.all()] + ["national"] * 5)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get("/rapporter/").content.decode()
    assert "Bornholms Politi" in page and "Hele landet" in page


def test_the_job_renders_its_scope_and_the_download_is_named_after_it(
    client: Client, analyst: User, coordinator: User, tmp_path: Path
) -> None:
    cases_in(coordinator, "0101", 6, extremism_type=ExtremismType.MILITANT_ISLAMISM)
    cases_in(coordinator, "0751", 6)
    job = ReportJob.objects.create(
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        scope="politikreds:1470",
        requested_by=analyst,
    )
    jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    client.force_login(analyst)
    download = client.get(f"/rapporter/{job.pk}/pdf/")
    disposition = download["Content-Disposition"]
    assert 'filename="statusrapport-politikreds-1470-2025-01-01-2025-12-31.pdf"' in disposition
    path = tmp_path / "report.pdf"
    path.write_bytes(download.content)
    text = pdf_text(path)
    assert "Københavns Politi, 01.01.2025–31.12.2025" in text
    # One of the district's four municipalities; Aarhus's six are not counted.
    assert "1 af 4" in text
    assert "i alt 6 bekymringshenvendelser" in " ".join(text.split())


# --- The coordinator's statistics page ------------------------------------------------------


def test_coordinator_sees_their_municipality_this_year_so_far(
    client: Client, coordinator: User
) -> None:
    today = timezone.localdate()
    cases_in(coordinator, "0101", 6, received_on=today)
    cases_in(coordinator, "0101", 3, received_on=date(today.year - 1, 12, 31))  # last year
    cases_in(coordinator, "0751", 7, received_on=today)  # another municipality
    client.force_login(coordinator)
    response = client.get(DASHBOARD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Københavns Kommune" in page and "Aarhus" not in page
    assert f'value="01.01.{today.year}"' in page and f'value="{today:%d.%m.%Y}"' in page
    assert "Kommunen registrerede i alt 6 bekymringshenvendelser i perioden." in page
    assert (str(today.year), "6") in table_cells(page)
    # One municipality: nothing to choose, so no select.
    assert '<select name="municipality"' not in page
    assert 'aria-current="page"><span>Statistik</span>' in page


def test_the_page_shows_what_the_pdf_shows_suppressed_alike(
    client: Client, coordinator: User
) -> None:
    cases_in(coordinator, "0101", 6, extremism_type=ExtremismType.MILITANT_ISLAMISM)
    cases_in(coordinator, "0101", 1, extremism_type=ExtremismType.LEFT_WING)
    client.force_login(coordinator)
    page = client.get(DASHBOARD, PERIOD).content.decode()
    report, _ = jobs.status_report(
        period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), scope="kommune:0101"
    )
    shown = table_cells(page)
    assert shown == report_cells(report)
    assert ("Venstreekstremisme", "<5") in shown
    assert "1" not in dict(shown).values()


def test_another_municipalitys_code_shows_nothing(
    client: Client, coordinator: User, other_coordinator: User
) -> None:
    cases_in(other_coordinator, "0751", 7)
    client.force_login(coordinator)
    response = client.get(DASHBOARD, {**PERIOD, "municipality": "0751"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Vælg en af dine egne kommuner." in page
    assert "Aarhus" not in page and table_cells(page) == []
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()


def test_a_coordinator_of_two_municipalities_chooses_between_them(
    client: Client, coordinator: User, aarhus: Municipality
) -> None:
    coordinator.groups.add(aarhus.group)
    cases_in(coordinator, "0101", 6)
    cases_in(coordinator, "0751", 7)
    client.force_login(coordinator)
    first = client.get(DASHBOARD, PERIOD).content.decode()
    assert option_values(first, "municipality") == ["0751", "0101"]  # by name
    assert "Kommunen registrerede i alt 7 " in first  # the first: Aarhus
    chosen = client.get(DASHBOARD, {**PERIOD, "municipality": "0101"}).content.decode()
    assert "Kommunen registrerede i alt 6 " in chosen and "Københavns Kommune" in chosen
    assert client.get(DASHBOARD, {**PERIOD, "municipality": "0147"}).status_code == 400


def test_every_view_of_the_figures_is_audited(
    client: Client, coordinator: User, kbh: Municipality
) -> None:
    client.force_login(coordinator)
    client.get(DASHBOARD)
    client.get(DASHBOARD, PERIOD)
    entries = AuditEntry.objects.filter(user=coordinator, action=AuditAction.VIEW)
    assert entries.count() == 2
    assert set(entries.values_list("object_type", "object_id", "purpose")) == {
        ("concerns.municipality", str(kbh.pk), "statistik")
    }


def test_a_bad_period_is_refused_with_the_input_kept(client: Client, coordinator: User) -> None:
    client.force_login(coordinator)
    response = client.get(DASHBOARD, {"period_start": "31.12.2025", "period_end": "01.01.2025"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Slutdatoen må ikke ligge før startdatoen." in page
    assert 'value="31.12.2025"' in page and table_cells(page) == []


def test_nobody_but_coordinators_reaches_the_page(
    client: Client, analyst: User, police: User, administrator: User
) -> None:
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    without_municipality = make_user("koordinator.uden.kommune", Role.COORDINATOR)
    for user in (analyst, police, administrator, without_municipality):
        client.force_login(user)
        assert client.get(DASHBOARD).status_code == 404
        assert client.get(DASHBOARD, {**PERIOD, "municipality": "0101"}).status_code == 404
    for user in (analyst, police, administrator):
        client.force_login(user)
        assert "<span>Statistik</span>" not in client.get(DASHBOARD).content.decode()


def test_dashboard_queries_do_not_grow_with_the_cases(
    client: Client,
    coordinator: User,
    aarhus: Municipality,
    django_assert_max_num_queries: Any,
    django_assert_num_queries: Any,
) -> None:
    coordinator.groups.add(aarhus.group)
    cases_in(coordinator, "0101", 2)
    client.force_login(coordinator)
    params = {**PERIOD, "municipality": "0101"}
    client.get(DASHBOARD, params)  # fills the content-type cache
    with django_assert_max_num_queries(20) as few:
        assert client.get(DASHBOARD, params).status_code == 200
    cases_in(coordinator, "0101", 20)
    cases_in(coordinator, "0101", 5, received_on=date(2024, 6, 1))
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(DASHBOARD, {**params, "period_start": "01.01.2024"}).content.decode()
    assert "Kommunen registrerede i alt 27 " in page


# --- The command -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "label", "headline"),
    [
        (None, "Hele landet", "2 af 98"),
        ("national", "Hele landet", "2 af 98"),
        ("politikreds:1470", "Københavns Politi", "1 af 4"),
        ("kommune:0101", "Københavns Kommune", "Kommunen modtog mindst én bekymringshenvendelse"),
    ],
)
def test_the_command_writes_a_pdf_naming_its_scope(
    coordinator: User, tmp_path: Path, scope: str | None, label: str, headline: str
) -> None:
    cases_in(coordinator, "0101", 6)
    cases_in(coordinator, "0751", 5)
    out = tmp_path / "rapport.pdf"
    arguments = ["--from", "2025-01-01", "--to", "2025-12-31", "--out", str(out)]
    if scope is not None:
        arguments += ["--scope", scope]
    call_command("status_report", *arguments, stdout=StringIO())
    text = pdf_text(out)
    assert f"{label}, 01.01.2025–31.12.2025" in text
    assert headline in text
    assert ("af kommunerne" in text) is (scope != "kommune:0101")


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        ("region:1084", "Unknown report scope 'region:1084': use 'national'"),
        ("politikreds:9999", "there is no police district with the code 9999"),
        ("kommune:101", "Unknown report scope 'kommune:101'"),
        ("kommune:0411", "there is no municipality with the code 0411"),
    ],
)
def test_the_command_refuses_a_bad_scope(tmp_path: Path, scope: str, message: str) -> None:
    out = tmp_path / "rapport.pdf"
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command(
            "status_report",
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
            "--scope",
            scope,
            "--out",
            str(out),
        )
    assert not out.exists()


def test_a_district_without_concerns_still_gets_its_report(
    coordinator: User, tmp_path: Path
) -> None:
    cases_in(coordinator, "0751", 3)
    out = tmp_path / "rapport.pdf"
    call_command(
        "status_report",
        *["--from", "2025-01-01", "--to", "2025-12-31", "--scope", "politikreds:1471"],
        *["--out", str(out)],
        stdout=StringIO(),
    )
    text = pdf_text(out)
    assert "Bornholms Politi" in text and "0 af 1" in text
    assert re.search(r"\bBornholm\s+0\b", text)  # table 2, per municipality
