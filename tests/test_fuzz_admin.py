"""Hostile and random input to every add and change form of the admin: never a
server error, never a stack trace, and a refused form writes nothing.

The forms are found, not listed: every model registered with the admin is
fuzzed, and each form's fields are read from the page the administrator sees.
Each field gets either the value the form shows or a hostile one, so accepted
posts reach the save paths too."""

from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import models
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from accounts.models import User
from concerns.models import DeletionReceipt, InfohusProfile, Municipality, RetentionPolicy
from tests.conftest import verified_device
from tests.test_fuzz_forms import EXAMPLES, VALUE, assert_handled

pytestmark = pytest.mark.django_db

# Admin forms that are not a model's add or change page: (model, path after the object).
EXTRA_FORMS = [("accounts.user", "password/")]
FORMS = [
    *((model._meta.label_lower, form) for model in admin.site._registry for form in ("add", "")),
    *EXTRA_FORMS,
]
# Each example is a round trip through the admin: shrinking a failure would take
# minutes, and the unshrunk post (one value per field) is short enough to read.
NO_SHRINK = settings(EXAMPLES, phases=[Phase.explicit, Phase.reuse, Phase.generate])
# An inline formset's form counts stay as shown: Django caps a hostile count at 1,000
# forms, which only makes each post slow.
MANAGEMENT_FIELDS = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


class AdminFormFields(HTMLParser):
    """The fields of the admin's model form on a page, with the values it shows."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._in_form = False
        self._select: list[str] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "form":
            self._in_form = (a.get("id") or "").endswith("_form")
        elif not self._in_form or not name or name == "csrfmiddlewaretoken":
            return
        elif tag == "input" and a.get("type") not in {"submit", "button", "file"}:
            values = self.fields.setdefault(name, [])
            if a.get("type") not in {"checkbox", "radio"}:
                values.append(a.get("value") or "")
            elif "checked" in a:
                values.append(a.get("value") or "on")
        elif tag == "select":
            self._select = self.fields.setdefault(name, [])
        elif tag == "option" and self._select is not None and "selected" in a:
            self._select.append(a.get("value") or "")
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = [""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea][0] += data


def form_fields(page: str) -> dict[str, list[str]]:
    parser = AdminFormFields()
    parser.feed(page)
    return parser.fields


@pytest.fixture
def administrator_client(administrator: User) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


@pytest.fixture
def rows_to_change(coordinator: User, kbh: Municipality) -> None:
    """At least one row of each registered model that is not the administrator's own:
    an accepted change to their account or device would end the fuzzing session."""
    verified_device(coordinator)
    StaticDevice.objects.create(user=coordinator, name="reserve")
    InfohusProfile.objects.get_or_create(municipality=kbh)
    RetentionPolicy.objects.create(municipality=kbh, years_after_closure=5, unfounded_months=12)
    DeletionReceipt.objects.create(
        municipality=kbh, case_number="IH-0101-2020-0001", ended_in=date(2020, 1, 1), rule="5 år"
    )
    for log in (AccessAttempt, AccessLog, AccessFailureLog):
        fields = {"failures_since_start": 1} if log is AccessAttempt else {}
        log.objects.create(username=coordinator.username, path_info="/login/", **fields)


def object_to_change(model: type[models.Model], administrator: User) -> models.Model | None:
    rows = model._default_manager.order_by("pk")
    if model is User:
        rows = rows.exclude(pk=administrator.pk)
    elif any(f.name == "user" for f in model._meta.get_fields()):
        rows = rows.exclude(user=administrator)
    return rows.first()


def snapshot(model: type[models.Model], obj: models.Model | None) -> tuple[Any, ...]:
    """Everything a refused post must leave alone: the admin's change history, the
    number of rows and, on a change form, the row and its many-to-many links."""
    row: dict[str, Any] | None = None
    related: list[list[Any]] = []
    if obj is not None:
        row = model._default_manager.filter(pk=obj.pk).values().first()
        related = [
            sorted(getattr(obj, f.name).values_list("pk", flat=True))
            for f in model._meta.many_to_many
        ]
    return LogEntry.objects.count(), model._default_manager.count(), row, related


@pytest.mark.parametrize(("label", "form"), FORMS)
def test_admin_forms_survive_hostile_input(
    label: str,
    form: str,
    administrator: User,
    administrator_client: Client,
    rows_to_change: None,
) -> None:
    model = next(m for m in admin.site._registry if m._meta.label_lower == label)
    base = f"/admin/{label.replace('.', '/')}/"
    client = administrator_client
    obj = object_to_change(model, administrator)
    if form == "add":
        url = f"{base}add/"
        # An existing row's values as the starting point, so that some posts pass
        # validation and reach the save.
        example = form_fields(client.get(f"{base}{obj.pk}/change/").content.decode()) if obj else {}
        obj = None
    elif obj is None:
        pytest.skip(f"no {label} row to change")
    else:
        url = f"{base}{obj.pk}/{form or 'change/'}"
        example = {}
    page = client.get(url)
    assert_handled(page)
    shown = form_fields(page.content.decode()) if page.status_code == 200 else {}
    baseline = {field: example.get(field, values) for field, values in shown.items()}

    @NO_SHRINK
    @given(data=st.data())
    def post_hostile_input(data: st.DataObject) -> None:
        payload = {
            field: values
            if field.endswith(MANAGEMENT_FIELDS)
            else data.draw(st.one_of(st.just(values), VALUE), label=field)
            for field, values in baseline.items()
        }
        before = snapshot(model, obj)
        response = client.post(url, payload)
        assert_handled(response)
        if response.status_code != 302:  # refused: nothing of it was written
            assert snapshot(model, obj) == before
        if obj is not None:
            obj.refresh_from_db()

    if not shown:  # no form, or only read-only fields: a post changes nothing
        before = snapshot(model, obj)[1:]
        response = client.post(url, {})
        assert response.status_code in {302, 403}, url
        assert snapshot(model, obj)[1:] == before
    else:
        post_hostile_input()
