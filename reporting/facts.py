"""De-identified facts about cases: the only input the status report reads.

A fact carries no name, CPR number, free text or case number, just the coded
values the report counts. Facts are read from the fact store (`StatFact`), which
database triggers keep current and which keeps the facts of anonymised and deleted
cases, so a past period's report can be made again. Facts for a period are fetched
in one query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from concerns.choices import Status
from concerns.models import Municipality, PoliceDistrict
from reporting.models import StatFact

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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
    # The types of the case's follow-up actions, each once, sorted.
    action_types: tuple[str, ...] = ()


FACT_FIELDS = tuple(field.name for field in fields(CaseFact))


# A report covers the whole country, one police district or one municipality:
# "national", "politikreds:<code>" or "kommune:<code>", with the 4-digit DAWA code.
POLICE_DISTRICT = "politikreds"
MUNICIPALITY = "kommune"
_CODE = re.compile(r"[0-9]{4}")


def police_district_scope(code: str) -> str:
    return f"{POLICE_DISTRICT}:{code}"


def municipality_scope(code: str) -> str:
    return f"{MUNICIPALITY}:{code}"


def parse_scope(scope: str) -> tuple[str, str]:
    """(kind, code) of a scope, code "" for the whole country. Checks the spelling
    only, without a query; ValueError for anything else."""
    if scope == NATIONAL:
        return NATIONAL, ""
    kind, _, code = scope.partition(":")
    if kind not in (POLICE_DISTRICT, MUNICIPALITY) or not _CODE.fullmatch(code):
        raise ValueError(
            f"Unknown report scope {scope!r}: use {NATIONAL!r}, "
            f"'{POLICE_DISTRICT}:<4-digit code>' or '{MUNICIPALITY}:<4-digit code>'."
        )
    return kind, code


def scope_area(scope: str) -> PoliceDistrict | Municipality | None:
    """The police district or municipality a scope names (None for the whole
    country); ValueError if there is none with that code."""
    kind, code = parse_scope(scope)
    if kind == NATIONAL:
        return None
    area: PoliceDistrict | Municipality | None
    if kind == POLICE_DISTRICT:
        area, noun = PoliceDistrict.objects.filter(code=code).first(), "police district"
    else:
        area, noun = Municipality.objects.filter(code=code).first(), "municipality"
    if area is None:
        raise ValueError(
            f"Unknown report scope {scope!r}: there is no {noun} with the code {code}."
        )
    return area


def municipalities_in(scope: str) -> QuerySet[Municipality]:
    """The municipalities a scope covers: all 98, those of one police district, or
    one. ValueError for a scope that is misspelt or names no district or
    municipality (one query to check; none for the whole country)."""
    area = scope_area(scope)
    if area is None:
        return Municipality.objects.all()
    if isinstance(area, PoliceDistrict):
        return Municipality.objects.filter(police_district=area)
    return Municipality.objects.filter(pk=area.pk)


def facts_in(scope: str) -> QuerySet[StatFact]:
    """The stored facts a scope covers. Filtered by the codes kept on the fact, not
    by today's municipalities, so facts of deleted cases count as they did. Checks
    the scope's spelling only: an unknown code simply has no facts."""
    kind, code = parse_scope(scope)
    if kind == POLICE_DISTRICT:
        return StatFact.objects.filter(police_district_code=code)
    if kind == MUNICIPALITY:
        return StatFact.objects.filter(municipality_code=code)
    return StatFact.objects.all()


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
    # `action_types` comes last, as a list; a fact is immutable, so it holds a tuple.
    # (mypy cannot tell that `values` stops short of action_types.)
    return [
        CaseFact(*values, action_types=tuple(types))  # type: ignore[misc]
        for *values, types in rows
    ]


@dataclass(frozen=True)
class Areas:
    """The areas a report counts concerns by: the police districts of the whole
    country, or the municipalities of a district (or the one municipality).
    `field` is the CaseFact field that holds an area's code; `names` are (code,
    name) in the order the table lists them."""

    field: str
    names: tuple[tuple[str, str], ...]

    @property
    def heading(self) -> StrOrPromise:
        return _("Politikreds") if self.field == "police_district_code" else _("Kommune")


def report_areas(scope: str = NATIONAL) -> Areas:
    """The areas of a scope's table per area, in one query. ValueError for an
    unknown scope, as `municipalities_in`."""
    if parse_scope(scope)[0] == NATIONAL:
        districts = PoliceDistrict.objects.order_by("code").values_list("code", "name")
        return Areas("police_district_code", tuple(districts))
    municipalities = municipalities_in(scope).order_by("name").values_list("code", "name")
    return Areas("municipality_code", tuple(municipalities))


def municipality_count(scope: str = NATIONAL) -> int:
    """How many municipalities the scope covers (98 for the whole country, 1 for a
    municipality). ValueError for an unknown scope, as `municipalities_in`."""
    return municipalities_in(scope).count()


@dataclass(frozen=True, slots=True)
class OrganisationFact:
    """How one municipality has organised its infohus (report section 2). A
    municipality without a profile has `has_profile` False and empty values."""

    municipality_code: str
    has_profile: bool
    organisation_model: str
    meeting_cadence: str
    participating_authorities: tuple[str, ...]
    uses_assessment_tool: bool
    beredskab_adopted_on: date | None
    beredskab_next_revision: date | None


def organisation_facts(scope: str = NATIONAL) -> list[OrganisationFact]:
    """One fact per municipality of the scope, with its infohus profile if it has
    one, in one query (plus the scope check of `municipalities_in`)."""
    rows = (
        municipalities_in(scope)
        .order_by("code")
        .values_list(
            "code",
            "infohus_profile__id",
            "infohus_profile__organisation_model",
            "infohus_profile__meeting_cadence",
            "infohus_profile__participating_authorities",
            "infohus_profile__uses_assessment_tool",
            "infohus_profile__beredskab_adopted_on",
            "infohus_profile__beredskab_next_revision",
        )
    )
    return [
        OrganisationFact(
            municipality_code=code,
            has_profile=profile_id is not None,
            organisation_model=model or "",
            meeting_cadence=cadence or "",
            participating_authorities=tuple(authorities or ()),
            uses_assessment_tool=bool(tool),
            beredskab_adopted_on=adopted,
            beredskab_next_revision=revision,
        )
        for code, profile_id, model, cadence, authorities, tool, adopted, revision in rows
    ]
