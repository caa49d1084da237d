"""Render the status report for a period and scope to a PDF file, without a job."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reporting import facts, jobs
from reporting.forms import ReportPeriodForm


class Command(BaseCommand):
    help = (
        "Write the status report for a period (both days included) and a scope (the whole "
        "country, one police district or one municipality) to a PDF file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument(
            "--scope",
            default=facts.NATIONAL,
            help="national (default), politikreds:CODE (e.g. politikreds:1470) or "
            "kommune:CODE (e.g. kommune:0101).",
        )
        parser.add_argument("--out", required=True, type=Path, help="The PDF file to write.")
        parser.add_argument(
            "--csv",
            type=Path,
            help="Also write one CSV file per table of the report into this directory.",
        )

    def handle(
        self,
        *args: Any,
        start: str,
        end: str,
        scope: str,
        out: Path,
        csv: Path | None = None,
        **options: Any,
    ) -> None:
        period_start, period_end = _period(start, end)
        label = _scope_label(scope)
        if not out.parent.is_dir():
            raise CommandError(f"The directory {out.parent} does not exist.")
        if csv is not None and csv.exists() and not csv.is_dir():
            raise CommandError(f"{csv} exists and is not a directory.")
        rendered = jobs.render_report(period_start=period_start, period_end=period_end, scope=scope)
        out.write_bytes(rendered.pdf)
        self.stdout.write(f"Wrote {out} ({label}, {len(rendered.pdf):,} bytes).")
        if csv is not None:
            csv.mkdir(parents=True, exist_ok=True)
            # The same files as the job page's CSV download, made in the same run.
            with zipfile.ZipFile(io.BytesIO(rendered.csv_zip)) as archive:
                names = archive.namelist()
                archive.extractall(csv)
            self.stdout.write(f"Wrote {len(names)} CSV files to {csv}.")
        self.stdout.write(f"Dataset SHA-256: {rendered.dataset_sha256}")


def _period(start: str, end: str) -> tuple[date, date]:
    """Parse the period with the same rules as the web form."""
    try:
        period_start, period_end = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError as exc:
        raise CommandError(f"Dates must be written YYYY-MM-DD: {exc}") from exc
    form = ReportPeriodForm(data={"period_start": period_start, "period_end": period_end})
    if not form.is_valid():
        messages = [str(error) for errors in form.errors.values() for error in errors]
        raise CommandError(" ".join(messages))
    return period_start, period_end


def _scope_label(scope: str) -> str:
    """The scope's name; a misspelt scope or an unknown code stops the command
    before anything is rendered."""
    try:
        return jobs.scope_label(scope)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
