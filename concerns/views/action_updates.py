"""Updating a follow-up action: status, outcome, consent, due date and assignee;
and showing the blank form for a new one (`render_add_form`, for
case_updates.add_action), which opens the same ways.

One URL (/sager/<pk>/indsatser/<action_pk>/) serves the form: as the case page
with the form open in its actions section, or, to htmx, as that section alone,
which the case page swaps in place. A save goes through
`actions.update_follow_up_action`, which refuses to write over a change made since
the form was opened: the user's input then comes back with the current values
beside it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from audit.log import record
from audit.models import AuditAction
from concerns import actions, permissions
from concerns.forms import ActionUpdateForm, FollowUpActionForm
from concerns.models import Case, FollowUpAction
from concerns.views.cases import (
    HtmxHttpRequest,
    acting_user,
    case_url,
    detail_context,
    render_detail,
    timeline,
)


@require_http_methods(["GET", "POST"])
def edit_action(request: HtmxHttpRequest, pk: int, action_pk: int) -> HttpResponse:
    case = permissions.get_case_for_user(request.user, pk, perm="annotate_case")
    action = get_object_or_404(case.actions.select_related("assignee"), pk=action_pk)
    assignees = list(permissions.action_assignees(case))
    if request.method != "POST":
        state = {"state": actions.action_state(action)}
        form = ActionUpdateForm(action=action, assignees=assignees, initial=state)
        return _render(request, case, action, form)
    form = ActionUpdateForm(request.POST, action=action, assignees=assignees)
    if not form.is_valid():
        return _render(request, case, action, form, status=400)
    try:
        changed = actions.update_follow_up_action(
            action=action,
            by=acting_user(request),
            fields=form.changes(),
            expected_state=form.cleaned_data["state"],
        )
    except actions.ActionConflict as conflict:
        return _conflict(request, case, conflict.current, assignees)
    return _saved(request, case, saved=bool(changed))


def _conflict(
    request: HtmxHttpRequest, case: Case, current: FollowUpAction, assignees: list[User]
) -> HttpResponse:
    """The user's input again, now checked against the current action, with the
    current values shown; saving once more overwrites them knowingly."""
    data = request.POST.copy()
    data["state"] = actions.action_state(current)
    form = ActionUpdateForm(data, action=current, assignees=assignees)
    form.is_valid()
    form.add_error(
        None,
        _(
            "Indsatsen er blevet ændret af en anden, efter du åbnede den, og dine ændringer "
            "er ikke gemt. Sammenlign med de nuværende oplysninger herunder, og gem igen, "
            "hvis dine ændringer stadig skal med."
        ),
    )
    # htmx swaps refused input only when it answers 400 (see base.html).
    status = 400 if request.htmx else 409
    return _render(request, case, current, form, status=status, conflict=current)


def _render(
    request: HtmxHttpRequest,
    case: Case,
    action: FollowUpAction,
    form: ActionUpdateForm,
    *,
    status: int = 200,
    conflict: FollowUpAction | None = None,
) -> HttpResponse:
    edit = {"action_edit_form": form, "editing_action": action, "action_conflict": conflict}
    if request.htmx:
        context = {**_section_context(request, case), **edit}
        return render(request, "concerns/_actions.html", context, status=status)
    # Without JavaScript: the whole case page, with the form open where the action is.
    context = {**detail_context(request, case), **edit}
    context["error_anchor"] = "indsats-redigering" if status != 200 else ""
    return render(request, "concerns/detail.html", context, status=status)


def render_add_form(request: HtmxHttpRequest, case: Case) -> HttpResponse:
    """The blank form for a new action (see case_updates.add_action, which saves it)."""
    form = FollowUpActionForm(case=case)
    if request.htmx:
        context = {**_section_context(request, case), "action_form": form}
        return render(request, "concerns/_actions.html", context)
    return render_detail(request, case, action_form=form)


def _saved(request: HtmxHttpRequest, case: Case, *, saved: bool) -> HttpResponse:
    message = _("Indsatsen er opdateret.") if saved else _("Der var ingen ændringer at gemme.")
    if not request.htmx:
        messages.success(request, message)
        return redirect(f"{case_url(case)}#indsatser")
    # The actions section, and the timeline with the new event out of band.
    context = _section_context(request, case)
    context["action_saved_message"] = message
    perms: frozenset[str] = case.user_perms  # type: ignore[attr-defined]
    timeline_context = {"events": timeline(case, perms), "oob": True}
    html = render_to_string("concerns/_actions.html", context, request) + render_to_string(
        "concerns/_timeline.html", timeline_context, request
    )
    return HttpResponse(html)


def _section_context(request: HtmxHttpRequest, case: Case) -> dict[str, Any]:
    """The case's actions, as the actions section shows them; the reading is audited."""
    record(
        user=request.user,
        action=AuditAction.VIEW,
        obj=case,
        person_id=case.person_id,
        purpose="indsatser vist",
    )
    return {
        "case": case,
        "perms": case.user_perms,  # type: ignore[attr-defined]
        "follow_up_actions": list(case.actions.select_related("assignee")),
    }
