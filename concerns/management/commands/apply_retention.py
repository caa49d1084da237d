from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from concerns.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise every ended case whose retention period has run out (the nightly job "
        "does the same). With --dry-run, only list them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List, change nothing.")
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            help="Count periods up to this date (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        dry_run = options["dry_run"]
        outcomes = apply_retention(today, dry_run=dry_run)
        for outcome in outcomes:
            if outcome.error:
                state = f"FAILED ({outcome.error})"
            elif dry_run:
                state = "due"
            elif outcome.receipt is None:
                state = "skipped (legal hold or already anonymised)"
            else:
                state = f"anonymised, receipt {outcome.receipt.pk}"
            self.stdout.write(f"{outcome.case_number}\t{outcome.rule}\t{state}")
        verb = "would be anonymised" if dry_run else "anonymised"
        done = sum(1 for o in outcomes if not o.error and (dry_run or o.receipt))
        self.stdout.write(f"{done} case(s) {verb} as of {today.isoformat()}.")
        if any(o.error for o in outcomes):
            raise CommandError("Some cases could not be anonymised; see the log.")
