"""Sections 3 and 4 of the status report, the data-quality annex and the charts:
every published cell is an independent count of the facts with the same
suppression, the PDF prints them in Danish, and no hidden count gets out."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from accounts.models import User
from concerns.choices import (
    ActionType,
    AgeBand,
    AssessmentOutcome,
    Authority,
    ClosureReason,
    ExtremismType,
    Gender,
    PsychVulnerability,
    SenderType,
    Status,
    YesNoUnknown,
)
from concerns.models import Case, FollowUpAction, Municipality
from reporting import exports, jobs
from reporting.aggregates import WITHHELD, Cell, StatusReport, Table, build_report
from reporting.facts import Areas, CaseFact
from reporting.suppression import Figure, Mark, suppress_one_way, suppress_one_way_tables
from tests.conftest import make_case
from tests.reporting.pdftext import pdf_text

START, END = date(2024, 1, 1), date(2025, 12, 31)
THRESHOLD = 5


# --- Crafted facts --------------------------------------------------------------


def crafted_facts(seed: int, n: int) -> list[CaseFact]:
    """n facts with skewed values (so that small counts occur), including values
    outside the vocabularies ("" and an old code), which count as unknown."""
    rng = random.Random(seed)

    def pick(values: list[str]) -> str:
        # Earlier values much more often: a few large and several small counts.
        return values[min(int(rng.expovariate(0.9)), len(values) - 1)]

    facts = []
    for _ in range(n):
        facts.append(
            CaseFact(
                municipality_code=rng.choice(["0101", "0751", "0461"]),
                police_district_code="1470",
                year=rng.choice([2024, 2025]),
                extremism_type=pick([k.value for k in ExtremismType]),
                sender_type=pick([s.value for s in SenderType] + [""]),
                age_band=pick([a.value for a in AgeBand] + ["15_17"]),
                gender=pick([g.value for g in Gender] + [""]),
                psych_vulnerability=pick([p.value for p in PsychVulnerability]),
                is_group=rng.random() < 0.1,
                online_element=pick([o.value for o in YesNoUnknown]),
                status=pick([Status.CLOSED, Status.FOLLOW_UP, Status.HANDED_TO_POLICE]),
                assessment_outcome=pick(["", *(o.value for o in AssessmentOutcome)]),
                closure_reason=pick([r.value for r in ClosureReason] + [""]),
                psych_vulnerability_part=rng.random() < 0.2,
                gang_fringe=rng.random() < 0.05,
                relative_radicalised=rng.random() < 0.08,
                parallel_social_case=rng.random() < 0.3,
                days_to_assessment=rng.choice([None, rng.randint(0, 90)]),
                action_types=tuple(
                    sorted(kind.value for kind in ActionType if rng.random() < WEIGHTS[kind])
                ),
            )
        )
    return facts


# How often each action type is drawn: some common, some rare, most never.
WEIGHTS = {kind: [0.6, 0.3, 0.05, 0.02][i] if i < 4 else 0.0 for i, kind in enumerate(ActionType)}
# Facts of 0461 (Odense) are outside these areas: they count as "Ikke oplyst".
AREAS = Areas("municipality_code", (("0101", "København"), ("0751", "Aarhus")))


def report_of(facts: list[CaseFact]) -> StatusReport:
    return build_report(
        facts,
        period_start=START,
        period_end=END,
        municipality_count=98,
        threshold=THRESHOLD,
        areas=AREAS,
    )


def beside_total(count: int, total: int) -> str:
    """An overlapping count as printed: "<5" when small, "—" when the cases
    without number 1–4 and the total is published."""
    if 0 < count < THRESHOLD:
        return f"<{THRESHOLD}"
    if total >= THRESHOLD and 0 < total - count < THRESHOLD:
        return WITHHELD
    return f"{count:,}".replace(",", ".")


def count(facts: list[CaseFact], test: Callable[[CaseFact], bool]) -> int:
    return sum(1 for fact in facts if test(fact))


def shown(figure: Figure) -> str:
    if figure.mark is Mark.PRIMARY:
        return f"<{THRESHOLD}"
    if figure.mark is Mark.SECONDARY:
        return WITHHELD
    return f"{figure.count:,}".replace(",", ".")


def expected_partitions(facts: list[CaseFact]) -> list[list[tuple[str, int]]]:
    """Every table of the shared total, counted here without the report's code."""

    def of(attr: str, codes: list[str], unknown: str | None) -> list[int]:
        values = [getattr(fact, attr) for fact in facts]
        cells = [values.count(code) for code in codes]
        stray = sum(1 for value in values if value not in codes)
        if unknown is not None:
            cells[codes.index(unknown)] += stray
        elif stray:
            cells.append(stray)
        return cells

    def labelled(choices: list, cells: list[int]) -> list[tuple[str, int]]:  # type: ignore[type-arg]
        labels = [str(choice.label) for choice in choices] + ["Ikke oplyst"]
        return list(zip(labels, cells, strict=False))

    years = [(str(y), sum(1 for f in facts if f.year == y)) for y in (2024, 2025)]
    types = labelled(list(ExtremismType), of("extremism_type", list(ExtremismType), None))
    senders = labelled(list(SenderType), of("sender_type", list(SenderType), None))
    ages = labelled(list(AgeBand), of("age_band", list(AgeBand), AgeBand.UNKNOWN))
    genders = labelled(list(Gender), of("gender", list(Gender), Gender.UNKNOWN))
    groups = count(facts, lambda f: f.is_group)
    online = labelled(
        list(YesNoUnknown), of("online_element", list(YesNoUnknown), YesNoUnknown.UNKNOWN)
    )
    psych = count(facts, lambda f: f.psych_vulnerability_part)
    areas = [
        ("København", count(facts, lambda f: f.municipality_code == "0101")),
        ("Aarhus", count(facts, lambda f: f.municipality_code == "0751")),
    ]
    if stray := count(facts, lambda f: f.municipality_code not in ("0101", "0751")):
        areas.append(("Ikke oplyst", stray))
    return [
        years,
        types,
        senders,
        ages,
        genders,
        [("Enkeltperson", len(facts) - groups), ("Gruppe", groups)],
        online,
        [("Ja", psych), ("Nej", len(facts) - psych)],
        areas,
    ]


def published(table: Table) -> list[tuple[str, str]]:
    return [(str(row.label), row.cell.display) for row in table.rows]


SEEDS = [(1, 0), (2, 7), (3, 40), (4, 60), (5, 200)]


@pytest.mark.parametrize(("seed", "n"), SEEDS)
def test_section_3_tables_are_independent_counts_suppressed_together(seed: int, n: int) -> None:
    facts = crafted_facts(seed, n)
    report = report_of(facts)
    partitions = expected_partitions(facts)
    marks = suppress_one_way_tables([[c for _, c in rows] for rows in partitions], THRESHOLD)
    assert report.by_area is not None
    tables = [
        report.per_year,
        report.by_extremism_type,
        report.by_sender_type,
        report.by_age_band,
        report.by_gender,
        report.by_group,
        report.by_online_element,
        report.by_psych_vulnerability_part,
        report.by_area,
    ]
    for table, rows, figures in zip(tables, partitions, marks.tables, strict=True):
        assert published(table) == [
            (label, shown(figure)) for (label, _), figure in zip(rows, figures, strict=True)
        ]
        assert table.total is report.total
    assert report.total.display == shown(marks.total)
    assert report.total.count == n


@pytest.mark.parametrize(("seed", "n"), SEEDS)
def test_flags_are_counted_each_on_its_own_without_a_total(seed: int, n: int) -> None:
    facts = crafted_facts(seed, n)
    flags = report_of(facts).flags.rows
    counts = [
        count(facts, lambda f: f.gang_fringe),
        count(facts, lambda f: f.relative_radicalised),
        count(facts, lambda f: f.parallel_social_case),
    ]
    assert [str(row.label) for row in flags] == [
        "I periferien af bande-/kriminelt miljø",
        "Søskende/pårørende til radikaliseret person",
        "Kendt parallel myndighedssag",
    ]
    total = report_of(facts).total
    assert [row.display for row in flags] == [
        beside_total(c, n) if not total.suppressed else Cell(c, THRESHOLD).display for c in counts
    ]


@pytest.mark.parametrize(("seed", "n"), SEEDS)
def test_action_types_count_cases_with_at_least_one_action_of_the_type(seed: int, n: int) -> None:
    facts = crafted_facts(seed, n)
    report = report_of(facts)
    assert [str(row.label) for row in report.by_action_type.rows] == [
        str(kind.label) for kind in ActionType
    ]
    for kind, row in zip(ActionType, report.by_action_type.rows, strict=True):
        cases = sum(1 for f in facts if kind.value in f.action_types)
        assert row.cell.count == cases
        expected = (
            Cell(cases, THRESHOLD).display if report.total.suppressed else beside_total(cases, n)
        )
        assert row.display == expected


def test_a_count_beside_the_total_is_withheld_when_few_cases_lack_it() -> None:
    facts = crafted_facts(11, 40)
    everyone_but_two = [
        replace(fact, gang_fringe=i >= 2, action_types=("conversation",) if i >= 3 else ())
        for i, fact in enumerate(facts)
    ]
    report = report_of(everyone_but_two)
    assert not report.total.suppressed
    assert report.flags.rows[0].display == "—"
    assert report.by_action_type.rows[0].display == "—"


@pytest.mark.parametrize(("seed", "n"), SEEDS)
def test_section_4_tables_are_independent_counts(seed: int, n: int) -> None:
    facts = crafted_facts(seed, n)
    report = report_of(facts)

    outcomes = [sum(1 for f in facts if f.assessment_outcome == o.value) for o in AssessmentOutcome]
    marks = suppress_one_way(outcomes, THRESHOLD)
    assert published(report.by_assessment_outcome) == [
        (str(o.label), shown(figure))
        for o, figure in zip(AssessmentOutcome, marks.cells, strict=True)
    ]
    assert report.by_assessment_outcome.total.display == shown(marks.total)

    closed = [f for f in facts if f.status == Status.CLOSED]
    reasons = [sum(1 for f in closed if f.closure_reason == r.value) for r in ClosureReason]
    labels = [str(r.label) for r in ClosureReason]
    if unstated := count(closed, lambda f: f.closure_reason not in list(ClosureReason)):
        reasons.append(unstated)
        labels.append("Ikke oplyst")
    marks = suppress_one_way(reasons, THRESHOLD)
    assert published(report.by_closure_reason) == [
        (label, shown(figure)) for label, figure in zip(labels, marks.cells, strict=True)
    ]

    police = count(facts, lambda f: f.status == Status.HANDED_TO_POLICE)
    assert report.follow_up.handed_to_police.display == (
        Cell(police, THRESHOLD).display if report.total.suppressed else beside_total(police, n)
    )

    days = sorted(f.days_to_assessment for f in facts if f.days_to_assessment is not None)
    if len(days) < THRESHOLD:
        assert report.follow_up.median_days == "—"
    else:
        low, high = days[(len(days) - 1) // 2], days[len(days) // 2]
        expected = str(low) if low == high else f"{(low + high) // 2},{5 * ((low + high) % 2)}"
        assert report.follow_up.median_days == expected


def test_median_days_is_withheld_below_the_threshold() -> None:
    facts = crafted_facts(9, 30)
    few = [f for f in facts if f.days_to_assessment is not None][: THRESHOLD - 1]
    assert report_of(few).follow_up.median_days == "—"


@pytest.mark.parametrize(("seed", "n"), SEEDS)
def test_data_quality_is_the_share_of_unknown_values(seed: int, n: int) -> None:
    facts = crafted_facts(seed, n)
    report = report_of(facts)
    unknown = {
        "Primær type af ekstremisme": count(facts, lambda f: f.extremism_type not in ExtremismType),
        "Afsender": count(facts, lambda f: f.sender_type not in SenderType),
        "Aldersgruppe": count(
            facts, lambda f: f.age_band not in AgeBand or f.age_band == "unknown"
        ),
        "Køn": count(facts, lambda f: f.gender in ("", "unknown")),
        "Psykisk sårbarhed": count(facts, lambda f: f.psych_vulnerability == "unknown"),
        "Onlineelement": count(facts, lambda f: f.online_element == "unknown"),
    }
    tables = {
        "Aldersgruppe": report.by_age_band,
        "Køn": report.by_gender,
        "Onlineelement": report.by_online_element,
        "Afsender": report.by_sender_type,
    }
    assert [str(line.label) for line in report.data_quality] == list(unknown)
    for line in report.data_quality:
        u = unknown[str(line.label)]
        table = tables.get(str(line.label))
        unknown_row = (
            next((r for r in table.rows if str(r.label) in ("Ukendt", "Ikke oplyst")), None)
            if table
            else None
        )
        hidden = (
            n == 0
            or report.total.suppressed
            or 0 < u < THRESHOLD
            or 0 < n - u < THRESHOLD
            or (unknown_row is not None and unknown_row.cell.suppressed)
        )
        if hidden:
            assert line.display == "—"
        else:
            share = (Decimal(100 * u) / n).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            assert line.display == str(share).replace(".", ",")


@pytest.mark.parametrize(("seed", "n"), SEEDS)
def test_charts_draw_published_cells_only(seed: int, n: int) -> None:
    report = report_of(crafted_facts(seed, n))
    for table, chart in (
        (report.per_year, report.per_year_chart),
        (report.by_extremism_type, report.by_extremism_type_chart),
    ):
        longest = max((r.cell.count for r in table.rows if not r.cell.suppressed), default=0)
        for row, bar in zip(table.rows, chart, strict=True):
            assert (str(bar.label), bar.display) == (str(row.label), row.cell.display)
            if row.cell.suppressed or not longest:
                assert not bar.drawn and bar.width == 0
            else:
                assert bar.width == (Decimal(100 * row.cell.count) / longest).quantize(
                    Decimal("0.1")
                )


# --- The PDF, end to end --------------------------------------------------------

# Hidden counts, each one no published figure or label equals.
SMALL, WITHHELD_TYPE, WITHHELD_SENDER = 3, 23, 53


def line_of(text: str, label: str, *, last: bool = False) -> str:
    lines = [line for line in text.splitlines() if line.strip().startswith(label)]
    return lines[-1] if last else lines[0]


def test_pdf_prints_the_new_sections_and_hides_what_is_suppressed(
    coordinator: User, kbh: Municipality, tmp_path: Path
) -> None:
    received = date(2025, 3, 14)
    for _ in range(SMALL):
        make_case(coordinator, kbh, extremism_type=ExtremismType.LEFT_WING, sender_type="police")
    islamism = [
        make_case(coordinator, kbh, extremism_type=ExtremismType.MILITANT_ISLAMISM).pk
        for _ in range(WITHHELD_TYPE)
    ]
    right = [make_case(coordinator, kbh).pk for _ in range(30)]
    Case.objects.filter(pk__in=right[:7]).update(psych_vulnerability_part=True)
    Case.objects.filter(pk__in=right[7:17]).update(online_element=YesNoUnknown.YES)
    for i, pk in enumerate(islamism[:12]):
        Case.objects.filter(pk=pk).update(
            status=Status.CLOSED,
            closure_reason=ClosureReason.COMPLETED,
            assessment_outcome=AssessmentOutcome.PREVENTIVE,
            assessed_on=received + timedelta(days=10 if i < 6 else 20),
        )
    Case.objects.filter(pk__in=islamism[12:14]).update(status=Status.HANDED_TO_POLICE)
    # 9 cases with a conversation (one of them twice: counted once), 2 with a mentor.
    for pk, kind in [(pk, ActionType.CONVERSATION) for pk in right[:9]] + [
        (right[0], ActionType.CONVERSATION),
        (right[0], ActionType.MENTOR),
        (right[1], ActionType.MENTOR),
    ]:
        FollowUpAction.objects.create(
            case_id=pk,
            action_type=kind,
            responsible_authority=Authority.MUNICIPALITY,
            created_by=coordinator,
        )

    rendered = jobs.render_report(period_start=START, period_end=END)
    text = pdf_text(rendered.pdf, tmp_path)

    for heading in (
        "Indledning og datagrundlag",
        "Omfang og art af henvendelser",
        "Tabel 2. Bekymringshenvendelser pr. politikreds",
        "Tabel 4. Bekymringshenvendelser efter afsender",
        "Tabel 5. Bekymringshenvendelser efter alder ved modtagelse",
        "Tabel 6. Bekymringshenvendelser efter køn",
        "Tabel 7. Bekymringshenvendelser om enkeltpersoner og grupper",
        "Tabel 8. Bekymringshenvendelser med onlineelement",
        "Tabel 9. Bekymringshenvendelser, hvor psykisk sårbarhed indgår",
        "Tabel 10. Bekymringshenvendelser med markeringer på tværs af områder",
        "Vurdering og opfølgning",
        "Tabel 11. Henvendelser med en helhedsvurdering efter vurderingens udfald",
        "Tabel 12. Bekymringshenvendelser efter type af aftalt opfølgende indsats",
        "Tabel 13. Afsluttede henvendelser efter afslutningsårsag",
        "Tabel 14. Overdragelse til politiet og tid til helhedsvurdering",
        "Bilag: Datakvalitet",
        "Figur 1. Bekymringshenvendelser pr. år",
        "Figur 2. Bekymringshenvendelser efter primær type af ekstremisme",
    ):
        assert heading in text, heading

    assert "56 bekymringshenvendelser" in text
    assert "Rapporten omfatter 98 kommuner og 56 bekymringshenvendelser." in " ".join(text.split())
    assert line_of(text, "Københavns Politi").split()[-1] == "56"
    assert line_of(text, "Østjyllands Politi").split()[-1] == "0"
    assert line_of(text, "Bekymringssamtale").split()[-1] == "9"
    assert line_of(text, "Mentorforløb").split()[-1] == "<5"
    assert line_of(text, "Psykologhjælp").split()[-1] == "0"
    assert line_of(text, "Højreekstremisme").split()[-1] == "30"
    assert line_of(text, "Enkeltperson").split()[-1] == "56"
    assert line_of(text, "Begrundet bekymring – forebyggende indsats").split()[-1] == "12"
    assert line_of(text, "Indsats gennemført").split()[-1] == "12"
    assert line_of(text, "Overdraget til politiet").split()[-1] == "<5"
    assert line_of(text, "Mediantid fra modtagelse til helhedsvurdering").split()[-1] == "15"
    assert line_of(text, "Køn", last=True).split()[-1] == "100,0"
    assert line_of(text, "Afsender", last=True).split()[-1] == "0,0"
    assert re.search(r"\bJa\s+7\b", text) and re.search(r"\bJa\s+10\b", text)
    assert line_of(text, "Politi ", last=True).split()[-1] == "<5"
    assert line_of(text, "Skole/dagtilbud/ungdomsuddannelse").split()[-1] == "—"
    assert line_of(text, "Militant islamisme").split()[-1] == "—"

    assert line_of(text, "Venstreekstremisme").split()[-1] == "<5"

    # Not next to a digit, a dot (thousands), a dash ("15–17 år"), a colon (time)
    # or a comma (a share). A page number can be 3, so the small count is looked
    # for in the exports, and in the PDF only on its rows (above).
    report, _ = jobs.status_report(period_start=START, period_end=END)
    exported = [data.decode("utf-8-sig") for _, data in exports.csv_files(report)]
    for hidden in (SMALL, WITHHELD_TYPE, WITHHELD_SENDER):
        number = re.compile(rf"(?<![\w.–:,]){hidden}(?![\w.–:,])")
        assert hidden == SMALL or not number.search(text), hidden
        assert not any(number.search(data) for data in exported), hidden
