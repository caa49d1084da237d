"""Writing to a case: status, police screening, follow-up actions, notes, shares.

Each view checks the permission it needs (404 for outsiders, 403 for a visible
case without it), validates one form and calls one action. Refused input
re-renders the case page with that form bound (status 400).
"""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.log import record
from audit.models import AuditAction
from concerns import actions, permissions, workflow
from concerns.choices import Status
from concerns.forms import (
    FollowUpActionForm,
    LegalHoldForm,
    NoteCorrectionForm,
    NoteForm,
    RevealCprForm,
    RevokeShareForm,
    ScreeningForm,
    ShareForm,
    TransitionForm,
)
from concerns.models import Case
from concerns.views import action_updates
from concerns.views.cases import (
    HtmxHttpRequest,
    acting_user,
    case_url,
    detail_context,
    render_detail,
)


@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    case = permissions.get_case_for_user(request.user, pk, perm="change_case")
    form = TransitionForm(request.POST)
    if form.is_valid():
        target = form.cleaned_data["to"]
        # Only the reason that belongs to the target travels with it.
        data = workflow.TransitionInput(
            closure_reason=form.cleaned_data["closure_reason"] if target == Status.CLOSED else "",
            cancel_reason=form.cleaned_data["cancel_reason"] if target == Status.CANCELLED else "",
        )
        try:
            actions.transition_case(case=case, to=target, by=acting_user(request), data=data)
        except workflow.TransitionError as refusal:
            for message in refusal.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Sagen har nu status »%(status)s«.") % {"status": Status(target).label},
            )
            return redirect(case_url(case))
    return render_detail(request, case, status=400, error_anchor="status", transition_form=form)


@require_POST
def screening(request: HttpRequest, pk: int) -> HttpResponse:
    case = permissions.get_case_for_user(request.user, pk, perm="screen_case")
    form = ScreeningForm(request.POST)
    if not form.is_valid():
        return render_detail(
            request, case, status=400, error_anchor="vurdering", screening_form=form
        )
    actions.record_screening(
        case=case,
        by=acting_user(request),
        result=form.cleaned_data["result"],
        screened_on=form.cleaned_data["screened_on"],
    )
    messages.success(request, _("Politiets indledende vurdering er registreret."))
    return redirect(case_url(case))


@require_POST
def legal_hold(request: HttpRequest, pk: int) -> HttpResponse:
    """Set or lift a legal hold, which stops the case's retention clock."""
    case = permissions.get_case_for_user(request.user, pk, perm="change_case")
    form = LegalHoldForm(request.POST)
    if not form.is_valid():
        return render_detail(request, case, status=400, error_anchor="status", legal_hold_form=form)
    hold = form.cleaned_data["hold"]
    actions.set_legal_hold(
        case=case, by=acting_user(request), hold=hold, reason=form.cleaned_data["reason"]
    )
    if hold:
        messages.success(request, _("Sagen er sat i retligt tilbagehold og slettes ikke."))
    else:
        messages.success(request, _("Det retlige tilbagehold er ophævet."))
    return redirect(case_url(case))


@require_http_methods(["GET", "POST"])
def add_action(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: the blank form, as the case page with it open in the actions section or,
    to htmx, as that section alone. The case page itself only links here, so the
    form and its list of assignees are built when someone means to add an action."""
    case = permissions.get_case_for_user(request.user, pk, perm="annotate_case")
    if request.method != "POST":
        return action_updates.render_add_form(request, case)
    form = FollowUpActionForm(request.POST, case=case)
    if not form.is_valid():
        return render_detail(request, case, status=400, error_anchor="indsatser", action_form=form)
    actions.add_follow_up_action(case=case, by=acting_user(request), fields=form.cleaned_data)
    messages.success(request, _("Indsatsen er oprettet."))
    return redirect(case_url(case))


@require_POST
def add_note(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Add a journal entry, or a correction of one ("corrects" posted), which leaves
    the old entry in place. With htmx, only the notes and the timeline are redrawn."""
    case = permissions.get_case_for_user(request.user, pk, perm="annotate_case")
    if "corrects" in request.POST:
        return _correct_note(request, case)
    visibilities = permissions.note_visibilities(case.user_perms)  # type: ignore[attr-defined]
    form = NoteForm(request.POST, visibilities=visibilities)
    saved = form.is_valid()
    if saved:
        actions.add_note(case=case, by=acting_user(request), **form.cleaned_data)
    if request.htmx:
        return _notes_fragment(request, case, form, saved)
    if not saved:
        return render_detail(request, case, status=400, error_anchor="notater", note_form=form)
    messages.success(request, _("Notatet er gemt."))
    return redirect(case_url(case))


def _notes_fragment(request: HttpRequest, case: Case, form: NoteForm, saved: bool) -> HttpResponse:
    bound = {} if saved else {"note_form": form}
    context = detail_context(request, case, **bound)
    context["note_saved"] = saved
    # htmx swaps 400 responses too (see the htmx-config in base.html).
    return render(request, "concerns/_notes_fragment.html", context, status=200 if saved else 400)


def _correct_note(request: HtmxHttpRequest, case: Case) -> HttpResponse:
    """A correction is a new note in the old note's section, pointing at it. Only a
    note the user may read, and not corrected already, can be corrected."""
    perms = case.user_perms  # type: ignore[attr-defined]
    form = NoteCorrectionForm(request.POST, notes=permissions.notes_visible_on(case, perms))
    if form.is_valid():
        old = form.cleaned_data["corrects"]
        actions.add_note(
            case=case,
            by=acting_user(request),
            visibility=old.visibility,
            body=form.cleaned_data["body"],
            corrects=old,
        )
        if request.htmx:
            context = detail_context(request, case)
            context["note_saved"] = True
            return render(request, "concerns/_notes_fragment.html", context)
        messages.success(request, _("Rettelsen er gemt. Det oprindelige notat er bevaret."))
        return redirect(case_url(case))
    context = detail_context(request, case)
    raw_pk = request.POST.get("corrects", "")
    context["correction_form"] = form
    context["correcting_pk"] = int(raw_pk) if raw_pk.isdigit() and len(raw_pk) < 19 else None
    if request.htmx:
        return render(request, "concerns/_notes_fragment.html", context, status=400)
    context["error_anchor"] = "notater"
    return render(request, "concerns/detail.html", context, status=400)


@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    case = permissions.get_case_for_user(request.user, pk, perm="share_case")
    form = ShareForm(request.POST, case=case)
    if form.is_valid():
        try:
            actions.share_case_with_police(case=case, by=acting_user(request), **form.cleaned_data)
        except IntegrityError:
            # Two shares to the same district at the same moment: the second loses.
            form.add_error("district", _("Sagen er allerede delt med denne politikreds."))
        else:
            messages.success(
                request,
                _("Sagen er delt med %(district)s.") % {"district": form.cleaned_data["district"]},
            )
            return redirect(case_url(case))
    return render_detail(request, case, status=400, error_anchor="deling", share_form=form)


@require_POST
def revoke_share(request: HttpRequest, pk: int, share_pk: int) -> HttpResponse:
    case = permissions.get_case_for_user(request.user, pk, perm="share_case")
    share_to_revoke = case.shares.filter(pk=share_pk).first()
    if share_to_revoke is None:
        raise Http404
    form = RevokeShareForm(request.POST, share_pk=share_pk)
    if not form.is_valid():
        return render_detail(
            request,
            case,
            status=400,
            error_anchor="deling",
            revoke_form=form,
            revoke_share_pk=share_pk,
        )
    actions.revoke_share(
        share=share_to_revoke, by=acting_user(request), reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("Delingen er tilbagekaldt."))
    return redirect(case_url(case))


@require_POST
def reveal_cpr(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full CPR number once, for a stated purpose that is audited."""
    case = permissions.get_case_for_user(request.user, pk)
    form = RevealCprForm(request.POST)
    if case.person is None or not case.person.cpr_encrypted:
        raise Http404
    if not form.is_valid():
        return render_detail(
            request, case, status=400, error_anchor="personen", reveal_cpr_form=form
        )
    record(
        user=request.user,
        action=AuditAction.VIEW,
        object_type="concerns.person",
        object_id=str(case.person_id),
        person_id=case.person_id,
        purpose=f"CPR-nummer vist: {form.cleaned_data['purpose']}",
    )
    return render_detail(request, case, error_anchor="personen", revealed_cpr=case.person.cpr)
