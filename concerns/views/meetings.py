"""Meetings of a municipality's infohus: the list, scheduling, the meeting page with
its participants and agenda, and the assessment of each case on the agenda.

Only the municipality's coordinators reach these pages (`concerns.permissions`);
writes go through `concerns.actions`. Every page that shows case data writes an
audit entry for it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.log import record, record_many
from audit.models import AuditAction
from concerns import actions, permissions
from concerns.meeting_forms import (
    AgreementForm,
    AssessmentForm,
    AttachCaseForm,
    MeetingForm,
    ParticipantForm,
    RescheduleForm,
    assessment_initial,
)
from concerns.models import Assessment, Case, FollowUpAction, Meeting
from concerns.views.cases import HtmxHttpRequest, acting_user

MEETINGS_PER_PAGE = 25


def meeting_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("meetings:detail", args=[meeting.pk])
    return f"{url}#{anchor}" if anchor else url


def assessment_url(meeting: Meeting, case: Case, anchor: str = "") -> str:
    url = reverse("meetings:assessment", args=[meeting.pk, case.pk])
    return f"{url}#{anchor}" if anchor else url


# --- The list and scheduling ----------------------------------------------------------


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Upcoming meetings soonest first, then past meetings newest first (25 a page)."""
    if not permissions.can_plan_meetings(request.user):
        raise Http404
    meetings = (
        permissions.meetings_visible_to(request.user)
        .select_related("municipality")
        .annotate(case_count=Count("cases", distinct=True))
    )
    today = timezone.localdate()
    past = meetings.filter(held_on__lt=today).order_by("-held_on", "-pk")
    page = Paginator(past, MEETINGS_PER_PAGE).get_page(request.GET.get("side"))
    context = {
        "upcoming": list(meetings.filter(held_on__gte=today).order_by("held_on", "pk")),
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "past": list(page.object_list),
        "several_municipalities": permissions.municipalities_of(request.user).count() > 1,
    }
    return render(request, "concerns/meetings/list.html", context)


@require_http_methods(["GET", "POST"])
def new_meeting(request: HttpRequest) -> HttpResponse:
    if not permissions.can_plan_meetings(request.user):
        raise Http404
    municipalities = permissions.municipalities_of(request.user)
    if request.method != "POST":
        form = MeetingForm(municipalities=municipalities)
        return render(request, "concerns/meetings/new.html", {"form": form})
    form = MeetingForm(request.POST, municipalities=municipalities)
    if not form.is_valid():
        context = {"form": form, "error_forms": [form]}
        return render(request, "concerns/meetings/new.html", context, status=400)
    meeting = actions.schedule_meeting(by=acting_user(request), **form.cleaned_data)
    messages.success(request, _("Mødet er planlagt."))
    return redirect(meeting_url(meeting))


# --- The meeting page ------------------------------------------------------------------


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = permissions.get_meeting_for_user(request.user, pk)
    return render_meeting(request, meeting)


def render_meeting(
    request: HttpRequest, meeting: Meeting, *, status: int = 200, **bound: Any
) -> HttpResponse:
    """The meeting page, with `bound` forms (name → form) in place of blank ones, so
    refused input comes back with the user's text and its errors."""
    cases = agenda(meeting)
    record_many(
        user=request.user,
        action=AuditAction.LIST,
        rows=[("concerns.case", str(case.pk), case.person_id) for case in cases],
        purpose=f"dagsorden for møde {meeting.pk}",
    )
    context: dict[str, Any] = {
        "meeting": meeting,
        "cases": cases,
        "agreements": list(
            meeting.agreements.select_related("case", "assignee").order_by("due_on", "pk")
        ),
        "attach_form": bound.get("attach_form")
        or AttachCaseForm(cases=permissions.cases_attachable_to(request.user, meeting)),
        "reschedule_form": bound.get("reschedule_form") or RescheduleForm(instance=meeting),
        "error_message": bound.get("error_message", ""),
        "error_anchor": bound.get("error_anchor", ""),
    }
    context.update(participants_context(meeting, bound.get("participant_form")))
    return render(request, "concerns/meetings/detail.html", context, status=status)


def agenda(meeting: Meeting) -> list[Case]:
    """The meeting's cases by number, each marked whether the meeting assessed it or
    made agreements about it (then it stays on the agenda) and whether its person
    may be named."""
    assessed = Assessment.objects.filter(meeting=meeting, case=OuterRef("pk"))
    agreed = FollowUpAction.objects.filter(meeting=meeting, case=OuterRef("pk"))
    cases = list(
        meeting.cases.select_related("person")
        .annotate(assessed=Exists(assessed), has_agreements=Exists(agreed))
        .order_by("number")
    )
    for case in cases:
        case.show_person = permissions.agenda_shows_person(case)  # type: ignore[attr-defined]
    return cases


def participants_context(meeting: Meeting, form: ParticipantForm | None) -> dict[str, Any]:
    return {
        "meeting": meeting,
        "participants": list(meeting.participants.order_by("pk")),
        "participant_form": form or ParticipantForm(),
    }


@require_POST
def reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = permissions.get_meeting_for_user(request.user, pk)
    form = RescheduleForm(request.POST, instance=Meeting.objects.get(pk=meeting.pk))
    if not form.is_valid():
        return render_meeting(
            request, meeting, status=400, reschedule_form=form, error_anchor="moedet"
        )
    actions.reschedule_meeting(meeting=meeting, by=acting_user(request), **form.cleaned_data)
    messages.success(request, _("Mødet er ændret."))
    return redirect(meeting_url(meeting))


# --- Participants (htmx redraws just the section; without it, the whole page) -----------


@require_POST
def add_participant(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    meeting = permissions.get_meeting_for_user(request.user, pk)
    form = ParticipantForm(request.POST)
    saved = form.is_valid()
    if saved:
        actions.add_meeting_participant(
            meeting=meeting, by=acting_user(request), **form.cleaned_data
        )
    if request.htmx:
        return _participants_fragment(request, meeting, None if saved else form, saved)
    if not saved:
        return render_meeting(
            request, meeting, status=400, participant_form=form, error_anchor="deltagere"
        )
    messages.success(request, _("Deltageren er tilføjet."))
    return redirect(meeting_url(meeting, "deltagere"))


@require_POST
def remove_participant(request: HtmxHttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    meeting = permissions.get_meeting_for_user(request.user, pk)
    participant = meeting.participants.filter(pk=participant_pk).first()
    if participant is None:
        raise Http404
    actions.remove_meeting_participant(participant=participant, by=acting_user(request))
    if request.htmx:
        return _participants_fragment(request, meeting, None, saved=True)
    messages.success(request, _("Deltageren er fjernet."))
    return redirect(meeting_url(meeting, "deltagere"))


def _participants_fragment(
    request: HttpRequest, meeting: Meeting, form: ParticipantForm | None, saved: bool
) -> HttpResponse:
    context = participants_context(meeting, form)
    context["participants_saved"] = saved
    return render(
        request, "concerns/meetings/_participants.html", context, status=200 if saved else 400
    )


# --- The agenda ----------------------------------------------------------------------


@require_POST
def attach_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a case of the meeting's municipality on the agenda, chosen by number."""
    meeting = permissions.get_meeting_for_user(request.user, pk)
    cases = permissions.cases_attachable_to(request.user, meeting)
    form = AttachCaseForm(request.POST, cases=cases)
    if not form.is_valid():
        return render_meeting(request, meeting, status=400, attach_form=form, error_anchor="sager")
    case = form.cleaned_data["case"]
    actions.attach_case_to_meeting(meeting=meeting, case=case, by=acting_user(request))
    messages.success(request, _("Sag %(number)s er sat på dagsordenen.") % {"number": case.number})
    return redirect(meeting_url(meeting, "sager"))


@require_POST
def detach_case(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    meeting = permissions.get_meeting_for_user(request.user, pk)
    case = permissions.get_meeting_case_for_user(request.user, meeting, case_pk)
    if not actions.detach_case_from_meeting(meeting=meeting, case=case, by=acting_user(request)):
        message = _(
            "Sag %(number)s er vurderet eller har aftaler fra mødet og kan ikke tages af "
            "dagsordenen."
        ) % {"number": case.number}
        return render_meeting(
            request, meeting, status=400, error_message=message, error_anchor="sager"
        )
    messages.success(
        request, _("Sag %(number)s er taget af dagsordenen.") % {"number": case.number}
    )
    return redirect(meeting_url(meeting, "sager"))


# --- Assessing a case at the meeting ----------------------------------------------------


@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    """CDE's nine dimensions, in words, and the overall assessment of one case."""
    meeting = permissions.get_meeting_for_user(request.user, pk)
    case = permissions.get_meeting_case_for_user(request.user, meeting, case_pk)
    if request.method != "POST":
        return render_assessment(request, meeting, case)
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        return render_assessment(request, meeting, case, status=400, assessment_form=form)
    actions.record_assessment(
        meeting=meeting, case=case, by=acting_user(request), **form.assessment_fields()
    )
    messages.success(request, _("Vurderingen af sag %(number)s er gemt.") % {"number": case.number})
    return redirect(assessment_url(meeting, case))


@require_POST
def add_agreement(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    """An agreement about a case on the agenda: who does what, by when."""
    meeting = permissions.get_meeting_for_user(request.user, pk)
    case = permissions.get_meeting_case_for_user(request.user, meeting, case_pk, "annotate_case")
    form = agreement_form(meeting, request.POST)
    if not form.is_valid():
        return render_assessment(request, meeting, case, status=400, agreement_form=form)
    actions.record_agreement(
        meeting=meeting, case=case, by=acting_user(request), fields=form.cleaned_data
    )
    messages.success(request, _("Aftalen er gemt som en indsats på sagen."))
    return redirect(assessment_url(meeting, case, "aftaler"))


def agreement_form(meeting: Meeting, data: Any = None) -> AgreementForm:
    assignees = permissions.assignees_in(meeting.municipality)
    return AgreementForm(data, meeting=meeting, assignees=assignees)


def render_assessment(
    request: HttpRequest, meeting: Meeting, case: Case, *, status: int = 200, **bound: Any
) -> HttpResponse:
    """The assessment page, with one audited read of the case."""
    record(
        user=request.user,
        action=AuditAction.VIEW,
        obj=case,
        person_id=case.person_id,
        purpose=f"vurdering på møde {meeting.pk}",
    )
    existing = meeting.assessments.filter(case=case).first()
    form = bound.get("assessment_form") or AssessmentForm(
        initial=assessment_initial(case, existing)
    )
    agreements = list(
        meeting.agreements.filter(case=case).select_related("assignee").order_by("due_on", "pk")
    )
    context = {
        "meeting": meeting,
        "case": case,
        "assessment_exists": existing is not None,
        "form": form,
        "agreements": agreements,
        "agreement_form": bound.get("agreement_form") or agreement_form(meeting),
        "error_forms": [f for f in bound.values() if f.is_bound],
    }
    return render(request, "concerns/meetings/assessment.html", context, status=status)
