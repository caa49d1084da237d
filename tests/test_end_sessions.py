"""An administrator can end all of a user's sessions (ASVS 7.4.5), from the admin
or from the command line; the user's next request goes to the login page."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import User
from audit.models import AuditAction, AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def home_of(user: User) -> str:
    return "/admin/" if user.is_staff else "/sager/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(home_of(user)).status_code == 200
    return client


def is_sent_to_login(client: Client) -> bool:
    response = client.get("/sager/")
    return response.status_code == 302 and response["Location"].startswith("/login/")


def end_sessions_in_admin(admin: Client, *users: User) -> str:
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "end_user_sessions", "_selected_action": [u.pk for u in users], "index": 0},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def test_admin_action_ends_every_session_of_the_user(
    coordinator: User, other_coordinator: User, administrator: User
) -> None:
    office, phone = signed_in(coordinator), signed_in(coordinator)
    bystander = signed_in(other_coordinator)
    page = end_sessions_in_admin(signed_in(administrator), coordinator)
    assert "1 bruger er logget ud overalt." in page
    assert is_sent_to_login(office)
    assert is_sent_to_login(phone)
    assert is_sent_to_login(office)  # and it stays ended
    assert bystander.get("/sager/").status_code == 200


def test_ending_sessions_is_audited(coordinator: User, administrator: User) -> None:
    end_sessions_in_admin(signed_in(administrator), coordinator)
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, purpose="Sessioner afsluttet")
    assert entry.user == administrator
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(coordinator.pk))


def test_the_user_can_sign_in_again_afterwards(coordinator: User, administrator: User) -> None:
    old = signed_in(coordinator)
    end_sessions_in_admin(signed_in(administrator), coordinator)
    assert is_sent_to_login(old)
    coordinator.refresh_from_db()  # force_login hashes the instance it is given
    assert signed_in(coordinator).get("/sager/").status_code == 200


def test_an_ended_session_stays_ended_during_a_secret_key_rotation(
    settings: Settings, coordinator: User
) -> None:
    session = signed_in(coordinator)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50
    assert session.get("/sager/").status_code == 200  # the rotation alone ends nothing
    call_command("end_sessions", coordinator.username)
    assert is_sent_to_login(session)


def test_command_ends_the_named_users_sessions(
    coordinator: User, police: User, other_coordinator: User
) -> None:
    coordinator_session, police_session = signed_in(coordinator), signed_in(police)
    bystander = signed_in(other_coordinator)
    call_command("end_sessions", coordinator.username, police.username)
    assert is_sent_to_login(coordinator_session)
    assert is_sent_to_login(police_session)
    assert bystander.get("/sager/").status_code == 200
    assert AuditEntry.objects.filter(purpose="Sessioner afsluttet", user=None).count() == 2


def test_command_refuses_an_unknown_username_and_ends_nothing(coordinator: User) -> None:
    session = signed_in(coordinator)
    with pytest.raises(CommandError, match="ingen.saadan"):
        call_command("end_sessions", coordinator.username, "ingen.saadan")
    assert session.get("/sager/").status_code == 200
    assert not AuditEntry.objects.filter(purpose="Sessioner afsluttet").exists()


def test_own_password_change_keeps_the_user_signed_in(administrator: User) -> None:
    admin, elsewhere = signed_in(administrator), signed_in(administrator)
    response = admin.post(
        "/admin/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-and-long-passphrase-42",
            "new_password2": "a-new-and-long-passphrase-42",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert admin.get("/admin/").status_code == 200
    # Django ends the user's other sessions; the admin has a login page of its own.
    assert elsewhere.get("/admin/")["Location"].startswith("/admin/login/")
