"""Every access decision of the project, on top of django-guardian.

Case permissions are granted per case to groups: the case's municipality group
when the case is recorded, a police district's group while the case is shared
with it. Views never filter by hand; they call the functions here.

Rules (DESIGN.md §2):
- coordinators see the cases of their municipalities;
- police liaisons see only cases shared with their district;
- ministry analysts and administrators see no case at all;
- an anonymised case can be read but not changed (403);
- the admin is for administrators only, from ADMIN_ALLOWED_NETWORKS;
- an object the user may not see answers 404; a visible object the user may not
  change answers 403 on writes.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_user

from accounts.models import Role, User
from audit.log import record
from audit.models import AuditAction
from concerns.choices import NoteVisibility
from concerns.models import (
    Case,
    CaseEvent,
    CaseGroupObjectPermission,
    CaseQuerySet,
    Municipality,
    Note,
    PoliceDistrict,
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
    visible = get_objects_for_user(
        worker,
        "concerns.view_case",
        klass=Case.objects.all(),
        use_groups=True,
        with_superuser=False,
        accept_global_perms=False,
    )
    return Case.objects.filter(pk__in=visible.values("pk"))


# What is left of an anonymised case may be read, never added to: a new note or
# share would bring personal data back.
READ_PERMS = frozenset({"view_case", "view_municipality_section", "view_police_section"})


def case_perms(user: AnyUser, case: Case) -> frozenset[str]:
    """The codenames the user holds on this case."""
    worker = case_worker(user)
    if worker is None:
        return frozenset()
    perms = frozenset(ObjectPermissionChecker(worker).get_perms(case))
    return perms & READ_PERMS if case.anonymised_on is not None else perms


def get_case_for_user(user: AnyUser, pk: int, perm: str = "view_case") -> Case:
    """Load a case for `user` or raise: 404 if they may not see it, 403 if they may
    see it but not do `perm`. Denials are written to the audit trail."""
    case = Case.objects.select_related("person", "municipality").filter(pk=pk).first()
    perms = case_perms(user, case) if case is not None else frozenset()
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


def _permission_ids(codenames: tuple[str, ...]) -> list[int]:
    return list(
        Permission.objects.filter(
            content_type__app_label="concerns", content_type__model="case", codename__in=codenames
        ).values_list("pk", flat=True)
    )


def _grant(group: Group, case: Case, codenames: tuple[str, ...]) -> None:
    CaseGroupObjectPermission.objects.bulk_create(
        [
            CaseGroupObjectPermission(group=group, content_object=case, permission_id=perm_id)
            for perm_id in _permission_ids(codenames)
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
        permission_id__in=_permission_ids(POLICE_CASE_PERMS),
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
