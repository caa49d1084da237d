"""Time the status report on the current database: facts, aggregates and PDF.

python manage.py bench_report --from 2022-01-01 --to 2026-12-31 --repeat 5
"""

import resource
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reporting import aggregates, facts
from reporting.jobs import render_status_report


class Command(BaseCommand):
    help = "Print how long the status report's steps take on the current data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
        parser.add_argument("--to", dest="end", type=date.fromisoformat, required=True)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args: Any, start: date, end: date, repeat: int, **options: Any) -> None:
        render_status_report(period_start=start, period_end=end)  # imports and caches warm
        fetch, count, whole = [], [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            rows = facts.case_facts(start, end)
            t1 = time.perf_counter()
            aggregates.build_report(
                rows,
                period_start=start,
                period_end=end,
                municipality_count=facts.municipality_count(),
                scope=facts.NATIONAL,
            )
            t2 = time.perf_counter()
            render_status_report(period_start=start, period_end=end)
            t3 = time.perf_counter()
            fetch.append(t1 - t0)
            count.append(t2 - t1)
            whole.append(t3 - t2)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"cases in period: {len(rows)}")
        for label, values in (
            ("facts", fetch),
            ("aggregates", count),
            ("whole report with PDF", whole),
        ):
            ordered = sorted(values)
            self.stdout.write(
                f"{label:>22}: median {ordered[len(ordered) // 2] * 1000:8.1f} ms, "
                f"max {ordered[-1] * 1000:8.1f} ms"
            )
        self.stdout.write(f"peak memory of this process: {peak_mb:.0f} MB")
