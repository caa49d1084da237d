"""The status report's tables as files: one CSV per table (zipped for a download)
and one Excel workbook.

Pure functions over a built `aggregates.StatusReport`: no queries, no clock. They
write what the PDF prints and nothing more. A published count is written as a
number; a suppressed one as the PDF's mark ("<5", "—"), never as its count, which
is only read to decide that it is published.

CSV is written for Danish Excel, which most readers will open it with: UTF-8 with
a byte order mark (without it Excel reads æøå as Latin-1) and ";" between fields
(Danish Excel splits on ";", since "," is the decimal comma). Numbers are plain
digits without the PDF's thousands dot, so every program reads "1200" as the same
whole number; "1.200" would be 1.2 to anything but a Danish spreadsheet.

The same report and `About` always give the same bytes: the zip entries and the
workbook's properties are dated from `About.generated_at`, or from a constant.
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeAlias

from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

from reporting.aggregates import Cell, Headline, Line, StatusReport, Table
from reporting.facts import NATIONAL

# A published cell: a count, or the mark that stands for a suppressed one.
Value: TypeAlias = int | str

ABOUT_SLUG = "00-om-data"
ABOUT_SHEET = "Om data"
# Dates zip entries and workbook properties when no generation time is given.
FIXED_STAMP = datetime(2000, 1, 1, tzinfo=UTC)
NUMBER_FORMAT = "#,##0"  # shown with the reader's thousands separator: 1.200 in Danish


@dataclass(frozen=True)
class ExportTable:
    """One table as published. `slug` names its CSV file, `sheet_name` its sheet."""

    slug: str
    sheet_name: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    # Counts concerns (False: municipalities, as the headline and section 2 do).
    counts_concerns: bool = True


@dataclass(frozen=True)
class About:
    """What the PDF prints around its tables. Pass what the PDF was rendered with
    (`jobs.report_context`) so that the "Om data" sheet says the same."""

    scope_label: str
    generated_at: datetime | None = None
    dataset_sha256: str = ""


def published(cell: Cell) -> Value:
    """A cell as the PDF prints it: its count when shown, else its mark."""
    return cell.display if cell.suppressed else cell.count


# --- The tables ----------------------------------------------------------------


def _headline_table(headline: Headline) -> ExportTable:
    # Municipalities, not persons: the PDF prints all three figures unsuppressed.
    return ExportTable(
        slug="01-andel-kommuner",
        counts_concerns=False,
        sheet_name="Andel kommuner",
        title=gettext("Andel af kommunerne med mindst én bekymringshenvendelse"),
        header=(gettext("Mål"), gettext("Værdi")),
        rows=(
            (gettext("Kommuner med mindst én henvendelse"), headline.with_concern),
            (gettext("Kommuner i rapportens omfang"), headline.municipalities),
            (gettext("Andel af kommunerne (procent)"), headline.percent),
        ),
    )


def _count_table(
    table: Table, *, slug: str, sheet_name: str, title: str, label_heading: str
) -> ExportTable:
    """A table as reporting/pdf/_count_table.html prints it, "I alt" last."""
    rows = tuple((str(row.label), published(row.cell)) for row in table.rows)
    return ExportTable(
        slug=slug,
        sheet_name=sheet_name,
        title=title,
        header=(label_heading, gettext("Antal henvendelser")),
        rows=(*rows, (gettext("I alt"), published(table.total))),
    )


def _value_table(
    rows: tuple[tuple[str, Value], ...],
    *,
    slug: str,
    sheet_name: str,
    title: str,
    label_heading: str,
    value_heading: str,
    counts_concerns: bool = True,
) -> ExportTable:
    """A table as reporting/pdf/_value_table.html prints it: no "I alt"."""
    return ExportTable(
        slug=slug,
        sheet_name=sheet_name,
        title=title,
        header=(label_heading, value_heading),
        rows=rows,
        counts_concerns=counts_concerns,
    )


def _lines(lines: tuple[Line, ...]) -> tuple[tuple[str, Value], ...]:
    # Shares and medians are text as the PDF prints them ("12,5", "—").
    return tuple((str(line.label), line.display) for line in lines)


def _organisation_tables(report: StatusReport) -> list[ExportTable]:
    """Section 2, as the PDF prints it (counts of municipalities, not suppressed).
    Appended after the numbered tables, so their file names stay put."""
    org = report.organisation
    if org.empty:
        return []
    end = f"{report.period_end:%d.%m.%Y}"
    return [
        _value_table(
            tuple((str(line.label), line.display) for line in lines),
            slug=slug,
            sheet_name=sheet,
            title=title,
            label_heading=heading,
            value_heading=gettext("Antal kommuner"),
            counts_concerns=False,
        )
        for lines, slug, sheet, title, heading in (
            (
                org.by_model,
                "20-organisering",
                "Organisering",
                gettext("Kommuner efter organisering af infohus"),
                gettext("Organisering"),
            ),
            (
                org.by_cadence,
                "21-moedefrekvens",
                "Mødefrekvens",
                gettext("Kommuner efter mødefrekvens"),
                gettext("Mødefrekvens"),
            ),
            (
                org.assessment_tool,
                "22-vurderingsvaerktoej",
                "Vurderingsværktøj",
                gettext("Kommuner, der bruger CDE's vurderingsværktøj"),
                gettext("Bruger vurderingsværktøjet"),
            ),
            (
                org.authorities,
                "23-myndigheder",
                "Myndigheder",
                gettext("Kommuner efter deltagende myndigheder"),
                gettext("Myndighed"),
            ),
            (
                org.beredskab,
                "24-beredskab",
                "Beredskab",
                gettext("Kommuner efter status for beredskab pr. %(end)s") % {"end": end},
                gettext("Beredskab"),
            ),
        )
    ]


def _area_table(report: StatusReport) -> list[ExportTable]:
    if report.by_area is None:
        return []
    per = "politikreds" if report.scope == NATIONAL else "kommune"
    return [
        _count_table(
            report.by_area,
            slug=f"03-tabel-2-pr-{per}",
            sheet_name=f"Tabel 2 Pr. {per}",
            title=str(report.area_caption),
            label_heading=str(report.area_heading),
        )
    ]


def report_tables(report: StatusReport, language: str | None = "da") -> list[ExportTable]:
    """Every table of the PDF in its order, the headline figure first. Titles and
    headings are the PDF's, in Danish as the PDF is; `language=None` gives them in
    the active language instead (the municipal dashboard)."""
    with translation.override(language) if language else contextlib.nullcontext():
        return [
            _headline_table(report.headline),
            _count_table(
                report.per_year,
                slug="02-tabel-1-pr-aar",
                sheet_name="Tabel 1 Pr. år",
                title=gettext("Tabel 1. Bekymringshenvendelser pr. år"),
                label_heading=gettext("År"),
            ),
            *_area_table(report),
            _count_table(
                report.by_extremism_type,
                slug="04-tabel-3-type-af-ekstremisme",
                sheet_name="Tabel 3 Type af ekstremisme",
                title=gettext("Tabel 3. Bekymringshenvendelser efter primær type af ekstremisme"),
                label_heading=gettext("Primær type af ekstremisme"),
            ),
            *(
                _count_table(table, slug=slug, sheet_name=sheet, title=title, label_heading=heading)
                for table, slug, sheet, title, heading in (
                    (
                        report.by_sender_type,
                        "05-tabel-4-afsender",
                        "Tabel 4 Afsender",
                        gettext("Tabel 4. Bekymringshenvendelser efter afsender"),
                        gettext("Afsender"),
                    ),
                    (
                        report.by_age_band,
                        "06-tabel-5-alder",
                        "Tabel 5 Alder",
                        gettext("Tabel 5. Bekymringshenvendelser efter alder ved modtagelse"),
                        gettext("Aldersgruppe"),
                    ),
                    (
                        report.by_gender,
                        "07-tabel-6-koen",
                        "Tabel 6 Køn",
                        gettext("Tabel 6. Bekymringshenvendelser efter køn"),
                        gettext("Køn"),
                    ),
                    (
                        report.by_group,
                        "08-tabel-7-enkeltperson-gruppe",
                        "Tabel 7 Enkeltperson og gruppe",
                        gettext("Tabel 7. Bekymringshenvendelser om enkeltpersoner og grupper"),
                        gettext("Bekymringen angår"),
                    ),
                    (
                        report.by_online_element,
                        "09-tabel-8-onlineelement",
                        "Tabel 8 Onlineelement",
                        gettext("Tabel 8. Bekymringshenvendelser med onlineelement"),
                        gettext("Onlineelement"),
                    ),
                    (
                        report.by_psych_vulnerability_part,
                        "10-tabel-9-psykisk-saarbarhed",
                        "Tabel 9 Psykisk sårbarhed",
                        gettext(
                            "Tabel 9. Bekymringshenvendelser, hvor psykisk sårbarhed indgår "
                            "i bekymringen"
                        ),
                        gettext("Psykisk sårbarhed indgår"),
                    ),
                )
            ),
            _value_table(
                tuple((str(row.label), published(row.cell)) for row in report.flags.rows),
                slug="11-tabel-10-markeringer",
                sheet_name="Tabel 10 Markeringer",
                title=gettext(
                    "Tabel 10. Bekymringshenvendelser med markeringer på tværs af områder"
                ),
                label_heading=gettext("Markering"),
                value_heading=gettext("Antal henvendelser"),
            ),
            _count_table(
                report.by_assessment_outcome,
                slug="12-tabel-11-helhedsvurdering",
                sheet_name="Tabel 11 Helhedsvurdering",
                title=gettext(
                    "Tabel 11. Henvendelser med en helhedsvurdering efter vurderingens udfald"
                ),
                label_heading=gettext("Helhedsvurdering"),
            ),
            _value_table(
                tuple((str(row.label), published(row.cell)) for row in report.by_action_type.rows),
                slug="13-tabel-12-indsatstyper",
                sheet_name="Tabel 12 Indsatstyper",
                title=gettext(
                    "Tabel 12. Bekymringshenvendelser efter type af aftalt opfølgende indsats"
                ),
                label_heading=gettext("Indsatstype"),
                value_heading=gettext("Antal henvendelser"),
            ),
            _count_table(
                report.by_closure_reason,
                slug="14-tabel-13-afslutningsaarsag",
                sheet_name="Tabel 13 Afslutningsårsag",
                title=gettext("Tabel 13. Afsluttede henvendelser efter afslutningsårsag"),
                label_heading=gettext("Afslutningsårsag"),
            ),
            _value_table(
                (
                    (
                        str(report.follow_up.rows[0].label),
                        published(report.follow_up.handed_to_police),
                    ),
                    (str(report.follow_up.rows[1].label), report.follow_up.median_days),
                ),
                slug="15-tabel-14-politi-og-tid",
                sheet_name="Tabel 14 Politi og tid",
                title=gettext("Tabel 14. Overdragelse til politiet og tid til helhedsvurdering"),
                label_heading=gettext("Mål"),
                value_heading=gettext("Værdi"),
            ),
            _value_table(
                _lines(report.data_quality),
                slug="16-tabel-15-datakvalitet",
                sheet_name="Tabel 15 Datakvalitet",
                title=gettext("Tabel 15. Andel af henvendelserne med ukendt værdi pr. felt"),
                label_heading=gettext("Felt"),
                value_heading=gettext("Andel ukendt (procent)"),
            ),
            *_organisation_tables(report),
        ]


def _scope_label(scope: str) -> str:
    # Naming a police district or municipality takes a query; callers pass About.
    return gettext("Hele landet") if scope == NATIONAL else scope


def about_rows(report: StatusReport, about: About | None = None) -> list[tuple[str, str]]:
    """(field, text) for the "Om data" sheet and file, worded as in the PDF."""
    with translation.override("da"):
        about = about or About(scope_label=_scope_label(report.scope))
        period = f"{report.period_start:%d.%m.%Y}–{report.period_end:%d.%m.%Y}"
        rows = [
            (gettext("Rapport"), _report_title()),
            (gettext("Periode"), period),
            (gettext("Omfang"), about.scope_label),
        ]
        if about.generated_at is not None:
            local = timezone.localtime(_aware(about.generated_at))
            rows.append((gettext("Dannet"), f"{local:%d.%m.%Y} {gettext('kl.')} {local:%H:%M}"))
        if about.dataset_sha256:
            rows.append((gettext("Datagrundlag SHA-256"), about.dataset_sha256))
        rows += [
            (
                gettext("Indhold"),
                gettext(
                    "Rapporten indeholder kun samlede og diskretionerede tal og ingen "
                    "personoplysninger. Tabellerne er de samme som i rapportens PDF."
                ),
            ),
            (gettext("Diskretionering"), _suppression_rule(report.threshold)),
        ]
        return rows


def _report_title() -> str:
    return gettext("Status på forebyggelse af ekstremisme i de danske kommuner")


def _suppression_rule(threshold: int) -> str:
    # The first sentences of the PDF's methods section on suppression.
    return gettext(
        "Tal fra 1 til %(highest)s vises som <%(threshold)s, så enkeltpersoner ikke kan "
        "genkendes. Hvis et skjult tal ellers kunne beregnes ud fra de viste tal og "
        "totalen (»I alt«), skjules også andre tal; de vises som »—« og er altid mindst "
        "%(threshold)s."
    ) % {"highest": threshold - 1, "threshold": threshold}


# --- CSV -------------------------------------------------------------------------


def _csv_bytes(header: Iterable[Value], rows: Iterable[Iterable[Value]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def csv_files(report: StatusReport, about: About | None = None) -> list[tuple[str, bytes]]:
    """(file name, CSV) for "Om data" and each table, in the PDF's order."""
    with translation.override("da"):
        about_header = (gettext("Felt"), gettext("Tekst"))
    files = [(f"{ABOUT_SLUG}.csv", _csv_bytes(about_header, about_rows(report, about)))]
    files += [(f"{t.slug}.csv", _csv_bytes(t.header, t.rows)) for t in report_tables(report)]
    return files


def write_csv_dir(report: StatusReport, directory: Path, about: About | None = None) -> list[Path]:
    """Write `csv_files` into `directory` (created if missing); their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in csv_files(report, about):
        path = directory / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def csv_zip(report: StatusReport, about: About | None = None) -> bytes:
    """`csv_files` as one zip, for a browser download."""
    return _zip(csv_files(report, about), _stamp(about))


# --- Excel -------------------------------------------------------------------------


def xlsx_bytes(report: StatusReport, about: About | None = None) -> bytes:
    """One workbook: an "Om data" sheet, then a sheet per table in the PDF's order.
    Published counts are numbers; marks are text."""
    stamp = _stamp(about)
    workbook = Workbook()
    _write_about_sheet(workbook.active, about_rows(report, about))
    for table in report_tables(report):
        _write_table_sheet(workbook.create_sheet(table.sheet_name), table)
    properties = workbook.properties
    properties.creator = "Infohus"
    with translation.override("da"):
        properties.title = _report_title()
    # openpyxl takes naive datetimes as UTC.
    properties.created = properties.modified = stamp.astimezone(UTC).replace(tzinfo=None)
    written = io.BytesIO()
    # ExcelWriter rather than workbook.save(), which dates `modified` now.
    ExcelWriter(workbook, zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED)).save()
    with zipfile.ZipFile(written) as archive:
        # Its zip entries are dated now too: copy them with a fixed date.
        return _zip(((info.filename, archive.read(info)) for info in archive.infolist()), stamp)


def _write_about_sheet(sheet: Any, rows: list[tuple[str, str]]) -> None:
    sheet.title = ABOUT_SHEET
    for field, text in rows:
        sheet.append([field, text])
    for field_cell, text_cell in sheet.iter_rows():
        field_cell.font = Font(bold=True)
        field_cell.alignment = Alignment(vertical="top")
        text_cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90


def _write_table_sheet(sheet: Any, table: ExportTable) -> None:
    """Title in A1, headings in row 3, the rows below them."""
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True)
    sheet.append([])
    sheet.append(list(table.header))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(list(row))
    for cells in sheet.iter_rows(min_row=4, min_col=2):
        for cell in cells:
            if isinstance(cell.value, int):
                cell.number_format = NUMBER_FORMAT
            else:  # a mark: aligned with the numbers it stands for
                cell.alignment = Alignment(horizontal="right")
    for cell in sheet[3][1:]:
        cell.alignment = Alignment(horizontal="right")
    sheet.column_dimensions["A"].width = max(len(str(row[0])) for row in table.rows) + 4
    sheet.column_dimensions["B"].width = max(len(h) for h in table.header[1:]) + 4


# --- Files -------------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _stamp(about: About | None) -> datetime:
    if about is None or about.generated_at is None:
        return FIXED_STAMP
    return _aware(about.generated_at)


def _zip(files: Iterable[tuple[str, bytes]], stamp: datetime) -> bytes:
    """A zip of (name, data), every entry dated `stamp` in local time, so that the
    same files always give the same bytes."""
    date_time = timezone.localtime(stamp).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16  # rw-r--r-- when unpacked
            archive.writestr(info, data)
    return buffer.getvalue()
