"""Logs are structured JSON, one object per line (ASVS 16.4.1), and hold no CPR
numbers, free-text notes, names or passwords (ASVS 16.2.5)."""

import copy
import io
import json
import logging
import logging.config
import os
from collections.abc import Iterator
from datetime import datetime as dt
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from concerns.models import Case, Municipality
from tests.concerns.test_views import INTAKE
from tests.conftest import PASSWORD


def logging_config() -> dict[str, Any]:
    config: dict[str, Any] = copy.deepcopy(settings.LOGGING)  # dictConfig pops keys
    return config


def configured_formatter() -> logging.Formatter:
    """The console formatter exactly as `settings.LOGGING` builds it."""
    config = logging_config()
    name = config["handlers"]["console"]["formatter"]
    formatter: logging.Formatter = logging.config.DictConfigurator(config).configure_formatter(
        config["formatters"][name]
    )
    return formatter


@pytest.fixture
def root_output() -> Iterator[io.StringIO]:
    """What the root logger's console handler writes, as installed from LOGGING."""
    (console,) = (h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler)
    output = io.StringIO()
    previous = console.setStream(output)
    try:
        yield output
    finally:
        console.setStream(previous)  # type: ignore[arg-type]


FORGED = 'ok\n{"level": "CRITICAL", "logger": "auth", "message": "admin signed in"}\r\nmore'


def test_each_record_is_one_json_line(root_output: io.StringIO) -> None:
    logger = logging.getLogger("infohus.test")
    logger.warning(FORGED)
    logger.warning("name: %s", "line\u2028separator\u2029paragraph")
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        logger.exception("failed")
    lines = root_output.getvalue().splitlines()
    assert len(lines) == 3
    records = [json.loads(line) for line in lines]
    assert records[0]["message"] == FORGED
    assert records[1]["message"] == "name: line\u2028separator\u2029paragraph"
    assert "ValueError: bad\nvalue" in records[2]["exc_info"]
    for record in records:
        assert record["logger"] == "infohus.test"
        assert record["level"] in {"WARNING", "ERROR"}
        assert dt.fromisoformat(record["timestamp"]).utcoffset() == timedelta(0)


def test_log_level_and_logger_levels_are_kept() -> None:
    assert logging_config()["root"]["level"] == os.environ.get("LOG_LEVEL", "INFO")
    assert logging.getLogger("weasyprint").level == logging.WARNING
    assert logging.getLogger("axes.apps").level == logging.WARNING


# --- No sensitive data in the logs ------------------------------------------------------

NAME = "Søren Ærø-Kjærgaard"
CPR = "150308-1234"
DESCRIPTION = "Læreren hørte Søren tale om et angreb på skolens kantine."
NOTE = "Mor fortalte i telefonen om farens våbensamling i kælderen."
WRONG_PASSWORD = "forkert-kodeord-Ø17"
SENSITIVE = [
    NAME,
    "Kjærgaard",
    CPR,
    CPR.replace("-", ""),
    "0101091234",  # the CPR number of the fixture cases
    "Sofie Aarhus-Jensen",  # the other municipality's person
    DESCRIPTION,
    NOTE,
    WRONG_PASSWORD,
    PASSWORD,
]


@pytest.mark.django_db
def test_logs_hold_no_cpr_numbers_notes_names_or_passwords(
    caplog: pytest.LogCaptureFixture,
    coordinator: User,
    kbh: Municipality,
    other_case: Case,
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    # SQL debug records carry the query parameters, the very values checked for here.
    # Production never writes them: Django logs SQL only when DEBUG is on, and the
    # "django" logger stays at INFO. Capturing them would test a setting we never run.
    caplog.set_level(logging.INFO, logger="django.db.backends")

    anonymous = Client()
    anonymous.post("/login/", {"username": coordinator.username, "password": WRONG_PASSWORD})
    assert (
        anonymous.post(
            "/login/", {"username": coordinator.username, "password": PASSWORD}
        ).status_code
        == 302
    )

    client = Client()
    client.force_login(coordinator)
    intake = {
        **INTAKE,
        "case-municipality": kbh.pk,
        "person-name": NAME,
        "person-cpr": CPR,
        "case-description": DESCRIPTION,
    }
    refused = client.post("/sager/ny/", {**intake, "case-received_on": "i morgen"})
    assert refused.status_code == 400
    response = client.post("/sager/ny/", intake)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(person__name=NAME)
    note = client.post(f"/sager/{case.pk}/notater/", {"visibility": "shared", "body": NOTE})
    assert note.status_code == 302
    assert client.get(f"/sager/{case.pk}/").status_code == 200
    assert client.get(f"/sager/{other_case.pk}/").status_code == 404

    formatter = configured_formatter()
    lines = [formatter.format(record) for record in caplog.records]
    logged = "\n".join(lines)
    # The test sees what the flow logged: the refused form, the failed login, the 404.
    assert "Bad Request: /sager/ny/" in logged
    assert "login failure" in logged.lower()
    assert f"Not Found: /sager/{other_case.pk}/" in logged
    # JSON escapes æ, ø and å; compare with the decoded text as well.
    decoded = "\n".join(json.dumps(json.loads(line), ensure_ascii=False) for line in lines)
    for value in SENSITIVE:
        assert value not in logged and value not in decoded, value
