"""Render the national status report for a period to a PDF file, without a job."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reporting import jobs
from reporting.forms import ReportPeriodForm


class Command(BaseCommand):
    help = "Write the status report for a period (both days included) to a PDF file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument("--out", required=True, type=Path, help="The PDF file to write.")

    def handle(self, *args: Any, start: str, end: str, out: Path, **options: Any) -> None:
        period_start, period_end = _period(start, end)
        if not out.parent.is_dir():
            raise CommandError(f"The directory {out.parent} does not exist.")
        content = jobs.render_status_report(period_start=period_start, period_end=period_end)
        out.write_bytes(content)
        self.stdout.write(f"Wrote {out} ({len(content):,} bytes).")


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
