"""De-identified facts about cases: the only input the status report reads.

A fact carries no name, CPR number, free text or case number, just the coded
values the report counts. Facts for a period are fetched in one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from concerns.choices import Gender, PsychVulnerability, Status, age_band
from concerns.models import Case, Municipality

NATIONAL = "national"


@dataclass(frozen=True, slots=True)
class CaseFact:
    """One concern, reduced to what statistics may use."""

    municipality_code: str
    police_district_code: str
    year: int
    extremism_type: str
    sender_type: str
    age_band: str
    gender: str
    psych_vulnerability: str
    is_group: bool
    online_element: str
    status: str
    assessment_outcome: str
    closure_reason: str


def municipalities_in(scope: str) -> QuerySet[Municipality]:
    """The municipalities a scope covers. Only the whole country exists so far; a
    police district ("politikreds:CODE") or one municipality ("kommune:CODE") is
    one more branch here."""
    if scope == NATIONAL:
        return Municipality.objects.all()
    raise ValueError(f"Unsupported report scope: {scope!r}")


_FACT_COLUMNS = (
    "municipality__code",
    "municipality__police_district__code",
    "received_on__year",
    "extremism_type",
    "sender_type",
    "age_at_receipt",
    "person__gender",
    "person__psych_vulnerability",
    "is_group",
    "online_element",
    "status",
    "assessment_outcome",
    "closure_reason",
)


def case_facts(start: date, end: date, scope: str = NATIONAL) -> list[CaseFact]:
    """Facts for every concern received from `start` to `end`, both included.

    Cancelled cases were created in error or are duplicates, so they are left out.
    """
    rows = (
        Case.objects.filter(municipality__in=municipalities_in(scope))
        .received_between(start, end)
        .exclude(status=Status.CANCELLED)
        .order_by("received_on", "id")
        .values_list(*_FACT_COLUMNS)
    )
    return [
        CaseFact(
            municipality_code=municipality,
            police_district_code=district,
            year=year,
            extremism_type=extremism_type,
            sender_type=sender_type,
            age_band=age_band(age).value,
            # Group concerns have no person: their gender and vulnerability are unknown.
            gender=gender or Gender.UNKNOWN.value,
            psych_vulnerability=vulnerability or PsychVulnerability.UNKNOWN.value,
            is_group=is_group,
            online_element=online,
            status=status,
            assessment_outcome=outcome,
            closure_reason=closure,
        )
        for (
            municipality,
            district,
            year,
            extremism_type,
            sender_type,
            age,
            gender,
            vulnerability,
            is_group,
            online,
            status,
            outcome,
            closure,
        ) in rows
    ]


def municipality_count(scope: str = NATIONAL) -> int:
    """How many municipalities the scope covers (98 for the whole country)."""
    return municipalities_in(scope).count()
