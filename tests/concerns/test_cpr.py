"""CPR numbers: encrypted at rest, matched by keyed hash, masked on the page and
revealed only for a stated, audited purpose."""

import pytest
from django.db import connection
from django.test import Client

from accounts.models import User
from audit.models import AuditEntry
from concerns import cpr
from concerns.models import Case, Person

pytestmark = pytest.mark.django_db


def test_cpr_is_not_stored_in_plain_text(case: Case) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT p::text FROM concerns_person p WHERE id = %s", [case.person_id])
        (row_text,) = cursor.fetchone()
    assert "0101091234" not in row_text and "010109" not in row_text
    assert case.person is not None
    assert Person.objects.get(pk=case.person.pk).cpr == "0101091234"


def test_duplicates_are_found_by_keyed_hash(case: Case) -> None:
    found = Person.objects.filter(cpr_hash=cpr.lookup_hash("0101091234"))
    assert list(found.values_list("pk", flat=True)) == [case.person_id]
    assert cpr.lookup_hash("0101091234") != cpr.lookup_hash("0101091235")


def test_full_cpr_needs_a_purpose_and_the_reveal_is_audited(
    client: Client, coordinator: User, case: Case
) -> None:
    client.force_login(coordinator)
    page = client.get(f"/sager/{case.pk}/").content.decode()
    assert "010109-XXXX" in page and "010109-1234" not in page

    refused = client.post(f"/sager/{case.pk}/cpr/", {"purpose": ""})
    assert refused.status_code == 400
    assert "010109-1234" not in refused.content.decode()

    shown = client.post(f"/sager/{case.pk}/cpr/", {"purpose": "Opslag i elevsystemet"})
    assert shown.status_code == 200
    assert "010109-1234" in shown.content.decode()
    entry = AuditEntry.objects.get(purpose__startswith="CPR-nummer vist")
    assert entry.purpose == "CPR-nummer vist: Opslag i elevsystemet"
    assert (entry.user, entry.person_id) == (coordinator, case.person_id)


def test_outsiders_cannot_reveal(client: Client, other_coordinator: User, case: Case) -> None:
    client.force_login(other_coordinator)
    response = client.post(f"/sager/{case.pk}/cpr/", {"purpose": "Nysgerrig"})
    assert response.status_code == 404
    assert "1234" not in response.content.decode()
