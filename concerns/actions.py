"""Every write that touches case data.

Each action is keyword-only, runs in one transaction and writes, with the change
itself, the case's timeline event and the audit entry. Callers check access first
(`concerns.permissions`); actions check the domain rules.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.db import connection, models, transaction
from django.db.models import DateField, F
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from accounts.models import User
from audit.log import record
from audit.models import AuditAction
from concerns import permissions
from concerns.choices import ActionStatus, EventKind, NoteVisibility, Status, age_band_floor
from concerns.cpr import lookup_hash
from concerns.models import (
    OPEN_ACTION_STATUSES,
    OPEN_STATUSES,
    Assessment,
    Case,
    CaseEvent,
    DeletionReceipt,
    FollowUpAction,
    Meeting,
    MeetingParticipant,
    Municipality,
    Note,
    Person,
    PoliceDistrict,
    Share,
)
from concerns.workflow import TransitionInput, check_transition


def next_case_serial(*, municipality: Municipality, year: int) -> int:
    """Hand out the next serial for a municipality and year, gap-free.

    One upsert both creates the counter and increments it; the row lock it takes
    is held until the surrounding transaction ends, so concurrent creators queue
    up, and a rolled-back creation gives its number back.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO concerns_casenumbercounter (municipality_id, year, last_serial)
            VALUES (%s, %s, 1)
            ON CONFLICT (municipality_id, year)
            DO UPDATE SET last_serial = concerns_casenumbercounter.last_serial + 1
            RETURNING last_serial
            """,
            [municipality.pk, year],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def format_case_number(municipality: Municipality, year: int, serial: int) -> str:
    return f"IH-{municipality.code}-{year}-{serial:04d}"


def _event(case: Case, kind: str, actor: User | None, **fields: Any) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, actor=actor, **fields)


def _touch(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1, updated_at=timezone.now())
    case.refresh_from_db(fields=["version", "updated_at"])


@transaction.atomic
def record_concern(
    *,
    by: User,
    municipality: Municipality,
    case_fields: dict[str, Any],
    person: Person | None = None,
    person_fields: dict[str, Any] | None = None,
    previous_case: Case | None = None,
) -> Case:
    """Register a new concern: the person (new or existing), the case, its number,
    its access grants, the first timeline event and the audit entry.

    An existing `person` is used as registered: `person_fields` are then ignored, so
    linking never overwrites what is recorded about them. `previous_case` (the
    person's ended case this one continues) must be that person's."""
    if previous_case is not None and (person is None or previous_case.person_id != person.pk):
        raise ValueError("the previous case must be the same person's")
    if person is None and person_fields:
        person = Person.objects.create(**person_fields)
    received_on: date = case_fields["received_on"]
    if person is not None and case_fields.get("age_at_receipt") is None:
        case_fields = {**case_fields, "age_at_receipt": person.age_on(received_on)}
    year = received_on.year
    serial = next_case_serial(municipality=municipality, year=year)
    case = Case.objects.create(
        municipality=municipality,
        person=person,
        previous_case=previous_case,
        year=year,
        serial=serial,
        number=format_case_number(municipality, year, serial),
        created_by=by,
        **case_fields,
    )
    if previous_case is not None:
        case.related_cases.add(previous_case)
    permissions.grant_municipality_access(case)
    _event(case, EventKind.CREATED, by, to_status=case.status, detail=case.number)
    record(
        user=by,
        action=AuditAction.CREATE,
        obj=case,
        person_id=person.pk if person else None,
        purpose="registrering af bekymring",
    )
    return case


@transaction.atomic
def transition_case(*, case: Case, to: str, by: User, data: TransitionInput | None = None) -> Case:
    """Move a case to another status if the rules allow it (raises TransitionError)."""
    data = data or TransitionInput()
    case = Case.objects.select_for_update().get(pk=case.pk)
    check_transition(case, to, data)
    from_status = case.status
    case.status = to
    if to == Status.CLOSED:
        case.closure_reason = data.closure_reason
    if to not in OPEN_STATUSES:
        # Every way out of the open statuses is final, and starts the retention clock.
        case.closed_on = timezone.localdate()
    if to == Status.CANCELLED:
        case.cancel_reason = data.cancel_reason.strip()
    case.version += 1
    case.save()
    detail = data.closure_reason or data.cancel_reason.strip()
    _event(case, EventKind.TRANSITION, by, from_status=from_status, to_status=to, detail=detail)
    record(
        user=by,
        action=AuditAction.TRANSITION,
        obj=case,
        person_id=case.person_id,
        purpose=f"{from_status} -> {to}",
    )
    return case


@transaction.atomic
def record_screening(*, case: Case, by: User, result: str, screened_on: date) -> Case:
    """The police liaison's initial check for crime or acute security issues."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.screening_result = result
    case.screened_on = screened_on
    case.screened_by = by
    case.version += 1
    case.save()
    _event(case, EventKind.SCREENING, by, detail=case.get_screening_result_display())
    record(
        user=by,
        action=AuditAction.UPDATE,
        obj=case,
        person_id=case.person_id,
        purpose="politiets indledende vurdering",
    )
    return case


@transaction.atomic
def add_follow_up_action(
    *, case: Case, by: User, fields: dict[str, Any], meeting: Meeting | None = None
) -> FollowUpAction:
    """A follow-up action on a case, or, with `meeting`, an agreement made there."""
    if meeting is not None:
        fields = {**fields, "meeting": meeting}
    action = FollowUpAction.objects.create(case=case, created_by=by, **fields)
    _touch(case)
    detail = f"{action} ({meeting})" if meeting else str(action)
    _event(case, EventKind.ACTION_ADDED, by, detail=detail)
    record(
        user=by,
        action=AuditAction.CREATE,
        obj=action,
        person_id=case.person_id,
        purpose=f"aftale på møde {meeting.pk}" if meeting else "opfølgning på sag",
    )
    return action


@transaction.atomic
def add_note(
    *, case: Case, by: User, visibility: str, body: str, corrects: Note | None = None
) -> Note:
    """Append a journal entry; the timeline event carries the same visibility."""
    note = Note.objects.create(
        case=case, author=by, visibility=visibility, body=body, corrects=corrects
    )
    _touch(case)
    _event(
        case,
        EventKind.NOTE_ADDED,
        by,
        visibility=visibility,
        detail=NoteVisibility(visibility).label,
    )
    record(
        user=by,
        action=AuditAction.CREATE,
        obj=note,
        person_id=case.person_id,
        purpose="journalnotat",
    )
    return note


@transaction.atomic
def share_case_with_police(
    *,
    case: Case,
    by: User,
    district: PoliceDistrict,
    purpose: str,
    purpose_detail: str,
    legal_basis: str,
) -> Share:
    """Disclose a case to a police district (retsplejeloven § 115) and log it."""
    share = Share.objects.create(
        case=case,
        from_municipality=case.municipality,
        to_district=district,
        purpose=purpose,
        purpose_detail=purpose_detail,
        legal_basis=legal_basis,
        shared_by=by,
    )
    permissions.grant_police_access(case, district)
    _touch(case)
    _event(case, EventKind.SHARED, by, detail=f"{district.name}: {share.get_purpose_display()}")
    record(
        user=by,
        action=AuditAction.SHARE,
        obj=case,
        person_id=case.person_id,
        purpose=f"{share.get_purpose_display()} – {purpose_detail}",
    )
    return share


@transaction.atomic
def revoke_share(*, share: Share, by: User, reason: str) -> Share:
    """End a disclosure: the district loses access from its next request on."""
    share = Share.objects.select_for_update().select_related("case", "to_district").get(pk=share.pk)
    if share.revoked_at is not None:
        return share
    share.revoked_at = timezone.now()
    share.revoked_by = by
    share.revoke_reason = reason
    share.save()
    permissions.revoke_police_access(share.case, share.to_district)
    _touch(share.case)
    _event(share.case, EventKind.SHARE_REVOKED, by, detail=share.to_district.name)
    record(
        user=by,
        action=AuditAction.REVOKE,
        obj=share.case,
        person_id=share.case.person_id,
        purpose=reason,
    )
    return share


@transaction.atomic
def record_assessment(
    *,
    meeting: Meeting,
    case: Case,
    by: User,
    outcome: str,
    overall_assessment: str = "",
    dimensions: dict[str, dict[str, str]] | None = None,
    main_problems: str = "",
    main_resources: str = "",
    focus_dimensions: list[str] | None = None,
) -> Assessment:
    """Record that a meeting discussed a case, its assessment over CDE's nine
    dimensions and the overall assessment the ASSESSED transition needs."""
    meeting.cases.add(case)
    focus = list(focus_dimensions or [])
    assessment, _ = Assessment.objects.update_or_create(
        meeting=meeting,
        case=case,
        defaults={
            "dimensions": dimensions or {},
            "main_problems": main_problems,
            "main_resources": main_resources,
            "focus_dimensions": focus,
        },
    )
    Case.objects.filter(pk=case.pk).update(
        assessment_outcome=outcome,
        assessed_on=meeting.held_on,
        overall_assessment=overall_assessment,
        focus_dimensions=focus,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    _event(case, EventKind.MEETING, by, detail=str(meeting))
    record(
        user=by,
        action=AuditAction.UPDATE,
        obj=case,
        person_id=case.person_id,
        purpose="drøftet på analysemøde",
    )
    return assessment


@transaction.atomic
def set_legal_hold(*, case: Case, by: User, hold: bool, reason: str) -> Case:
    """Put a case on legal hold, which stops its retention clock, or lift the hold."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.legal_hold = hold
    case.legal_hold_reason = reason.strip() if hold else ""
    case.version += 1
    case.save(update_fields=["legal_hold", "legal_hold_reason", "version", "updated_at"])
    kind = EventKind.LEGAL_HOLD if hold else EventKind.LEGAL_HOLD_LIFTED
    _event(case, kind, by, detail=case.legal_hold_reason)
    record(
        user=by,
        action=AuditAction.UPDATE,
        obj=case,
        person_id=case.person_id,
        purpose="retligt tilbagehold sat" if hold else "retligt tilbagehold ophævet",
    )
    return case


ANONYMISED_NAME = "Anonymiseret"


def _month_start(field: str) -> TruncMonth:
    return TruncMonth(field, output_field=DateField())


@transaction.atomic
def anonymise_case(*, case_id: int, today: date, rule: str) -> DeletionReceipt | None:
    """Strip a case of everything that identifies its person once its retention period
    has run out (concerns.retention decides when): free text and notes go, dates keep
    their month, the age its band; the categorical fields stay so statistics still
    count the case. The person follows once none of their cases is left. The change
    history of what was removed is deleted too, and a receipt without personal data
    is kept. Returns None when a legal hold or an earlier run got there first."""
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.legal_hold or case.anonymised_on is not None:
        return None
    removed: dict[str, int] = {}
    notes = Note.objects.filter(case=case)
    notes.update(corrects=None)  # corrections refer to older notes; all of them go
    removed["notes"] = notes.delete()[0]
    removed["actions"] = FollowUpAction.objects.filter(case=case).update(
        responsible_person="",
        outcome="",
        legal_basis="",
        starts_on=_month_start("starts_on"),
        due_on=_month_start("due_on"),
        ended_on=_month_start("ended_on"),
    )
    removed["shares"] = Share.objects.filter(case=case).update(purpose_detail="", revoke_reason="")
    removed["assessments"] = Assessment.objects.filter(case=case).update(
        dimensions={}, main_problems="", main_resources=""
    )
    removed["timeline_texts"] = (
        CaseEvent.objects.filter(case=case).exclude(detail="").update(detail="")
    )
    ended_in = case.closed_on.replace(day=1) if case.closed_on else today.replace(day=1)
    Case.objects.filter(pk=case.pk).update(
        description="",
        overall_assessment="",
        cancel_reason="",
        housing_area="",
        legal_hold_reason="",
        received_on=_month_start("received_on"),
        screened_on=_month_start("screened_on"),
        assessed_on=_month_start("assessed_on"),
        closed_on=_month_start("closed_on"),
        age_at_receipt=(
            age_band_floor(case.age_at_receipt) if case.age_at_receipt is not None else None
        ),
        anonymised_on=today,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    person_anonymised = False
    if case.person_id is not None:
        others = Case.objects.filter(person_id=case.person_id, anonymised_on__isnull=True)
        if not others.exclude(pk=case.pk).exists():
            person = Person.objects.select_for_update().get(pk=case.person_id)
            person.name = ANONYMISED_NAME
            person.cpr_encrypted = ""
            person.cpr_hash = ""
            if person.date_of_birth is not None:
                person.date_of_birth = person.date_of_birth.replace(month=1, day=1)
            person.anonymised_on = today
            person.save()
            person_anonymised = True
    _event(case, EventKind.ANONYMISED, None, detail=rule[:500])
    record(
        user=None,
        action=AuditAction.UPDATE,
        obj=case,
        person_id=case.person_id,
        purpose=f"anonymiseret: {rule}",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT concerns_forget_case(%s)", [case.pk])
        (removed["history_rows"],) = cursor.fetchone() or (0,)
    return DeletionReceipt.objects.create(
        municipality_id=case.municipality_id,
        case_number=case.number,
        ended_in=ended_in,
        rule=rule,
        removed=removed,
        person_anonymised=person_anonymised,
    )


# --- Meetings ---------------------------------------------------------------------

# Imported here, not at the top, so this block could be added without editing lines
# other work was changing at the same time; move them up when convenient.


@transaction.atomic
def schedule_meeting(*, by: User, municipality: Municipality, kind: str, held_on: date) -> Meeting:
    """Put an analysis or follow-up meeting of one municipality's infohus in the diary."""
    meeting = Meeting.objects.create(
        municipality=municipality, kind=kind, held_on=held_on, created_by=by
    )
    record(user=by, action=AuditAction.CREATE, obj=meeting, purpose="møde planlagt")
    return meeting


@transaction.atomic
def reschedule_meeting(*, meeting: Meeting, by: User, kind: str, held_on: date) -> Meeting:
    meeting.kind = kind
    meeting.held_on = held_on
    meeting.save(update_fields=["kind", "held_on"])
    record(user=by, action=AuditAction.UPDATE, obj=meeting, purpose="møde ændret")
    return meeting


@transaction.atomic
def add_meeting_participant(
    *, meeting: Meeting, by: User, authority: str, role: str
) -> MeetingParticipant:
    participant = meeting.participants.create(authority=authority, role=role)
    record(user=by, action=AuditAction.UPDATE, obj=meeting, purpose="mødedeltager tilføjet")
    return participant


@transaction.atomic
def remove_meeting_participant(*, participant: MeetingParticipant, by: User) -> None:
    meeting = participant.meeting
    participant.delete()
    record(user=by, action=AuditAction.UPDATE, obj=meeting, purpose="mødedeltager fjernet")


@transaction.atomic
def attach_case_to_meeting(*, meeting: Meeting, case: Case, by: User) -> None:
    """Put a case on a meeting's agenda; the case's timeline says so."""
    meeting.cases.add(case)
    _touch(case)
    _event(
        case,
        EventKind.MEETING,
        by,
        detail=gettext("Sat på dagsordenen: %(meeting)s") % {"meeting": meeting},
    )
    record(
        user=by,
        action=AuditAction.UPDATE,
        obj=case,
        person_id=case.person_id,
        purpose=f"sat på dagsordenen til møde {meeting.pk}",
    )


def meeting_has_recorded(meeting: Meeting, case: Case) -> bool:
    """Whether the meeting assessed the case or made agreements about it."""
    return (
        meeting.assessments.filter(case=case).exists()
        or meeting.agreements.filter(case=case).exists()
    )


@transaction.atomic
def detach_case_from_meeting(*, meeting: Meeting, case: Case, by: User) -> bool:
    """Take a case off a meeting's agenda. Refused (False) once the meeting has
    assessed it or agreed on actions for it: those stay tied to the meeting."""
    if meeting_has_recorded(meeting, case):
        return False
    meeting.cases.remove(case)
    _touch(case)
    _event(
        case,
        EventKind.MEETING,
        by,
        detail=gettext("Taget af dagsordenen: %(meeting)s") % {"meeting": meeting},
    )
    record(
        user=by,
        action=AuditAction.UPDATE,
        obj=case,
        person_id=case.person_id,
        purpose=f"taget af dagsordenen til møde {meeting.pk}",
    )
    return True


@transaction.atomic
def record_agreement(
    *, meeting: Meeting, case: Case, by: User, fields: dict[str, Any]
) -> FollowUpAction:
    """An agreement made at a meeting: a follow-up action with a deadline, tied to
    the meeting; the case goes on the meeting's agenda if it was not already."""
    if fields.get("due_on") is None:
        raise ValueError("an agreement needs a due date")
    meeting.cases.add(case)
    return add_follow_up_action(case=case, by=by, fields=fields, meeting=meeting)


# --- Updating follow-up actions ---------------------------------------------------------


# What an update may change, and so what `action_state` fingerprints.
ACTION_UPDATE_FIELDS = ("status", "outcome", "consent_recorded", "due_on", "assignee")


class ActionConflict(Exception):
    """The action changed after the form was opened; nothing was written."""

    def __init__(self, current: FollowUpAction) -> None:
        super().__init__("the follow-up action changed after the form was opened")
        self.current = current


def action_state(action: FollowUpAction) -> str:
    """A fingerprint of the fields an update may change. The update form carries
    the one it was opened with, and `update_follow_up_action` refuses to write over
    a different one, so a change made in between is never silently lost."""
    values = [
        action.status,
        action.outcome,
        action.consent_recorded,
        action.due_on.isoformat() if action.due_on else None,
        action.assignee_id,
    ]
    return hashlib.sha256(json.dumps(values).encode()).hexdigest()


@transaction.atomic
def update_follow_up_action(
    *, action: FollowUpAction, by: User, fields: dict[str, Any], expected_state: str
) -> list[str]:
    """Change an action's status, outcome, consent, due date or assignee, unless the
    action changed since `expected_state` was taken (raises ActionConflict).

    Returns the names of the fields that changed; nothing is written when none did.
    A completed action needs an outcome. An action that is finished gets today as
    its end date unless it has one; one that is reopened loses its end date.
    """
    current = (
        FollowUpAction.objects.select_for_update(of=("self",))
        .select_related("case", "assignee")
        .get(pk=action.pk)
    )
    if action_state(current) != expected_state:
        raise ActionConflict(current)
    before = {name: getattr(current, name) for name in ACTION_UPDATE_FIELDS}
    changed = [
        name for name in ACTION_UPDATE_FIELDS if name in fields and fields[name] != before[name]
    ]
    for name in changed:
        setattr(current, name, fields[name])
    if current.status == ActionStatus.COMPLETED and not current.outcome.strip():
        raise ValueError("a completed follow-up action needs an outcome")
    if not changed:
        return []
    update_fields = [*changed, *_end_date_change(current, before["status"])]
    current.save(update_fields=update_fields)
    case = current.case
    _touch(case)
    _event(case, EventKind.ACTION_UPDATED, by, detail=_action_changes(current, before, changed))
    record(
        user=by,
        action=AuditAction.UPDATE,
        obj=current,
        person_id=case.person_id,
        purpose="opdatering af indsats",
    )
    return changed


def _end_date_change(action: FollowUpAction, status_before: str) -> list[str]:
    finished = action.status not in OPEN_ACTION_STATUSES
    was_finished = status_before not in OPEN_ACTION_STATUSES
    if finished and not was_finished and action.ended_on is None:
        action.ended_on = timezone.localdate()
        return ["ended_on"]
    if was_finished and not finished and action.ended_on is not None:
        action.ended_on = None
        return ["ended_on"]
    return []


def _action_changes(action: FollowUpAction, before: dict[str, Any], changed: list[str]) -> str:
    """The timeline's summary of an update: old and new values, but never the
    outcome's free text."""
    parts = []
    for name in changed:
        label = capfirst(_action_field_label(name))
        if name == "outcome":
            parts.append(gettext("%(field)s ændret") % {"field": label})
        else:
            old, new = _shown(name, before[name]), _shown(name, getattr(action, name))
            parts.append(f"{label}: {old} → {new}")
    return f"{action}: {'; '.join(parts)}"[:500]


def _action_field_label(name: str) -> str:
    return str(next(f.verbose_name for f in FollowUpAction._meta.fields if f.name == name))


def _shown(name: str, value: Any) -> str:
    if value is None:
        return "–"
    if name == "status":
        return str(ActionStatus(value).label)
    if isinstance(value, bool):
        return gettext("Ja") if value else gettext("Nej")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, User):
        return value.get_full_name() or value.username
    return str(value)


# --- Editing a case ---------------------------------------------------------------


class EditConflict(Exception):
    """Someone saved the case after the edit form was loaded; nothing was written.
    `current` is the case as it is now."""

    def __init__(self, current: Case) -> None:
        super().__init__(f"case {current.pk} is at version {current.version}")
        self.current = current


def _differs(old: Any, new: Any) -> bool:
    # A multi-valued field is a set of codes: the same codes in another order are no change.
    if isinstance(old, list) and isinstance(new, list):
        return sorted(old) != sorted(new)
    return bool(old != new)


def _apply(obj: Case | Person, fields: dict[str, Any]) -> list[str]:
    """Set the fields whose value differs; return their names."""
    changed = [name for name, value in fields.items() if _differs(getattr(obj, name), value)]
    for name in changed:
        setattr(obj, name, fields[name])
    return changed


def _apply_to_person(person: Person, fields: dict[str, Any]) -> list[str]:
    fields = dict(fields)
    cpr = fields.pop("cpr", "")  # empty: keep the registered number
    changed = _apply(person, fields)
    if cpr and lookup_hash(cpr) != person.cpr_hash:
        person.cpr = cpr
        changed.append("cpr")
    return changed


def _verbose_name(model: type[Case] | type[Person], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.verbose_name)


def _changed_labels(case_fields: list[str], person_fields: list[str]) -> str:
    """The changed fields by name, for the timeline; never their values."""
    parts = []
    if case_fields:
        parts.append(", ".join(_verbose_name(Case, name) for name in case_fields))
    if person_fields:
        labels = [
            gettext("CPR-nummer") if name == "cpr" else _verbose_name(Person, name)
            for name in person_fields
        ]
        parts.append(gettext("personen: %(fields)s") % {"fields": ", ".join(labels)})
    return (gettext("Ændret: %(fields)s") % {"fields": "; ".join(parts)})[:500]


@transaction.atomic
def update_case(
    *,
    case: Case,
    by: User,
    fields: dict[str, Any],
    expected_version: int,
    person_fields: dict[str, Any] | None = None,
) -> list[str]:
    """Change a case's descriptive fields, and its person's details, provided nobody
    has saved the case since the form read `expected_version`; otherwise raise
    EditConflict and write nothing. The row lock makes check and write one step.

    The timeline names the changed fields, not their values (the change history
    keeps before and after). Returns the changed names, the person's as "person.<name>";
    an edit that changes nothing writes nothing."""
    current = (
        Case.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=case.pk)
    )
    if current.version != expected_version:
        raise EditConflict(current)
    changed = _apply(current, fields)
    person_changed: list[str] = []
    if person_fields is not None and current.person_id is not None:
        person = Person.objects.select_for_update().get(pk=current.person_id)
        person_changed = _apply_to_person(person, person_fields)
        if person_changed:
            person.save()
    if not changed and not person_changed:
        return []
    current.version += 1
    current.save(update_fields=[*changed, "version", "updated_at"])
    _event(current, EventKind.UPDATED, by, detail=_changed_labels(changed, person_changed))
    names = [*changed, *(f"person.{name}" for name in person_changed)]
    record(
        user=by,
        action=AuditAction.UPDATE,
        obj=current,
        person_id=current.person_id,
        purpose=f"sagsoplysninger ændret: {', '.join(names)}",
    )
    return names
