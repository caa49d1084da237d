"""Named test users and cases, and a real Celery worker for job tests.

Users walk the permission ladder: `coordinator` works in København (police
district Københavns Politi), `other_coordinator` in Aarhus (Østjyllands Politi),
`police` is Københavns Politi's liaison, `other_police` Østjyllands, `analyst` a
ministry analyst, `administrator` the system owner.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from concerns import actions
from concerns.choices import (
    Channel,
    ExtremismType,
    LegalBasis,
    ReceivedBy,
    SenderType,
    SharePurpose,
)
from concerns.models import Case, Municipality, PoliceDistrict
from concerns.reference import load_reference_data

PASSWORD = "correct-horse-battery-staple"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def reference_data(request: pytest.FixtureRequest) -> None:
    """Reload the reference rows a transactional test's flush removed.

    Migrations load them once into the test database; tests that commit
    (`transaction=True`, the live server) empty every table when they end.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction", False)) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    if not Municipality.objects.exists():
        load_reference_data(django_apps)


def verified_device(user: User) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app would show now, or, when that one was
    used already (a second sign-in within 30 s), the next one, which the ±1 step
    tolerance accepts."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    device.refresh_from_db(fields=["last_t"])
    if device.last_t >= totp.t():
        totp.drift = device.last_t - totp.t() + 1
    return f"{totp.token():06d}"


@pytest.fixture(autouse=True)
def force_login_passes_both_factors(monkeypatch: pytest.MonkeyPatch) -> None:
    """In tests, `client.force_login(user)` means fully signed in: password and
    code. The sign-in steps themselves are tested through the real forms."""
    original = Client.force_login

    def force_login(self: Client, user: User, backend: str | None = None) -> None:
        original(self, user, backend)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@functools.cache
def password_hash() -> str:
    """PASSWORD hashed once with the real (argon2) hasher: hashing per user would
    spend most of the suite's time in deliberately slow key derivation."""
    return make_password(PASSWORD)


def make_user(username: str, role: str, *groups: Any, **extra: Any) -> User:
    user = User.objects.create(username=username, password=password_hash(), role=role, **extra)
    user.groups.add(*(g.group for g in groups))
    return user


@pytest.fixture
def kbh(db: None) -> Municipality:
    return Municipality.objects.get(code="0101")


@pytest.fixture
def aarhus(db: None) -> Municipality:
    return Municipality.objects.get(code="0751")


@pytest.fixture
def kbh_police(db: None) -> PoliceDistrict:
    return PoliceDistrict.objects.get(code="1470")


@pytest.fixture
def coordinator(kbh: Municipality) -> User:
    return make_user("koordinator.kbh", Role.COORDINATOR, kbh, first_name="Karen")


@pytest.fixture
def other_coordinator(aarhus: Municipality) -> User:
    return make_user("koordinator.aarhus", Role.COORDINATOR, aarhus)


@pytest.fixture
def police(kbh_police: PoliceDistrict) -> User:
    return make_user("politi.kbh", Role.POLICE, kbh_police)


@pytest.fixture
def other_police(db: None) -> User:
    return make_user("politi.oestjylland", Role.POLICE, PoliceDistrict.objects.get(code="1461"))


@pytest.fixture
def analyst(db: None) -> User:
    return make_user("analytiker", Role.ANALYST)


@pytest.fixture
def administrator(db: None) -> User:
    return make_user("admin.infohus", Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


CASE_DEFAULTS: dict[str, Any] = {
    "received_on": date(2025, 3, 14),
    "received_by": ReceivedBy.MUNICIPALITY,
    "channel": Channel.PHONE,
    "sender_type": SenderType.SCHOOL,
    "description": "Lærer bekymret over elevens udtalelser om vold.",
    "extremism_type": ExtremismType.RIGHT_WING,
}


def make_case(
    by: User, municipality: Municipality, name: str = "Mikkel Hansen", **fields: Any
) -> Case:
    return actions.record_concern(
        by=by,
        municipality=municipality,
        person_fields={"name": name, "cpr": "0101091234", "date_of_birth": date(2009, 1, 1)},
        case_fields={**CASE_DEFAULTS, **fields},
    )


def continue_case(case: Case, by: User) -> Case:
    """A new case for the same person, in the same municipality, continuing `case`."""
    return actions.record_concern(
        by=by,
        municipality=case.municipality,
        case_fields=CASE_DEFAULTS,
        person=case.person,
        previous_case=case,
    )


@pytest.fixture
def case(coordinator: User, kbh: Municipality) -> Case:
    return make_case(coordinator, kbh)


def share_with_police(case: Case, by: User, district: PoliceDistrict) -> Case:
    actions.share_case_with_police(
        case=case,
        by=by,
        district=district,
        purpose=SharePurpose.SCREENING,
        purpose_detail="Indledende vurdering",
        legal_basis=LegalBasis.RPL_115,
    )
    return case


@pytest.fixture
def shared_case(case: Case, coordinator: User, kbh_police: PoliceDistrict) -> Case:
    """The København case, shared with Københavns Politi."""
    return share_with_police(case, coordinator, kbh_police)


@pytest.fixture
def other_case(other_coordinator: User, aarhus: Municipality) -> Case:
    return make_case(other_coordinator, aarhus, name="Sofie Aarhus-Jensen")


# --- A real Celery worker on Redis ---------------------------------------------


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Start `celery worker` as its own process against the test database.

    A queue of its own keeps a developer's running worker from taking the tasks.
    Tests using it must commit their data (`transactional_db`).
    """
    from infohus.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    test_database = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": test_database,
        "DATABASE_OWNER_URL": test_database,
        "CELERY_QUEUE": queue,
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "true",
    }
    hostname = f"{queue}@localhost"
    log_dir = ROOT / "var"
    log_dir.mkdir(exist_ok=True)
    log = open(log_dir / f"{queue}.log", "w")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(  # noqa: S603 - fixed argument list
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "infohus",
            "worker",
            "-Q",
            queue,
            "-n",
            hostname,
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if app.control.ping(destination=[hostname], timeout=1.0):
                break
            if proc.poll() is not None:
                raise RuntimeError("the Celery worker exited during start-up")
        else:
            raise RuntimeError("the Celery worker did not answer within 60 s")
        yield queue
    finally:
        app.conf.task_default_queue = previous_queue
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
