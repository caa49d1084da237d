"""Editing a case safely (a concurrent edit is never overwritten unseen) and
correcting notes without changing them, through HTTP."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction, AuditEntry
from concerns import actions
from concerns.choices import EventKind, Status
from concerns.models import Case, CaseEvent, Note, PoliceDistrict
from tests.conftest import CASE_DEFAULTS

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_url(case: Case) -> str:
    return f"/sager/{case.pk}/rediger/"


def form_data(page: str) -> dict[str, Any]:
    """What a browser would post back from the edit page, unchanged."""
    data: dict[str, Any] = {}
    for tag in re.findall(r"<(?:input|textarea|select)[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None or name.group(1) == "csrfmiddlewaretoken":
            continue
        key = name.group(1)
        value = re.search(r'value="([^"]*)"', tag)
        if tag.startswith("<textarea"):
            body = page.split(tag, 1)[1].split("</textarea>", 1)[0]
            data[key] = body.removeprefix("\n")
        elif tag.startswith("<select"):
            block = page.split(tag, 1)[1].split("</select>", 1)[0]
            chosen = re.search(r'<option value="([^"]*)"[^>]*selected', block)
            data[key] = chosen.group(1) if chosen else ""
        elif 'type="checkbox"' in tag or 'type="radio"' in tag:
            if " checked" in tag:
                if 'type="checkbox"' in tag and value is not None and value.group(1) != "on":
                    data.setdefault(key, []).append(value.group(1))
                else:
                    data[key] = value.group(1) if value else "on"
        elif value is not None:
            data[key] = value.group(1)
    return data


def loaded(client: Client, case: Case) -> dict[str, Any]:
    response = client.get(edit_url(case))
    assert response.status_code == 200
    return form_data(response.content.decode())


# --- Access ------------------------------------------------------------------------


def test_edit_ladder(
    client: Client,
    shared_case: Case,
    coordinator: User,
    other_coordinator: User,
    police: User,
    analyst: User,
) -> None:
    url = edit_url(shared_case)
    for method in ("get", "post"):
        anonymous = getattr(client, method)(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
        for outsider in (other_coordinator, analyst):
            response = getattr(login(outsider), method)(url)
            assert response.status_code == 404
            assert "Mikkel" not in response.content.decode()
        # The police liaison sees the shared case but may not change it.
        assert getattr(login(police), method)(url).status_code == 403
    owner = login(coordinator).get(url)
    assert owner.status_code == 200
    assert AuditEntry.objects.filter(
        user=coordinator,
        action=AuditAction.VIEW,
        object_id=str(shared_case.pk),
        purpose="redigering af sag",
    ).exists()


def test_anonymised_case_cannot_be_edited(coordinator: User, case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(anonymised_on=date(2025, 6, 1))
    client = login(coordinator)
    assert client.get(edit_url(case)).status_code == 403
    assert client.post(edit_url(case), {"case-version": 1}).status_code == 403


def test_case_page_offers_editing_only_to_those_who_may(
    coordinator: User, police: User, shared_case: Case
) -> None:
    link = f'href="{edit_url(shared_case)}"'
    assert link in login(coordinator).get(f"/sager/{shared_case.pk}/").content.decode()
    assert link not in login(police).get(f"/sager/{shared_case.pk}/").content.decode()


# --- Editing ------------------------------------------------------------------------


def test_edit_form_shows_the_case_but_never_the_full_cpr_number(
    coordinator: User, case: Case
) -> None:
    page = login(coordinator).get(edit_url(case)).content.decode()
    assert 'name="case-version" value="1"' in page
    assert 'value="Mikkel Hansen"' in page and CASE_DEFAULTS["description"] in page
    assert "0101091234" not in page and "010109-XXXX" in page
    assert 'name="case-status"' not in page  # status changes through transitions


def test_coordinator_edits_case_and_person(coordinator: User, case: Case) -> None:
    client = login(coordinator)
    data = loaded(client, case)
    data.update(
        {
            "case-channel": "email",
            "case-description": "Ny og mere præcis beskrivelse.",
            "case-signs": ["threats", "contempt"],
            "person-name": "Mikkel B. Hansen",
            "case-status": Status.CLOSED,  # not a field of the form: ignored
        }
    )
    response = client.post(edit_url(case), data)
    assert response.status_code == 302 and response["Location"] == f"/sager/{case.pk}/"
    case.refresh_from_db()
    assert case.version == 2 and case.status == Status.RECEIVED
    assert case.channel == "email" and case.signs == ["threats", "contempt"]
    assert case.person is not None and case.person.name == "Mikkel B. Hansen"
    assert case.person.cpr == "0101091234"  # left empty: kept
    event = case.events.get(kind=EventKind.UPDATED)
    assert event.actor == coordinator
    for label in ("kanal", "beskrivelse af bekymringen", "bekymringstegn", "navn"):
        assert label in event.detail
    assert "præcis" not in event.detail and "Mikkel" not in event.detail  # names, not values
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(case.pk))
    assert entry.person_id == case.person_id
    assert "description" in entry.purpose and "person.name" in entry.purpose
    assert "præcis" not in entry.purpose


def test_new_cpr_number_replaces_the_old(coordinator: User, case: Case) -> None:
    client = login(coordinator)
    data = loaded(client, case)
    data["person-cpr"] = "010109-4321"
    assert client.post(edit_url(case), data).status_code == 302
    case.refresh_from_db()
    assert case.person is not None and case.person.cpr == "0101094321"
    event = case.events.get(kind=EventKind.UPDATED)
    assert "CPR-nummer" in event.detail and "4321" not in event.detail
    assert not AuditEntry.objects.filter(purpose__contains="4321").exists()


def test_saving_without_changes_writes_nothing(coordinator: User, case: Case) -> None:
    client = login(coordinator)
    data = loaded(client, case)
    assert client.post(edit_url(case), data).status_code == 302
    case.refresh_from_db()
    assert case.version == 1
    assert not case.events.filter(kind=EventKind.UPDATED).exists()


def test_refused_edit_keeps_the_input(coordinator: User, case: Case) -> None:
    client = login(coordinator)
    data = loaded(client, case)
    data.update({"case-description": "", "person-name": "Skrevet om"})
    response = client.post(edit_url(case), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Skrevet om"' in page and "Der er fejl i formularen" in page
    case.refresh_from_db()
    assert case.version == 1 and case.description == CASE_DEFAULTS["description"]


def test_date_of_birth_must_fit_the_kept_cpr_number(coordinator: User, case: Case) -> None:
    client = login(coordinator)
    data = loaded(client, case)
    data["person-date_of_birth"] = "2009-02-01"
    response = client.post(edit_url(case), data)
    assert response.status_code == 400
    assert "passer ikke med det registrerede CPR-nummer" in response.content.decode()


def test_person_of_another_municipality_too_cannot_be_edited_here(
    coordinator: User, other_coordinator: User, case: Case, aarhus: Any
) -> None:
    """The person's details are Aarhus's as well: København may not rewrite them."""
    actions.record_concern(
        by=other_coordinator, municipality=aarhus, person=case.person, case_fields=CASE_DEFAULTS
    )
    client = login(coordinator)
    page = client.get(edit_url(case)).content.decode()
    assert 'name="person-name"' not in page and "kan derfor ikke rettes her" in page
    data = {**form_data(page), "person-name": "Overskrevet", "case-channel": "email"}
    assert client.post(edit_url(case), data).status_code == 302
    case.refresh_from_db()
    assert case.channel == "email"
    assert case.person is not None and case.person.name == "Mikkel Hansen"


# --- Concurrent edits ---------------------------------------------------------------------


def test_second_of_two_concurrent_edits_gets_a_conflict(
    coordinator: User, kbh: Any, case: Case
) -> None:
    colleague = User.objects.create(username="kollega.kbh", role=coordinator.role)
    colleague.groups.add(kbh.group)
    first, second = login(colleague), login(coordinator)
    first_data, second_data = loaded(first, case), loaded(second, case)

    first_data.update({"case-channel": "email", "person-name": "Første Navn"})
    assert first.post(edit_url(case), first_data).status_code == 302

    second_data.update(
        {"case-channel": "meeting", "case-description": "Anden version", "person-name": "Andet"}
    )
    events_before = CaseEvent.objects.count()
    response = second.post(edit_url(case), second_data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Sagen er blevet ændret af en anden" in page
    # The second user's input is kept ...
    assert 'value="Andet"' in page and "Anden version" in page
    assert re.search(r'value="meeting"[^>]*checked|value="meeting" selected', page) or (
        '<option value="meeting" selected>' in page
    )
    # ... with the saved values beside the fields that differ,
    assert "Gemt værdi: <strong>E-mail</strong>" in page
    assert "Gemt værdi: <strong>Første Navn</strong>" in page
    # and the form now carries the saved version.
    assert 'name="case-version" value="2"' in page
    # Nothing was overwritten, nothing recorded.
    case.refresh_from_db()
    assert case.version == 2 and case.channel == "email"
    assert case.description == CASE_DEFAULTS["description"]
    assert case.person is not None and case.person.name == "Første Navn"
    assert CaseEvent.objects.count() == events_before

    # Saving again, knowingly, overwrites.
    second_data["case-version"] = "2"
    assert second.post(edit_url(case), second_data).status_code == 302
    case.refresh_from_db()
    assert (case.version, case.channel, case.description) == (3, "meeting", "Anden version")


def test_a_note_added_meanwhile_also_counts_as_a_change(coordinator: User, case: Case) -> None:
    client = login(coordinator)
    data = loaded(client, case)
    actions.add_note(case=case, by=coordinator, visibility="shared", body="Imens")
    data["case-channel"] = "email"
    assert client.post(edit_url(case), data).status_code == 409


def test_update_case_refuses_a_stale_version(coordinator: User, case: Case) -> None:
    with pytest.raises(actions.EditConflict) as refused:
        actions.update_case(
            case=case, by=coordinator, fields={"channel": "email"}, expected_version=0
        )
    assert refused.value.current.version == 1
    case.refresh_from_db()
    assert case.channel == "phone" and not case.events.filter(kind=EventKind.UPDATED).exists()


# --- Correcting notes ------------------------------------------------------------------


def test_correcting_a_note_adds_one_and_keeps_the_old(coordinator: User, case: Case) -> None:
    note = actions.add_note(case=case, by=coordinator, visibility="municipality", body="Forkert")
    client = login(coordinator)
    page = client.get(f"/sager/{case.pk}/").content.decode()
    assert "Ret notat" in page and f'name="corrects" value="{note.pk}"' in page
    response = client.post(
        f"/sager/{case.pk}/notater/", {"corrects": note.pk, "body": "Det rigtige"}
    )
    assert response.status_code == 302
    correction = Note.objects.get(corrects=note)
    assert correction.body == "Det rigtige" and correction.visibility == "municipality"
    assert Note.objects.get(pk=note.pk).body == "Forkert"
    page = client.get(f"/sager/{case.pk}/").content.decode()
    assert "Forkert" in page and "Det rigtige" in page
    assert "Notatet er rettet" in page and "Retter notatet fra" in page
    # A corrected note is not offered for correction again; its correction is.
    assert f'name="corrects" value="{note.pk}"' not in page
    assert f'name="corrects" value="{correction.pk}"' in page


def test_a_corrected_note_cannot_be_corrected_twice(coordinator: User, case: Case) -> None:
    note = actions.add_note(case=case, by=coordinator, visibility="shared", body="Først")
    actions.add_note(case=case, by=coordinator, visibility="shared", body="Rettet", corrects=note)
    response = login(coordinator).post(
        f"/sager/{case.pk}/notater/", {"corrects": note.pk, "body": "Igen"}
    )
    assert response.status_code == 400
    assert "Notatet kan ikke rettes." in response.content.decode()
    assert not Note.objects.filter(body="Igen").exists()


def test_police_cannot_correct_a_municipality_only_note(
    police: User, coordinator: User, shared_case: Case
) -> None:
    note = actions.add_note(
        case=shared_case, by=coordinator, visibility="municipality", body="SKOLENOTAT"
    )
    response = login(police).post(
        f"/sager/{shared_case.pk}/notater/", {"corrects": note.pk, "body": "Politiets rettelse"}
    )
    assert response.status_code == 400
    assert "SKOLENOTAT" not in response.content.decode()
    assert not Note.objects.filter(corrects=note).exists()


def test_correction_refused_keeps_the_input_with_htmx(coordinator: User, case: Case) -> None:
    note = actions.add_note(case=case, by=coordinator, visibility="shared", body="Først")
    client = login(coordinator)
    refused = client.post(
        f"/sager/{case.pk}/notater/", {"corrects": note.pk, "body": ""}, headers=HTMX
    )
    assert refused.status_code == 400
    fragment = refused.content.decode()
    assert 'id="notater"' in fragment and "<html" not in fragment
    assert f'id="correct-{note.pk}-body"' in fragment and 'aria-invalid="true"' in fragment
    saved = client.post(
        f"/sager/{case.pk}/notater/", {"corrects": note.pk, "body": "Rettelsen"}, headers=HTMX
    )
    assert saved.status_code == 200 and "Rettelsen" in saved.content.decode()


@pytest.mark.parametrize("corrects", ["", "abc", "-1", "9" * 5000, "0", "1.5"])
def test_hostile_correction_targets_are_refused(
    coordinator: User, case: Case, corrects: str
) -> None:
    response = login(coordinator).post(
        f"/sager/{case.pk}/notater/", {"corrects": corrects, "body": "x"}
    )
    assert response.status_code == 400
    assert not Note.objects.exists()


def test_police_see_no_edit_link_and_no_correction_on_an_anonymised_case(
    coordinator: User, police: User, shared_case: Case, kbh_police: PoliceDistrict
) -> None:
    actions.add_note(case=shared_case, by=coordinator, visibility="shared", body="Fælles")
    Case.objects.filter(pk=shared_case.pk).update(anonymised_on=timezone.localdate())
    for user in (coordinator, police):
        page = login(user).get(f"/sager/{shared_case.pk}/").content.decode()
        assert "Ret notat" not in page and edit_url(shared_case) not in page
