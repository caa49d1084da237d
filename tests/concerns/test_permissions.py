"""Who sees which case, decided by concerns.permissions on django-guardian grants."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from audit.models import AuditAction, AuditEntry
from concerns import actions, permissions
from concerns.choices import Status
from concerns.models import Case, CaseUserObjectPermission, Municipality, PoliceDistrict
from tests.conftest import continue_case, make_case, share_with_police


def test_coordinator_sees_only_own_municipality(
    case: Case, other_case: Case, coordinator: User, other_coordinator: User
) -> None:
    assert list(permissions.cases_visible_to(coordinator)) == [case]
    assert list(permissions.cases_visible_to(other_coordinator)) == [other_case]


def test_coordinator_of_two_municipalities_sees_both(
    case: Case, other_case: Case, aarhus: Municipality
) -> None:
    both = User.objects.create_user("koordinator.begge", role="coordinator")
    both.groups.add(case.municipality.group, aarhus.group)
    assert set(permissions.cases_visible_to(both)) == {case, other_case}


def test_police_see_only_cases_shared_with_their_district(
    case: Case,
    other_case: Case,
    coordinator: User,
    police: User,
    other_police: User,
    kbh_police: PoliceDistrict,
) -> None:
    assert list(permissions.cases_visible_to(police)) == []
    share_with_police(case, coordinator, kbh_police)
    assert list(permissions.cases_visible_to(police)) == [case]
    assert list(permissions.cases_visible_to(other_police)) == []


def test_revoked_share_takes_effect_at_once(
    case: Case, coordinator: User, police: User, kbh_police: PoliceDistrict
) -> None:
    share_with_police(case, coordinator, kbh_police)
    assert permissions.get_case_for_user(police, case.pk) == case
    actions.revoke_share(share=case.shares.get(), by=coordinator, reason="Ikke længere relevant")
    with pytest.raises(Http404):
        permissions.get_case_for_user(police, case.pk)


def test_analyst_and_administrator_see_no_case(
    case: Case, analyst: User, administrator: User
) -> None:
    for user in (analyst, administrator):
        assert not permissions.cases_visible_to(user).exists()
        with pytest.raises(Http404):
            permissions.get_case_for_user(user, case.pk)


def test_deactivated_user_sees_nothing(case: Case, coordinator: User) -> None:
    coordinator.is_active = False
    coordinator.save()
    assert not permissions.cases_visible_to(coordinator).exists()


def test_outsider_gets_404_and_the_denial_is_logged(case: Case, other_coordinator: User) -> None:
    with pytest.raises(Http404):
        permissions.get_case_for_user(other_coordinator, case.pk)
    denied = AuditEntry.objects.get(user=other_coordinator, action=AuditAction.DENIED)
    assert denied.object_id == str(case.pk)


def test_police_may_not_change_a_shared_case(
    case: Case, coordinator: User, police: User, kbh_police: PoliceDistrict
) -> None:
    share_with_police(case, coordinator, kbh_police)
    with pytest.raises(PermissionDenied):
        permissions.get_case_for_user(police, case.pk, perm="change_case")
    assert permissions.get_case_for_user(police, case.pk, perm="screen_case") == case


def test_notes_sections_stay_apart(
    case: Case, coordinator: User, police: User, kbh_police: PoliceDistrict
) -> None:
    share_with_police(case, coordinator, kbh_police)
    actions.add_note(case=case, by=coordinator, visibility="municipality", body="Kun kommunen")
    actions.add_note(case=case, by=police, visibility="police", body="Kun politiet")
    actions.add_note(case=case, by=coordinator, visibility="shared", body="Fælles")
    seen_by_municipality = permissions.notes_visible_on(
        case, permissions.case_perms(coordinator, case)
    )
    seen_by_police = permissions.notes_visible_on(case, permissions.case_perms(police, case))
    assert sorted(n.body for n in seen_by_municipality) == ["Fælles", "Kun kommunen"]
    assert sorted(n.body for n in seen_by_police) == ["Fælles", "Kun politiet"]


def test_a_grant_of_the_users_own_counts_like_a_groups(
    case: Case, other_coordinator: User, other_case: Case
) -> None:
    assert list(permissions.cases_visible_to(other_coordinator)) == [other_case]
    view_case = permissions.case_permission_ids(("view_case",))[0]
    CaseUserObjectPermission.objects.create(
        user=other_coordinator, content_object=case, permission_id=view_case
    )
    visible = permissions.cases_visible_to(other_coordinator).order_by("pk")
    assert list(visible) == [case, other_case]
    # Only view_case was granted: the case is not among those they may change.
    assert case.person is not None
    assert not permissions.person_editable_by(other_coordinator, case.person)


def test_a_coordinator_of_two_municipalities_sees_the_cases_of_both(
    case: Case, coordinator: User, other_case: Case, aarhus: Municipality
) -> None:
    third = Municipality.objects.exclude(pk__in=[case.municipality_id, aarhus.pk]).first()
    assert third is not None
    elsewhere = make_case(coordinator, third)
    coordinator.groups.add(aarhus.group)
    visible = permissions.cases_visible_to(coordinator)
    assert set(visible) == {case, other_case}
    assert elsewhere not in visible


def test_a_coordinator_sees_the_cases_their_groups_are_granted(
    coordinator: User,
    other_coordinator: User,
    police: User,
    kbh: Municipality,
    aarhus: Municipality,
    kbh_police: PoliceDistrict,
) -> None:
    """Coordinators' lists ask by municipality, not through the grants: the two must
    be the same cases, whatever has happened to them."""
    recorded = make_case(coordinator, kbh)
    shared = share_with_police(make_case(coordinator, kbh), coordinator, kbh_police)
    handed = share_with_police(make_case(coordinator, kbh), coordinator, kbh_police)
    actions.transition_case(case=handed, to=Status.HANDED_TO_POLICE, by=coordinator)
    revoked = share_with_police(make_case(coordinator, kbh), coordinator, kbh_police)
    actions.revoke_share(share=revoked.shares.get(), by=coordinator, reason="Fejl")
    in_aarhus = share_with_police(
        make_case(other_coordinator, aarhus), other_coordinator, kbh_police
    )
    coordinator.groups.add(aarhus.group)  # a second municipality, later
    everything = {recorded, shared, handed, revoked, in_aarhus}
    for user in (coordinator, other_coordinator, police):
        through_grants = set(Case.objects.filter(permissions.granted(user, "view_case")))
        assert set(permissions.cases_visible_to(user)) == through_grants
    assert set(permissions.cases_visible_to(coordinator)) == everything
    assert set(permissions.cases_visible_to(other_coordinator)) == {in_aarhus}
    assert set(permissions.cases_visible_to(police)) == {shared, handed, in_aarhus}


def test_case_links_are_the_same_loaded_with_the_case_or_looked_up(
    coordinator: User, police: User, case: Case, kbh_police: PoliceDistrict
) -> None:
    later = continue_case(case, coordinator)
    share_with_police(later, coordinator, kbh_police)
    for user, shown, expected in (
        (coordinator, case, ([], [later.number])),
        (coordinator, later, ([case.number], [])),
        (police, later, ([], [])),  # the earlier case is not shared with them
    ):
        loaded = permissions.get_case_for_user(user, shown.pk, with_links=True)
        for links in (
            permissions.case_links_visible_to(user, loaded),
            permissions.case_links_visible_to(user, Case.objects.get(pk=shown.pk)),
        ):
            previous = [links.previous.number] if links.previous else []
            assert (previous, [c.number for c in links.later]) == expected


def test_a_user_in_no_group_sees_no_case(case: Case, coordinator: User) -> None:
    coordinator.groups.clear()
    assert not permissions.cases_visible_to(coordinator).exists()


def test_visible_cases_query_count_does_not_grow(
    coordinator: User, kbh: Municipality, django_assert_num_queries
) -> None:
    # One query for the user's groups and permission ids, one for the cases.
    for _ in range(3):
        make_case(coordinator, kbh)
    with django_assert_num_queries(2):
        few = len(list(permissions.cases_visible_to(coordinator).with_list_data()))
    for _ in range(10):
        make_case(coordinator, kbh)
    with django_assert_num_queries(2):
        many = len(list(permissions.cases_visible_to(coordinator).with_list_data()))
    assert (few, many) == (3, 13)


def test_grant_holder_reads_groups_own_grants_permissions_and_municipalities(
    case: Case, aarhus: Municipality, police: User, kbh_police: PoliceDistrict
) -> None:
    both = User.objects.create_user("koordinator.begge", role="coordinator")
    both.groups.add(case.municipality.group, aarhus.group)
    holder = permissions.grant_holder(both)
    assert sorted(holder.group_ids) == sorted([case.municipality.group_id, aarhus.group_id])
    assert sorted(holder.municipality_ids) == sorted([case.municipality_id, aarhus.pk])
    assert holder.holds_own_grants is False
    assert holder.permission_ids == {p.codename: p.pk for p in permissions.case_permissions()}
    police_holder = permissions.grant_holder(police)
    assert police_holder.group_ids == [kbh_police.group_id]
    assert police_holder.municipality_ids == []
    CaseUserObjectPermission.objects.create(
        user=both,
        content_object=case,
        permission_id=holder.permission_ids["view_case"],
    )
    assert permissions.grant_holder(both).holds_own_grants is True
