"""Memberships: which municipalities a coordinator, or which police district a
liaison, works for. They are the groups that case permissions are granted to."""

from accounts.models import User
from concerns.models import Municipality, PoliceDistrict


def set_memberships(
    user: User, *, municipalities: list[Municipality], district: PoliceDistrict | None
) -> None:
    """Replace the user's municipality and police-district groups, keep other groups."""
    membership_groups = user.groups.filter(municipality__isnull=False) | user.groups.filter(
        police_district__isnull=False
    )
    user.groups.remove(*membership_groups)
    user.groups.add(*(m.group for m in municipalities))
    if district is not None:
        user.groups.add(district.group)
