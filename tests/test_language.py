"""Danish by default; English when the user picks it with the switch."""

import pytest
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_pages_are_danish_whatever_the_browser_prefers(client: Client) -> None:
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Content-Language"] == "da"
    assert '<html lang="da"' in response.content.decode()


def test_the_switch_changes_the_language_and_goes_back(client: Client, coordinator: User) -> None:
    client.force_login(coordinator)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/sager/"})
    assert response.status_code == 302 and response["Location"] == "/sager/"
    page = client.get("/sager/")
    assert page["Content-Language"] == "en"
    assert '<html lang="en"' in page.content.decode()
    assert 'value="da" lang="da">Dansk' in page.content.decode()


def test_the_switch_works_before_sign_in_and_refuses_foreign_targets(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/login/")["Content-Language"] == "en"
