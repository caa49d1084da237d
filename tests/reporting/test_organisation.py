"""Section 2 of the status report: how the municipalities in scope have organised
their infohus, counted in municipalities (so without suppression), and the table
of contents that points at it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concerns.choices import Authority, MeetingCadence, OrganisationModel
from concerns.models import InfohusProfile, Municipality
from reporting import facts, jobs
from reporting.aggregates import Line, StatusReport
from reporting.exports import report_tables
from tests.reporting.pdftext import pdf_text

START, END = date(2024, 1, 1), date(2025, 12, 31)

pytestmark = pytest.mark.django_db


@pytest.fixture
def profiles(kbh: Municipality, aarhus: Municipality) -> None:
    # Only the two crafted profiles, whatever the test database was seeded with.
    InfohusProfile.objects.all().delete()
    InfohusProfile.objects.create(
        municipality=kbh,
        organisation_model=OrganisationModel.STANDING_FORUM,
        meeting_cadence=MeetingCadence.MONTHLY,
        participating_authorities=[Authority.POLICE, Authority.SSP, Authority.SCHOOL],
        uses_assessment_tool=True,
        beredskab_adopted_on=date(2021, 5, 1),
        beredskab_next_revision=date(2025, 5, 1),  # before the period's end: overdue
    )
    InfohusProfile.objects.create(
        municipality=aarhus,
        organisation_model=OrganisationModel.COORDINATOR,
        meeting_cadence="",
        participating_authorities=[Authority.POLICE],
        uses_assessment_tool=False,
        beredskab_adopted_on=date(2024, 3, 1),
        beredskab_next_revision=date(2028, 3, 1),
    )


def shown(lines: tuple[Line, ...]) -> dict[str, str]:
    return {str(line.label): line.display for line in lines}


def report() -> StatusReport:
    built, _sha = jobs.status_report(period_start=START, period_end=END)
    return built


def test_counts_municipalities_by_each_aspect(profiles: None) -> None:
    org = report().organisation
    total = Municipality.objects.count()
    rest = str(total - 2)

    assert org.municipalities == total
    assert shown(org.by_model) == {
        "Tovholdermodel": "1",
        "Tværgående forum ad hoc": "0",
        "Tværgående forum med faste møder": "1",
        "Ikke oplyst": rest,
        "I alt": str(total),
    }
    assert shown(org.by_cadence)["Månedligt"] == "1"
    assert shown(org.by_cadence)["Ikke oplyst"] == str(total - 1)
    assert shown(org.by_cadence)["I alt"] == str(total)
    assert shown(org.assessment_tool) == {
        "Ja": "1",
        "Nej": "1",
        "Ikke oplyst": rest,
        "I alt": str(total),
    }
    authorities = shown(org.authorities)
    assert "I alt" not in authorities
    assert authorities["Politi"] == "2"
    assert authorities["SSP"] == "1"
    assert authorities["Skole/UU"] == "1"
    assert authorities["PET"] == "0"
    assert shown(org.beredskab) == {
        "Vedtaget": "1",
        "Vedtaget, revision overskredet": "1",
        "Ikke vedtaget": rest,
        "I alt": str(total),
    }


def test_a_municipality_scope_counts_only_that_municipality(
    profiles: None, aarhus: Municipality
) -> None:
    built, _sha = jobs.status_report(
        period_start=START, period_end=END, scope=facts.municipality_scope(aarhus.code)
    )
    org = built.organisation
    assert org.municipalities == 1
    assert shown(org.by_model)["Tovholdermodel"] == "1"
    assert shown(org.by_model)["Tværgående forum med faste møder"] == "0"
    assert shown(org.beredskab)["Vedtaget"] == "1"


def test_organisation_facts_take_one_query(profiles: None) -> None:
    with CaptureQueriesContext(connection) as queries:
        rows = facts.organisation_facts(facts.NATIONAL)
    assert len(queries) == 1
    assert sum(1 for row in rows if row.has_profile) == 2


def test_without_organisation_facts_the_section_says_so() -> None:
    from reporting.aggregates import build_report

    built = build_report([], period_start=START, period_end=END, municipality_count=98)
    assert built.organisation.empty


def test_the_pdf_has_the_section_and_a_table_of_contents(profiles: None, tmp_path: Path) -> None:
    text = pdf_text(jobs.render_report(period_start=START, period_end=END).pdf, tmp_path)
    flat = " ".join(text.split())

    assert "Indhold" in flat
    assert "Organisering af infohus i kommunerne" in flat
    assert "Kommuner efter organisering af infohus" in flat
    assert "tæller kommuner, ikke personer" in flat
    # Each entry of the table of contents ends with its page number.
    for entry in (
        "Organisering af infohus i kommunerne",
        "Omfang og art af henvendelser",
        "Vurdering og opfølgning",
        "Metode",
        "Bilag: Datakvalitet",
    ):
        assert any(
            line.strip().startswith(entry) and line.rstrip()[-1].isdigit()
            for line in text.splitlines()
        ), entry


def test_the_organisation_tables_are_exported_too(profiles: None) -> None:
    built = report()
    tables = {table.slug: table for table in report_tables(built)}
    assert {"20-organisering", "21-moedefrekvens", "24-beredskab"} <= set(tables)
    exported = {str(row[0]): row[1] for row in tables["22-vurderingsvaerktoej"].rows}
    assert exported == shown(built.organisation.assessment_tool)
