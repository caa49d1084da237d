"""Logging in and out, and where each role lands."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

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
    client.force_login(request.getfixturevalue(who))
    assert client.get("/")["Location"] == landing


def test_wrong_password_keeps_the_username_and_says_so(client: Client, coordinator: User) -> None:
    response = client.post("/login/", {"username": coordinator.username, "password": "forkert"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'value="{coordinator.username}"' in page
    assert "brugernavn" in page.lower()


def test_logout_ends_the_session(client: Client, coordinator: User) -> None:
    client.force_login(coordinator)
    assert client.get("/sager/").status_code == 200
    assert client.post("/logout/").status_code == 302
    response = client.get("/sager/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_logout_is_post_only(client: Client, coordinator: User) -> None:
    client.force_login(coordinator)
    assert client.get("/logout/").status_code == 405


def without_csrf_token(page: bytes) -> bytes:
    """The page with its CSRF tokens blanked: a token is masked anew on every render."""
    page = re.sub(rb'"X-CSRFToken": "[^"]+"', b"", page)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)


def fail_logins(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        client.post("/login/", {"username": username, "password": "forkert-kodeord"})


def test_repeated_failures_lock_the_username_from_that_address(
    client: Client, coordinator: User
) -> None:
    fail_logins(client, coordinator.username, 5)
    locked = client.post("/login/", {"username": coordinator.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "For mange forsøg" in locked.content.decode()
    assert client.get("/sager/").status_code == 302  # not signed in


def test_lockout_answers_alike_for_unknown_usernames(client: Client, coordinator: User) -> None:
    fail_logins(client, coordinator.username, 5)
    fail_logins(client, "findes.ikke", 5)
    known = client.post("/login/", {"username": coordinator.username, "password": "x"})
    unknown = client.post("/login/", {"username": "findes.ikke", "password": "x"})
    assert known.status_code == unknown.status_code == 429
    assert without_csrf_token(known.content) == without_csrf_token(unknown.content)


def test_lockout_of_one_user_leaves_others_alone(
    client: Client, coordinator: User, police: User
) -> None:
    fail_logins(client, coordinator.username, 5)
    response = client.post("/login/", {"username": police.username, "password": PASSWORD})
    assert response.status_code == 302


def test_lockout_lifts_after_the_cool_off(client: Client, coordinator: User) -> None:
    fail_logins(client, coordinator.username, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = client.post("/login/", {"username": coordinator.username, "password": PASSWORD})
    assert response.status_code == 302
