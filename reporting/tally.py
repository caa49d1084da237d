"""The counts the status report is built from, taken in the database.

A `Tally` holds, for each field the report breaks concerns down by, how many
concerns have each value: everything `aggregates.build_report` needs, and no
single fact. `tally_in` takes it from the fact store in one query whatever the
number of concerns, a `GROUP BY GROUPING SETS` over the period's facts (one
scan, one count per combination of a few fields' values, summed per field).
`tally_of` counts a list of facts the same way in Python: the report of crafted
facts in tests, and the reference the database's counts are checked against.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection

from concerns.choices import Status
from reporting.facts import MUNICIPALITY, POLICE_DISTRICT, CaseFact, parse_scope

# Fields counted one by one, each a grouping set of its own.
FIELDS = (
    "year",
    "municipality_code",
    "police_district_code",
    "extremism_type",
    "sender_type",
    "age_band",
    "gender",
    "psych_vulnerability",
    "psych_vulnerability_part",
    "gang_fringe",
    "relative_radicalised",
    "parallel_social_case",
    "is_group",
    "online_element",
    "assessment_outcome",
    "days_to_assessment",
)
# Counted together, as pairs: closure reasons count among closed concerns only.
STATUS_AND_REASON = ("status", "closure_reason")
PAIRS = "status_and_closure_reason"
ACTION_TYPES = "action_types"


@dataclass(frozen=True)
class Tally:
    """How many of `total` concerns have each value of each field. `counts` maps a
    field of FIELDS to a Counter of its values; PAIRS to one of (status, closure
    reason) pairs; and ACTION_TYPES to the number of concerns with at least one action of a type."""

    total: int
    counts: Mapping[str, Counter[Any]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Counter[Any]:
        return self.counts.get(name, Counter())

    def with_status(self, status: str) -> int:
        return sum(n for (code, _), n in self[PAIRS].items() if code == status)

    def closure_reasons(self) -> Counter[str]:
        """Closed concerns by their reason for closing."""
        return Counter(
            {reason: n for (code, reason), n in self[PAIRS].items() if code == Status.CLOSED}
        )


def tally_of(facts: Iterable[CaseFact]) -> Tally:
    """Count facts in Python, as `tally_in` counts them in the database."""
    counts: dict[str, Counter[Any]] = {name: Counter() for name in FIELDS}
    pairs: Counter[tuple[str, str]] = Counter()
    action_types: Counter[str] = Counter()
    total = 0
    for fact in facts:
        total += 1
        for name in FIELDS:
            counts[name][getattr(fact, name)] += 1
        pairs[(fact.status, fact.closure_reason)] += 1
        action_types.update(set(fact.action_types))
    counts[PAIRS] = pairs
    counts[ACTION_TYPES] = action_types
    return Tally(total, counts)


def facts_where(start: date, end: date, scope: str) -> tuple[str, list[Any]]:
    """SQL condition and parameters for the facts of a scope and period, cancelled
    concerns left out, as facts.case_facts selects them."""
    kind, code = parse_scope(scope)
    sql = "received_on BETWEEN %s AND %s AND status <> %s"
    params: list[Any] = [start, end, Status.CANCELLED.value]
    if kind == POLICE_DISTRICT:
        sql += " AND police_district_code = %s"
        params.append(code)
    elif kind == MUNICIPALITY:
        sql += " AND municipality_code = %s"
        params.append(code)
    return sql, params


# The grouping sets. Fields of few values share a set, whose counts are then summed
# per field: each fact is looked up in six hash tables instead of eighteen, which
# is most of the query's time, while no set has more than a few thousand
# combinations of values (at a million concerns, about 2,000). A case's action
# types are grouped by as the whole (sorted, distinct) array, which takes no second
# scan; each array's count then goes to each type in it.
_SETS = (
    ("year", "municipality_code", "police_district_code"),
    ("extremism_type", "sender_type", "age_band"),
    (
        "gender",
        "psych_vulnerability",
        "psych_vulnerability_part",
        "gang_fringe",
        "relative_radicalised",
        "parallel_social_case",
        "is_group",
        "online_element",
    ),
    ("status", "closure_reason", "assessment_outcome"),
    ("days_to_assessment",),
    (ACTION_TYPES,),
)
_COLUMNS = tuple(name for names in _SETS for name in names)
assert sorted(_COLUMNS) == sorted((*FIELDS, *STATUS_AND_REASON, ACTION_TYPES)), (
    "a field is not counted once"
)
_GROUPED_SQL = (  # only constant names are formatted in
    f"""
    SELECT GROUPING({", ".join(_COLUMNS)}), {", ".join(_COLUMNS)}, count(*)
      FROM reporting_statfact
     WHERE {{where}}
     GROUP BY GROUPING SETS ({", ".join(f"({', '.join(names)})" for names in _SETS)})
"""  # noqa: S608  # nosec B608
)


def tally_in(start: date, end: date, scope: str) -> Tally:
    """The counts of the concerns received from `start` to `end` (both included) in
    a scope, in one query. ValueError for a misspelt scope."""
    where, params = facts_where(start, end, scope)
    counts: dict[str, Counter[Any]] = {name: Counter() for name in FIELDS}
    pairs: Counter[tuple[str, str]] = Counter()
    action_types: Counter[str] = Counter()
    width = len(_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(_GROUPED_SQL.format(where=where), params)
        rows = cursor.fetchall()
    for grouping, *values, n in rows:
        # GROUPING() has a 1 bit for each column the row is not grouped by, the
        # last column in the lowest bit.
        grouped = {
            _COLUMNS[i]: values[i] for i in range(width) if not grouping >> (width - 1 - i) & 1
        }
        for name, value in grouped.items():
            if name in counts:
                counts[name][value] += n
        if "status" in grouped:
            pairs[(grouped["status"], grouped["closure_reason"])] += n
        for kind in grouped.get(ACTION_TYPES, ()):
            action_types[kind] += n
    counts[PAIRS] = pairs
    counts[ACTION_TYPES] = action_types
    return Tally(sum(counts["year"].values()), counts)
