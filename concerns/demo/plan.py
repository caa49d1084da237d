"""Planning the demo data set: infohus profiles, persons and concerns.

Everything here is pure planning from one `random.Random`, so the same seed and
anchor date always give the same plans; the `seed_demo` command turns the plans
into rows, through `concerns.actions` or in bulk (`concerns.demo.bulk`). CPR
numbers are random but well-formed (date of birth, century digit, odd/even sex digit).
"""

from __future__ import annotations

import gc
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from concerns import choices as c
from concerns.demo.repeats import link_repeat_concerns
from concerns.demo.texts import (
    CLOSINGS,
    FEMALE_NAMES,
    HOUSING_AREAS,
    LAST_NAMES,
    MALE_NAMES,
    POPULATION,
    SENDER_OPENINGS,
    SIGN_SENTENCES,
    TYPE_OBSERVATIONS,
)
from concerns.demo.walk import (
    FORCED_PATHS,
    OPEN_STATUS_VALUES,
    CasePlan,
    ProfilePlan,
    Walk,
    at_work,
    pick,
    settle_actions,
    shared_moment,
)

S = c.Status
YEARS_OF_HISTORY = 4
# Read once (see walk.DIMENSIONS).
SIGNS: list[str] = c.Sign.values
EXTREMISM_TYPES: list[str] = c.ExtremismType.values


def municipality_weight(code: str, demo_codes: frozenset[str]) -> float:
    """Bigger municipalities get more concerns, less than proportionally; the demo
    coordinators' municipalities get extra so their lists are not thin."""
    weight = POPULATION.get(code, 30.0) ** 0.8
    return weight * 2.5 if code in demo_codes else weight


# --- Infohus profiles ---------------------------------------------------------------


def plan_profile(rng: random.Random, anchor: date) -> ProfilePlan:
    model = pick(rng, {"coordinator": 40, "ad_hoc_forum": 22, "standing_forum": 38})
    cadence = {
        "coordinator": {"ad_hoc": 50, "monthly": 30, "quarterly": 20},
        "ad_hoc_forum": {"ad_hoc": 80, "quarterly": 20},
        "standing_forum": {"monthly": 55, "fortnightly": 25, "weekly": 10, "quarterly": 10},
    }[model]
    optional = [
        "job_centre",
        "psychiatry",
        "probation",
        "immigration",
        "secure_institution",
        "housing",
        "other",
    ]
    authorities = ["social_services", "school", "ssp"] + [
        a for a in optional if rng.random() < {"job_centre": 0.7, "psychiatry": 0.5}.get(a, 0.2)
    ]
    adopted = None
    if rng.random() < 0.88:
        adopted = anchor - timedelta(days=rng.randint(60, 5 * 365))
    revision = adopted + timedelta(days=rng.choice((2, 3, 4)) * 365) if adopted else None
    return ProfilePlan(
        organisation_model=model,
        meeting_cadence=pick(rng, cadence),
        participating_authorities=authorities,
        uses_assessment_tool=rng.random() < 0.6,
        beredskab_adopted_on=adopted,
        beredskab_next_revision=revision,
        meeting_weekday=rng.randint(0, 3),
    )


# --- Persons and concerns -------------------------------------------------------------


def fake_cpr(rng: random.Random, dob: date, gender: str) -> str:
    """Ten digits that fit the birth date: century digit and odd/even sex digit."""
    yy = dob.year % 100
    if dob.year < 2000:
        century = rng.choice((0, 1, 2, 3) + ((4, 9) if yy >= 37 else ()))
    else:
        century = rng.choice((5, 6, 7, 8) + ((4, 9) if yy <= 36 else ()))
    last = rng.randrange(10)
    if gender == "male":
        last = last | 1
    elif gender == "female":
        last = last & ~1
    return f"{dob:%d%m}{yy:02d}{century}{rng.randrange(100):02d}{last}"


def draw_age(rng: random.Random) -> int:
    bands = [
        (10, 12, 4),
        (13, 15, 18),
        (16, 17, 17),
        (18, 20, 18),
        (21, 25, 20),
        (26, 29, 9),
        (30, 39, 9),
        (40, 65, 5),
    ]
    low, high, _ = rng.choices(bands, weights=[b[2] for b in bands])[0]
    return rng.randint(low, high)


def plan_person(
    rng: random.Random, received_on: date, municipality_code: str
) -> tuple[dict[str, Any], int | None]:
    """Fields for a new Person and, when no date of birth is known, the age alone."""
    gender = pick(rng, {"male": 78, "female": 17, "other": 1, "unknown": 4})
    female = gender == "female" or (gender != "male" and rng.random() < 0.3)
    names = FEMALE_NAMES if female else MALE_NAMES
    fields: dict[str, Any] = {
        "name": f"{rng.choice(names)} {rng.choice(LAST_NAMES)}",
        "gender": gender,
        "municipality_code": municipality_code if rng.random() < 0.97 else None,
        "psych_vulnerability": pick(rng, {"known": 14, "assumed": 22, "no": 30, "unknown": 34}),
        "gang_fringe": rng.random() < 0.1,
        "relative_radicalised": rng.random() < 0.06,
    }
    age = draw_age(rng) if rng.random() < 0.95 else None
    fields["parallel_social_case"] = rng.random() < (0.3 if (age or 30) < 18 else 0.15)
    if age is None or rng.random() > 0.75:
        return fields, age
    dob = received_on - timedelta(days=age * 365 + rng.randint(5, 360))
    fields["date_of_birth"] = dob
    if rng.random() < 0.6:
        fields["cpr"] = fake_cpr(rng, dob, gender)
    return fields, None


def subject(age: int | None, group: bool) -> str:
    if group:
        return "gruppen"
    return "den unge" if age is not None and age < 25 else "borgeren"


def describe(
    rng: random.Random, sender: str, etype: str, signs: list[str], subj: str, group_size: int = 0
) -> str:
    parts = [rng.choice(SENDER_OPENINGS[sender])]
    if group_size:
        parts.append(f"Henvendelsen drejer sig om en gruppe på {group_size} unge.")
    parts.append(rng.choice(TYPE_OBSERVATIONS[etype]))
    parts.extend(SIGN_SENTENCES[s] for s in signs[:2])
    parts.append(rng.choice(CLOSINGS))
    text = " ".join(parts)
    return text.replace("{S}", subj[0].upper() + subj[1:]).replace("{s}", subj)


def extremism_weights(progress: float) -> dict[str, float]:
    """Islamism and right-wing lead; anti-authority grows over the period."""
    return {
        "militant_islamism": 31 - 4 * progress,
        "right_wing": 30,
        "left_wing": 5,
        "anti_authority": 6 + 12 * progress,
        "mixed": 15,
        "no_clear_ideology": 12 + 2 * progress,
    }


SIGN_WEIGHTS: dict[str, dict[str, float]] = {
    "right_wing": {"symbols": 6, "contempt": 6, "spreads_messages": 5, "hate_events": 3},
    "militant_islamism": {"travel_training": 4, "seeks_material": 6, "preaching": 5},
    "left_wing": {"hate_events": 4, "threats": 4, "violence_readiness": 3},
    "anti_authority": {"threats": 7, "contempt": 5, "preoccupied": 4},
    "mixed": {"preoccupied": 5, "seeks_material": 4},
    "no_clear_ideology": {"preoccupied": 6, "violence_readiness": 4, "weapons_milieu": 2},
}


def draw_signs(rng: random.Random, etype: str) -> list[str]:
    weights = {s: 1.5 for s in SIGNS} | SIGN_WEIGHTS[etype]
    chosen: list[str] = []
    for _ in range(rng.choices((1, 2, 3, 4), weights=(30, 38, 22, 10))[0]):
        sign = pick(rng, {k: v for k, v in weights.items() if k not in chosen})
        chosen.append(sign)
    return [s for s in SIGNS if s in chosen]


def draw_sender(rng: random.Random, age: int | None) -> str:
    weights: dict[str, float] = {
        "school": 36,
        "social_services": 20,
        "family": 8,
        "police": 7,
        "health": 5,
        "job_centre": 5,
        "hotline": 4,
        "friends": 3,
        "citizen": 3,
        "housing": 2,
        "probation": 2,
        "pet": 2,
        "anonymous": 2,
        "asylum": 1,
        "secure_institution": 1,
        "other_municipality": 2,
        "other": 2,
    }
    if age is not None and age >= 22:
        weights |= {"school": 5, "job_centre": 12, "social_services": 18}
    elif age is not None and age < 18:
        weights |= {"job_centre": 0, "probation": 0.5}
    return pick(rng, weights)


RECEIVED_BY = {
    "police": "police",
    "hotline": "hotline",
    "pet": "pet",
    "other_municipality": "other_municipality",
}


def plan_concern(
    rng: random.Random,
    received_on: date,
    anchor: date,
    age: int | None,
    person_psych: str | None,
    group_size: int,
) -> dict[str, Any]:
    """The Case fields of one new concern (everything `record_concern` takes)."""
    progress = (received_on - history_start(anchor)).days / max(
        (anchor - history_start(anchor)).days, 1
    )
    recorded_on = min(received_on + timedelta(days=rng.choice((0, 0, 0, 1, 2))), anchor)
    sender = draw_sender(rng, age)
    etype = pick(rng, extremism_weights(progress))
    signs = draw_signs(rng, etype)
    secondary = [t for t in EXTREMISM_TYPES if t != etype and rng.random() < 0.05]
    channel = (
        "hotline"
        if sender == "hotline"
        else pick(rng, {"email": 38, "phone": 28, "meeting": 14, "written": 16, "other": 4})
    )
    online_yes = 65 if etype in ("right_wing", "anti_authority", "no_clear_ideology") else 50
    psych = person_psych in ("known", "assumed")
    return {
        "received_on": received_on,
        "received_by": RECEIVED_BY.get(sender, "municipality"),
        "channel": channel,
        "sender_type": sender,
        "sender_anonymous": sender == "anonymous" or (sender == "citizen" and rng.random() < 0.3),
        "age_at_receipt": age,
        "description": describe(
            rng, sender, etype, signs, subject(age, group_size > 0), group_size
        ),
        "signs": signs,
        "extremism_type": etype,
        "secondary_extremism_types": secondary,
        "online_element": pick(rng, {"yes": online_yes, "no": 18, "unknown": 82 - online_yes}),
        "milieu_tie": pick(rng, {"yes": 18, "no": 37, "unknown": 45}),
        "housing_area": rng.choice(HOUSING_AREAS) if rng.random() < 0.1 else "",
        "psych_vulnerability_part": rng.random() < (0.75 if psych else 0.04),
        "is_group": group_size > 0,
        "created_at": at_work(rng, recorded_on),
    }


# --- The whole data set -------------------------------------------------------------------


def history_start(anchor: date) -> date:
    """Cases are received from 1 January, YEARS_OF_HISTORY - 1 years before the
    anchor's year, so every earlier calendar year in the data is complete."""
    return date(anchor.year - YEARS_OF_HISTORY + 1, 1, 1)


def draw_received_on(rng: random.Random, start: date, anchor: date) -> date:
    """A receipt date, slightly more often recent, mostly on a working day."""
    span = (anchor - start).days
    day = start + timedelta(days=int(span * rng.random() ** 0.85))
    if day.weekday() >= 5 and rng.random() < 0.85:
        day -= timedelta(days=day.weekday() - 4)
    return max(day, start)


def new_plan(rng: random.Random, code: str, received_on: date, anchor: date) -> CasePlan:
    """One concern; about one in fourteen is about a group rather than one person."""
    if rng.random() < 0.07:
        fields = plan_concern(rng, received_on, anchor, None, None, rng.randint(3, 8))
        return CasePlan(code, received_on, fields, None)
    person, age = plan_person(rng, received_on, code)
    dob = person.get("date_of_birth")
    known_age = age if dob is None else (received_on - dob).days // 365
    fields = plan_concern(rng, received_on, anchor, known_age, person["psych_vulnerability"], 0)
    fields["age_at_receipt"] = age  # None when the date of birth gives it
    return CasePlan(code, received_on, fields, person)


def plan_cases(
    rng: random.Random,
    count: int,
    anchor: date,
    profiles: dict[str, ProfilePlan],
    demo_codes: frozenset[str],
) -> list[CasePlan]:
    """`count` cases in order of recording, each walked to where it stands on `anchor`."""
    with planning():
        return _plan_cases(rng, count, anchor, profiles, demo_codes)


@contextmanager
def planning() -> Iterator[None]:
    """Pause the cycle collector while planning, and forget the shared moments after.

    Plans hold no reference cycles, so the collector finds nothing in them; left on,
    it walks the tens of millions of objects of a large plan set again and again,
    which doubled the time to plan a million cases."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        shared_moment.cache_clear()
        if enabled:
            gc.enable()


def _plan_cases(
    rng: random.Random,
    count: int,
    anchor: date,
    profiles: dict[str, ProfilePlan],
    demo_codes: frozenset[str],
) -> list[CasePlan]:
    codes = sorted(profiles)
    # Cumulative weights once: rng.choices draws exactly as it does from the weights.
    cum_weights = list(accumulate(municipality_weight(code, demo_codes) for code in codes))
    plans = []
    for _ in range(count):
        code = rng.choices(codes, cum_weights=cum_weights)[0]
        received_on = draw_received_on(rng, history_start(anchor), anchor)
        plans.append(new_plan(rng, code, received_on, anchor))
    plans.sort(key=lambda p: p.case_fields["created_at"])
    for plan in plans:
        Walk(rng, plan, anchor, profiles[plan.municipality_code]).run()
    cover_every_status(rng, plans, anchor, profiles)
    link_repeat_concerns(rng, plans)
    for plan in plans:
        settle_actions(rng, plan, anchor)
    return plans


def cover_every_status(
    rng: random.Random, plans: list[CasePlan], anchor: date, profiles: dict[str, ProfilePlan]
) -> None:
    """Re-walk a few cases along a fixed path so that every status occurs."""
    counts = {status: 0 for status in S.values}
    for plan in plans:
        counts[plan.status] += 1
    for status in S.values:
        if counts[status]:
            continue
        # Open statuses go to the newest cases, finished ones to the oldest.
        ordered = plans[::-1] if status in OPEN_STATUS_VALUES else plans
        donor = next((p for p in ordered if counts[p.status] > 1), None)
        if donor is None:
            return
        counts[donor.status] -= 1
        donor.steps, donor.status, donor.ended_on = [], S.RECEIVED, None
        donor.case_fields["acute"] = False
        Walk(rng, donor, anchor, profiles[donor.municipality_code], FORCED_PATHS[status]).run()
        counts[donor.status] += 1
