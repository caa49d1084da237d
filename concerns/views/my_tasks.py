"""The task list ("Mine opgaver"): the signed-in user's follow-up actions that are
overdue or due soon, and the cases waiting on them, on cases they may still see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.log import record_many
from audit.models import AuditAction
from concerns import permissions, reminders
from concerns.models import Case, FollowUpAction


@dataclass(frozen=True)
class WaitingCase:
    """A case with at least one overdue action assigned to the user."""

    case: Case
    overdue: int
    oldest_due_on: date


@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    if not permissions.works_on_cases(request.user):
        raise Http404
    today = timezone.localdate()
    due = list(reminders.actions_due_soon(request.user, today))
    overdue = [action for action in due if _due(action) < today]
    cases = {action.case_id: action.case for action in due}
    record_many(
        user=request.user,
        action=AuditAction.LIST,
        rows=[("concerns.case", str(case.pk), case.person_id) for case in cases.values()],
        purpose="mine opgaver",
    )
    context = {
        "today": today,
        "overdue": overdue,
        "upcoming": [action for action in due if _due(action) >= today],
        "waiting": waiting_cases(overdue),
        "upcoming_days": reminders.UPCOMING_DAYS,
    }
    return render(request, "concerns/my_tasks.html", context)


def waiting_cases(overdue: list[FollowUpAction]) -> list[WaitingCase]:
    """The cases of `overdue` (sorted by due date), oldest deadline first."""
    by_case: dict[int, list[FollowUpAction]] = {}
    for action in overdue:
        by_case.setdefault(action.case_id, []).append(action)
    return [
        WaitingCase(case=actions[0].case, overdue=len(actions), oldest_due_on=_due(actions[0]))
        for actions in by_case.values()
    ]


def _due(action: FollowUpAction) -> date:
    assert action.due_on is not None  # only actions with a due date are listed
    return action.due_on
