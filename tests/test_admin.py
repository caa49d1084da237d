"""Memberships are managed by administrators in the Django admin."""

from django.test import Client

from accounts.models import Role, User
from concerns.models import Municipality, PoliceDistrict
from concerns.permissions import municipalities_of, police_district_of
from tests.conftest import PASSWORD


def test_administrator_creates_a_coordinator_with_two_municipalities(
    client: Client, administrator: User, kbh: Municipality, aarhus: Municipality
) -> None:
    client.force_login(administrator)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "ny.koordinator",
            "role": Role.COORDINATOR,
            "municipalities": [kbh.pk, aarhus.pk],
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="ny.koordinator")
    assert set(municipalities_of(user)) == {kbh, aarhus}


def test_police_liaison_needs_a_district(client: Client, administrator: User) -> None:
    client.force_login(administrator)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "ny.politi",
            "role": Role.POLICE,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "skal høre til en politikreds" in response.content.decode()
    assert not User.objects.filter(username="ny.politi").exists()


def test_changing_a_liaisons_district_moves_the_membership(
    client: Client, administrator: User, police: User
) -> None:
    other = PoliceDistrict.objects.get(code="1461")
    client.force_login(administrator)
    response = client.post(
        f"/admin/accounts/user/{police.pk}/change/",
        {
            "username": police.username,
            "role": Role.POLICE,
            "police_district": other.pk,
            "is_active": "on",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert police_district_of(User.objects.get(pk=police.pk)) == other


def test_admin_does_not_list_case_contents(client: Client, administrator: User) -> None:
    client.force_login(administrator)
    index = client.get("/admin/").content.decode()
    assert "/admin/concerns/case/" not in index
    assert "/admin/concerns/person/" not in index
    assert client.get("/admin/concerns/case/").status_code == 404
