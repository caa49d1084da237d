"""The case state machine (DESIGN.md §3): which transitions exist and what each needs.

This is the only place that knows the rules. `concerns.actions.transition_case`
calls `check_transition` before it writes; views ask `allowed_targets` which
buttons to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from concerns.choices import ClosureReason, Status
from concerns.models import OPEN_STATUSES

if TYPE_CHECKING:
    from concerns.models import Case

S = Status

# Explicit edges; "any open status → handed_to_police | cancelled" is added below.
_EDGES: dict[str, set[str]] = {
    S.RECEIVED: {S.POLICE_SCREENING},
    S.POLICE_SCREENING: {S.INFORMATION_GATHERING, S.REFERRED_ELSEWHERE, S.CLOSED},
    S.INFORMATION_GATHERING: {S.READY_FOR_MEETING},
    S.READY_FOR_MEETING: {S.ASSESSED},
    S.ASSESSED: {S.FOLLOW_UP, S.REFERRED_ELSEWHERE, S.CLOSED},
    S.FOLLOW_UP: {S.REASSESSMENT, S.CLOSED},
    S.REASSESSMENT: {S.READY_FOR_MEETING},
}

TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(
        _EDGES.get(status, set())
        | ({S.HANDED_TO_POLICE, S.CANCELLED} if status in OPEN_STATUSES else set())
    )
    for status in S.values
}


@dataclass(frozen=True)
class TransitionInput:
    """What the user supplies with a transition; each guard reads what it needs."""

    closure_reason: str = ""
    cancel_reason: str = ""


class TransitionError(Exception):
    """A transition that the rules refuse, with messages fit to show the user."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class _Check:
    problems: list[str] = field(default_factory=list)

    def require(self, ok: bool, message: str) -> None:
        if not ok:
            self.problems.append(message)


def allowed_targets(status: str) -> list[str]:
    """The statuses reachable from `status`, in the vocabulary's order."""
    targets = TRANSITIONS.get(status, frozenset())
    return [value for value in S.values if value in targets]


def problems_with(case: Case, target: str, data: TransitionInput) -> list[str]:
    """Every reason the transition cannot happen now; empty when it may."""
    check = _Check()
    if target not in TRANSITIONS.get(case.status, frozenset()):
        check.require(
            False,
            _("Sagen kan ikke gå fra »%(from)s« til »%(to)s«.")
            % {
                "from": S(case.status).label,
                "to": S(target).label if target in S.values else target,
            },
        )
        return check.problems

    leaving_screening = case.status == S.POLICE_SCREENING and target not in {
        S.HANDED_TO_POLICE,
        S.CANCELLED,
    }
    if leaving_screening:
        check.require(
            bool(case.screening_result) and case.screened_by_id is not None,
            _("Politiets indledende vurdering skal være registreret af politiet først."),
        )
    if target == S.ASSESSED:
        check.require(case.meetings.exists(), _("Sagen skal have været drøftet på et analysemøde."))
        check.require(
            bool(case.assessment_outcome) and case.assessed_on is not None,
            _("Helhedsvurderingen skal være registreret."),
        )
    if target == S.FOLLOW_UP:
        check.require(
            case.actions.exclude(responsible_authority="").exists(),
            _("Der skal være mindst én indsats med en ansvarlig myndighed."),
        )
    if target == S.CLOSED:
        check.require(bool(data.closure_reason), _("Angiv en afslutningsårsag."))
        if case.status == S.POLICE_SCREENING:
            check.require(
                data.closure_reason in ("", ClosureReason.UNFOUNDED),
                _("Efter politiets vurdering kan sagen kun afsluttes som ubegrundet."),
            )
    if target == S.CANCELLED:
        check.require(bool(data.cancel_reason.strip()), _("Angiv hvorfor sagen annulleres."))
    return check.problems


def check_transition(case: Case, target: str, data: TransitionInput) -> None:
    problems = problems_with(case, target, data)
    if problems:
        raise TransitionError(problems)
