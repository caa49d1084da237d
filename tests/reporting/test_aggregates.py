"""The report's building blocks: small counts suppressed, Danish number format,
age bands, and facts fetched in a constant number of queries."""

from dataclasses import asdict
from datetime import date
from typing import Any

import pytest

from accounts.models import User
from concerns.choices import AgeBand, age_band
from concerns.models import Municipality
from reporting import facts
from reporting.aggregates import Cell, format_count
from tests.conftest import make_case


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
