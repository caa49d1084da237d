"""Logging in and out, and where each role lands."""

import pytest
from django.test import Client

from accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "landing"),
    [
        ("coordinator", "/sager/"),
        ("police", "/sager/"),
        ("analyst", "/rapporter/"),
        ("administrator", "/admin/"),
    ],
)
def test_each_role_lands_where_its_work_is(
    client: Client, who: str, landing: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(who)
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == landing


def test_wrong_password_keeps_the_username_and_says_so(client: Client, coordinator: User) -> None:
    response = client.post("/login/", {"username": coordinator.username, "password": "forkert"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'value="{coordinator.username}"' in page
    assert "brugernavn" in page.lower()


def test_logout_ends_the_session(client: Client, coordinator: User) -> None:
    client.post("/login/", {"username": coordinator.username, "password": PASSWORD})
    assert client.get("/sager/").status_code == 200
    assert client.post("/logout/").status_code == 302
    response = client.get("/sager/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_logout_is_post_only(client: Client, coordinator: User) -> None:
    client.force_login(coordinator)
    assert client.get("/logout/").status_code == 405
