"""Browser security headers, caching of signed-in pages, password hashing, and the
production configuration as Django's own deployment check sees it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.test import Client

from accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def test_strict_content_security_policy_without_inline_script(client: Client) -> None:
    policy = client.get("/login/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_frame_sniffing_and_referrer_protection(client: Client) -> None:
    response = client.get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_signed_in_pages_are_never_cached(client: Client, coordinator: User) -> None:
    client.force_login(coordinator)
    for url in ("/sager/", "/sager/ny/"):
        assert "no-store" in client.get(url)["Cache-Control"]


def test_passwords_are_hashed_with_argon2id(coordinator: User) -> None:
    assert coordinator.password.startswith("argon2$argon2id$")


def test_session_and_csrf_cookies_are_same_site_strict_and_http_only(
    client: Client, coordinator: User
) -> None:
    client.get("/login/")
    client.post("/login/", {"username": coordinator.username, "password": PASSWORD})
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    assert csrf["samesite"] == "Strict"
    assert session["samesite"] == "Strict"
    assert session["httponly"]


def test_deploy_check_passes_for_a_production_configuration() -> None:
    env = {
        **os.environ,
        "ENV_FILE": "",
        "DEBUG": "false",
        "SECRET_KEY": "k3Jx9-production-like-secret-key-for-the-deploy-check-only-0123456789",
        "ALLOWED_HOSTS": "infohus.example.dk",
        "CPR_KEY": Fernet.generate_key().decode(),
    }
    # Set for this process by the browser tests; never part of a deployment.
    for name in ("HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(  # noqa: S603 - fixed argument list
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
