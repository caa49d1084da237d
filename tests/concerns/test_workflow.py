"""The case state machine: every rule of DESIGN.md §3, through the actions."""

from datetime import date

import pytest

from accounts.models import User
from concerns import actions
from concerns.choices import (
    ActionType,
    AssessmentOutcome,
    Authority,
    ClosureReason,
    EventKind,
    MeetingKind,
    ScreeningResult,
    Status,
)
from concerns.models import Case, Meeting
from concerns.workflow import TRANSITIONS, TransitionError, TransitionInput, allowed_targets

S = Status


def move(case: Case, to: str, by: User, **data: str) -> Case:
    return actions.transition_case(case=case, to=to, by=by, data=TransitionInput(**data))


def screen(case: Case, police: User, result: str = ScreeningResult.NO_POLICE_MATTER) -> Case:
    return actions.record_screening(case=case, by=police, result=result, screened_on=date.today())


def test_every_status_has_a_rule() -> None:
    assert set(TRANSITIONS) == set(S.values)


def test_closed_and_cancelled_are_final() -> None:
    for final in (S.CLOSED, S.CANCELLED, S.HANDED_TO_POLICE, S.REFERRED_ELSEWHERE):
        assert allowed_targets(final) == []


def test_any_open_status_can_be_handed_to_police_or_cancelled() -> None:
    for status in (S.RECEIVED, S.POLICE_SCREENING, S.ASSESSED, S.FOLLOW_UP, S.REASSESSMENT):
        assert {S.HANDED_TO_POLICE, S.CANCELLED} <= set(allowed_targets(status))


def test_received_cannot_jump_to_meeting(case: Case, coordinator: User) -> None:
    with pytest.raises(TransitionError):
        move(case, S.READY_FOR_MEETING, coordinator)
    case.refresh_from_db()
    assert case.status == S.RECEIVED
    assert not case.events.filter(kind=EventKind.TRANSITION).exists()


def test_leaving_screening_needs_a_police_screening_result(
    case: Case, coordinator: User, police: User
) -> None:
    case = move(case, S.POLICE_SCREENING, coordinator)
    with pytest.raises(TransitionError, match="indledende vurdering"):
        move(case, S.INFORMATION_GATHERING, coordinator)
    screen(case, police)
    case = move(case, S.INFORMATION_GATHERING, coordinator)
    assert case.status == S.INFORMATION_GATHERING


def test_closing_after_screening_only_as_unfounded(
    case: Case, coordinator: User, police: User
) -> None:
    case = move(case, S.POLICE_SCREENING, coordinator)
    screen(case, police, ScreeningResult.UNFOUNDED)
    with pytest.raises(TransitionError):
        move(case, S.CLOSED, coordinator, closure_reason=ClosureReason.COMPLETED)
    case = move(case, S.CLOSED, coordinator, closure_reason=ClosureReason.UNFOUNDED)
    assert case.closure_reason == ClosureReason.UNFOUNDED
    assert case.closed_on == date.today()


def test_acute_case_goes_straight_to_police(case: Case, coordinator: User) -> None:
    case = move(case, S.HANDED_TO_POLICE, coordinator)
    assert case.status == S.HANDED_TO_POLICE


def test_cancel_needs_a_reason(case: Case, coordinator: User) -> None:
    with pytest.raises(TransitionError):
        move(case, S.CANCELLED, coordinator, cancel_reason="  ")
    case = move(case, S.CANCELLED, coordinator, cancel_reason="Oprettet to gange")
    assert case.cancel_reason == "Oprettet to gange"


def assess_at_meeting(case: Case, by: User) -> None:
    meeting = Meeting.objects.create(
        municipality=case.municipality,
        kind=MeetingKind.ANALYSIS,
        held_on=date.today(),
        created_by=by,
    )
    actions.record_assessment(
        meeting=meeting,
        case=case,
        by=by,
        outcome=AssessmentOutcome.PREVENTIVE,
        overall_assessment="Begrundet bekymring; mentorforløb anbefales.",
    )


def _to_ready_for_meeting(case: Case, coordinator: User, police: User) -> Case:
    case = move(case, S.POLICE_SCREENING, coordinator)
    screen(case, police)
    case = move(case, S.INFORMATION_GATHERING, coordinator)
    return move(case, S.READY_FOR_MEETING, coordinator)


def test_assessed_needs_a_meeting_and_an_overall_assessment(
    case: Case, coordinator: User, police: User
) -> None:
    case = _to_ready_for_meeting(case, coordinator, police)
    with pytest.raises(TransitionError) as refused:
        move(case, S.ASSESSED, coordinator)
    assert len(refused.value.messages) == 2

    assess_at_meeting(case, coordinator)
    case = move(case, S.ASSESSED, coordinator)
    assert case.status == S.ASSESSED


def test_follow_up_needs_an_action_with_an_authority_and_closed_a_reason(
    case: Case, coordinator: User, police: User
) -> None:
    case = _to_ready_for_meeting(case, coordinator, police)
    assess_at_meeting(case, coordinator)
    case = move(case, S.ASSESSED, coordinator)
    with pytest.raises(TransitionError):
        move(case, S.FOLLOW_UP, coordinator)
    actions.add_follow_up_action(
        case=case,
        by=coordinator,
        fields={"action_type": ActionType.MENTOR, "responsible_authority": Authority.SSP},
    )
    case = move(case, S.FOLLOW_UP, coordinator)
    case = move(case, S.REASSESSMENT, coordinator)
    case = move(case, S.READY_FOR_MEETING, coordinator)
    case = move(case, S.ASSESSED, coordinator)
    case = move(case, S.FOLLOW_UP, coordinator)
    with pytest.raises(TransitionError, match="afslutningsårsag"):
        move(case, S.CLOSED, coordinator)
    case = move(case, S.CLOSED, coordinator, closure_reason=ClosureReason.COMPLETED)
    assert case.status == S.CLOSED


def test_every_transition_is_on_the_timeline(case: Case, coordinator: User) -> None:
    move(case, S.POLICE_SCREENING, coordinator)
    move(case, S.HANDED_TO_POLICE, coordinator)
    events = list(case.events.filter(kind=EventKind.TRANSITION).order_by("at", "id"))
    assert [(e.from_status, e.to_status) for e in events] == [
        (S.RECEIVED, S.POLICE_SCREENING),
        (S.POLICE_SCREENING, S.HANDED_TO_POLICE),
    ]
    assert all(e.actor == coordinator for e in events)
    assert case.events.filter(kind=EventKind.CREATED).count() == 1
