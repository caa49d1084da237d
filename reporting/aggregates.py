"""The numbers of the status report, with small counts suppressed.

Pure functions over `facts.CaseFact`: no queries and no clock, so the same facts
always give the same report.

Suppression (reporting.suppression): a count from 1 to threshold - 1 is shown as
"<threshold" (primary); zero is shown as 0. Counts hidden only so that a primary
one cannot be worked out (secondary) are shown as "—", not as "<threshold": they
are not small, and "<5" on a count of 40 would mislead the reader. Every table
here splits the same concerns, so they share one total, which is also printed in
the text: the tables are suppressed together, keeping that total published unless
nothing else can protect a small count, and then withholding it everywhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, TypeAlias

from django.conf import settings

from concerns.choices import ExtremismType
from reporting.facts import NATIONAL, CaseFact
from reporting.suppression import Figure, Mark, suppress_one_way_tables

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

    @classmethod
    def of(cls, figure: Figure, threshold: int) -> Cell:
        return cls(figure.count, threshold, withheld=figure.mark is Mark.SECONDARY)

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


# (label, count) for each row of a table.
Counts: TypeAlias = "list[tuple[StrOrPromise, int]]"


def per_year_counts(facts: Sequence[CaseFact], start: date, end: date) -> Counts:
    """One count per calendar year the period touches, empty years included."""
    counts = Counter(fact.year for fact in facts)
    return [(str(year), counts[year]) for year in range(start.year, end.year + 1)]


def by_extremism_type_counts(facts: Sequence[CaseFact]) -> Counts:
    """One count per primary type of extremism, in vocabulary order, zeros included."""
    counts = Counter(fact.extremism_type for fact in facts)
    return [(kind.label, counts[kind.value]) for kind in ExtremismType]


def suppressed_tables(breakdowns: Sequence[Counts], threshold: int) -> list[Table]:
    """Tables that split the same total, suppressed together (see the module
    docstring). Raises ValueError when they do not add up to the same total."""
    shared = suppress_one_way_tables([[n for _, n in rows] for rows in breakdowns], threshold)
    total = Cell.of(shared.total, threshold)
    return [
        Table(
            tuple(
                Row(label, Cell.of(figure, threshold))
                for (label, _), figure in zip(rows, figures, strict=True)
            ),
            total,
        )
        for rows, figures in zip(breakdowns, shared.tables, strict=True)
    ]


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
    per_year, by_extremism_type = suppressed_tables(
        [per_year_counts(facts, period_start, period_end), by_extremism_type_counts(facts)],
        threshold,
    )
    return StatusReport(
        period_start=period_start,
        period_end=period_end,
        scope=scope,
        threshold=threshold,
        headline=Headline(
            with_concern=len({fact.municipality_code for fact in facts}),
            municipalities=municipality_count,
        ),
        # The same Cell as every table's "I alt", so the text never disagrees.
        total=per_year.total,
        per_year=per_year,
        by_extremism_type=by_extremism_type,
    )
