"""The admin has three layers (SECURITY.md 8.4.2): an allowed network, the
administrator role with staff status, and both sign-in factors."""

import pytest
from django.test import Client

from accounts.models import Role, User
from concerns.models import Municipality
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_administrator_from_an_allowed_network_gets_in(client: Client, administrator: User) -> None:
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200


def test_the_admin_does_not_exist_outside_the_allowed_networks(administrator: User) -> None:
    outside = Client(REMOTE_ADDR="203.0.113.9")
    assert outside.get("/admin/login/").status_code == 404
    outside.force_login(administrator)
    assert outside.get("/admin/").status_code == 404
    assert outside.get("/admin/accounts/user/").status_code == 404


def test_staff_flag_without_the_administrator_role_is_not_enough(
    client: Client, kbh: Municipality
) -> None:
    staff_coordinator = make_user("koordinator.staff", Role.COORDINATOR, kbh, is_staff=True)
    client.force_login(staff_coordinator)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_password_alone_does_not_open_the_admin(administrator: User) -> None:
    client = Client()
    client.post("/login/", {"username": administrator.username, "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/login/kode/")
