"""Reading cases: the case page (the case list is in `concerns.views.case_list`,
the intake of a new concern in `concerns.views.intake`).

Access goes through `concerns.permissions`, writes through `concerns.actions`.
Every page that shows case or person data writes an audit entry for it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from accounts.models import User
from audit.log import record
from audit.models import AuditAction
from concerns import permissions, workflow
from concerns.choices import ClosureReason, Dimension, EventKind, ExtremismType, Sign, Status
from concerns.forms import (
    LegalHoldForm,
    NoteForm,
    RevealCprForm,
    RevokeShareForm,
    ScreeningForm,
    ShareForm,
    TransitionForm,
    police_district_options,
)
from concerns.models import Case, CaseEvent


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def acting_user(request: HttpRequest) -> User:
    """The signed-in user; permission checks have already ruled out anyone else."""
    user = request.user
    assert isinstance(user, User)
    return user


def case_url(case: Case) -> str:
    return reverse("concerns:detail", args=[case.pk])


# --- The case page -----------------------------------------------------------------------


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = permissions.get_case_for_user(
        request.user,
        pk,
        with_links=True,
        annotations={"district_options": police_district_options()},
    )
    if "stub_only" in case.user_perms:  # type: ignore[attr-defined]
        districts = [
            share.to_district.name
            for share in case.shares.select_related("to_district")
            if share.is_active
        ]
        return render(request, "concerns/stub.html", {"case": case, "districts": districts})
    return render_detail(request, case)


def render_detail(
    request: HttpRequest,
    case: Case,
    *,
    status: int = 200,
    error_anchor: str = "",
    **bound_forms: Any,
) -> HttpResponse:
    """The case page, with `bound_forms` (name → form) in place of the blank ones.

    Used by the page itself and by every write view whose input was refused, so
    the refused form comes back with the user's input and its errors.
    """
    context = detail_context(request, case, **bound_forms)
    context["error_anchor"] = error_anchor
    return render(request, "concerns/detail.html", context, status=status)


def detail_context(request: HttpRequest, case: Case, **bound_forms: Any) -> dict[str, Any]:
    """Everything the case page shows, with one audit entry for the reading."""
    perms: frozenset[str] = case.user_perms  # type: ignore[attr-defined]
    record(
        user=request.user,
        action=AuditAction.VIEW,
        obj=case,
        person_id=case.person_id,
        purpose="sagsvisning",
    )
    shares = list(case.shares.select_related("to_district", "shared_by", "revoked_by"))
    context: dict[str, Any] = {
        "case": case,
        "person": case.person,
        "perms": perms,
        "sign_labels": [Sign(value).label for value in case.signs],
        "secondary_labels": [
            ExtremismType(value).label for value in case.secondary_extremism_types
        ],
        "focus_labels": [Dimension(value).label for value in case.focus_dimensions],
        "follow_up_actions": list(case.actions.select_related("assignee")),
        "notes": permissions.journal_visible_on(case, perms),
        "case_links": permissions.case_links_visible_to(request.user, case),
        "shares": shares,
        "events": timeline(case, perms),
    }
    context.update(_detail_forms(case, perms, shares, bound_forms))
    context["revealed_cpr"] = bound_forms.get("revealed_cpr", "")
    return context


def timeline(case: Case, perms: frozenset[str]) -> list[CaseEvent]:
    """The case's events the user may see, newest first, with readable details."""
    events = list(permissions.events_visible_on(case, perms))
    for event in events:
        event.detail_label = _event_detail(event)  # type: ignore[attr-defined]
    return events


def _event_detail(event: CaseEvent) -> str:
    # A closing transition stores the closure reason's code as its detail.
    closing = event.kind == EventKind.TRANSITION and event.to_status == Status.CLOSED
    if closing and event.detail in ClosureReason.values:
        return str(ClosureReason(event.detail).label)
    return event.detail


def _detail_forms(
    case: Case, perms: frozenset[str], shares: list[Any], bound: dict[str, Any]
) -> dict[str, Any]:
    """The forms the user's permissions allow, blank unless a bound one is given."""
    forms: dict[str, Any] = {}
    if "change_case" in perms:
        targets = workflow.allowed_targets(case.status)
        forms["transition_form"] = bound.get("transition_form") or TransitionForm()
        # Closing and cancelling each need a reason, so each gets a form of its own.
        forms["transition_targets"] = [
            (value, Status(value).label)
            for value in targets
            if value not in (Status.CLOSED, Status.CANCELLED)
        ]
        forms["can_close"] = Status.CLOSED in targets
        forms["can_cancel"] = Status.CANCELLED in targets
        forms["legal_hold_form"] = bound.get("legal_hold_form") or LegalHoldForm(
            initial={"hold": "off" if case.legal_hold else "on"}
        )
    if "view_case" in perms and case.person is not None and case.person.cpr_encrypted:
        forms["reveal_cpr_form"] = bound.get("reveal_cpr_form") or RevealCprForm()
    if "screen_case" in perms:
        forms["screening_form"] = bound.get("screening_form") or ScreeningForm()
    if "annotate_case" in perms:
        # The page links to the blank form (concerns:add_action); only refused input
        # comes back in place.
        if "action_form" in bound:
            forms["action_form"] = bound["action_form"]
        forms["note_form"] = bound.get("note_form") or NoteForm(
            visibilities=permissions.note_visibilities(perms)
        )
    if "share_case" in perms:
        active = [share for share in shares if share.is_active]
        if not active or "share_form" in bound:
            forms["share_form"] = bound.get("share_form") or ShareForm(
                case=case, districts=getattr(case, "district_options", None)
            )
        refused = bound.get("revoke_form")
        forms["revoke_forms"] = [
            (
                share,
                refused
                if refused is not None and bound.get("revoke_share_pk") == share.pk
                else RevokeShareForm(share_pk=share.pk),
            )
            for share in active
        ]
    return forms
