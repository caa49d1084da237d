"""`seed_demo --bulk` writes, from the same plans, the same data as the action path:
the same cases, numbers, timelines, shares, meetings, grants, search documents and
reporting facts, with CPR numbers encrypted, one audit entry for the whole load, and
case number counters that the application goes on from."""

from __future__ import annotations

import copy
import random
from collections import defaultdict
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from audit.models import AuditEntry
from concerns import actions
from concerns.choices import Status
from concerns.cpr import lookup_hash
from concerns.demo import bulk
from concerns.demo.repeats import link, link_repeat_concerns
from concerns.demo.walk import CasePlan
from concerns.models import (
    Assessment,
    Case,
    CaseEvent,
    CaseGroupObjectPermission,
    CaseNumberCounter,
    FollowUpAction,
    Meeting,
    MeetingParticipant,
    Note,
    Person,
    Share,
)
from reporting.models import StatFact
from tests.conftest import CASE_DEFAULTS

pytestmark = pytest.mark.django_db

CASES, SEED, ANCHOR = 120, 3, "2026-11-20"
Snapshot = dict[str, Any]


def seed(*, bulk: bool, cases: int = CASES) -> str:
    out = StringIO()
    flags = ["--bulk"] if bulk else []
    arguments = [f"--cases={cases}", f"--seed={SEED}", f"--anchor={ANCHOR}", *flags]
    call_command("seed_demo", *arguments, stdout=out)
    return out.getvalue()


def snapshot_of_seeding(*, bulk: bool) -> Snapshot:
    """Seed, take a snapshot, and undo it all, so that both paths start from the same
    empty database. Sequences are not rolled back, so snapshots hold no ids."""
    with transaction.atomic():
        seed(bulk=bulk)
        snapshot = take_snapshot()
        transaction.set_rollback(True)
    return snapshot


# --- Snapshots: the data keyed by case numbers, names and dates instead of ids ------

COUNTED: list[type[models.Model]] = [
    Case,
    Person,
    CaseEvent,
    Note,
    Share,
    FollowUpAction,
    Meeting,
    MeetingParticipant,
    Assessment,
    CaseGroupObjectPermission,
    Case.related_cases.through,
    Meeting.cases.through,
]
MEETING = ("meeting__municipality__code", "meeting__held_on", "meeting__kind")


def take_snapshot() -> Snapshot:
    return {
        "counts": {model.__name__: model._default_manager.count() for model in COUNTED}
        | {"revoked shares": Share.objects.filter(revoked_at__isnull=False).count()},
        "cases": cases(),
        "persons": persons(),
        "events": by_case(
            CaseEvent,
            *("kind", "at", "actor__username", "from_status", "to_status", "visibility"),
            "detail",
        ),
        "notes": by_case(
            Note, "visibility", "body", "corrects__body", "author__username", "created_at"
        ),
        "shares": by_case(
            Share,
            *own_columns(Share),
            *("from_municipality__code", "to_district__code", "shared_by__username"),
            "revoked_by__username",
        ),
        "actions": by_case(
            FollowUpAction,
            *own_columns(FollowUpAction),
            *("created_by__username", "assignee__username", *MEETING),
        ),
        "assessments": by_case(Assessment, *own_columns(Assessment), *MEETING),
        "meetings": meetings(),
        "grants": sorted(
            CaseGroupObjectPermission.objects.values_list(
                "content_object__number", "group__name", "permission__codename"
            )
        ),
        "related": sorted(
            Case.related_cases.through.objects.values_list("from_case__number", "to_case__number")
        ),
        "facts": facts(),
        "counters": sorted(
            CaseNumberCounter.objects.values_list("municipality__code", "year", "last_serial")
        ),
        "search": searches(),
    }


def own_columns(model: type[models.Model]) -> list[str]:
    return [
        f.attname for f in model._meta.concrete_fields if not f.is_relation and f.attname != "id"
    ]


def by_case(model: type[models.Model], *fields: str) -> dict[str, list[tuple[Any, ...]]]:
    """Rows per case number, in the order they were written."""
    rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for number, *values in model._default_manager.order_by("id").values_list(
        "case__number", *fields
    ):
        rows[number].append(tuple(values))
    return dict(rows)


def cases() -> dict[str, dict[str, Any]]:
    ids = {"id", "person_id", "previous_case_id", "created_by_id", "screened_by_id", "search"}
    columns = [f.attname for f in Case._meta.concrete_fields if f.attname not in ids]
    rows = Case.objects.values(
        *columns,
        *("person__name", "previous_case__number", "created_by__username"),
        "screened_by__username",
    )
    return {row["number"]: row for row in rows}


def persons() -> dict[str, list[Any]]:
    """Each person by the number of their first case, with the CPR number decrypted
    (its ciphertext differs each time it is encrypted)."""
    columns = [f.attname for f in Person._meta.concrete_fields if f.attname != "id"]
    columns.remove("cpr_encrypted")
    found: dict[int, list[Any]] = {}
    for case in Case.objects.filter(person__isnull=False).select_related("person").order_by("id"):
        person = case.person
        assert person is not None
        values = [getattr(person, name) for name in columns]
        found.setdefault(person.pk, [case.number, person.cpr, *values])
    return {number: values for number, *values in found.values()}


def meetings() -> list[tuple[Any, ...]]:
    found = Meeting.objects.select_related("municipality", "created_by").prefetch_related(
        "participants", "cases"
    )
    return sorted(
        (
            meeting.municipality.code,
            meeting.held_on,
            meeting.kind,
            meeting.created_by.username,
            sorted((p.authority, p.role) for p in meeting.participants.all()),
            sorted(case.number for case in meeting.cases.all()),
        )
        for meeting in found
    )


def facts() -> dict[str, dict[str, Any]]:
    numbers = dict(Case.objects.values_list("id", "number"))
    rows: list[dict[str, Any]] = [dict(row) for row in StatFact.objects.values()]
    return {numbers[row.pop("case_id")]: row for row in rows}


def searches() -> dict[str, list[tuple[str, float]]]:
    """What the case list's search finds for a few of the names in the data."""
    names = Person.objects.order_by("name").values_list("name", flat=True)
    terms = {names[0], names[len(names) // 2].split()[-1], "skole"}
    return {
        term: list(
            Case.objects.search(term)
            .order_by("-rank", "number")  # type: ignore[misc]  # rank is annotated by search()
            .values_list("number", "rank")
        )
        for term in terms
    }


# --- Tests ---------------------------------------------------------------------------


def test_bulk_load_writes_what_the_actions_write(monkeypatch: pytest.MonkeyPatch) -> None:
    through_actions = snapshot_of_seeding(bulk=False)
    # In chunks of a few cases: meetings, repeat concerns and numbers go on across them.
    monkeypatch.setattr(bulk, "CHUNK_SIZE", 7)
    in_bulk = snapshot_of_seeding(bulk=True)
    counts = through_actions["counts"]
    # The data set has every kind of row, so the comparison below means something.
    assert counts["Case"] == CASES
    assert all(counts.values()), counts
    assert {row["status"] for row in through_actions["cases"].values()} >= {
        Status.CLOSED,
        Status.HANDED_TO_POLICE,
        Status.REFERRED_ELSEWHERE,
    }
    assert all(through_actions["search"].values())
    for part, expected in through_actions.items():
        assert in_bulk[part] == expected, part


def test_bulk_load_writes_one_audit_entry_and_keeps_the_trail_intact() -> None:
    before = AuditEntry.objects.count()
    seed(bulk=True)
    entries = AuditEntry.objects.order_by("-id")
    assert entries.count() == before + 1
    assert f"{CASES} sager" in entries[0].purpose
    call_command("verify_audit", stdout=StringIO())


def test_case_recorded_after_bulk_load_gets_the_next_number() -> None:
    seed(bulk=True)
    last = Case.objects.select_related("municipality").order_by("-serial", "-year").first()
    assert last is not None
    coordinator = User.objects.filter(groups=last.municipality.group).first()
    assert coordinator is not None
    case = actions.record_concern(
        by=coordinator,
        municipality=last.municipality,
        person_fields={"name": "Ny Person"},
        case_fields={**CASE_DEFAULTS, "received_on": date(last.year, 12, 31)},
    )
    assert case.serial == last.serial + 1
    assert case.number == f"IH-{last.municipality.code}-{last.year}-{last.serial + 1:04d}"


def test_bulk_load_stores_cpr_numbers_encrypted() -> None:
    seed(bulk=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, cpr_encrypted, cpr_hash FROM concerns_person WHERE cpr_hash <> ''"
        )
        stored = cursor.fetchall()
    assert len(stored) > 5
    for person_id, ciphertext, cpr_hash in stored:
        cpr = Person.objects.get(pk=person_id).cpr
        assert len(cpr) == 10 and cpr.isdigit()
        assert cpr not in ciphertext and cpr[:6] not in ciphertext
        assert lookup_hash(cpr) == cpr_hash


def test_bulk_load_queries_do_not_grow_with_the_number_of_cases() -> None:
    def queries(cases: int) -> int:
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            seed(bulk=True, cases=cases)
            transaction.set_rollback(True)
        return len(captured)

    assert queries(40) == queries(120)


# --- Linking repeat concerns ------------------------------------------------------------


def link_by_plain_scan(rng: random.Random, plans: list[CasePlan]) -> None:
    """What `link_repeat_concerns` did before it had to scale: a fresh list of
    candidates per concern."""
    ended: dict[str, list[int]] = {}
    for index, plan in enumerate(plans):
        code = plan.municipality_code
        candidates = [
            i
            for i in ended.get(code, [])
            if (plans[i].ended_on or plan.received_on) + timedelta(days=30) < plan.received_on
        ]
        if plan.person_fields is not None and candidates and rng.random() < 0.07:
            earlier = rng.choice(candidates)
            link(plans, earlier=earlier, later=index)
            ended[code].remove(earlier)
        elif plan.person_fields is not None and plan.status in (
            Status.CLOSED,
            Status.REFERRED_ELSEWHERE,
        ):
            ended.setdefault(code, []).append(index)


def crowded_plans(count: int) -> list[CasePlan]:
    """Many concerns a day in two municipalities, received up to two days out of
    order, so that the day asked about keeps stepping back."""
    rng = random.Random(5)
    plans = []
    for n in range(count):
        received_on = date(2024, 1, 1) + timedelta(days=n // 40 - rng.randint(0, 2))
        status = rng.choice([Status.CLOSED, Status.REFERRED_ELSEWHERE, Status.FOLLOW_UP])
        ended_on = received_on + timedelta(days=rng.randint(0, 90))
        plan = CasePlan(
            rng.choice(["0101", "0751"]),
            received_on,
            {"age_at_receipt": rng.choice([None, 15, 22])},
            None if rng.random() < 0.1 else {"name": f"Person {n}"},
            status=status,
            ended_on=None if status == Status.FOLLOW_UP else ended_on,
        )
        plans.append(plan)
    return plans


def test_repeat_concerns_are_linked_as_a_plain_scan_links_them() -> None:
    plans = crowded_plans(6000)
    scanned, fast = copy.deepcopy(plans), copy.deepcopy(plans)
    scan_rng, fast_rng = random.Random(11), random.Random(11)
    link_by_plain_scan(scan_rng, scanned)
    link_repeat_concerns(fast_rng, fast)

    def links(plans: list[CasePlan]) -> list[tuple[Any, ...]]:
        return [(p.person_key, p.previous_index, p.person_fields, p.case_fields) for p in plans]

    assert sum(p.previous_index is not None for p in fast) > 100
    assert links(fast) == links(scanned)
    assert fast_rng.random() == scan_rng.random()
