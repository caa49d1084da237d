"""Duplicate detection at intake: is the person a concern is about registered already?

A person matches by CPR number (its keyed hash, `concerns.cpr.lookup_hash`; the
number itself is never compared, stored or logged in plain text) or by name
(case-insensitive) together with date of birth. Two persons who both have a CPR
number and whose numbers differ are never the same human, so a name and birth date
match with another CPR number is not offered.

What a coordinator may learn
-----------------------------
A match is offered only through the matching person's cases that the user may see
(`permissions.cases_of_persons_visible_to`): case number, status and date received.
A person whose every case belongs to another municipality is ignored altogether:
no case details, no count, and not even "a person with this CPR number is already
registered". That one sentence would already disclose that another authority has
recorded an extremism concern about the person (special-category and
criminal-offence data, GDPR art. 9 and 10), outside the explicit, logged disclosure
that retsplejeloven § 115 requires, and it would turn this check into a lookup of
any CPR number against the national register. So the answer and the status code
are the same as for no match, and the new case gets a person record of its own.
Linking to such a person would be worse still: their name, vulnerability and
cross-over flags would show on the new case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from audit.log import record_many
from audit.models import AuditAction
from concerns import permissions
from concerns.cpr import lookup_hash
from concerns.models import OPEN_STATUSES, Case, Person

PURPOSE = "dubletkontrol"


@dataclass
class Match:
    """A registered person who may be the one the new concern is about."""

    person: Person
    by_cpr: bool
    # The person's cases the user may see, newest first; never empty.
    cases: list[Case] = field(default_factory=list)

    @property
    def open_cases(self) -> list[Case]:
        return [case for case in self.cases if case.status in OPEN_STATUSES]

    @property
    def previous_case(self) -> Case | None:
        """The case a new one continues: the most recent one, if it has ended.
        An ended case is never reopened (DESIGN.md §3); the new case links to it."""
        latest = self.cases[0]
        return latest if latest.status not in OPEN_STATUSES else None


def find_matches(
    user: AbstractBaseUser | AnonymousUser,
    *,
    cpr: str = "",
    name: str = "",
    date_of_birth: date | None = None,
) -> list[Match]:
    """The registered persons the details may describe, as far as the user may know
    of them (see the module docstring); CPR matches first."""
    criteria = _criteria(cpr, name.strip(), date_of_birth)
    if criteria is None:
        return []
    persons = Person.objects.filter(criteria, anonymised_on__isnull=True)
    cpr_hash = lookup_hash(cpr)
    matches: dict[int, Match] = {}
    for case in permissions.cases_of_persons_visible_to(user, persons):
        person = case.person
        assert person is not None
        match = matches.setdefault(
            person.pk, Match(person=person, by_cpr=bool(cpr_hash) and person.cpr_hash == cpr_hash)
        )
        match.cases.append(case)
    return sorted(matches.values(), key=lambda match: not match.by_cpr)


def _criteria(cpr: str, name: str, date_of_birth: date | None) -> Q | None:
    cpr_hash = lookup_hash(cpr)
    criteria: Q | None = Q(cpr_hash=cpr_hash) if cpr_hash else None
    if name and date_of_birth is not None:
        same = Q(name__iexact=name, date_of_birth=date_of_birth)
        if cpr_hash:
            same &= Q(cpr_hash="")
        criteria = same if criteria is None else criteria | same
    return criteria


def record_shown(user: AbstractBaseUser | AnonymousUser, matches: list[Match]) -> None:
    """One read-log entry per case a duplicate check showed; never the CPR number."""
    record_many(
        user=user,
        action=AuditAction.LIST,
        rows=[
            ("concerns.case", str(case.pk), case.person_id)
            for match in matches
            for case in match.cases
        ],
        purpose=PURPOSE,
    )
