"""Every access decision of the project, on top of django-guardian.

Case permissions are granted per case to groups: the case's municipality group
when the case is recorded, a police district's group while the case is shared
with it. A coordinator's lists ask for their municipalities' cases, the same cases
(see `cases_visible_to`). Views never filter by hand; they call the functions here.

Rules (DESIGN.md §2):
- coordinators see the cases of their municipalities;
- police liaisons see only cases shared with their district;
- ministry analysts and administrators see no case at all;
- an anonymised case can be read but not changed (403);
- a case handed to police leaves its municipality a stub: number, status, dates;
- the admin is for administrators only, from ADMIN_ALLOWED_NETWORKS;
- an object the user may not see answers 404; a visible object the user may not
  change answers 403 on writes.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BigIntegerField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, JSONObject
from django.http import Http404

from accounts.models import Role, User
from audit.log import record
from audit.models import AuditAction
from concerns import choices
from concerns.choices import NoteVisibility, Status
from concerns.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseGroupObjectPermission,
    CaseQuerySet,
    CaseUserObjectPermission,
    Meeting,
    Municipality,
    Note,
    Person,
    PoliceDistrict,
    Share,
)

AnyUser = AbstractBaseUser | AnonymousUser

MUNICIPALITY_CASE_PERMS = (
    "view_case",
    "change_case",
    "share_case",
    "annotate_case",
    "view_municipality_section",
)
POLICE_CASE_PERMS = ("view_case", "annotate_case", "screen_case", "view_police_section")


def case_worker(user: AnyUser) -> User | None:
    """The user if they are an active coordinator or police liaison, else None.
    Only those two roles ever touch person or case data."""
    if (
        isinstance(user, User)
        and user.is_active
        and not user.is_superuser
        and user.role in (Role.COORDINATOR, Role.POLICE)
    ):
        return user
    return None


def works_on_cases(user: AnyUser) -> bool:
    return case_worker(user) is not None


def municipalities_of(user: AnyUser) -> QuerySet[Municipality]:
    """The municipalities a coordinator works for (empty for everyone else)."""
    worker = case_worker(user)
    if worker is None or worker.role != Role.COORDINATOR:
        return Municipality.objects.none()
    return Municipality.objects.filter(group__user=worker).order_by("name")


def police_district_of(user: AnyUser) -> PoliceDistrict | None:
    worker = case_worker(user)
    if worker is None or worker.role != Role.POLICE:
        return None
    return PoliceDistrict.objects.filter(group__user=worker).first()


# --- Cases ----------------------------------------------------------------------


def cases_visible_to(user: AnyUser) -> CaseQuerySet:
    """Every case the user may see; feeds every list, search and count."""
    worker = case_worker(user)
    if worker is None:
        return Case.objects.none()
    holder = grant_holder(worker)
    if worker.role == Role.COORDINATOR and not holder.holds_own_grants:
        # A coordinator's groups hold view_case on exactly the cases of their
        # municipalities: granted when a case is recorded, never revoked, and a case
        # never changes municipality (test_permissions checks that the two agree).
        # Asked through the grants, PostgreSQL takes the municipality and the grant
        # for independent, expects a seventh of the cases it finds, and picks plans
        # that read and sort them all; asked by municipality, a list reads its page
        # from case_muni_received_idx and a search its matches from
        # case_muni_search_idx. The case page still checks the grants themselves.
        return Case.objects.filter(in_municipalities(holder.municipality_ids))
    return Case.objects.filter(granted(worker, "view_case", holder))


def in_municipalities(municipality_ids: list[int]) -> Q:
    """Cases of these municipalities, compared as bigint: the column's own type,
    which the search index's btree_gin part needs to be used at all."""
    if not municipality_ids:
        return Q(pk__in=[])
    return Q(
        *(Q(municipality_id=Cast(Value(pk), BigIntegerField())) for pk in municipality_ids),
        _connector=Q.OR,
    )


def case_permissions(codenames: tuple[str, ...] | None = None) -> QuerySet[Permission]:
    """The Permission rows of these codenames on cases, or of all of them."""
    permissions = Permission.objects.filter(
        content_type__app_label="concerns", content_type__model="case"
    )
    return permissions if codenames is None else permissions.filter(codename__in=codenames)


def grants_on(case: OuterRef, worker: User) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """The grants `worker` holds on the case `case` refers to: their own, and their
    groups'. Guardian's two tables, as subqueries."""
    direct = CaseUserObjectPermission.objects.filter(content_object=case, user=worker)
    through_groups = CaseGroupObjectPermission.objects.filter(
        content_object=case, group__in=worker.groups.values("pk")
    )
    return direct, through_groups


class GrantHolder(NamedTuple):
    """Whose grants count for a user, read once per list: the user's groups, whether
    the user holds any case grant of their own, the case permissions' ids, and the
    municipalities whose groups the user is in."""

    group_ids: list[int]
    holds_own_grants: bool
    permission_ids: dict[str, int]
    municipality_ids: list[int]


def grant_holder(worker: User) -> GrantHolder:
    """One query. Written into the case queries as values, not subqueries: only then
    can PostgreSQL estimate how many cases a user's groups hold, and read a page of
    the newest cases through the grant index instead of hashing every grant first.

    Every list and search asks this first, so it is one fixed statement: built with
    the ORM, its four subqueries took longer to assemble than to run."""
    with connection.cursor() as cursor:
        cursor.execute(_GRANT_HOLDER_SQL, {"user": worker.pk})
        group_ids, own, codenames, ids, municipality_ids = cursor.fetchone()
    return GrantHolder(group_ids, own, dict(zip(codenames, ids, strict=True)), municipality_ids)


# The tables are guardian's, django.contrib.auth's and ours (Municipality.group).
_GRANT_HOLDER_SQL = """
    WITH case_permission AS (
        SELECT p.id, p.codename FROM auth_permission p
          JOIN django_content_type ct ON ct.id = p.content_type_id
         WHERE ct.app_label = 'concerns' AND ct.model = 'case'
    )
    SELECT ARRAY(SELECT group_id FROM accounts_user_groups WHERE user_id = %(user)s),
           EXISTS(SELECT FROM concerns_caseuserobjectpermission WHERE user_id = %(user)s),
           ARRAY(SELECT p.codename FROM case_permission p ORDER BY p.id),
           ARRAY(SELECT p.id FROM case_permission p ORDER BY p.id),
           ARRAY(SELECT m.id FROM concerns_municipality m
                   JOIN accounts_user_groups g ON g.group_id = m.group_id
                  WHERE g.user_id = %(user)s)
"""


def granted(worker: User, codename: str, holder: GrantHolder | None = None) -> Q:
    """Whether `worker` holds the permission `codename` on the outer query's case,
    through one of their groups or directly, as a filter on cases: what guardian's
    get_objects_for_user finds with use_groups, written as a lookup per case.

    Without `holder`, the user's groups and the permission are subqueries: no query
    of its own, for looking up a few given cases. With it (`grant_holder`), they are
    values, for lists: a page of the newest cases then reads a few dozen grants from
    their index, not every grant the user has. Cases are granted to groups; the
    lookup of a user's own grants is added only for a user who holds any."""
    if holder is None:
        permission = case_permissions((codename,)).values("pk")
        direct, through_groups = grants_on(OuterRef("pk"), worker)
        return Q(Exists(through_groups.filter(permission__in=permission))) | Q(
            Exists(direct.filter(permission__in=permission))
        )
    permission_id = holder.permission_ids.get(codename)
    if permission_id is None or not (holder.group_ids or holder.holds_own_grants):
        return Q(pk__in=[])
    case = OuterRef("pk")
    held = Q(Exists(_group_grants(case, holder).filter(permission_id=permission_id)))
    if holder.holds_own_grants:
        own = CaseUserObjectPermission.objects.filter(
            content_object=case, permission_id=permission_id, user=worker
        )
        held |= Q(Exists(own))
    return held


# What is left of an anonymised case may be read, never added to: a new note or
# share would bring personal data back.
READ_PERMS = frozenset({"view_case", "view_municipality_section", "view_police_section"})


# What the municipality keeps of a case handed to police: that it exists, its
# number, status and dates (`stub_only` selects the stub page).
STUB_PERMS = frozenset({"view_case", "stub_only"})


def held_on_case(worker: User, holder: GrantHolder) -> ArraySubquery:
    """The ids of the case permissions `worker` holds on the outer query's case,
    through a group or directly, as a subquery: the case and what the user may do
    with it in one query (`held_codenames` names them). The user's groups are
    values from `holder`, which keeps the subquery quick to build as well as to
    run; the lookup of their own grants is added only if they hold any."""
    if not holder.holds_own_grants:
        return ArraySubquery(_group_grants(OuterRef("pk"), holder).values("permission_id"))
    case = OuterRef(OuterRef("pk"))
    direct = CaseUserObjectPermission.objects.filter(content_object=case, user=worker)
    return ArraySubquery(
        Permission.objects.filter(
            Q(pk__in=_group_grants(case, holder).values("permission_id"))
            | Q(pk__in=direct.values("permission_id"))
        ).values("pk")
    )


def _group_grants(case: OuterRef, holder: GrantHolder) -> QuerySet[Any]:
    return CaseGroupObjectPermission.objects.filter(
        content_object=case, group_id__in=holder.group_ids
    )


def held_codenames(permission_ids: Iterable[int] | None, holder: GrantHolder) -> set[str]:
    codenames = {pk: codename for codename, pk in holder.permission_ids.items()}
    return {codenames[pk] for pk in permission_ids or () if pk in codenames}


def effective_perms(case: Case, held: Iterable[str]) -> frozenset[str]:
    """What the codenames held on a case allow, given where the case stands."""
    perms = frozenset(held)
    if case.status == Status.HANDED_TO_POLICE and "view_municipality_section" in perms:
        # Handed to police, the case is theirs: the municipality keeps a stub.
        return STUB_PERMS
    return perms & READ_PERMS if case.anonymised_on is not None else perms


def case_perms(user: AnyUser, case: Case) -> frozenset[str]:
    """The codenames the user holds on this case."""
    worker = case_worker(user)
    if worker is None:
        return frozenset()
    holder = grant_holder(worker)
    held = (
        Case.objects.filter(pk=case.pk)
        .annotate(held_perms=held_on_case(worker, holder))
        .values_list("held_perms", flat=True)
        .first()
    )
    return effective_perms(case, held_codenames(held, holder))


def get_case_for_user(
    user: AnyUser,
    pk: int,
    perm: str = "view_case",
    *,
    with_links: bool = False,
    annotations: dict[str, Any] | None = None,
) -> Case:
    """Load a case for `user` or raise: 404 if they may not see it, 403 if they may
    see it but not do `perm`. Denials are written to the audit trail. `with_links`
    brings the linked cases the user may see along (for case_links_visible_to), and
    `annotations` whatever else the caller reads with the case."""
    worker = case_worker(user)
    case = None
    if worker is not None:
        holder = grant_holder(worker)
        cases = Case.objects.select_related("person__municipality", "municipality", "screened_by")
        if with_links:
            cases = cases.annotate(linked_cases=linked_cases_visible_to(worker, holder))
        if annotations:
            cases = cases.annotate(**annotations)
        case = cases.annotate(held_perms=held_on_case(worker, holder)).filter(pk=pk).first()
    perms = frozenset[str]()
    if case is not None:
        held = held_codenames(case.held_perms, holder)  # type: ignore[attr-defined]
        perms = effective_perms(case, held)
    if "view_case" not in perms:
        record(
            user=user,
            action=AuditAction.DENIED,
            object_type="concerns.case",
            object_id=str(pk)[:50],
            purpose="not visible",
        )
        raise Http404
    if perm not in perms:
        record(user=user, action=AuditAction.DENIED, obj=case, purpose=f"lacks {perm}")
        raise PermissionDenied
    assert case is not None
    case.user_perms = perms  # type: ignore[attr-defined]
    return case


def note_visibilities(perms: frozenset[str]) -> list[str]:
    """Which note sections a holder of `perms` may read and write."""
    sections = [NoteVisibility.SHARED.value]
    if "view_municipality_section" in perms:
        sections.append(NoteVisibility.MUNICIPALITY.value)
    if "view_police_section" in perms:
        sections.append(NoteVisibility.POLICE.value)
    return sections


def notes_visible_on(case: Case, perms: frozenset[str]) -> QuerySet[Note]:
    return case.notes.filter(visibility__in=note_visibilities(perms)).select_related("author")


def events_visible_on(case: Case, perms: frozenset[str]) -> QuerySet[CaseEvent]:
    """Timeline events follow the note sections: a police-only note is not
    announced to the municipality, nor the other way round."""
    return case.events.filter(visibility__in=note_visibilities(perms)).select_related("actor")


def can_record_concern(user: AnyUser) -> bool:
    return municipalities_of(user).exists()


# --- Granting (called by concerns.actions inside their transactions) -------------
# Rows go straight into guardian's direct-FK table in one statement each: guardian's
# assign_perm would take several queries per permission, and seeding or bulk
# imports grant thousands. Permission ids are looked up each time: they are not
# stable across a flushed test database.


def case_permission_ids(codenames: tuple[str, ...]) -> list[int]:
    return list(case_permissions(codenames).order_by("pk").values_list("pk", flat=True))


def _grant(group: Group, case: Case, codenames: tuple[str, ...]) -> None:
    CaseGroupObjectPermission.objects.bulk_create(
        [
            CaseGroupObjectPermission(group=group, content_object=case, permission_id=perm_id)
            for perm_id in case_permission_ids(codenames)
        ],
        ignore_conflicts=True,
    )


def grant_municipality_access(case: Case) -> None:
    _grant(case.municipality.group, case, MUNICIPALITY_CASE_PERMS)


def grant_police_access(case: Case, district: PoliceDistrict) -> None:
    _grant(district.group, case, POLICE_CASE_PERMS)


def revoke_police_access(case: Case, district: PoliceDistrict) -> None:
    CaseGroupObjectPermission.objects.filter(
        group=district.group,
        content_object=case,
        permission_id__in=case_permission_ids(POLICE_CASE_PERMS),
    ).delete()


# --- Statistics -------------------------------------------------------------------


def can_run_national_report(user: AnyUser) -> bool:
    """Ministry analysts start and download national status reports."""
    return isinstance(user, User) and user.is_active and user.role == Role.ANALYST


# --- Administration ---------------------------------------------------------------


def can_administer(user: AnyUser) -> bool:
    """The Django admin is for active staff with the administrator role, signed in
    with both factors; a coordinator flagged as staff by mistake gets nothing."""
    return (
        isinstance(user, User)
        and user.is_active
        and user.is_staff
        and user.role == Role.ADMINISTRATOR
        and user.is_verified()  # type: ignore[attr-defined]
    )


def from_admin_network(remote_addr: str | None) -> bool:
    """Whether a request's address is in ADMIN_ALLOWED_NETWORKS."""
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in settings.ADMIN_ALLOWED_NETWORKS)


# --- Meetings ---------------------------------------------------------------------
# A meeting belongs to one municipality and is run by its coordinators. Everyone
# else, police liaisons included, gets 404 on meeting pages.

# Imported here, not at the top, so this block could be added without editing lines
# other work was changing at the same time; move them up when convenient.


def meetings_visible_to(user: AnyUser) -> QuerySet[Meeting]:
    """The meetings of the user's municipalities; none for anyone but coordinators."""
    return Meeting.objects.filter(municipality__in=municipalities_of(user))


def can_plan_meetings(user: AnyUser) -> bool:
    return municipalities_of(user).exists()


def get_meeting_for_user(user: AnyUser, pk: int) -> Meeting:
    """Load a meeting the user may see and change, or raise 404 (audited)."""
    meeting = meetings_visible_to(user).select_related("municipality").filter(pk=pk).first()
    if meeting is None:
        record(
            user=user,
            action=AuditAction.DENIED,
            object_type="concerns.meeting",
            object_id=str(pk)[:50],
            purpose="not visible",
        )
        raise Http404
    return meeting


def get_meeting_case_for_user(
    user: AnyUser, meeting: Meeting, case_pk: int, perm: str = "change_case"
) -> Case:
    """A case on the meeting's agenda: 404 unless it is attached to the meeting and
    visible to the user, 403 if visible without `perm` (e.g. anonymised)."""
    if not meeting.cases.filter(pk=case_pk).exists():
        record(
            user=user,
            action=AuditAction.DENIED,
            object_type="concerns.case",
            object_id=str(case_pk)[:50],
            purpose=f"not on meeting {meeting.pk}",
        )
        raise Http404
    return get_case_for_user(user, case_pk, perm)


def cases_attachable_to(user: AnyUser, meeting: Meeting) -> CaseQuerySet:
    """The cases the user may put on the meeting's agenda: open, not anonymised,
    of the meeting's municipality, visible to the user and not already on it."""
    return (
        cases_visible_to(user)
        .filter(
            municipality_id=meeting.municipality_id,
            status__in=OPEN_STATUSES,
            anonymised_on__isnull=True,
        )
        .exclude(meetings=meeting)
    )


def agenda_shows_person(case: Case) -> bool:
    """Whether a meeting's agenda may name the case's person: not once the case is
    handed to police (the municipality keeps a stub) or anonymised."""
    return case.status != choices.Status.HANDED_TO_POLICE and case.anonymised_on is None


def assignees_in(municipality: Municipality) -> QuerySet[User]:
    """Who may be given a follow-up action on the municipality's cases: its active
    coordinators."""
    return User.objects.filter(
        groups__municipality=municipality, is_active=True, role=Role.COORDINATOR
    ).order_by("first_name", "last_name", "username")


# --- Intake duplicates, linked cases and person edits ------------------------------


def cases_of_persons_visible_to(user: AnyUser, persons: QuerySet[Person]) -> CaseQuerySet:
    """The cases of `persons` that the user may see, newest first.

    A user knows of a person only through such a case: a duplicate check offers a
    person, and lets a new case link to them, only through these cases, so a person
    whose every case belongs to another municipality stays unknown (see
    `concerns.duplicates`)."""
    return (
        cases_visible_to(user)
        .filter(person__in=persons)
        .select_related("person")
        .order_by("-received_on", "-id")
    )


class LinkedCase(NamedTuple):
    pk: int
    number: str


class CaseLinks(NamedTuple):
    previous: LinkedCase | None
    later: list[LinkedCase]


def linked_cases_visible_to(worker: User, holder: GrantHolder) -> ArraySubquery:
    """The cases the outer query's case continues or is continued by, that `worker`
    may see, oldest first, as a subquery of {pk, number}."""
    linked = Q(previous_case=OuterRef("pk")) | Q(pk=OuterRef("previous_case_id"))
    return ArraySubquery(
        Case.objects.filter(granted(worker, "view_case", holder))
        .filter(linked)
        .order_by("received_on", "id")
        .values(link=JSONObject(pk="pk", number="number"))
    )


def case_links_visible_to(user: AnyUser, case: Case) -> CaseLinks:
    """The case this one continues ("previous") and the cases that continue it
    ("later"), as far as the user may see them: a police liaison who sees only the
    new, shared case learns nothing of the old one. Read from the case when it was
    loaded `with_links`, else looked up."""
    links = getattr(case, "linked_cases", None)
    if links is None:
        worker = case_worker(user)
        if worker is None:
            return CaseLinks(previous=None, later=[])
        links = (
            Case.objects.filter(pk=case.pk)
            .values_list(linked_cases_visible_to(worker, grant_holder(worker)), flat=True)
            .get()
        )
    cases = [LinkedCase(link["pk"], link["number"]) for link in links]
    previous = next((c for c in cases if c.pk == case.previous_case_id), None)
    return CaseLinks(previous=previous, later=[c for c in cases if c is not previous])


def person_editable_by(user: AnyUser, person: Person) -> bool:
    """Whether the user may change a person's details. A person's details are shared
    by all of their cases, so only someone who may change every one of those cases
    may change them; otherwise an edit would rewrite what another municipality has
    recorded. Anonymised persons are never changed."""
    worker = case_worker(user)
    if worker is None or person.anonymised_on is not None:
        return False
    return not person.cases.exclude(granted(worker, "change_case")).exists()


# --- Follow-up actions ---------------------------------------------------------------


def action_assignees(case: Case) -> QuerySet[User]:
    """Who may be given a follow-up action on `case`: the active coordinators of its
    municipality and, only while the case is shared with a police district, that
    district's active liaisons. A revoked share takes the liaisons off at once."""
    members = User.groups.through.objects
    in_municipality = members.filter(group=case.municipality.group_id).values("user_id")
    sharing = Share.objects.filter(case=case, revoked_at__isnull=True).values("to_district_id")
    in_district = members.filter(group__police_district__in=sharing).values("user_id")
    ordering = ("role", "first_name", "last_name", "username")  # coordinators first
    return User.objects.filter(
        Q(role=Role.COORDINATOR, pk__in=in_municipality) | Q(role=Role.POLICE, pk__in=in_district),
        is_active=True,
        is_superuser=False,
    ).order_by(*ordering)


def journal_visible_on(case: Case, perms: frozenset[str]) -> list[Note]:
    """The notes the user may read, newest first, each with `corrected_by` (the note
    that corrects it) and `corrected_note` (the note it corrects), or None. A
    correction has the visibility of the note it corrects, so both are in the list."""
    notes = list(notes_visible_on(case, perms))
    by_pk = {note.pk: note for note in notes}
    for note in notes:
        note.corrected_by = None  # type: ignore[attr-defined]
    for note in notes:
        corrected = by_pk.get(note.corrects_id) if note.corrects_id else None
        note.corrected_note = corrected  # type: ignore[attr-defined]
        if corrected is not None:
            corrected.corrected_by = note  # type: ignore[attr-defined]
    return notes


# --- Stubs in lists and search ----------------------------------------------------


def person_shown_in_list(user: AnyUser, case: Case) -> bool:
    """A coordinator's list does not name the person of a case handed to police:
    the municipality keeps only a stub of it."""
    worker = case_worker(user)
    return not (
        worker is not None
        and worker.role == Role.COORDINATOR
        and case.status == Status.HANDED_TO_POLICE
    )


def without_stubs(user: AnyUser, cases: CaseQuerySet) -> CaseQuerySet:
    """For a search: a coordinator must not find a case handed to police by its
    person's name or description, which the stub no longer shows."""
    worker = case_worker(user)
    if worker is not None and worker.role == Role.COORDINATOR:
        return cases.exclude(status=Status.HANDED_TO_POLICE)
    return cases


# --- Report scopes -------------------------------------------------------------------


class ReportScopes(NamedTuple):
    """What a user may have statistics for: the whole country, police districts and
    single municipalities (reporting.facts spells these as report scopes)."""

    national: bool
    police_districts: QuerySet[PoliceDistrict]
    municipalities: QuerySet[Municipality]


def report_scopes_for(user: AnyUser) -> ReportScopes:
    """Ministry analysts: the whole country and every police district (DESIGN.md §2).
    Coordinators: each of their own municipalities, never the country or a district.
    Police liaisons and administrators: nothing."""
    if can_run_national_report(user):
        return ReportScopes(
            True, PoliceDistrict.objects.order_by("name"), Municipality.objects.none()
        )
    return ReportScopes(False, PoliceDistrict.objects.none(), municipalities_of(user))
