"""Editing a recorded case: its descriptive fields and its person's details.

The status is not edited here; it changes through transitions only. The form
carries the case's version: if someone else saved the case after the form was
loaded, nothing is written and the page comes back (409) with the user's input in
the fields and the saved values beside those that differ.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.forms import BaseForm, BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from audit.log import record
from audit.models import AuditAction
from concerns import actions, permissions
from concerns.cpr import lookup_hash
from concerns.forms import CaseEditForm, PersonEditForm
from concerns.models import Case, Person
from concerns.views.cases import acting_user, case_url

CASE_SECTIONS = (
    (
        gettext_lazy("Henvendelsen"),
        ("received_on", "received_by", "channel", "sender_type", "sender_anonymous"),
    ),
    (
        gettext_lazy("Bekymringen"),
        (
            "is_group",
            "age_at_receipt",
            "description",
            "signs",
            "extremism_type",
            "secondary_extremism_types",
            "online_element",
            "milieu_tie",
            "housing_area",
            "acute",
            "psych_vulnerability_part",
        ),
    ),
)
PERSON_FIELDS = (
    "name",
    "cpr",
    "date_of_birth",
    "gender",
    "municipality",
    "psych_vulnerability",
    "gang_fringe",
    "relative_radicalised",
    "parallel_social_case",
)


@require_http_methods(["GET", "POST"])
def edit_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = permissions.get_case_for_user(request.user, pk, perm="change_case")
    person = _editable_person(request, case)
    if request.method != "POST":
        record(
            user=request.user,
            action=AuditAction.VIEW,
            obj=case,
            person_id=case.person_id,
            purpose="redigering af sag",
        )
        case_form = CaseEditForm(instance=case, prefix="case", initial={"version": case.version})
        person_form = PersonEditForm(instance=person, prefix="person") if person else None
        return _render_edit(request, case, case_form, person_form, version=case.version)

    case_form = CaseEditForm(request.POST, instance=case, prefix="case")
    person_form = PersonEditForm(request.POST, instance=person, prefix="person") if person else None
    forms: list[BaseForm] = [form for form in (case_form, person_form) if form is not None]
    if not all([form.is_valid() for form in forms]):
        version = case_form["version"].value()
        return _render_edit(request, case, case_form, person_form, version=version, status=400)
    try:
        changed = actions.update_case(
            case=case,
            by=acting_user(request),
            fields=case_form.case_fields(),
            expected_version=case_form.cleaned_data["version"],
            person_fields=person_form.person_fields() if person_form else None,
        )
    except actions.EditConflict as conflict:
        current = conflict.current
        saved = _saved_values(current, case_form, person_form)
        return _render_edit(
            request, case, case_form, person_form, version=current.version, saved=saved, status=409
        )
    if changed:
        messages.success(request, _("Ændringerne er gemt."))
    else:
        messages.info(request, _("Der var ingen ændringer at gemme."))
    return redirect(case_url(case))


def _editable_person(request: HttpRequest, case: Case) -> Person | None:
    """The case's person, if the user may change their details (see
    `permissions.person_editable_by`)."""
    person = case.person
    if person is None or not permissions.person_editable_by(request.user, person):
        return None
    return person


def _render_edit(
    request: HttpRequest,
    case: Case,
    case_form: CaseEditForm,
    person_form: PersonEditForm | None,
    *,
    version: Any,
    saved: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    saved = saved or {}
    forms = [form for form in (person_form, case_form) if form is not None]
    context = {
        "case": case,
        "version": version,
        "person_form": person_form,
        "person_locked": case.person is not None and person_form is None,
        "person_rows": _rows(person_form, PERSON_FIELDS, saved, "person.") if person_form else [],
        "sections": [(title, _rows(case_form, names, saved, "")) for title, names in CASE_SECTIONS],
        "error_forms": forms if status == 400 else [],
        "conflict": status == 409,
    }
    return render(request, "concerns/edit.html", context, status=status)


def _rows(
    form: BaseForm, names: tuple[str, ...], saved: dict[str, str], prefix: str
) -> list[tuple[BoundField, str | None]]:
    """Each field with the saved value to show beside it (after a conflict), or None."""
    return [(form[name], saved.get(prefix + name)) for name in names]


# --- After a conflict: the saved values that differ from the user's input -----------------


def _saved_values(
    current: Case, case_form: CaseEditForm, person_form: PersonEditForm | None
) -> dict[str, str]:
    saved = {
        name: _shown(current, name)
        for name, value in case_form.case_fields().items()
        if not _same(getattr(current, name), value)
    }
    person = current.person
    if person_form is None or person is None:
        return saved
    typed = dict(person_form.cleaned_data)
    cpr = typed.pop("cpr", "")
    for name, value in typed.items():
        if not _same(getattr(person, name), value):
            saved[f"person.{name}"] = _shown(person, name)
    if cpr and lookup_hash(cpr) != person.cpr_hash:
        # Never the full number: the masked one says enough to tell them apart.
        saved["person.cpr"] = person.masked_cpr or _("Ikke oplyst")
    return saved


def _same(saved: Any, typed: Any) -> bool:
    if isinstance(saved, list) and isinstance(typed, list):
        return sorted(saved) == sorted(typed)
    return bool(saved == typed)


def _shown(obj: models.Model, name: str) -> str:
    """A saved value as the case page shows it."""
    field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if isinstance(field, ArrayField):
        labels = dict(field.base_field.choices or [])
        return ", ".join(str(labels.get(code, code)) for code in value) or _("Ingen")
    if getattr(field, "choices", None):
        return str(getattr(obj, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if value is None or value == "":
        return _("Ikke oplyst")
    if isinstance(value, date):
        return date_format(value, "d.m.Y")
    return str(value)
