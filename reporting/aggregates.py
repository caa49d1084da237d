"""The numbers of the status report, with small counts suppressed.

Pure functions over the counts of the facts (`tally.Tally`): no queries and no
clock, so the same facts always give the same report.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, TypeAlias

from django.conf import settings
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from concerns.choices import (
    ActionType,
    AgeBand,
    AssessmentOutcome,
    Authority,
    ClosureReason,
    ExtremismType,
    Gender,
    MeetingCadence,
    OrganisationModel,
    PsychVulnerability,
    SenderType,
    Status,
    YesNoUnknown,
)
from reporting.facts import MUNICIPALITY, NATIONAL, Areas, CaseFact, OrganisationFact, parse_scope
from reporting.models import StatFact
from reporting.suppression import Figure, Mark, suppress_one_way, suppress_one_way_tables
from reporting.tally import ACTION_TYPES, Tally, tally_of

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

    @property
    def display(self) -> str:
        return self.cell.display


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
    # The scope is one municipality: a share of "1 af 1" says nothing.
    single: bool = False

    @property
    def percent(self) -> int:
        if not self.municipalities:
            return 0
        share = Decimal(100 * self.with_concern) / Decimal(self.municipalities)
        return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Flags:
    """Counts of cases with each of several properties (cross-over flags, action
    types). A case may have several or none, so the rows do not split the total
    and there is no "I alt": each count is suppressed on its own against the
    report's total (`overlapping_cell`)."""

    rows: tuple[Row, ...]


@dataclass(frozen=True)
class FollowUp:
    """Single figures of section 4."""

    # Cases whose status is "Overdraget til politiet" (primary suppression).
    handed_to_police: Cell
    # Days from receipt to the overall assessment, Danish format; "—" when fewer
    # than threshold cases have an assessment.
    median_days: str

    @property
    def rows(self) -> tuple[Line, ...]:
        return (
            Line(_("Overdraget til politiet"), self.handed_to_police.display),
            Line(_("Mediantid fra modtagelse til helhedsvurdering (dage)"), self.median_days),
        )


@dataclass(frozen=True)
class Line:
    """A labelled figure printed as it is: a share, a median, a mark."""

    label: StrOrPromise
    display: str


@dataclass(frozen=True)
class Bar:
    """One bar of a chart, drawn from the published cell only: a suppressed cell
    has no bar (width 0) and its mark as label."""

    label: StrOrPromise
    display: str
    width: Decimal  # share of the longest published bar, 0-100

    @property
    def drawn(self) -> bool:
        return self.width > 0

    @property
    def label_x(self) -> Decimal:
        """Where the value label goes: just after the bar."""
        return self.width + 2


@dataclass(frozen=True)
class Organisation:
    """Section 2: how the scope's municipalities have organised their infohus.
    Counts municipalities, not persons, so nothing is suppressed. Each table but
    the participating authorities splits the municipalities and ends with "I alt";
    a municipality may name several authorities, so that table has no total."""

    municipalities: int = 0
    by_model: tuple[Line, ...] = ()
    by_cadence: tuple[Line, ...] = ()
    assessment_tool: tuple[Line, ...] = ()
    authorities: tuple[Line, ...] = ()
    beredskab: tuple[Line, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.municipalities


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
    by_sender_type: Table
    by_age_band: Table
    by_gender: Table
    by_group: Table
    by_online_element: Table
    by_psych_vulnerability_part: Table
    flags: Flags
    by_assessment_outcome: Table
    by_closure_reason: Table
    follow_up: FollowUp
    data_quality: tuple[Line, ...]
    per_year_chart: tuple[Bar, ...]
    by_extremism_type_chart: tuple[Bar, ...]
    organisation: Organisation = Organisation()
    # Concerns per police district (national) or per municipality (a district or
    # one municipality), suppressed with the tables above; None without areas.
    by_area: Table | None = None
    area_heading: StrOrPromise = ""
    by_action_type: Flags = Flags(())

    @property
    def area_caption(self) -> StrOrPromise:
        if self.headline.single:
            return _("Tabel 2. Bekymringshenvendelser pr. kommune")
        if self.scope == NATIONAL:
            return _("Tabel 2. Bekymringshenvendelser pr. politikreds")
        return _("Tabel 2. Bekymringshenvendelser pr. kommune i politikredsen")


# (label, count) for each row of a table.
Counts: TypeAlias = "list[tuple[StrOrPromise, int]]"


def per_year_counts(tally: Tally, start: date, end: date) -> Counts:
    """One count per calendar year the period touches, empty years included."""
    counts = tally["year"]
    return [(str(year), counts[year]) for year in range(start.year, end.year + 1)]


def by_extremism_type_counts(tally: Tally) -> Counts:
    """One count per primary type of extremism, in vocabulary order, zeros included."""
    counts = tally["extremism_type"]
    return [(kind.label, counts[kind.value]) for kind in ExtremismType]


UNSTATED = _("Ikke oplyst")


def vocabulary_counts(
    counts: Counter[str],
    choices: type[models.TextChoices],
    unknown: str | None = None,
) -> Counts:
    """One count per code of `choices`, in vocabulary order, zeros included. A
    value outside the vocabulary (empty, or an old code) counts as `unknown`;
    without an unknown code it gets an "Ikke oplyst" row last, shown only when
    there is such a value, so the rows always add up to the number of cases."""
    codes = [choice.value for choice in choices]
    stray = sum(n for code, n in counts.items() if code not in codes)
    rows: Counts = [(choice.label, counts[choice.value]) for choice in choices]
    if unknown is not None:
        index = codes.index(unknown)
        rows[index] = (rows[index][0], rows[index][1] + stray)
    elif stray:
        rows.append((UNSTATED, stray))
    return rows


def yes_no_counts(tally: Tally, name: str) -> Counts:
    yes = tally[name][True]
    return [(YesNoUnknown.YES.label, yes), (YesNoUnknown.NO.label, tally.total - yes)]


def group_counts(tally: Tally) -> Counts:
    groups = tally["is_group"][True]
    return [(_("Enkeltperson"), tally.total - groups), (_("Gruppe"), groups)]


def section_3_counts(tally: Tally) -> list[Counts]:
    """The partitions of section 3 after per year and per type, in the PDF's order."""
    return [
        vocabulary_counts(tally["sender_type"], SenderType),
        vocabulary_counts(tally["age_band"], AgeBand, AgeBand.UNKNOWN),
        vocabulary_counts(tally["gender"], Gender, Gender.UNKNOWN),
        group_counts(tally),
        vocabulary_counts(tally["online_element"], YesNoUnknown, YesNoUnknown.UNKNOWN),
        yes_no_counts(tally, "psych_vulnerability_part"),
    ]


def area_counts(tally: Tally, areas: Areas) -> Counts:
    """One count per area in the given order, zeros included; a fact whose area is
    not among them (reference data changed since) counts as "Ikke oplyst"."""
    counts = tally[areas.field]
    rows: Counts = [(name, counts[code]) for code, name in areas.names]
    stray = tally.total - sum(n for _, n in rows)
    if stray:
        rows.append((UNSTATED, stray))
    return rows


def field_label(name: str) -> StrOrPromise:
    """The Danish name of a fact store field, capitalised: "Køn"."""
    field = StatFact._meta.get_field(name)
    assert isinstance(field, models.Field)
    return capfirst(field.verbose_name)


FLAG_FIELDS = ("gang_fringe", "relative_radicalised", "parallel_social_case")


def overlapping_cell(count: int, total: Cell) -> Cell:
    """The number of cases with some property, printed beside the report's total:
    shown as "<threshold" when small, and withheld ("—") when the cases without
    the property number 1 to threshold - 1, as the published total minus this
    count would tell."""
    without = total.count - count
    withheld = not total.suppressed and count >= total.threshold and 0 < without < total.threshold
    return Cell(count, total.threshold, withheld=withheld)


def overlapping(rows: Counts, total: Cell) -> Flags:
    return Flags(tuple(Row(label, overlapping_cell(count, total)) for label, count in rows))


def action_type_counts(tally: Tally) -> Counts:
    """(type, cases with at least one follow-up action of the type), in vocabulary
    order, zeros included."""
    counts = tally[ACTION_TYPES]
    return [(kind.label, counts[kind.value]) for kind in ActionType]


def flag_counts(tally: Tally) -> Counts:
    """(label, cases with the flag) per cross-over flag; labels are the fact
    store's field names."""
    return [
        (
            field_label(name),
            tally[name][True],
        )
        for name in FLAG_FIELDS
    ]


def assessment_outcome_counts(tally: Tally) -> Counts:
    """Cases with an overall assessment, by its outcome."""
    counts = tally["assessment_outcome"]
    return [(outcome.label, counts[outcome.value]) for outcome in AssessmentOutcome]


def closure_reason_counts(tally: Tally) -> Counts:
    """Closed cases by the reason for closing (an empty reason: "Ikke oplyst")."""
    return vocabulary_counts(tally.closure_reasons(), ClosureReason)


def separate_table(rows: Counts, threshold: int) -> Table:
    """A table with its own total (not the report's), suppressed on its own."""
    marks = suppress_one_way([n for _, n in rows], threshold)
    return Table(
        tuple(
            Row(label, Cell.of(figure, threshold))
            for (label, _), figure in zip(rows, marks.cells, strict=True)
        ),
        Cell.of(marks.total, threshold),
    )


def format_decimal(number: Decimal, places: int = 1) -> str:
    """A rounded number with the Danish decimal comma: 12,5."""
    quantum = Decimal(1).scaleb(-places)
    return f"{number.quantize(quantum, rounding=ROUND_HALF_UP)}".replace(".", ",")


def median(histogram: Mapping[int, int]) -> Decimal:
    """The median of the values counted in `histogram` (value -> how many), the
    mean of the two middle ones when their number is even."""
    n = sum(histogram.values())
    middle = {(n - 1) // 2, n // 2}  # positions, from 0, of the middle value(s)
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        found += [value for position in middle if seen <= position < seen + count]
        seen += count
    return Decimal(sum(found)) / Decimal(len(found))


def median_days(tally: Tally, threshold: int) -> str:
    """The median number of days from receipt to the overall assessment, over the
    cases that have one: whole days, or ",5" between two. Withheld ("—") when
    fewer than threshold cases have an assessment."""
    days = {d: n for d, n in tally["days_to_assessment"].items() if d is not None and n}
    if sum(days.values()) < threshold:
        return WITHHELD
    middle = median(days)
    return format_count(int(middle)) if middle == int(middle) else format_decimal(middle)


# Fields of the data-quality annex: (field, value, codes that mean unknown,
# vocabulary). A value outside the vocabulary counts as unknown too.
QUALITY_FIELDS: tuple[tuple[str, type[models.TextChoices], tuple[str, ...]], ...] = (
    ("extremism_type", ExtremismType, ()),
    ("sender_type", SenderType, ()),
    ("age_band", AgeBand, (AgeBand.UNKNOWN,)),
    ("gender", Gender, (Gender.UNKNOWN,)),
    ("psych_vulnerability", PsychVulnerability, (PsychVulnerability.UNKNOWN,)),
    ("online_element", YesNoUnknown, (YesNoUnknown.UNKNOWN,)),
)


def unknown_counts(tally: Tally) -> list[tuple[str, int]]:
    """(field, cases with an unknown or empty value) for each QUALITY_FIELDS."""
    result = []
    for name, choices, unknown in QUALITY_FIELDS:
        known = {choice.value for choice in choices} - set(unknown)
        result.append((name, sum(n for code, n in tally[name].items() if code not in known)))
    return result


def data_quality(tally: Tally, total: Cell, unknown_cells: dict[str, Cell]) -> tuple[Line, ...]:
    """The share of cases with an unknown value per field, in percent with one
    decimal. A share is a property of a field, but times the published total it
    gives back a count: so it is shown as "—" when the total is hidden, when the
    unknown or the known cases number 1 to threshold - 1, or when the field's
    "Ukendt" row of a table is suppressed."""
    rows = []
    n = tally.total
    for name, unknown in unknown_counts(tally):
        cell = unknown_cells.get(name)
        hidden = (
            total.suppressed
            or 0 < unknown < total.threshold
            or 0 < n - unknown < total.threshold
            or (cell is not None and cell.suppressed)
        )
        if hidden or not n:
            percent = WITHHELD
        else:
            percent = format_decimal(Decimal(100 * unknown) / Decimal(n))
        label = field_label(name)
        rows.append(Line(label, percent))
    return tuple(rows)


def bars(table: Table) -> tuple[Bar, ...]:
    """A bar per row, scaled to the largest published count; a suppressed row has
    no bar, so the chart shows nothing the table does not."""
    longest = max((row.cell.count for row in table.rows if not row.cell.suppressed), default=0)
    result = []
    for row in table.rows:
        published = not row.cell.suppressed and longest > 0
        width = Decimal(100 * row.cell.count) / Decimal(longest) if published else Decimal(0)
        result.append(Bar(row.label, row.cell.display, width.quantize(Decimal("0.1"))))
    return tuple(result)


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


def _partition(rows: list[tuple[StrOrPromise, int]]) -> tuple[Line, ...]:
    """Municipality counts that split the scope, "I alt" last."""
    lines = [Line(label, format_count(n)) for label, n in rows]
    lines.append(Line(_("I alt"), format_count(sum(n for _, n in rows))))
    return tuple(lines)


def _by_vocabulary(values: Sequence[str], choices: type[models.TextChoices]) -> tuple[Line, ...]:
    """One row per code in vocabulary order; "Ikke oplyst" for anything else."""
    counts = Counter(values)
    rows: list[tuple[StrOrPromise, int]] = [(c.label, counts[c.value]) for c in choices]
    known = {c.value for c in choices}
    rows.append((UNSTATED, sum(n for code, n in counts.items() if code not in known)))
    return _partition(rows)


BEREDSKAB_ADOPTED = _("Vedtaget")
BEREDSKAB_OVERDUE = _("Vedtaget, revision overskredet")
BEREDSKAB_NOT_ADOPTED = _("Ikke vedtaget")


def beredskab_status(fact: OrganisationFact, as_of: date) -> StrOrPromise:
    """A municipality's beredskab at `as_of` (the period's end): not adopted (or
    adopted later), adopted, or adopted with its next revision date passed."""
    if fact.beredskab_adopted_on is None or fact.beredskab_adopted_on > as_of:
        return BEREDSKAB_NOT_ADOPTED
    if fact.beredskab_next_revision is not None and fact.beredskab_next_revision < as_of:
        return BEREDSKAB_OVERDUE
    return BEREDSKAB_ADOPTED


def organisation(facts: Sequence[OrganisationFact], as_of: date) -> Organisation:
    """Section 2 from one fact per municipality of the scope."""
    if not facts:
        return Organisation()
    profiled = [fact for fact in facts if fact.has_profile]
    tool_yes = sum(1 for fact in profiled if fact.uses_assessment_tool)
    named = Counter(code for fact in facts for code in set(fact.participating_authorities))
    statuses = Counter(beredskab_status(fact, as_of) for fact in facts)
    return Organisation(
        municipalities=len(facts),
        by_model=_by_vocabulary([f.organisation_model for f in facts], OrganisationModel),
        by_cadence=_by_vocabulary([f.meeting_cadence for f in facts], MeetingCadence),
        assessment_tool=_partition(
            [
                (YesNoUnknown.YES.label, tool_yes),
                (YesNoUnknown.NO.label, len(profiled) - tool_yes),
                (UNSTATED, len(facts) - len(profiled)),
            ]
        ),
        authorities=tuple(
            Line(authority.label, format_count(named[authority.value])) for authority in Authority
        ),
        beredskab=_partition(
            [
                (label, statuses[label])
                for label in (BEREDSKAB_ADOPTED, BEREDSKAB_OVERDUE, BEREDSKAB_NOT_ADOPTED)
            ]
        ),
    )


def build_report(
    facts: Sequence[CaseFact] | Tally,
    *,
    period_start: date,
    period_end: date,
    municipality_count: int,
    scope: str = NATIONAL,
    threshold: int | None = None,
    organisation_facts: Sequence[OrganisationFact] = (),
    areas: Areas | None = None,
) -> StatusReport:
    """Every number of the report, suppression applied. `organisation_facts` (one
    per municipality of the scope, facts.organisation_facts) give section 2; without
    them the section says there is no information. `areas` (facts.report_areas)
    give the table per police district or municipality; without them it is left
    out. `facts` may be counted already (tally.tally_in)."""
    if threshold is None:
        threshold = settings.REPORT_SUPPRESSION_THRESHOLD
    tally = facts if isinstance(facts, Tally) else tally_of(facts)
    breakdowns = [
        per_year_counts(tally, period_start, period_end),
        by_extremism_type_counts(tally),
        *section_3_counts(tally),
    ]
    if areas is not None:
        breakdowns.append(area_counts(tally, areas))
    shared = suppressed_tables(breakdowns, threshold)
    (per_year, by_extremism_type, sender, age, gender, group, online, psych) = shared[:8]
    by_area = shared[8] if areas is not None else None
    unknown_rows = {
        "age_band": age.rows[list(AgeBand).index(AgeBand.UNKNOWN)].cell,
        "gender": gender.rows[list(Gender).index(Gender.UNKNOWN)].cell,
        "online_element": online.rows[list(YesNoUnknown).index(YesNoUnknown.UNKNOWN)].cell,
    }
    if len(sender.rows) > len(SenderType):
        unknown_rows["sender_type"] = sender.rows[-1].cell
    return StatusReport(
        period_start=period_start,
        period_end=period_end,
        scope=scope,
        threshold=threshold,
        headline=Headline(
            with_concern=sum(1 for n in tally["municipality_code"].values() if n),
            municipalities=municipality_count,
            single=parse_scope(scope)[0] == MUNICIPALITY,
        ),
        # The same Cell as every table's "I alt", so the text never disagrees.
        total=per_year.total,
        per_year=per_year,
        by_extremism_type=by_extremism_type,
        by_sender_type=sender,
        by_age_band=age,
        by_gender=gender,
        by_group=group,
        by_online_element=online,
        by_psych_vulnerability_part=psych,
        flags=overlapping(flag_counts(tally), per_year.total),
        by_action_type=overlapping(action_type_counts(tally), per_year.total),
        by_area=by_area,
        area_heading=areas.heading if areas is not None else "",
        by_assessment_outcome=separate_table(assessment_outcome_counts(tally), threshold),
        by_closure_reason=separate_table(closure_reason_counts(tally), threshold),
        follow_up=FollowUp(
            handed_to_police=overlapping_cell(
                tally.with_status(Status.HANDED_TO_POLICE), per_year.total
            ),
            median_days=median_days(tally, threshold),
        ),
        data_quality=data_quality(tally, per_year.total, unknown_rows),
        per_year_chart=bars(per_year),
        by_extremism_type_chart=bars(by_extremism_type),
        organisation=organisation(organisation_facts, period_end),
    )
