"""Two-factor sign-in: a password alone opens nothing; a TOTP code (or a one-time
recovery code) completes the sign-in; new users enrol with a QR code."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.conftest import PASSWORD, current_code, verified_device

pytestmark = pytest.mark.django_db


def password_only(client: Client, user: User) -> None:
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("url", ["/", "/sager/", "/sager/ny/", "/rapporter/", "/admin/"])
def test_a_password_alone_opens_nothing(client: Client, coordinator: User, url: str) -> None:
    verified_device(coordinator)
    password_only(client, coordinator)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/kode/")


def test_code_completes_sign_in_with_a_new_session_key(client: Client, coordinator: User) -> None:
    device = verified_device(coordinator)
    password_only(client, coordinator)
    key_after_password = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post("/login/kode/", {"token": current_code(device), "next": "/sager/"})
    assert response.status_code == 302 and response["Location"] == "/sager/"
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != key_after_password
    assert client.get("/sager/").status_code == 200


def test_wrong_code_is_refused(client: Client, coordinator: User) -> None:
    verified_device(coordinator)
    password_only(client, coordinator)
    response = client.post("/login/kode/", {"token": "000000"})
    assert response.status_code == 400
    assert "forkert" in response.content.decode()
    assert client.get("/sager/").status_code == 302


def test_a_code_works_only_once(client: Client, coordinator: User) -> None:
    device = verified_device(coordinator)
    code = current_code(device)
    password_only(client, coordinator)
    assert client.post("/login/kode/", {"token": code}).status_code == 302
    replay = Client()
    password_only(replay, coordinator)
    assert replay.post("/login/kode/", {"token": code}).status_code == 400


def test_enrolment_shows_a_qr_code_and_ends_with_recovery_codes(
    client: Client, coordinator: User
) -> None:
    password_only(client, coordinator)
    assert client.get("/sager/")["Location"].startswith("/login/kode/")
    assert client.get("/login/kode/")["Location"].startswith("/login/kode/opsaet/")
    page = client.get("/login/kode/opsaet/").content.decode()
    assert "data:image/svg+xml;base64," in page
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    code = f"{TOTP(device.bin_key).token():06d}"
    response = client.post("/login/kode/opsaet/", {"token": code})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/sager/").status_code == 200


def test_a_recovery_code_signs_in_once(client: Client, coordinator: User) -> None:
    verified_device(coordinator)
    from django_otp.plugins.otp_static.models import StaticDevice

    static = StaticDevice.objects.create(user=coordinator, name="Gendannelseskoder")
    static.token_set.create(token="abcd1234")
    password_only(client, coordinator)
    assert client.post("/login/kode/", {"token": "abcd1234"}).status_code == 302
    again = Client()
    password_only(again, coordinator)
    assert again.post("/login/kode/", {"token": "abcd1234"}).status_code == 400


def test_next_cannot_leave_the_site(client: Client, coordinator: User) -> None:
    device = verified_device(coordinator)
    password_only(client, coordinator)
    response = client.post(
        "/login/kode/", {"token": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
