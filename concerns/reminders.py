"""Which follow-up actions are due, for whom, and the daily reminder e-mail.

An action counts while it is unfinished (planned or in progress), has a due date
and an assignee, and its case is still open and visible to the assignee
(`permissions.cases_visible_to`): a revoked share, a closed case or a lost
membership ends both the listing in "Mine opgaver" and the reminders.

The e-mail names case numbers, action types and due dates only: no person names,
CPR numbers or free text leave the system by mail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from audit.log import record_many
from audit.models import AuditAction
from concerns import permissions
from concerns.models import OPEN_ACTION_STATUSES, OPEN_STATUSES, FollowUpAction, ReminderSent

logger = logging.getLogger(__name__)

# "Mine opgaver" looks this many days ahead.
UPCOMING_DAYS = 14
REMINDER_PURPOSE = "påmindelse om overskredne indsatser"


def due_actions() -> QuerySet[FollowUpAction]:
    """Every unfinished action with a due date, on an open case."""
    return FollowUpAction.objects.filter(
        status__in=OPEN_ACTION_STATUSES,
        due_on__isnull=False,
        case__status__in=OPEN_STATUSES,
    )


def assigned_actions(user: permissions.AnyUser) -> QuerySet[FollowUpAction]:
    """The user's unfinished actions with a due date, on open cases they may still see."""
    worker = permissions.case_worker(user)
    if worker is None:
        return FollowUpAction.objects.none()
    return due_actions().filter(assignee=worker, case__in=permissions.cases_visible_to(worker))


def overdue_actions(user: permissions.AnyUser, today: date) -> QuerySet[FollowUpAction]:
    return (
        assigned_actions(user)
        .filter(due_on__lt=today)
        .select_related("case")
        .order_by("due_on", "case__number", "pk")
    )


def actions_due_soon(user: permissions.AnyUser, today: date) -> QuerySet[FollowUpAction]:
    """Overdue actions and those due within UPCOMING_DAYS, in one query."""
    return (
        assigned_actions(user)
        .filter(due_on__lte=today + timedelta(days=UPCOMING_DAYS))
        .select_related("case")
        .order_by("due_on", "case__number", "pk")
    )


# --- The daily reminder -----------------------------------------------------------------


@dataclass
class ReminderRun:
    """What one run did, in counts only (they are logged)."""

    sent: int = 0
    skipped: int = 0
    failed: int = 0


def send_overdue_reminders(today: date) -> ReminderRun:
    """Send every user with an overdue action one e-mail listing those actions.

    Users without an e-mail address, and inactive users, are skipped. Each case
    named in a mail gets an audit entry for its recipient, as a list would.
    """
    run = ReminderRun()
    assignees = due_actions().filter(due_on__lt=today, assignee__isnull=False).values("assignee")
    for user in User.objects.filter(pk__in=assignees).order_by("pk"):
        if not user.is_active or not user.email:
            run.skipped += 1
            continue
        if ReminderSent.objects.filter(user=user, day=today).exists():
            continue  # a repeated or retried run: already reminded today
        actions = list(overdue_actions(user, today))
        if not actions:  # none on a case the user may still see
            continue
        try:
            _reminder(user, actions).send()
        except OSError:  # SMTP errors included: one failure must not stop the rest
            logger.exception("action reminder not sent", extra={"user_id": user.pk})
            run.failed += 1
            continue
        ReminderSent.objects.get_or_create(user=user, day=today)
        cases = {action.case_id: action.case for action in actions}
        record_many(
            user=user,
            action=AuditAction.LIST,
            rows=[("concerns.case", str(case.pk), case.person_id) for case in cases.values()],
            purpose=REMINDER_PURPOSE,
        )
        run.sent += 1
    return run


def _reminder(user: User, actions: list[FollowUpAction]) -> EmailMessage:
    # Sent from a worker, outside any request: in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Infohus: indsatser med overskredet frist")
        body = render_to_string("emails/action_reminder.txt", {"actions": actions})
    return EmailMessage(subject=subject, body=body, to=[user.email])
