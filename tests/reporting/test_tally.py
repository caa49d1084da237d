"""The database counts the facts as Python does: the same tally and the same
dataset hash for every scope, in a fixed number of queries."""

from __future__ import annotations

import random
from dataclasses import asdict, replace
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concerns.choices import Status
from reporting import dataset, tally
from reporting.aggregates import build_report
from reporting.facts import case_facts
from reporting.models import StatFact
from tests.reporting.test_sections import crafted_facts

pytestmark = pytest.mark.django_db

START, END = date(2024, 3, 15), date(2025, 9, 14)
SCOPES = ["national", "politikreds:1470", "politikreds:1461", "kommune:0101", "kommune:0461"]


def store(n: int, seed: int) -> None:
    """n crafted facts straight into the store, some outside the period, some
    cancelled, in two police districts."""
    rng = random.Random(seed)
    rows = []
    for i, fact in enumerate(crafted_facts(seed, n)):
        received = date(fact.year, 1, 1) + timedelta(days=rng.randint(0, 364))
        status = Status.CANCELLED if rng.random() < 0.05 else fact.status
        district = "1461" if fact.municipality_code == "0751" else "1470"
        values = asdict(replace(fact, status=status, police_district_code=district))
        values["action_types"] = list(values["action_types"])
        rows.append(StatFact(case_id=10_000 + i, received_on=received, **values))
    StatFact.objects.bulk_create(rows)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_database_counts_what_python_counts(seed: int) -> None:
    store(400, seed)
    for scope in SCOPES:
        facts = case_facts(START, END, scope)
        assert tally.tally_in(START, END, scope) == tally.tally_of(facts), scope
        assert dataset.dataset_sha256_in(START, END, scope) == dataset.dataset_sha256(facts)
        in_database = build_report(
            tally.tally_in(START, END, scope),
            period_start=START,
            period_end=END,
            municipality_count=98,
            threshold=5,
        )
        in_python = build_report(
            facts, period_start=START, period_end=END, municipality_count=98, threshold=5
        )
        assert in_database == in_python, scope


def test_an_empty_period_has_nothing_counted_and_the_hash_of_no_facts() -> None:
    store(50, 4)
    empty = (date(2030, 1, 1), date(2030, 12, 31))
    assert tally.tally_in(*empty, "national").total == 0
    assert dataset.dataset_sha256_in(*empty, "national") == dataset.dataset_sha256([])


def test_counting_takes_the_same_queries_for_few_and_many_facts() -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            tally.tally_in(START, END, "national")
            dataset.dataset_sha256_in(START, END, "national")
        return len(captured)

    store(10, 5)
    few = queries()
    StatFact.objects.all().delete()
    store(500, 6)
    assert queries() == few == 2
