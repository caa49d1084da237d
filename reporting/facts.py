"""De-identified facts about cases: the only input the status report reads.

A fact carries no name, CPR number, free text or case number, just the coded
values the report counts. Facts are read from the fact store (`StatFact`), which
database triggers keep current and which keeps the facts of anonymised and deleted
cases, so a past period's report can be made again. Facts for a period are fetched
in one query.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from django.db.models import QuerySet

from concerns.choices import Status
from concerns.models import Municipality
from reporting.models import StatFact

NATIONAL = "national"


@dataclass(frozen=True, slots=True)
class CaseFact:
    """One concern, reduced to what statistics may use. The names are those of
    `StatFact`'s fields."""

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
    # Added with the fact store. The defaults keep facts written by hand valid.
    psych_vulnerability_part: bool = False
    gang_fringe: bool = False
    relative_radicalised: bool = False
    parallel_social_case: bool = False
    days_to_assessment: int | None = None


FACT_FIELDS = tuple(field.name for field in fields(CaseFact))


def municipalities_in(scope: str) -> QuerySet[Municipality]:
    """The municipalities a scope covers. Only the whole country exists so far; a
    police district ("politikreds:CODE") or one municipality ("kommune:CODE") is
    one more branch here and in `facts_in`."""
    if scope == NATIONAL:
        return Municipality.objects.all()
    raise ValueError(f"Unsupported report scope: {scope!r}")


def facts_in(scope: str) -> QuerySet[StatFact]:
    """The stored facts a scope covers. Filtered by the codes kept on the fact, not
    by today's municipalities, so facts of deleted cases count as they did."""
    if scope == NATIONAL:
        return StatFact.objects.all()
    raise ValueError(f"Unsupported report scope: {scope!r}")


def case_facts(start: date, end: date, scope: str = NATIONAL) -> list[CaseFact]:
    """Facts for every concern received from `start` to `end`, both included.

    Cancelled cases were created in error or are duplicates, so they are left out.
    """
    rows = (
        facts_in(scope)
        .filter(received_on__gte=start, received_on__lte=end)
        .exclude(status=Status.CANCELLED)
        .order_by("received_on", "case_id")
        .values_list(*FACT_FIELDS)
    )
    return [CaseFact(*row) for row in rows]


def municipality_count(scope: str = NATIONAL) -> int:
    """How many municipalities the scope covers (98 for the whole country)."""
    return municipalities_in(scope).count()
