"""The report's building blocks: small counts suppressed, Danish number format,
age bands, and facts fetched in a constant number of queries."""

from dataclasses import asdict
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import User
from concerns.choices import AgeBand, ExtremismType, age_band
from concerns.models import Municipality
from reporting import facts
from reporting.aggregates import Cell, StatusReport, Table, build_report, format_count
from reporting.suppression import Mark, suppress_one_way_tables
from tests.conftest import make_case

START, END = date(2024, 1, 1), date(2025, 12, 31)


def fact(year: int = 2025, kind: ExtremismType = ExtremismType.RIGHT_WING) -> facts.CaseFact:
    return facts.CaseFact(
        municipality_code="0101",
        police_district_code="1",
        year=year,
        extremism_type=kind.value,
        sender_type="school",
        age_band="15_17",
        gender="unknown",
        psych_vulnerability="unknown",
        is_group=False,
        online_element="unknown",
        status="open",
        assessment_outcome="",
        closure_reason="",
    )


def report_of(case_facts: list[facts.CaseFact], threshold: int = 5) -> StatusReport:
    return build_report(
        case_facts, period_start=START, period_end=END, municipality_count=98, threshold=threshold
    )


def shared_tables(report: StatusReport) -> tuple[Table, ...]:
    """The tables that split the report's total, suppressed together."""
    return (
        report.per_year,
        report.by_extremism_type,
        report.by_sender_type,
        report.by_age_band,
        report.by_gender,
        report.by_group,
        report.by_online_element,
        report.by_psych_vulnerability_part,
    )


def shown(table: Table) -> dict[str, str]:
    return {str(row.label): row.cell.display for row in table.rows}


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (999, "999"), (12345, "12.345")],
)
def test_counts_of_one_to_four_are_shown_as_less_than_five(count: int, shown: str) -> None:
    assert Cell(count=count, threshold=5).display == shown


def test_withheld_cell_shows_nothing_of_its_count() -> None:
    assert Cell(count=120, threshold=5, withheld=True).display == "—"


def test_thousands_separator_is_a_dot() -> None:
    assert format_count(1000000) == "1.000.000"


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (None, AgeBand.UNKNOWN),
        (0, AgeBand.UNDER_15),
        (14, AgeBand.UNDER_15),
        (15, AgeBand.AGE_15_17),
        (17, AgeBand.AGE_15_17),
        (18, AgeBand.AGE_18_24),
        (40, AgeBand.AGE_40_PLUS),
        (93, AgeBand.AGE_40_PLUS),
    ],
)
def test_age_bands(age: int | None, band: AgeBand) -> None:
    assert age_band(age) == band


def test_facts_query_count_does_not_grow_with_cases(
    coordinator: User, kbh: Municipality, django_assert_num_queries: Any
) -> None:
    make_case(coordinator, kbh)
    with django_assert_num_queries(1) as few:
        assert len(facts.case_facts(date(2025, 1, 1), date(2025, 12, 31))) == 1
    for _ in range(12):
        make_case(coordinator, kbh)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(facts.case_facts(date(2025, 1, 1), date(2025, 12, 31))) == 13


def test_facts_carry_no_person_identifiers(coordinator: User, kbh: Municipality) -> None:
    make_case(coordinator, kbh)
    (fact,) = facts.case_facts(date(2025, 1, 1), date(2025, 12, 31))
    values = " ".join(str(value) for value in asdict(fact).values())
    assert "Mikkel" not in values and "Hansen" not in values and "0101091234" not in values


def test_a_small_count_hides_the_smallest_other_count_not_the_total() -> None:
    # Before secondary suppression the "<5" was protected by withholding the
    # total, but the per-year table still added up to it. Now the total stays
    # and the six are hidden instead: 7 - 6 would give the one away.
    report = report_of(
        [fact(kind=ExtremismType.MILITANT_ISLAMISM)] * 6 + [fact(kind=ExtremismType.LEFT_WING)]
    )
    assert shown(report.by_extremism_type)["Venstreekstremisme"] == "<5"
    assert shown(report.by_extremism_type)["Militant islamisme"] == "—"
    assert shown(report.by_extremism_type)["Højreekstremisme"] == "0"
    assert shown(report.per_year) == {"2024": "0", "2025": "7"}
    assert report.total.display == report.per_year.total.display == "7"


def test_total_is_withheld_everywhere_when_nothing_else_protects() -> None:
    # 1 + 5 = 6 with "—" meaning at least 5 would give both away; so the total
    # goes, and with it the one-year table that adds up to it. The five is
    # hidden first (the smallest count of its table) before the search reaches the
    # total, which every section 3 table shares: each of them loses its one cell.
    report = report_of([fact(kind=ExtremismType.LEFT_WING)] + [fact()] * 5)
    assert shown(report.by_extremism_type)["Venstreekstremisme"] == "<5"
    assert shown(report.by_extremism_type)["Højreekstremisme"] == "—"
    assert shown(report.by_gender)["Ukendt"] == "—"
    assert report.total.withheld and report.by_extremism_type.total.display == "—"
    assert shown(report.per_year) == {"2024": "0", "2025": "—"}


def test_no_suppression_without_small_counts() -> None:
    report = report_of([fact(2024)] * 5 + [fact(2025)] * 1200)
    assert shown(report.per_year) == {"2024": "5", "2025": "1.200"}
    assert report.total.display == "1.205"


@settings(max_examples=100, deadline=None)
@given(
    cases=st.lists(
        st.tuples(st.sampled_from([2024, 2025]), st.sampled_from(list(ExtremismType))),
        max_size=40,
    ),
    threshold=st.integers(3, 10),
)
def test_report_shows_exactly_what_suppression_allows(
    cases: list[tuple[int, ExtremismType]], threshold: int
) -> None:
    report = report_of([fact(year, kind) for year, kind in cases], threshold)
    tables = shared_tables(report)
    marks = suppress_one_way_tables(
        [[row.cell.count for row in table.rows] for table in tables], threshold
    )
    assert all(report.total is table.total for table in tables)
    assert report.total.count == len(cases)
    for table, figures in zip(tables, marks.tables, strict=True):
        for row, figure in zip(table.rows, figures, strict=True):
            expected = {Mark.PRIMARY: f"<{threshold}", Mark.SECONDARY: "—"}.get(
                figure.mark, format_count(figure.count)
            )
            assert row.cell.display == expected
            assert row.cell.suppressed == figure.suppressed
