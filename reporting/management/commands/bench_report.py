"""Time the status report on the current database: facts, aggregates and PDF, next to
the "floor": one hand-written SQL `GROUP BY` over the same rows, the least any
aggregation of them can cost.

python manage.py bench_report --from 2022-01-01 --to 2026-12-31 --repeat 5

The functions below are also the report half of `manage.py bench`.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Max, Min
from psycopg import sql

from concerns.choices import Status
from reporting import aggregates, dataset, facts, tally
from reporting.jobs import render_status_report
from reporting.models import StatFact


def median_seconds(step: Callable[[], object], repeat: int) -> float:
    """The median time of `repeat` runs of `step`, after one run that warms caches."""
    step()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def aggregate(start: date, end: date, scope: str = facts.NATIONAL) -> aggregates.StatusReport:
    """The report's numbers, the way the report job computes them (jobs.status_report
    without the dataset hash, which `dataset_hash` times)."""
    organisation = facts.organisation_facts(scope)
    return aggregates.build_report(
        tally.tally_in(start, end, scope),
        period_start=start,
        period_end=end,
        municipality_count=len(organisation),
        scope=scope,
        organisation_facts=organisation,
        areas=facts.report_areas(scope),
    )


def dataset_hash(start: date, end: date, scope: str = facts.NATIONAL) -> str:
    return dataset.dataset_sha256_in(start, end, scope)


def floor_query(start: date, end: date) -> list[tuple[str, int]]:
    """Cases per type of extremism over the rows `facts.case_facts` reads, in SQL."""
    query = (
        "SELECT extremism_type, count(*) FROM reporting_statfact "
        "WHERE received_on BETWEEN %s AND %s AND status <> %s GROUP BY extremism_type"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [start, end, Status.CANCELLED.value])
        return cursor.fetchall()


def plain_sql_counts(start: date, end: date) -> list[tuple[str, str, str, int]]:
    """The report's counts as plain SQL would take them: one `GROUP BY` per
    breakdown the report prints (`tally.FIELDS`, status with closure reason, action
    types), sent as one statement. What `aggregate` does in one scan."""
    where = sql.SQL("received_on BETWEEN %(start)s AND %(end)s AND status <> %(cancelled)s")
    by_field = sql.SQL(
        "SELECT {label}, {field}::text, '', count(*) FROM reporting_statfact "
        "WHERE {where} GROUP BY {field}"
    )
    parts = [
        by_field.format(label=sql.Literal(name), field=sql.Identifier(name), where=where)
        for name in tally.FIELDS
    ]
    parts += [
        sql.SQL(
            "SELECT 'status', status, closure_reason, count(*) FROM reporting_statfact "
            "WHERE {where} GROUP BY status, closure_reason"
        ).format(where=where),
        sql.SQL(
            "SELECT 'action_type', kind, '', count(*) "
            "FROM reporting_statfact, unnest(action_types) AS kind WHERE {where} GROUP BY kind"
        ).format(where=where),
    ]
    params: dict[str, date | str] = {
        "start": start,
        "end": end,
        "cancelled": Status.CANCELLED.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL(" UNION ALL ").join(parts), params)
        return cursor.fetchall()


def fact_count(start: date, end: date) -> int:
    return sum(count for _type, count in floor_query(start, end))


def data_period() -> tuple[date, date] | None:
    """The first and last day any stored fact was received on."""
    span = StatFact.objects.aggregate(first=Min("received_on"), last=Max("received_on"))
    if span["first"] is None:
        return None
    return span["first"], span["last"]


def this_database_url() -> str:
    """The URL of the database this process is connected to, for a child process
    (under pytest that is the test database, which no setting names)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


def worker_peak_mb(start: date, end: date, scope: str = facts.NATIONAL) -> float:
    """Peak memory of a fresh process that renders the report, as the worker does
    (`manage.py status_report`), in MB."""
    with tempfile.TemporaryDirectory() as folder:
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "status_report",
            f"--from={start.isoformat()}",
            f"--to={end.isoformat()}",
            f"--scope={scope}",
            f"--out={Path(folder) / 'report.pdf'}",
        ]
        env = {**os.environ, "DATABASE_URL": this_database_url(), "DATABASE_AS_OWNER": "false"}
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
        # wait4 gives the resource use of this child alone.
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise CommandError(f"status_report failed with exit code {child.returncode}.")
    return usage.ru_maxrss / 1024  # kilobytes on Linux


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
            dataset_hash(start, end)
            t1 = time.perf_counter()
            aggregate(start, end)
            t2 = time.perf_counter()
            render_status_report(period_start=start, period_end=end)
            t3 = time.perf_counter()
            fetch.append(t1 - t0)
            count.append(t2 - t1)
            whole.append(t3 - t2)
        floor = median_seconds(lambda: floor_query(start, end), repeat)
        plain = median_seconds(lambda: plain_sql_counts(start, end), repeat)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"cases in period: {fact_count(start, end)}")
        for label, values in (
            ("dataset SHA-256", fetch),
            ("aggregates", count),
            ("whole report with PDF", whole),
        ):
            ordered = sorted(values)
            self.stdout.write(
                f"{label:>22}: median {ordered[len(ordered) // 2] * 1000:8.1f} ms, "
                f"max {ordered[-1] * 1000:8.1f} ms"
            )
        self.stdout.write(f"{'floor (SQL GROUP BY)':>22}: median {floor * 1000:8.1f} ms")
        self.stdout.write(f"{'the counts, plain SQL':>22}: median {plain * 1000:8.1f} ms")
        self.stdout.write(f"peak memory of this process: {peak_mb:.0f} MB")
