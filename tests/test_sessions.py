"""Sessions end when idle, when too old, at logout and when a user is deactivated."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from accounts.middleware import SIGNED_IN_AT, TOUCHED_AT
from accounts.models import User

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    assert client.get("/sager/").status_code == 200
    return client


def cache_key(client: Client) -> str:
    """The key the session is cached under (read first, before the database)."""
    return SessionStore(session_key=client.session.session_key).cache_key


def test_the_cached_session_lives_no_longer_than_the_idle_limit(
    client: Client, coordinator: User
) -> None:
    signed_in(client, coordinator)
    cache = caches[settings.SESSION_CACHE_ALIAS]
    key = cache.make_and_validate_key(cache_key(client))
    ttl = cache._cache.get_client(key).ttl(key)  # type: ignore[attr-defined]
    assert 0 < ttl <= settings.SESSION_COOKIE_AGE


def test_idle_session_ends(client: Client, coordinator: User) -> None:
    signed_in(client, coordinator)
    # What going idle does: the cached copy times out, the row passes its expiry.
    caches[settings.SESSION_CACHE_ALIAS].delete(cache_key(client))
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/sager/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_request_moves_the_idle_expiry_on_at_most_once_a_minute(
    client: Client, coordinator: User
) -> None:
    signed_in(client, coordinator)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    client.get("/sager/")  # touched less than a minute ago, at sign-in: not saved
    assert Session.objects.get().expire_date - timezone.now() <= timedelta(minutes=1)

    session = client.session
    session[TOUCHED_AT] = (timezone.now() - timedelta(seconds=61)).isoformat()
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    client.get("/sager/")
    remaining = Session.objects.get().expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_session_ends_twelve_hours_after_sign_in_however_active(
    client: Client, coordinator: User
) -> None:
    signed_in(client, coordinator)
    session = client.session
    session[SIGNED_IN_AT] = (timezone.now() - timedelta(hours=12, minutes=1)).isoformat()
    session.save()
    response = client.get("/sager/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/sager/").status_code == 302  # and it stays ended


def test_deactivating_a_user_ends_their_session(client: Client, coordinator: User) -> None:
    signed_in(client, coordinator)
    User.objects.filter(pk=coordinator.pk).update(is_active=False)
    response = client.get("/sager/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_old_cookie_is_worthless_after_logout(client: Client, coordinator: User) -> None:
    signed_in(client, coordinator)
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/logout/")
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    response = replay.get("/sager/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
