"""Case numbers IH-<kommunekode>-<år>-<løbenr>: unique and gap-free per municipality
and year, also when many coordinators record concerns at the same moment."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from accounts.models import User
from concerns.models import Case, Municipality
from tests.conftest import make_case


def test_numbers_count_per_municipality_and_year(
    coordinator: User, other_coordinator: User, kbh: Municipality, aarhus: Municipality
) -> None:
    first = make_case(coordinator, kbh)
    second = make_case(coordinator, kbh)
    elsewhere = make_case(other_coordinator, aarhus)
    next_year = make_case(coordinator, kbh, received_on=date(2026, 1, 2))
    assert first.number == "IH-0101-2025-0001"
    assert second.number == "IH-0101-2025-0002"
    assert elsewhere.number == "IH-0751-2025-0001"
    assert next_year.number == "IH-0101-2026-0001"


def test_rolled_back_creation_leaves_no_gap(coordinator: User, kbh: Municipality) -> None:
    make_case(coordinator, kbh)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_case(coordinator, kbh)
        raise RuntimeError("crash after numbering")
    assert make_case(coordinator, kbh).number == "IH-0101-2025-0002"


@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_is_gap_free_and_unique() -> None:
    kbh = Municipality.objects.get(code="0101")
    coordinator = User.objects.create_user("koordinator.samtidig", role="coordinator")
    coordinator.groups.add(kbh.group)
    workers, per_worker = 8, 5
    start = threading.Barrier(workers)
    errors: list[BaseException] = []

    def create_some() -> None:
        try:
            start.wait()
            for _ in range(per_worker):
                make_case(coordinator, kbh)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create_some) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    serials = sorted(
        Case.objects.filter(municipality=kbh, year=2025).values_list("serial", flat=True)
    )
    assert serials == list(range(1, workers * per_worker + 1))
