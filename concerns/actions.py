"""Every write that touches case data.

Each action is keyword-only, runs in one transaction and writes, with the change
itself, the case's timeline event and the audit entry. Callers check access first
(`concerns.permissions`); actions check the domain rules.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from audit.log import record
from audit.models import AuditAction
from concerns import permissions
from concerns.choices import EventKind, NoteVisibility, Status
from concerns.models import (
    Assessment,
    Case,
    CaseEvent,
    FollowUpAction,
    Meeting,
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
    its access grants, the first timeline event and the audit entry."""
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
def add_follow_up_action(*, case: Case, by: User, fields: dict[str, Any]) -> FollowUpAction:
    action = FollowUpAction.objects.create(case=case, created_by=by, **fields)
    _touch(case)
    _event(case, EventKind.ACTION_ADDED, by, detail=str(action))
    record(
        user=by,
        action=AuditAction.CREATE,
        obj=action,
        person_id=case.person_id,
        purpose="opfølgning på sag",
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
