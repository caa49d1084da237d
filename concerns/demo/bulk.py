"""Writing planned demo cases in bulk, for data sets too large to walk through the actions.

From the same plans, `BulkLoader` writes the same rows as `seed_demo`'s action path:
each step of a plan becomes the rows its action in `concerns.actions` writes (the
timeline event, share, note, follow-up action, meeting and assessment, the case
columns it sets, the access grants it adds or removes), already at the planned
moment, and each case is written once as it stands after its last step. Rows go in
with COPY, a chunk of cases at a time; the ids that other rows point at are reserved
from the table sequences first. Database triggers run as for any insert: they keep
the search documents, the reporting facts and the change history.

Not written per case: the audit entries. The caller writes one for the whole load.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.management.base import OutputWrapper
from django.db import connection, models
from psycopg import sql
from psycopg.types.json import Jsonb

from accounts.models import User
from concerns.actions import format_case_number
from concerns.choices import EventKind, LegalBasis, NoteVisibility, Status
from concerns.demo.texts import OVERALL_ASSESSMENTS
from concerns.demo.walk import (
    CasePlan,
    ProfilePlan,
    Step,
    assessment_dimensions,
    meeting_participants,
)
from concerns.models import (
    OPEN_STATUSES,
    Assessment,
    Case,
    CaseEvent,
    CaseGroupObjectPermission,
    CaseNumberCounter,
    FollowUpAction,
    Meeting,
    MeetingParticipant,
    Municipality,
    Note,
    Person,
    Share,
)
from concerns.permissions import (
    MUNICIPALITY_CASE_PERMS,
    POLICE_CASE_PERMS,
    case_permission_ids,
)

CHUNK_SIZE = 20_000


class Table:
    """The rows of one table for the chunk being written, with their columns.

    The columns must be the model's, all of them: `without` names those left to the
    database (a sequence or a trigger). A field added to the model and not here stops
    the load, rather than quietly differing from what the actions write."""

    def __init__(
        self, model: type[models.Model], columns: Sequence[str], without: Iterable[str] = ()
    ) -> None:
        fields = {f.attname: f.column for f in model._meta.concrete_fields}
        expected = set(fields) - set(without)
        if set(columns) != expected:
            missing, unknown = sorted(expected - set(columns)), sorted(set(columns) - expected)
            raise RuntimeError(
                f"concerns.demo.bulk writes {model.__name__} without {missing}, with {unknown}"
            )
        self.name = model._meta.db_table
        self.columns = [fields[name] for name in columns]
        self.attnames = tuple(columns)
        self.rows: list[Sequence[Any]] = []

    def add(self, values: dict[str, Any]) -> None:
        self.rows.append(tuple(values[name] for name in self.attnames))

    def copy(self) -> None:
        query = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
            table=sql.Identifier(self.name),
            columns=sql.SQL(", ").join(map(sql.Identifier, self.columns)),
        )
        with connection.cursor() as cursor, cursor.cursor.copy(query) as copy:
            for row in self.rows:
                copy.write_row(row)
        self.rows = []


def defaults(model: type[models.Model]) -> dict[str, Any]:
    """The value each column gets when `objects.create` is not given one."""
    return {f.attname: f.get_default() for f in model._meta.concrete_fields}


def labels(model: type[models.Model], name: str) -> dict[str, str]:
    """What `get_<name>_display()` shows for each value."""
    choices = model._meta.get_field(name).flatchoices  # type: ignore[union-attr]
    return {str(value): str(label) for value, label in choices}


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Take `count` ids from the table's sequence, in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


@dataclass
class CaseInProgress:
    """One case while its steps are turned into rows: its columns, and what the next
    steps need to know."""

    row: dict[str, Any]
    municipality: Municipality
    shares: list[dict[str, Any]] = field(default_factory=list)  # a revocation ends the last
    police_access: bool = False
    meeting_id: int | None = None  # the meeting that discussed it last
    events: list[tuple[Any, ...]] = field(default_factory=list)


class BulkLoader:
    """Writes plans as `seed_demo`'s action path would; see the module docstring."""

    def __init__(
        self,
        *,
        municipalities: dict[str, Municipality],
        profiles: dict[str, ProfilePlan],
        coordinators: dict[str, User],
        police: dict[str, User],
        out: OutputWrapper,
    ) -> None:
        self.municipalities, self.profiles, self.out = municipalities, profiles, out
        self.codes = {muni.pk: code for code, muni in municipalities.items()}
        self.coordinators, self.police = coordinators, police
        self.persons = Table(Person, [f.attname for f in Person._meta.concrete_fields])
        self.cases = Table(Case, [name for name in defaults(Case) if name != "search"], ["search"])
        self.case_defaults = defaults(Case)
        self.related = Table(Case.related_cases.through, ["from_case_id", "to_case_id"], ["id"])
        self.grants = Table(
            CaseGroupObjectPermission, ["content_object_id", "group_id", "permission_id"], ["id"]
        )
        self.meetings = Table(
            Meeting, ["id", "municipality_id", "kind", "held_on", "created_by_id"]
        )
        self.participants = Table(MeetingParticipant, ["meeting_id", "authority", "role"], ["id"])
        self.meeting_cases = Table(Meeting.cases.through, ["meeting_id", "case_id"], ["id"])
        self.assessments = Table(
            Assessment,
            ["meeting_id", "case_id", "dimensions", "main_problems", "main_resources"]
            + ["focus_dimensions"],
            ["id"],
        )
        self.shares = Table(
            Share,
            ["case_id", "from_municipality_id", "to_district_id", "purpose", "purpose_detail"]
            + ["legal_basis", "shared_by_id", "shared_at", "revoked_at", "revoked_by_id"]
            + ["revoke_reason"],
            ["id"],
        )
        self.notes = Table(
            Note,
            ["case_id", "visibility", "body", "corrects_id", "author_id", "created_at"],
            ["id"],
        )
        self.actions = Table(
            FollowUpAction, [name for name in defaults(FollowUpAction) if name != "id"], ["id"]
        )
        self.action_defaults = defaults(FollowUpAction)
        self.events = Table(
            CaseEvent,
            ["case_id", "kind", "at", "actor_id", "from_status", "to_status", "visibility"]
            + ["detail"],
            ["id"],
        )
        # In the order the foreign keys and the triggers need them.
        self.tables = [
            self.persons,
            self.cases,
            self.related,
            self.grants,
            self.meetings,
            self.participants,
            self.meeting_cases,
            self.assessments,
            self.shares,
            self.notes,
            self.actions,
            self.events,
        ]
        self.municipality_perms = case_permission_ids(MUNICIPALITY_CASE_PERMS)
        self.police_perms = case_permission_ids(POLICE_CASE_PERMS)
        self.labels = {
            "purpose": labels(Share, "purpose"),
            "screening_result": labels(Case, "screening_result"),
            "action_type": labels(FollowUpAction, "action_type"),
            "visibility": labels(Note, "visibility"),
        }
        self.serials: dict[tuple[int, int], int] = {}
        # Meetings by municipality, day and kind: id and title.
        self.meeting_ids: dict[tuple[int, date, str], tuple[int, str]] = {}
        self.new_meeting_ids: Iterator[int] = iter(())  # reserved for this chunk
        # The first case of a repeat concern, by plan index: the case and its person.
        self.firsts: dict[int, tuple[int, Person]] = {}

    def load(self, plans: list[CasePlan]) -> None:
        """Write every plan, a chunk at a time, and leave the case number counters
        where `next_case_serial` goes on from. Empties `plans` as it goes, so that the
        memory of the plans written is free for the next chunk's rows."""
        with connection.cursor() as cursor:
            # Check foreign keys per statement rather than all at commit: deferred,
            # the checks of tens of millions of rows wait in the server's memory.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # Cases recorded meanwhile would take the numbers being handed out here.
            cursor.execute(
                sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(
                    sql.Identifier(CaseNumberCounter._meta.db_table)
                )
            )
        self.serials = {
            (m, y): last
            for m, y, last in CaseNumberCounter.objects.values_list(
                "municipality_id", "year", "last_serial"
            )
        }
        started, done = time.perf_counter(), 0
        while plans:
            chunk = plans[:CHUNK_SIZE]
            del plans[:CHUNK_SIZE]
            self.write_chunk(done, chunk)
            done += len(chunk)
            self.out.write(f"  {done} cases ({time.perf_counter() - started:.0f} s)")
        self.save_serials()
        with connection.cursor() as cursor:
            # Back to how the schema declares them: every deferrable constraint (the
            # foreign keys Django makes) is initially deferred.
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def write_chunk(self, start: int, chunk: list[CasePlan]) -> None:
        case_ids = reserve_ids(Case, len(chunk))
        person_ids = iter(reserve_ids(Person, sum(p.person_fields is not None for p in chunk)))
        new_meetings = {key for plan in chunk for key in self.meeting_keys(plan)}
        new_meetings -= self.meeting_ids.keys()
        self.new_meeting_ids = iter(reserve_ids(Meeting, len(new_meetings)))
        for offset, plan in enumerate(chunk):
            person_id = next(person_ids) if plan.person_fields is not None else None
            self.add_case(start + offset, plan, case_ids[offset], person_id)
        for table in self.tables:
            table.copy()

    def meeting_keys(self, plan: CasePlan) -> Iterable[tuple[int, date, str]]:
        municipality = self.municipalities[plan.municipality_code]
        for step in plan.steps:
            if step.kind == "meeting":
                yield municipality.pk, step.at.date(), step.data["meeting_kind"]

    def save_serials(self) -> None:
        query = sql.SQL(
            "INSERT INTO {table} (municipality_id, year, last_serial) VALUES (%s, %s, %s) "
            "ON CONFLICT (municipality_id, year) DO UPDATE SET last_serial = EXCLUDED.last_serial"
        ).format(table=sql.Identifier(CaseNumberCounter._meta.db_table))
        with connection.cursor() as cursor:
            cursor.executemany(query, [(m, y, last) for (m, y), last in self.serials.items()])

    # --- one case (`actions.record_concern`) ----------------------------------------------

    def add_case(self, index: int, plan: CasePlan, case_id: int, person_id: int | None) -> None:
        muni = self.municipalities[plan.municipality_code]
        coordinator = self.coordinators[muni.code]
        person, previous_id = self.person_of(index, plan, case_id, person_id)
        case = CaseInProgress(self.case_row(plan, muni, case_id, person, previous_id), muni)
        created_at, number = plan.case_fields["created_at"], case.row["number"]
        status = case.row["status"]
        self.event(
            case, EventKind.CREATED, created_at, coordinator, to_status=status, detail=number
        )
        if previous_id is not None:
            self.related.rows += [(case_id, previous_id), (previous_id, case_id)]
        self.grant(case, muni.group_id, self.municipality_perms)
        police = self.police[muni.police_district.code]
        for step in plan.steps:
            user = police if step.actor == "police" else coordinator
            getattr(self, f"step_{step.kind}")(case, step, user)
        if case.police_access:
            self.grant(case, muni.police_district.group_id, self.police_perms)
        # Every action bumps the version and stamps the time.
        case.row["version"] += len(plan.steps)
        case.row["updated_at"] = plan.steps[-1].at if plan.steps else created_at
        self.cases.add(case.row)
        for share in case.shares:
            self.shares.add(share)
        self.events.rows += case.events

    def person_of(
        self, index: int, plan: CasePlan, case_id: int, person_id: int | None
    ) -> tuple[Person | None, int | None]:
        """The case's person, new or that of the earlier case it follows, and that
        earlier case's id."""
        person, previous_id = None, None
        if person_id is not None:
            person = self.add_person(person_id, plan)
        elif plan.previous_index is not None:
            previous_id, person = self.firsts.pop(plan.previous_index)
        if plan.person_key == index and person is not None:
            self.firsts[index] = (case_id, person)
        return person, previous_id

    def case_row(
        self,
        plan: CasePlan,
        muni: Municipality,
        case_id: int,
        person: Person | None,
        previous_id: int | None,
    ) -> dict[str, Any]:
        """The case as `record_concern` creates it, numbered as `next_case_serial`
        would number it."""
        received_on: date = plan.case_fields["received_on"]
        age = plan.case_fields.get("age_at_receipt")
        if person is not None and age is None:
            age = person.age_on(received_on)
        year = received_on.year
        serial = self.serials[muni.pk, year] = self.serials.get((muni.pk, year), 0) + 1
        return {
            **self.case_defaults,
            **plan.case_fields,
            "id": case_id,
            "municipality_id": muni.pk,
            "person_id": person.pk if person is not None else None,
            "previous_case_id": previous_id,
            "age_at_receipt": age,
            "year": year,
            "serial": serial,
            "number": format_case_number(muni, year, serial),
            "created_by_id": self.coordinators[muni.code].pk,
        }

    def add_person(self, person_id: int, plan: CasePlan) -> Person:
        """The person as `Person.objects.create` writes it: the model encrypts and
        hashes the CPR number."""
        assert plan.person_fields is not None
        fields = dict(plan.person_fields)
        code = fields.pop("municipality_code")
        fields["municipality"] = self.municipalities[code] if code else None
        person = Person(pk=person_id, **fields)
        person.created_at = plan.case_fields["created_at"]
        self.persons.add(person.__dict__)
        return person

    def grant(self, case: CaseInProgress, group_id: int, perms: list[int]) -> None:
        self.grants.rows += [(case.row["id"], group_id, perm) for perm in perms]

    def event(
        self,
        case: CaseInProgress,
        kind: str,
        at: Any,
        actor: User,
        *,
        from_status: str = "",
        to_status: str = "",
        visibility: str = NoteVisibility.SHARED,
        detail: str = "",
    ) -> None:
        # A tuple in the order of `self.events`' columns: there are ten million of them.
        row = (case.row["id"], kind, at, actor.pk, from_status, to_status, visibility, detail)
        case.events.append(row)

    # --- the steps, one action each -----------------------------------------------------

    def step_share(self, case: CaseInProgress, step: Step, user: User) -> None:
        district = case.municipality.police_district
        purpose = step.data["purpose"]
        share = {
            "case_id": case.row["id"],
            "from_municipality_id": case.municipality.pk,
            "to_district_id": district.pk,
            "purpose": purpose,
            "purpose_detail": step.data["purpose_detail"],
            "legal_basis": LegalBasis.RPL_115,
            "shared_by_id": user.pk,
            "shared_at": step.at,
        }
        case.shares.append(share | {"revoked_at": None, "revoked_by_id": None, "revoke_reason": ""})
        case.police_access = True
        detail = f"{district.name}: {self.labels['purpose'][purpose]}"
        self.event(case, EventKind.SHARED, step.at, user, detail=detail)

    def step_revoke(self, case: CaseInProgress, step: Step, user: User) -> None:
        case.shares[-1] |= {
            "revoked_at": step.at,
            "revoked_by_id": user.pk,
            "revoke_reason": step.data["reason"],
        }
        case.police_access = False
        district = case.municipality.police_district
        self.event(case, EventKind.SHARE_REVOKED, step.at, user, detail=district.name)

    def step_screen(self, case: CaseInProgress, step: Step, user: User) -> None:
        result = step.data["result"]
        case.row |= {
            "screening_result": result,
            "screened_on": step.at.date(),
            "screened_by_id": user.pk,
        }
        detail = self.labels["screening_result"][result]
        self.event(case, EventKind.SCREENING, step.at, user, detail=detail)

    def step_transition(self, case: CaseInProgress, step: Step, user: User) -> None:
        to, before = step.data["to"], case.row["status"]
        closure_reason = step.data.get("closure_reason", "")
        cancel_reason = step.data.get("cancel_reason", "").strip()
        case.row["status"] = to
        if to == Status.CLOSED:
            case.row["closure_reason"] = closure_reason
        if to not in OPEN_STATUSES:
            case.row["closed_on"] = step.at.date()
        if to == Status.CANCELLED:
            case.row["cancel_reason"] = cancel_reason
        self.event(
            case,
            EventKind.TRANSITION,
            step.at,
            user,
            from_status=before,
            to_status=to,
            detail=closure_reason or cancel_reason,
        )

    def step_note(self, case: CaseInProgress, step: Step, user: User) -> None:
        visibility = step.data["visibility"]
        note = {"case_id": case.row["id"], "visibility": visibility, "body": step.data["body"]}
        self.notes.add(note | {"corrects_id": None, "author_id": user.pk, "created_at": step.at})
        detail = self.labels["visibility"][visibility]
        self.event(case, EventKind.NOTE_ADDED, step.at, user, visibility=visibility, detail=detail)

    def step_action(self, case: CaseInProgress, step: Step, user: User) -> None:
        action = step.data["action"]
        self.actions.add(
            {
                **self.action_defaults,
                **action,
                "case_id": case.row["id"],
                "meeting_id": case.meeting_id,
                "created_by_id": user.pk,
                "created_at": step.at,
            }
        )
        detail = self.labels["action_type"][action["action_type"]]
        self.event(case, EventKind.ACTION_ADDED, step.at, user, detail=detail)

    def step_meeting(self, case: CaseInProgress, step: Step, user: User) -> None:
        """`actions.record_assessment` at the municipality's meeting that day."""
        data, held_on = step.data, step.at.date()
        key = (case.municipality.pk, held_on, data["meeting_kind"])
        if key not in self.meeting_ids:
            self.add_meeting(key, user)
        meeting_id, title = self.meeting_ids[key]
        self.meeting_cases.rows.append((meeting_id, case.row["id"]))
        focus = list(data["focus"])
        self.assessments.add(
            {
                "meeting_id": meeting_id,
                "case_id": case.row["id"],
                "dimensions": Jsonb(assessment_dimensions(data["dimensions"])),
                "main_problems": data["main_problems"],
                "main_resources": data["main_resources"],
                "focus_dimensions": focus,
            }
        )
        case.row |= {
            "assessment_outcome": data["outcome"],
            "assessed_on": held_on,
            "overall_assessment": OVERALL_ASSESSMENTS[data["outcome"]],
            "focus_dimensions": focus,
        }
        case.meeting_id = meeting_id
        self.event(case, EventKind.MEETING, step.at, user, detail=title)

    def add_meeting(self, key: tuple[int, date, str], user: User) -> None:
        """One meeting per municipality, day and kind, as `seed_demo` holds them."""
        municipality_id, held_on, kind = key
        meeting = Meeting(
            pk=next(self.new_meeting_ids),
            municipality_id=municipality_id,
            kind=kind,
            held_on=held_on,
            created_by_id=user.pk,
        )
        self.meetings.add(meeting.__dict__)
        profile = self.profiles[self.codes[municipality_id]]
        self.participants.rows += [
            (meeting.pk, authority, role) for authority, role in meeting_participants(profile)
        ]
        self.meeting_ids[key] = (meeting.pk, str(meeting))
