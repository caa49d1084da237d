"""The numbers of the status report, with small counts suppressed.

Pure functions over `facts.CaseFact`: no queries and no clock, so the same facts
always give the same report.

Suppression: a count from 1 to threshold - 1 is shown as "<threshold". Every table
here divides the same concerns, so they share one total; that total is withheld
(shown as "—") in the whole report as soon as any table has a suppressed cell,
because total minus the visible cells would give the suppressed one back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.conf import settings

from concerns.choices import ExtremismType
from reporting.facts import NATIONAL, CaseFact

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

WITHHELD = "—"


def format_count(number: int) -> str:
    """A whole number the Danish way: 12.345."""
    return f"{number:,}".replace(",", ".")


@dataclass(frozen=True)
class Cell:
    """One published count. Templates print `display`, never `count`."""

    count: int
    threshold: int
    # Hidden to protect a suppressed cell elsewhere, not because it is small.
    withheld: bool = False

    @property
    def is_small(self) -> bool:
        return 0 < self.count < self.threshold

    @property
    def suppressed(self) -> bool:
        return self.withheld or self.is_small

    @property
    def display(self) -> str:
        if self.withheld:
            return WITHHELD
        if self.is_small:
            return f"<{self.threshold}"
        return format_count(self.count)

    def __str__(self) -> str:
        return self.display


@dataclass(frozen=True)
class Row:
    label: StrOrPromise
    cell: Cell


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]
    total: Cell

    @property
    def has_suppressed_cell(self) -> bool:
        return any(row.cell.suppressed for row in self.rows)


@dataclass(frozen=True)
class Headline:
    """Municipalities with at least one concern. Counts municipalities, not
    persons, so it is not suppressed."""

    with_concern: int
    municipalities: int

    @property
    def percent(self) -> int:
        if not self.municipalities:
            return 0
        share = Decimal(100 * self.with_concern) / Decimal(self.municipalities)
        return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class StatusReport:
    period_start: date
    period_end: date
    scope: str
    threshold: int
    headline: Headline
    total: Cell
    per_year: Table
    by_extremism_type: Table


def per_year_rows(facts: Sequence[CaseFact], start: date, end: date, threshold: int) -> list[Row]:
    """One row per calendar year the period touches, empty years included."""
    counts = Counter(fact.year for fact in facts)
    years = range(start.year, end.year + 1)
    return [Row(str(year), Cell(counts[year], threshold)) for year in years]


def by_extremism_type_rows(facts: Sequence[CaseFact], threshold: int) -> list[Row]:
    """One row per primary type of extremism, in vocabulary order, zeros included."""
    counts = Counter(fact.extremism_type for fact in facts)
    return [Row(kind.label, Cell(counts[kind.value], threshold)) for kind in ExtremismType]


def build_report(
    facts: Sequence[CaseFact],
    *,
    period_start: date,
    period_end: date,
    municipality_count: int,
    scope: str = NATIONAL,
    threshold: int | None = None,
) -> StatusReport:
    """Every number of the report, suppression applied."""
    if threshold is None:
        threshold = settings.REPORT_SUPPRESSION_THRESHOLD
    year_rows = per_year_rows(facts, period_start, period_end, threshold)
    type_rows = by_extremism_type_rows(facts, threshold)
    any_suppressed = any(row.cell.suppressed for row in (*year_rows, *type_rows))
    total = Cell(len(facts), threshold, withheld=any_suppressed)
    return StatusReport(
        period_start=period_start,
        period_end=period_end,
        scope=scope,
        threshold=threshold,
        headline=Headline(
            with_concern=len({fact.municipality_code for fact in facts}),
            municipalities=municipality_count,
        ),
        total=total,
        per_year=Table(tuple(year_rows), total),
        by_extremism_type=Table(tuple(type_rows), total),
    )
