"""The report's tables as CSV and Excel: the same tables as the PDF, the same cells,
nothing hidden, and the same bytes for the same report."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import fields
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.utils import translation

from concerns.choices import ExtremismType
from reporting import exports, facts, jobs
from reporting.aggregates import StatusReport, Table, build_report, format_count

START, END = date(2024, 1, 1), date(2025, 12, 31)
GENERATED_AT = datetime(2026, 1, 15, 6, 30, tzinfo=UTC)  # 07:30 in Copenhagen
SHA256 = "ab" * 32
ABOUT = exports.About(scope_label="Hele landet", generated_at=GENERATED_AT, dataset_sha256=SHA256)

LEFT, ISLAMISM, RIGHT = (
    ExtremismType.LEFT_WING,
    ExtremismType.MILITANT_ISLAMISM,
    ExtremismType.RIGHT_WING,
)
AREAS = facts.Areas(
    "police_district_code", (("1470", "Københavns Politi"), ("1461", "Østjyllands Politi"))
)
# Counts that suppression hides and that no published cell equals.
HIDDEN_SMALL, HIDDEN_WITHHELD = 3, 17


def fact(year: int, kind: ExtremismType, municipality: str = "0101") -> facts.CaseFact:
    return facts.CaseFact(
        municipality_code=municipality,
        police_district_code="1470",
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


def report_of(case_facts: list[facts.CaseFact]) -> StatusReport:
    return build_report(
        case_facts,
        period_start=START,
        period_end=END,
        municipality_count=98,
        threshold=5,
        areas=AREAS,
    )


def suppressed_report() -> StatusReport:
    """3 left-wing concerns ("<5") and 17 militant-islamist ones ("—", hidden so
    that the 3 cannot be worked out from the total)."""
    return report_of(
        [fact(2025, LEFT)] * HIDDEN_SMALL
        + [fact(2024, ISLAMISM, "0751")] * HIDDEN_WITHHELD
        + [fact(2024, RIGHT)] * 20
        + [fact(2025, RIGHT)] * 26
    )


def report_tables(report: StatusReport) -> list[Table]:
    return [getattr(report, f.name) for f in fields(report) if f.type in ("Table", Table)]


def as_published(value: object) -> str:
    """An exported cell as the PDF prints it: numbers with the thousands dot."""
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return format_count(int(value))
    return str(value)


def expected_cells(table: Table) -> list[tuple[str, str]]:
    rows = [(str(row.label), row.cell.display) for row in table.rows]
    return [*rows, ("I alt", table.total.display)]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def zip_files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def sheet_rows(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


class PdfTables(HTMLParser):
    """Each <table> of the PDF's HTML: its caption and its rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[tuple[str, ...]]]] = []
        self.text: str | None = None
        self.row: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "table":
            self.tables.append(("", []))
        elif tag in ("caption", "th", "td"):
            self.text = ""

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        text = " ".join((self.text or "").split())
        if tag == "caption":
            self.tables[-1] = (text, self.tables[-1][1])
        elif tag in ("th", "td"):
            self.row.append(text)
        elif tag == "tr":
            self.tables[-1][1].append(tuple(self.row))
            self.row = []
        if tag in ("caption", "th", "td"):
            self.text = None


def pdf_html(report: StatusReport) -> str:
    with translation.override("da"):
        context = jobs.report_context(report, GENERATED_AT, SHA256)
        return render_to_string(jobs.TEMPLATE, context)


# --- Which tables ---------------------------------------------------------------


def test_every_table_of_the_pdf_is_exported_in_its_order() -> None:
    report = suppressed_report()
    html = pdf_html(report)
    parser = PdfTables()
    parser.feed(html)
    headline, *tables = exports.report_tables(report)

    assert [
        (t.title, [t.header, *[(label, as_published(v)) for label, v in t.rows]]) for t in tables
    ] == [(caption, rows) for caption, rows in parser.tables]

    with_concern, municipalities, percent = (value for _, value in headline.rows)
    assert (with_concern, municipalities, percent) == (2, 98, 2)
    assert f"{percent} % af kommunerne ({with_concern} af {municipalities})" in html


def test_every_table_of_the_report_is_exported() -> None:
    report = suppressed_report()
    exported = [
        [(label, as_published(value)) for label, value in t.rows]
        for t in exports.report_tables(report)
    ]
    assert len(report_tables(report)) == 10
    for table in report_tables(report):
        assert expected_cells(table) in exported
    # The figures that are not a Table: flags, police and median, data quality.
    assert [(str(row.label), row.display) for row in report.flags.rows] in exported
    assert [(str(line.label), line.display) for line in report.follow_up.rows] in exported
    assert [(str(line.label), line.display) for line in report.data_quality] in exported


# --- Which cells ------------------------------------------------------------------


def test_csv_cells_are_the_published_cells(tmp_path: Path) -> None:
    report = suppressed_report()
    paths = exports.write_csv_dir(report, tmp_path / "csv")
    by_name = {path.name: read_csv(path.read_bytes()) for path in paths}

    per_year = by_name["02-tabel-1-pr-aar.csv"]
    assert per_year[0] == ["År", "Antal henvendelser"]
    assert [(label, as_published(v)) for label, v in per_year[1:]] == expected_cells(
        report.per_year
    )
    by_type = by_name["04-tabel-3-type-af-ekstremisme.csv"]
    assert [(label, as_published(v)) for label, v in by_type[1:]] == expected_cells(
        report.by_extremism_type
    )
    assert ["Venstreekstremisme", "<5"] in by_type and ["Militant islamisme", "—"] in by_type
    assert by_name["01-andel-kommuner.csv"][1:] == [
        ["Kommuner med mindst én henvendelse", "2"],
        ["Kommuner i rapportens omfang", "98"],
        ["Andel af kommunerne (procent)", "2"],
    ]


def test_xlsx_cells_are_the_published_cells() -> None:
    report = suppressed_report()
    sheets = sheet_rows(exports.xlsx_bytes(report, ABOUT))
    tables = exports.report_tables(report)
    assert list(sheets) == ["Om data", *(t.sheet_name for t in tables)]
    for table in tables:
        title, blank, header, *rows = sheets[table.sheet_name]
        assert (title[0], blank[0], header) == (table.title, None, table.header)
        assert rows == list(table.rows)
    by_type = sheets["Tabel 3 Type af ekstremisme"][3:]
    assert [(label, as_published(v)) for label, v in by_type] == expected_cells(
        report.by_extremism_type
    )


def test_xlsx_stores_published_counts_as_numbers_and_marks_as_text() -> None:
    many = [fact(2024, RIGHT)] * 1200 + [fact(2025, RIGHT)] * 9
    report = report_of([fact(2024, LEFT)] + [fact(2024, ISLAMISM)] * 7 + many)
    workbook = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(report)))
    cells = {row[0].value: row[1] for row in workbook["Tabel 3 Type af ekstremisme"].iter_rows(4)}
    assert (cells["Højreekstremisme"].value, cells["Højreekstremisme"].data_type) == (1209, "n")
    assert cells["Højreekstremisme"].number_format == "#,##0"
    assert (cells["Venstreekstremisme"].value, cells["Venstreekstremisme"].data_type) == ("<5", "s")
    assert (cells["Militant islamisme"].value, cells["Militant islamisme"].data_type) == ("—", "s")
    assert (cells["Antimyndighedsekstremisme"].value, cells["I alt"].value) == (0, 1217)
    # CSV: plain digits, which every program reads as the same whole number.
    csv_rows = read_csv(dict(exports.csv_files(report))["04-tabel-3-type-af-ekstremisme.csv"])
    assert ["Højreekstremisme", "1209"] in csv_rows and ["I alt", "1217"] in csv_rows
    assert report.by_extremism_type.rows[0].cell.display == "1.209"


def every_exported_text(report: StatusReport) -> list[str]:
    csv_files = zip_files(exports.csv_zip(report, ABOUT)).values()
    texts = [data.decode("utf-8-sig") for data in csv_files]
    for rows in sheet_rows(exports.xlsx_bytes(report, ABOUT)).values():
        texts += [str(value) for row in rows for value in row if value is not None]
    return texts


@pytest.mark.parametrize("hidden", [HIDDEN_SMALL, HIDDEN_WITHHELD])
def test_a_suppressed_count_appears_in_no_export(hidden: int) -> None:
    report = suppressed_report()
    # Not next to a dash either: "15–17 år" is a label, not a count.
    number = re.compile(rf"(?<![\w.–]){hidden}(?![\w.–])")
    assert not any(number.search(text) for text in every_exported_text(report))
    # Nor in the workbook's XML, as a number or a string.
    for name, xml in zip_files(exports.xlsx_bytes(report, ABOUT)).items():
        if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
            assert f">{hidden}<".encode() not in xml, name


def test_a_withheld_total_is_withheld_in_every_table() -> None:
    # 1 + 5 = 6: the total goes, as in test_aggregates.
    report = report_of([fact(2025, LEFT)] + [fact(2025, RIGHT)] * 5)
    assert report.total.withheld
    # Tables 1-8 split the report's total; 9-13 do not (own totals or none).
    for table in exports.report_tables(report)[1:9]:
        assert table.rows[-1] == ("I alt", "—")
    assert exports.report_tables(report)[1].rows == (("2024", 0), ("2025", "—"), ("I alt", "—"))
    number = re.compile(r"(?<![\w.])6(?![\w.])")
    assert not any(number.search(text) for text in every_exported_text(report))


# --- Files ------------------------------------------------------------------------

CSV_NAMES = [
    "00-om-data.csv",
    "01-andel-kommuner.csv",
    "02-tabel-1-pr-aar.csv",
    "03-tabel-2-pr-politikreds.csv",
    "04-tabel-3-type-af-ekstremisme.csv",
    "05-tabel-4-afsender.csv",
    "06-tabel-5-alder.csv",
    "07-tabel-6-koen.csv",
    "08-tabel-7-enkeltperson-gruppe.csv",
    "09-tabel-8-onlineelement.csv",
    "10-tabel-9-psykisk-saarbarhed.csv",
    "11-tabel-10-markeringer.csv",
    "12-tabel-11-helhedsvurdering.csv",
    "13-tabel-12-indsatstyper.csv",
    "14-tabel-13-afslutningsaarsag.csv",
    "15-tabel-14-politi-og-tid.csv",
    "16-tabel-15-datakvalitet.csv",
]


def test_files_have_safe_stable_names(tmp_path: Path) -> None:
    report = suppressed_report()
    paths = exports.write_csv_dir(report, tmp_path)
    assert [path.name for path in paths] == CSV_NAMES == sorted(CSV_NAMES)
    assert all(re.fullmatch(r"[0-9]{2}-[a-z0-9-]+\.csv", name) for name in CSV_NAMES)
    assert list(zip_files(exports.csv_zip(report))) == CSV_NAMES
    sheet_names = [t.sheet_name for t in exports.report_tables(report)]
    assert len(set(sheet_names)) == len(sheet_names)
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in sheet_names)


def test_the_same_report_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = suppressed_report(), suppressed_report()
    assert exports.csv_zip(first, ABOUT) == exports.csv_zip(second, ABOUT)
    assert exports.xlsx_bytes(first, ABOUT) == exports.xlsx_bytes(second, ABOUT)
    one = exports.write_csv_dir(first, tmp_path / "one", ABOUT)
    two = exports.write_csv_dir(second, tmp_path / "two", ABOUT)
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]


@pytest.mark.parametrize(
    ("about", "local", "utc"),
    [
        (ABOUT, (2026, 1, 15, 7, 30, 0), datetime(2026, 1, 15, 6, 30)),
        (None, (2000, 1, 1, 1, 0, 0), datetime(2000, 1, 1)),
    ],
)
def test_files_are_dated_from_the_report_not_the_clock(
    about: exports.About | None, local: tuple[int, ...], utc: datetime
) -> None:
    report = suppressed_report()
    for data in (exports.csv_zip(report, about), exports.xlsx_bytes(report, about)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert {info.date_time for info in archive.infolist()} == {local}
    properties = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(report, about))).properties
    assert (properties.created, properties.modified) == (utc, utc)


# --- Om data ----------------------------------------------------------------------


def test_om_data_states_period_scope_generation_and_suppression() -> None:
    report = suppressed_report()
    about = exports.About("Københavns Politi", GENERATED_AT, SHA256)
    rows = sheet_rows(exports.xlsx_bytes(report, about))["Om data"]
    text = {str(field): str(value) for field, value in rows}
    assert text["Periode"] == "01.01.2024–31.12.2025"
    assert text["Omfang"] == "Københavns Politi"
    assert text["Dannet"] == "15.01.2026 kl. 07:30"
    assert text["Datagrundlag SHA-256"] == SHA256
    rule = text["Diskretionering"]
    assert rule.startswith("Tal fra 1 til 4 vises som <5, så enkeltpersoner ikke kan genkendes.")
    assert "»—«" in rule and "mindst 5" in rule
    # The PDF words the rule the same way.
    assert "Tal fra 1 til 4 vises som &lt;5, så enkeltpersoner ikke kan genkendes." in pdf_html(
        report
    )
    about_csv = read_csv(dict(exports.csv_files(report, about))["00-om-data.csv"])
    assert [tuple(row) for row in about_csv[1:]] == rows


def test_om_data_without_a_generation_time_names_the_country() -> None:
    text = dict(exports.about_rows(suppressed_report()))
    assert text["Omfang"] == "Hele landet"
    assert "Dannet" not in text and "Datagrundlag SHA-256" not in text
