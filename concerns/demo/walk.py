"""How one demo case unfolds: a walk through the state machine, planned as steps.

A walk stops where its next step would fall after the anchor date, so old cases are
mostly finished and recent ones open. Each step becomes one call into
`concerns.actions` (or one meeting) when `seed_demo` writes the plan, or the rows
that call writes on the bulk path (`concerns.demo.bulk`).
"""

from __future__ import annotations

import functools
import random
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from concerns import choices as c
from concerns.demo.texts import (
    ACTION_OUTCOMES,
    ACTION_PROFILE,
    CANCEL_REASONS,
    DIMENSION_TEXTS,
    NOTES,
    REVOKE_REASONS,
    SHARE_DETAILS,
)

S = c.Status
# The vocabularies as plain lists, read once: `TextChoices.values` builds a new list
# on every access, and planning a million cases reads them millions of times.
DIMENSIONS: list[str] = c.Dimension.values
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
OPEN_STATUS_VALUES = frozenset(
    {
        S.RECEIVED,
        S.POLICE_SCREENING,
        S.INFORMATION_GATHERING,
        S.READY_FOR_MEETING,
        S.ASSESSED,
        S.FOLLOW_UP,
        S.REASSESSMENT,
    }
)
CLOSE_AFTER_FOLLOW_UP = {
    "completed": 55,
    "declined": 14,
    "moved": 9,
    "other": 8,
    "investigation": 5,
    "travelled": 3,
    "death": 1,
}


def pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def at_work(rng: random.Random, day: date) -> datetime:
    """A plausible working-hours moment on `day`, Copenhagen time."""
    return datetime.combine(day, time(rng.randint(8, 15), rng.randrange(0, 60, 5)), COPENHAGEN)


@dataclass(frozen=True)
class ProfilePlan:
    organisation_model: str
    meeting_cadence: str
    participating_authorities: list[str]
    uses_assessment_tool: bool
    beredskab_adopted_on: date | None
    beredskab_next_revision: date | None
    meeting_weekday: int


def meeting_participants(profile: ProfilePlan) -> list[tuple[str, str]]:
    """Who sits at the municipality's meetings, as (authority, role): the two
    coordinators, municipal and police, then the participating authorities."""
    chairs = [("municipality", "Tovholder"), ("police", "Tovholder")]
    return chairs + [(authority, "") for authority in profile.participating_authorities]


def next_meeting_day(after: date, profile: ProfilePlan) -> date:
    """The municipality's next regular meeting day on or after `after`."""
    day = after + timedelta(days=(profile.meeting_weekday - after.weekday()) % 7)
    if profile.meeting_cadence == "fortnightly" and day.isocalendar().week % 2:
        day += timedelta(days=7)
    if profile.meeting_cadence in ("monthly", "quarterly") and day.day > 7:
        first = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        day = first + timedelta(days=(profile.meeting_weekday - first.weekday()) % 7)
    return day


# --- How a case unfolds ----------------------------------------------------------------


@dataclass(slots=True)
class Step:
    """One call into `concerns.actions` (or one meeting), at a planned moment. The
    data of most kinds is shared between steps and read-only (see `step_data`)."""

    kind: str  # share | screen | transition | meeting | action | note | revoke
    at: datetime
    actor: str  # coordinator | police
    data: Mapping[str, Any] = field(default_factory=dict)


# Steps of these kinds carry only words from the fixed vocabularies, so equal data is
# held once, read-only: a million plans hold some ten million steps.
VOCABULARY_STEPS = frozenset({"share", "screen", "transition", "note", "revoke"})


@functools.cache
def _shared_data(items: tuple[tuple[str, Any], ...]) -> Mapping[str, Any]:
    return MappingProxyType(dict(items))


def step_data(kind: str, data: dict[str, Any]) -> Mapping[str, Any]:
    return _shared_data(tuple(data.items())) if kind in VOCABULARY_STEPS else data


@functools.cache
def shared_moment(moment: datetime) -> datetime:
    """Each moment once: steps fall on working-hour slots, and a million plans' ten
    million steps share under a million moments. `plan_cases` clears the cache."""
    return moment


@dataclass(slots=True)
class CasePlan:
    municipality_code: str
    received_on: date
    case_fields: dict[str, Any]
    person_fields: dict[str, Any] | None
    person_key: int | None = None
    previous_index: int | None = None
    steps: list[Step] = field(default_factory=list)
    status: str = S.RECEIVED
    ended_on: date | None = None


# The choices a forced walk makes to end in each status. `Walk.meeting` always leads
# to ASSESSED; choosing ASSESSED there means "hold the meeting, then stop".
_TO_MEETING: list[str] = [S.POLICE_SCREENING, S.INFORMATION_GATHERING, S.READY_FOR_MEETING]
FORCED_PATHS: dict[str, list[str]] = {
    S.RECEIVED: [],
    S.POLICE_SCREENING: [S.POLICE_SCREENING],
    S.INFORMATION_GATHERING: [S.POLICE_SCREENING, S.INFORMATION_GATHERING],
    S.READY_FOR_MEETING: _TO_MEETING,
    S.ASSESSED: [*_TO_MEETING, S.ASSESSED],
    S.FOLLOW_UP: [*_TO_MEETING, S.FOLLOW_UP],
    S.REASSESSMENT: [*_TO_MEETING, S.FOLLOW_UP, S.REASSESSMENT],
    S.HANDED_TO_POLICE: [S.POLICE_SCREENING, S.HANDED_TO_POLICE],
    S.REFERRED_ELSEWHERE: [*_TO_MEETING, S.REFERRED_ELSEWHERE],
    S.CLOSED: [*_TO_MEETING, S.FOLLOW_UP, S.CLOSED],
    S.CANCELLED: [S.CANCELLED],
}


class Walk:
    """Walk one case through the state machine from receipt until the anchor date.

    A walk stops where the next step would fall after the anchor, so old cases are
    mostly finished and recent ones open. A forced walk follows a fixed path and
    squeezes its dates into the time left instead.
    """

    def __init__(
        self,
        rng: random.Random,
        plan: CasePlan,
        anchor: date,
        profile: ProfilePlan,
        forced: list[str] | None = None,
    ) -> None:
        self.rng, self.plan, self.anchor, self.profile = rng, plan, anchor, profile
        self.forced = list(forced) if forced is not None else None
        self.day = plan.received_on
        self.last = plan.case_fields["created_at"]
        self.shared = False
        self.reassessed = 0

    # -- helpers
    def choose(self, weights: Mapping[str, float]) -> str | None:
        if self.forced is None:
            return pick(self.rng, weights)
        return self.forced.pop(0) if self.forced else None

    def wait(self, low: int, high: int) -> bool:
        day = self.day + timedelta(days=self.rng.randint(low, high))
        if day > self.anchor:
            if self.forced is None:
                return False
            day = self.anchor
        self.day = day
        return True

    def add(self, kind: str, actor: str = "coordinator", **data: Any) -> Step:
        moment = shared_moment(max(at_work(self.rng, self.day), self.last + timedelta(minutes=7)))
        self.last = moment
        step = Step(kind, moment, actor, step_data(kind, data))
        self.plan.steps.append(step)
        return step

    def move(self, to: str, actor: str = "coordinator", **data: Any) -> None:
        self.add("transition", actor, to=to, **data)
        self.plan.status = to
        if to not in OPEN_STATUS_VALUES:
            self.plan.ended_on = self.day

    def note(self, visibility: str, probability: float = 1.0) -> None:
        if self.rng.random() >= probability:
            return
        if visibility == "police" and not self.shared:
            return
        actor = (
            "police"
            if visibility == "police"
            or (visibility == "shared" and self.shared and self.rng.random() < 0.4)
            else "coordinator"
        )
        self.add("note", actor, visibility=visibility, body=self.rng.choice(NOTES[visibility]))

    def share(self, purpose: str) -> None:
        self.add("share", purpose=purpose, purpose_detail=SHARE_DETAILS[purpose])
        self.shared = True

    def maybe_revoke(self, probability: float) -> None:
        if self.shared and self.rng.random() < probability and self.wait(0, 7):
            self.add("revoke", reason=self.rng.choice(REVOKE_REASONS))
            self.shared = False

    # -- the process
    def run(self) -> CasePlan:
        self.note("municipality", 0.2)
        nxt = self.choose({S.POLICE_SCREENING: 96, S.HANDED_TO_POLICE: 2, S.CANCELLED: 2})
        if nxt is None or not self.wait(0, 8):
            return self.plan
        if nxt == S.CANCELLED:
            self.move(S.CANCELLED, cancel_reason=self.rng.choice(CANCEL_REASONS))
        elif nxt == S.HANDED_TO_POLICE:
            self.plan.case_fields["acute"] = True
            self.share("screening")
            self.move(S.HANDED_TO_POLICE)
            self.note("police")
        else:
            self.share(pick(self.rng, {"screening": 75, "prevention": 25}))
            self.move(S.POLICE_SCREENING)
            self.screening()
        return self.plan

    def screening(self) -> None:
        nxt = self.choose(
            {
                S.INFORMATION_GATHERING: 80,
                S.CLOSED: 12,
                S.HANDED_TO_POLICE: 3,
                S.REFERRED_ELSEWHERE: 5,
            }
        )
        if nxt is None or not self.wait(3, 21):
            return
        result: str | None = {
            S.CLOSED.value: "unfounded",
            S.HANDED_TO_POLICE.value: pick(self.rng, {"crime": 70, "acute": 30}),
            S.REFERRED_ELSEWHERE.value: "no_police_matter",
        }.get(nxt) or pick(self.rng, {"no_police_matter": 65, "police_known": 35})
        self.add("screen", "police", result=result)
        self.note("police", 0.35)
        if not self.wait(0, 2):
            return
        if nxt == S.CLOSED:
            self.move(S.CLOSED, closure_reason="unfounded")
            self.maybe_revoke(0.6)
        elif nxt == S.HANDED_TO_POLICE:
            self.move(S.HANDED_TO_POLICE, "police")
        elif nxt == S.REFERRED_ELSEWHERE:
            self.move(S.REFERRED_ELSEWHERE)
            self.maybe_revoke(0.4)
        else:
            self.move(S.INFORMATION_GATHERING)
            self.gathering()

    def gathering(self) -> None:
        self.note("municipality", 0.3)
        nxt = self.choose({S.READY_FOR_MEETING: 98, S.CANCELLED: 2})
        if nxt is None or not self.wait(14, 60 if self.rng.random() < 0.8 else 150):
            return
        if nxt == S.CANCELLED:
            self.move(S.CANCELLED, cancel_reason=CANCEL_REASONS[0])
            return
        self.move(S.READY_FOR_MEETING)
        self.meeting("analysis")

    def meeting(self, kind: str) -> None:
        """The analysis meeting: assessment, overall assessment, then what follows."""
        weights: dict[str, float] = {
            S.FOLLOW_UP: 56,
            S.REFERRED_ELSEWHERE: 18,
            S.CLOSED: 22,
            S.HANDED_TO_POLICE: 4,
        }
        if kind == "follow_up":
            weights = {S.FOLLOW_UP: 80, S.CLOSED: 17, S.HANDED_TO_POLICE: 3}
        held_on = next_meeting_day(self.day + timedelta(days=self.rng.randint(3, 30)), self.profile)
        if held_on > self.anchor and self.forced is None:
            return
        nxt = self.choose(weights)
        if nxt is None:
            return
        self.day = min(held_on, self.anchor)
        outcome = outcome_for(self.rng, pick(self.rng, weights) if nxt == S.ASSESSED else nxt, kind)
        self.add("meeting", meeting_kind=kind, outcome=outcome, **plan_assessment(self.rng))
        self.move(S.ASSESSED)
        self.note("shared", 0.3)
        if nxt != S.ASSESSED:
            self.after_assessment(nxt, kind)

    def after_assessment(self, nxt: str, kind: str) -> None:
        if not self.wait(3, 30):
            return
        if nxt == S.FOLLOW_UP:
            for _ in range(self.rng.choices((1, 2, 3), weights=(45, 40, 15))[0]):
                self.add("action", action=plan_action(self.rng, self.plan, self.day))
            self.move(S.FOLLOW_UP)
            self.follow_up()
        elif nxt == S.CLOSED:
            reason = "unfounded" if kind == "analysis" else "completed"
            self.move(S.CLOSED, closure_reason=reason)
            self.maybe_revoke(0.5)
        elif nxt == S.REFERRED_ELSEWHERE:
            self.move(S.REFERRED_ELSEWHERE)
            self.maybe_revoke(0.3)
        else:
            self.move(S.HANDED_TO_POLICE)

    def follow_up(self) -> None:
        self.note("municipality", 0.3)
        weights: dict[str, float] = {
            S.CLOSED: 73,
            S.REASSESSMENT: 25 if not self.reassessed else 6,
            S.HANDED_TO_POLICE: 2,
        }
        nxt = self.choose(weights)
        if nxt is None:
            return
        if not self.wait(*((90, 240) if nxt == S.REASSESSMENT else (90, 600))):
            self.note("shared", 0.6)  # a status note while the follow-up is running
            return
        self.note("shared", 0.3)
        if nxt == S.CLOSED:
            self.move(S.CLOSED, closure_reason=pick(self.rng, CLOSE_AFTER_FOLLOW_UP))
            self.maybe_revoke(0.4)
        elif nxt == S.HANDED_TO_POLICE:
            self.move(S.HANDED_TO_POLICE, "police")
        else:
            self.reassessed += 1
            self.move(S.REASSESSMENT)
            self.reassessment()

    def reassessment(self) -> None:
        nxt = self.choose({S.READY_FOR_MEETING: 1})
        if nxt is None or not self.wait(7, 45):
            return
        self.move(S.READY_FOR_MEETING)
        self.meeting("follow_up")


def plan_assessment(rng: random.Random) -> dict[str, Any]:
    """The dialogue-based assessment: a few of the nine dimensions in words, and the
    one to three the follow-up should focus on. No scores.

    The words per dimension are kept as shared (dimension, concerns, resources)
    tuples, and `assessment_dimensions` turns them into what Assessment.dimensions
    holds: held as dicts, the assessments were a fifth of a million plans' memory."""
    dims = rng.sample(DIMENSIONS, rng.randint(3, 7))
    words = {
        d: (rng.choice(DIMENSION_TEXTS[d][0]), rng.choice(DIMENSION_TEXTS[d][1])) for d in dims
    }
    focus = [d for d in DIMENSIONS if d in dims[: rng.randint(1, 3)]]
    return {
        "dimensions": tuple(dimension_words(d, *words[d]) for d in dims),
        "main_problems": sys.intern(" ".join(words[d][0] for d in focus)),
        "main_resources": sys.intern(" ".join(words[d][1] for d in dims[-2:])),
        "focus": focus,
    }


@functools.cache
def dimension_words(dimension: str, concerns: str, resources: str) -> tuple[str, str, str]:
    return dimension, concerns, resources


def assessment_dimensions(
    dimensions: tuple[tuple[str, str, str], ...],
) -> dict[str, dict[str, str]]:
    """A planned assessment's words as Assessment.dimensions holds them."""
    return {
        d: {"concerns": concerns, "resources": resources} for d, concerns, resources in dimensions
    }


def outcome_for(rng: random.Random, nxt: str, kind: str) -> str:
    """The overall assessment that leads to `nxt`; at a follow-up meeting a case is
    closed because the preventive work is done, not because it was unfounded."""
    if nxt == S.FOLLOW_UP or (nxt == S.CLOSED and kind == "follow_up"):
        return "preventive"
    if nxt == S.REFERRED_ELSEWHERE:
        return "other_track"
    if nxt == S.CLOSED:
        return "unfounded"
    return pick(rng, {"serious": 85, "acute": 15})


def plan_action(rng: random.Random, plan: CasePlan, start: date) -> dict[str, Any]:
    """A follow-up action as first agreed; `settle_actions` decides how it went."""
    age = plan.case_fields.get("age_at_receipt")
    weights = {
        "conversation": 20,
        "mentor": 15,
        "parent_coach": 9,
        "outreach": 8,
        "education": 8,
        "employment": 5,
        "psychologist": 7,
        "psychiatry_referral": 4,
        "advice_12b": 6,
        "notification": 6,
        "child_act_measure": 4,
        "exit_pet": 2,
        "police_handling": 4,
        "other": 2,
    }
    if age is not None and age >= 18:
        weights |= {"parent_coach": 2, "notification": 0, "child_act_measure": 0, "employment": 12}
    elif age is not None:
        weights |= {"employment": 1}
    kind = pick(rng, weights)
    authorities, legal_basis, person = ACTION_PROFILE[kind]
    return {
        "action_type": kind,
        "responsible_authority": rng.choice(authorities),
        "responsible_person": person,
        "legal_basis": legal_basis,
        "national_corps": kind in ("mentor", "parent_coach") and rng.random() < 0.25,
        "consent_recorded": rng.random() < 0.8,
        "starts_on": start,
        "due_on": start + timedelta(days=rng.randint(30, 180)),
    }


def settle_actions(rng: random.Random, plan: CasePlan, anchor: date) -> None:
    """Give each action the status it has by the anchor date: finished with the case,
    or still running, and then sometimes past its due date (overdue)."""
    for step in plan.steps:
        if step.kind != "action":
            continue
        action = step.data["action"]
        due: date = action["due_on"]
        end = plan.ended_on or (due if due <= anchor and rng.random() < 0.6 else None)
        if end is None:
            action["status"] = (
                "planned"
                if action["starts_on"] > anchor
                else pick(rng, {"in_progress": 80, "planned": 20})
            )
            continue
        status = pick(rng, {"completed": 75, "aborted": 12, "declined": 13})
        action["status"] = status
        action["ended_on"] = max(min(due, end), action["starts_on"])
        action["outcome"] = ACTION_OUTCOMES[status]
