"""Measure the case pages and the status report on the current database, next to the
performance targets.

    python manage.py bench                                # this database's figures
    python manage.py bench --save var/bench/10000.json    # ... kept for a summary
    python manage.py bench --summary var/bench/10000.json var/bench/100000.json

The pages are requested in this process through Django's test client, as a signed-in
coordinator of the demo login `koordinator.kbh`'s municipality (`bench_users`), so
the times are the server's own, without a network: the case list (varied pages,
sorting and filters), search (demo names; one search in ten for part of a case
number) and the case pages of random cases the user may see, each with the number
of queries it made. Every request is audited as a
real one is. The report half (aggregation next to a plain SQL floor, PDF, a rendering
process's peak memory) is in `bench_report`. `make bench` seeds one database per
size, runs this against each and prints one table of them all.

It lives in `reporting` because it measures both apps, and only `reporting` may
import `concerns`.
"""

from __future__ import annotations

import json
import logging
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.http.request import validate_host
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import User
from concerns import permissions
from concerns.choices import AgeBand, ExtremismType, SenderType, Status
from concerns.management.commands.bench_users import (
    USERNAME_PREFIX,
    bench_coordinator,
    fresh_device,
    search_terms,
)
from concerns.models import Case
from concerns.views.case_list import CASES_PER_PAGE
from reporting.jobs import render_status_report
from reporting.management.commands.bench_report import (
    aggregate,
    data_period,
    dataset_hash,
    fact_count,
    floor_query,
    median_seconds,
    plain_sql_counts,
    worker_peak_mb,
)

LIST_URL = "/sager/"
SORTS = ("received", "-received", "number", "-number", "status", "-status")
FILTERS: dict[str, list[str]] = {
    "status": list(Status.values),
    "extremism_type": list(ExtremismType.values),
    "sender_type": list(SenderType.values),
    "age_band": list(AgeBand.values),
    "overdue": ["on"],
    "shared": ["on"],
}
# Not counted as queries: what opens and ends a transaction around them.
TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "ROLLBACK"})
# Requests made before measuring: the first ones fill Django's caches.
WARM_UP = 5


@dataclass(frozen=True)
class Target:
    text: str
    met: Callable[[float], bool]


def below(limit: float) -> Target:
    return Target(f"< {limit:g}", lambda value: value < limit)


def at_most(limit: float) -> Target:
    return Target(f"<= {limit:g}", lambda value: value <= limit)


# The targets hold at 1,000,000 cases, and so at every smaller size too.
PAGE_TIME, PAGE_QUERIES = below(50), at_most(10)
# Printed in this order: key in the figures, label, decimals, target.
ROWS: tuple[tuple[str, str, int, Target | None], ...] = (
    ("list_p50_ms", "case list p50 (ms)", 1, None),
    ("list_p95_ms", "case list p95 (ms)", 1, PAGE_TIME),
    ("list_queries", "case list queries per page", 0, PAGE_QUERIES),
    ("search_p50_ms", "search p50 (ms)", 1, None),
    ("search_p95_ms", "search p95 (ms)", 1, PAGE_TIME),
    ("search_queries", "search queries per page", 0, PAGE_QUERIES),
    ("detail_p50_ms", "case detail p50 (ms)", 1, None),
    ("detail_p95_ms", "case detail p95 (ms)", 1, PAGE_TIME),
    ("detail_queries", "case detail queries per page", 0, PAGE_QUERIES),
    ("facts", "report: cases aggregated", 0, None),
    ("aggregation_ms", "report aggregation (ms)", 1, below(5000)),
    ("floor_ms", "floor: one SQL GROUP BY (ms)", 1, None),
    ("aggregation_per_floor", "aggregation / floor", 1, at_most(1.5)),
    ("plain_sql_ms", "same counts, plain SQL (ms)", 1, None),
    ("aggregation_per_plain_sql", "aggregation / plain SQL", 2, None),
    ("hash_ms", "dataset SHA-256 (ms)", 1, None),
    ("pdf_s", "PDF render (s)", 2, below(5)),
    ("worker_peak_mb", "worker peak memory (MB)", 0, None),
)


def bench_client(user: User) -> Client:
    """A test client signed in as `user` with both factors, on a host the settings
    allow and over https when the site insists on it."""
    candidates = ("127.0.0.1", "localhost", *settings.ALLOWED_HOSTS)
    host = next((h for h in candidates if validate_host(h, settings.ALLOWED_HOSTS)), None)
    if host is None:
        raise CommandError("ALLOWED_HOSTS names no host the benchmark can use.")
    client = Client(SERVER_NAME=host)
    # django-axes logs every sign-in at INFO; this one is not news.
    logging.getLogger("axes").setLevel(logging.WARNING)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = fresh_device(user).persistent_id
    session.save()
    return client


@dataclass(frozen=True)
class Sample:
    seconds: float
    queries: int


def request(client: Client, path: str, params: dict[str, str]) -> Sample:
    """One GET, timed, with the queries it made counted. Anything but 200 stops the
    benchmark: a page that fails is not fast."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(path, params, secure=settings.SECURE_SSL_REDIRECT)
        seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise CommandError(f"GET {path} {params} answered {response.status_code}.")
    statements = [query["sql"] for query in queries.captured_queries]
    return Sample(seconds, sum(sql not in TRANSACTION_CONTROL for sql in statements))


def page_figures(name: str, samples: list[Sample]) -> dict[str, float]:
    times = [sample.seconds * 1000 for sample in samples]
    return {
        f"{name}_p50_ms": statistics.median(times),
        f"{name}_p95_ms": statistics.quantiles(times, n=20, method="inclusive")[-1],
        f"{name}_queries": max(sample.queries for sample in samples),
    }


def list_params(rng: random.Random, pages: int) -> dict[str, str]:
    """Mostly the first pages, sometimes any page; half sorted by a column, a third
    filtered."""
    page = rng.randint(1, min(pages, 10)) if rng.random() < 0.8 else rng.randint(1, pages)
    params = {"side": str(page)}
    if rng.random() < 0.5:
        params["sort"] = rng.choice(SORTS)
    if rng.random() < 0.3:
        name = rng.choice(list(FILTERS))
        params[name] = rng.choice(FILTERS[name])
    return params


def search_params(rng: random.Random, term: str) -> dict[str, str]:
    return {"q": term, "side": "2"} if rng.random() < 0.2 else {"q": term}


def measure(client: Client, plan: list[tuple[str, dict[str, str]]]) -> list[Sample]:
    for path, params in plan[:WARM_UP]:
        request(client, path, params)
    return [request(client, path, params) for path, params in plan]


def page_bench(requests: int, seed: int) -> dict[str, float]:
    """Time `requests` case lists, searches and case pages as a bench coordinator."""
    user = bench_coordinator(USERNAME_PREFIX, make_password(None))
    visible = sorted(permissions.cases_visible_to(user).values_list("pk", flat=True))
    if not visible:
        raise CommandError("The bench user sees no case: load demo data first (seed_demo).")
    client = bench_client(user)
    rng = random.Random(seed)  # noqa: S311 - test input, not security
    pages = -(-len(visible) // CASES_PER_PAGE)
    lists = [(LIST_URL, list_params(rng, pages)) for _ in range(requests)]
    terms = search_terms(requests, seed)
    # One search in ten is for part of a case number ("2024-0012"), as typed from a letter.
    numbers = Case.objects.filter(pk__in=rng.sample(visible, min(len(visible), requests)))
    for index, number in enumerate(numbers.values_list("number", flat=True)[: requests // 10]):
        terms[index * 10] = number[-9:]
    searches = [(LIST_URL, search_params(rng, t)) for t in terms]
    details: list[tuple[str, dict[str, str]]] = [
        (f"{LIST_URL}{pk}/", {}) for pk in rng.choices(visible, k=requests)
    ]
    return {
        "visible_cases": len(visible),
        **page_figures("list", measure(client, lists)),
        **page_figures("search", measure(client, searches)),
        **page_figures("detail", measure(client, details)),
    }


def report_bench(repeat: int) -> dict[str, float | str]:
    """Aggregation, its floor and the PDF of the national report over every stored
    fact, medians of `repeat` runs; and the peak memory of one rendering process."""
    period = data_period()
    if period is None:
        raise CommandError("There are no facts to report on: load demo data first.")
    start, end = period
    aggregation = median_seconds(lambda: aggregate(start, end), repeat)
    floor = median_seconds(lambda: floor_query(start, end), repeat)
    plain = median_seconds(lambda: plain_sql_counts(start, end), repeat)
    return {
        "period": f"{start.isoformat()}..{end.isoformat()}",
        "facts": fact_count(start, end),
        "hash_ms": median_seconds(lambda: dataset_hash(start, end), repeat) * 1000,
        "aggregation_ms": aggregation * 1000,
        "floor_ms": floor * 1000,
        "aggregation_per_floor": aggregation / floor,
        "plain_sql_ms": plain * 1000,
        "aggregation_per_plain_sql": aggregation / plain,
        "pdf_s": median_seconds(
            lambda: render_status_report(period_start=start, period_end=end), repeat
        ),
        "worker_peak_mb": worker_peak_mb(start, end),
    }


def failures(figures: dict[str, Any]) -> list[str]:
    return [
        label
        for key, label, _decimals, target in ROWS
        if target is not None and key in figures and not target.met(figures[key])
    ]


def table(runs: list[dict[str, Any]]) -> list[str]:
    """One column per run (a database size), one line per figure, with its target
    and PASS or FAIL."""
    label_width, column = 30, 17
    lines = [
        f"{'cases':<{label_width}}"
        + "".join(f"{run['cases']:>{column},}" for run in runs)
        + "   target"
    ]
    for key, label, decimals, target in ROWS:
        cells = []
        for run in runs:
            value = run.get(key)
            text = "-" if value is None else f"{value:,.{decimals}f}"
            if target is not None and value is not None:
                text += " PASS" if target.met(value) else " FAIL"
            cells.append(f"{text:>{column}}")
        lines.append(f"{label:<{label_width}}{''.join(cells)}   {target.text if target else ''}")
    return lines


class Command(BaseCommand):
    help = "Time the case pages and the status report on this database against the targets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--requests", type=int, default=200, help="requests of each page (default 200)"
        )
        parser.add_argument(
            "--repeat", type=int, default=3, help="runs of each report step (default 3)"
        )
        parser.add_argument("--seed", type=int, default=1, help="seed of the request mix")
        parser.add_argument("--save", type=Path, help="also write the figures to this JSON file")
        parser.add_argument(
            "--summary",
            type=Path,
            nargs="+",
            metavar="FILE",
            help="only print one table of figures saved earlier (--save)",
        )

    def handle(
        self,
        *args: Any,
        requests: int,
        repeat: int,
        seed: int,
        save: Path | None = None,
        summary: list[Path] | None = None,
        **options: Any,
    ) -> None:
        if summary:
            self.print_table([json.loads(path.read_text()) for path in summary])
            return
        if requests < 2 or repeat < 1:
            raise CommandError("--requests must be at least 2 and --repeat at least 1.")
        figures: dict[str, Any] = {"cases": Case.objects.count()}
        self.stdout.write(f"{figures['cases']:,} cases: {requests} requests of each page ...")
        figures |= page_bench(requests, seed)
        self.stdout.write(f"... and the national report over all the data, {repeat} times ...")
        figures |= report_bench(repeat)
        if save is not None:
            save.parent.mkdir(parents=True, exist_ok=True)
            save.write_text(json.dumps(figures, indent=1))
        self.stdout.write(
            f"The bench user sees {figures['visible_cases']:,} cases; "
            f"report period {figures['period']}."
        )
        self.print_table([figures])

    def print_table(self, runs: list[dict[str, Any]]) -> None:
        self.stdout.write("")
        for line in table(runs):
            self.stdout.write(line)
        self.stdout.write(
            "Queries per page: the most any request sent, BEGIN and COMMIT not counted "
            "(a session's expiry moves on, one UPDATE, at most once a minute)."
        )
        missed = sorted({label for run in runs for label in failures(run)})
        self.stdout.write(f"Targets missed: {', '.join(missed)}." if missed else "All targets met.")
