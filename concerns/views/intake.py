"""Recording a new concern, in steps a coordinator can fill in during a phone call,
with a check for a person who is registered already.

The intake is one form posted once; its steps are headed sections of one page, so
it works without JavaScript. The duplicate check runs twice: as an htmx request
while the person's details are typed (`check_duplicates`), and again on submit,
where an unresolved match sends the form back (400) with the choice to make.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from concerns import actions, duplicates, permissions
from concerns.forms import CaseForm, DuplicateChoiceForm, PersonForm
from concerns.models import Case
from concerns.views.cases import acting_user, case_url


@dataclass(frozen=True)
class Step:
    anchor: str
    title: str | Promise
    has_errors: bool = False


# Which fields each step holds (the template lays them out in this order).
RECEIPT_FIELDS = (
    "municipality",
    "received_on",
    "received_by",
    "channel",
    "sender_type",
    "sender_anonymous",
)
PERSON_CASE_FIELDS = ("is_group", "age_at_receipt")
STEP_TITLES = (
    ("trin-henvendelsen", gettext_lazy("Henvendelsen")),
    ("trin-personen", gettext_lazy("Personen")),
    ("trin-bekymringen", gettext_lazy("Bekymringen")),
    ("trin-opsummering", gettext_lazy("Opsummering")),
)


@require_http_methods(["GET", "POST"])
def new_concern(request: HttpRequest) -> HttpResponse:
    """Intake of a concern: the person (new, registered, or none for a group) and the case."""
    if not permissions.can_record_concern(request.user):
        raise Http404
    municipalities = permissions.municipalities_of(request.user)
    if request.method != "POST":
        case_form = CaseForm(prefix="case", municipalities=municipalities)
        person_form = PersonForm(prefix="person")
        return _render_new(request, case_form, person_form)

    case_form = CaseForm(request.POST, prefix="case", municipalities=municipalities)
    person_form = PersonForm(request.POST, prefix="person", optional=case_form.is_group_checked())
    valid = [form.is_valid() for form in (person_form, case_form)]
    matches = _matches(request.user, person_form)
    choice_form = DuplicateChoiceForm(request.POST, prefix="person", matches=matches)
    # Without a match there is nothing to choose, whatever was posted.
    chosen = not matches or choice_form.is_valid()
    if not (all(valid) and chosen):
        return _render_new(request, case_form, person_form, choice_form, status=400)
    linked = choice_form.linked() if matches else None
    case = _record(acting_user(request), case_form, person_form, linked)
    messages.success(
        request, _("Bekymringen er registreret som sag %(number)s.") % {"number": case.number}
    )
    return redirect(case_url(case))


def _record(
    user: User, case_form: CaseForm, person_form: PersonForm, linked: duplicates.Match | None
) -> Case:
    if linked is None:
        return actions.record_concern(
            by=user,
            municipality=case_form.cleaned_data["municipality"],
            case_fields=case_form.case_fields(),
            person_fields=person_form.person_fields(),
        )
    return actions.record_concern(
        by=user,
        municipality=case_form.cleaned_data["municipality"],
        case_fields=case_form.case_fields(),
        person=linked.person,
        previous_case=linked.previous_case,
    )


@require_POST
def check_duplicates(request: HttpRequest) -> HttpResponse:
    """The htmx check while the person's details are typed: the registered persons
    they may describe, with the choice to link. Answers the same for no match as for
    a person the user may not know of (see `concerns.duplicates`)."""
    if not permissions.can_record_concern(request.user):
        raise Http404
    person_form = PersonForm(request.POST, prefix="person", optional=True)
    person_form.is_valid()  # only the name, CPR number and birth date are used
    matches = _matches(request.user, person_form)
    chosen = request.POST.get("person-link", "")
    choice_form = DuplicateChoiceForm(prefix="person", matches=matches, initial={"link": chosen})
    return render(request, "concerns/_duplicates.html", _duplicates_context(request, choice_form))


def _matches(user: permissions.AnyUser, person_form: PersonForm) -> list[duplicates.Match]:
    """The registered persons the validated details may describe."""
    cleaned = person_form.cleaned_data
    return duplicates.find_matches(
        user,
        cpr=cleaned.get("cpr") or "",
        name=cleaned.get("name") or "",
        date_of_birth=cleaned.get("date_of_birth"),
    )


def _duplicates_context(
    request: HttpRequest, choice_form: DuplicateChoiceForm
) -> dict[str, object]:
    """What _duplicates.html shows; every case in it is written to the read log."""
    duplicates.record_shown(request.user, choice_form.matches)
    field = choice_form["link"]
    options = list(field)
    return {
        "choice_form": choice_form,
        "link_field": field,
        "offers": list(zip(choice_form.matches, options, strict=False)),
        "new_option": options[-1],
    }


def _render_new(
    request: HttpRequest,
    case_form: CaseForm,
    person_form: PersonForm,
    choice_form: DuplicateChoiceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    refused = status == 400
    forms: list[BaseForm] = [person_form, case_form]
    if choice_form is not None and choice_form.matches:
        forms.append(choice_form)
    context: dict[str, object] = {
        "case_form": case_form,
        "person_form": person_form,
        "error_forms": forms if refused else [],
        "steps": _steps(case_form, person_form, choice_form) if refused else _steps(),
    }
    if choice_form is not None and choice_form.matches:
        context.update(_duplicates_context(request, choice_form))
    return render(request, "concerns/new.html", context, status=status)


def _steps(
    case_form: CaseForm | None = None,
    person_form: PersonForm | None = None,
    choice_form: DuplicateChoiceForm | None = None,
) -> list[Step]:
    """The steps for the step indicator, each marked if a field in it was refused."""
    if case_form is None or person_form is None:
        return [Step(anchor, title) for anchor, title in STEP_TITLES]
    case_errors = set(case_form.errors)
    receipt = bool(case_errors & set(RECEIPT_FIELDS))
    person = bool(person_form.errors or case_errors & set(PERSON_CASE_FIELDS))
    person = person or bool(choice_form is not None and choice_form.matches and choice_form.errors)
    concern = bool(case_errors - set(RECEIPT_FIELDS) - set(PERSON_CASE_FIELDS))
    flags = (receipt, person, concern, False)
    return [
        Step(anchor, title, has_errors=flag)
        for (anchor, title), flag in zip(STEP_TITLES, flags, strict=True)
    ]
