import logging

from celery import shared_task
from django.utils import timezone

from concerns.reminders import send_overdue_reminders
from concerns.retention import apply_retention as apply

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def apply_retention() -> None:
    """Nightly (beat): anonymise every case whose retention period has run out."""
    outcomes = apply(timezone.localdate())
    failed = [outcome for outcome in outcomes if outcome.error]
    logger.info(
        "retention applied",
        extra={"anonymised": len(outcomes) - len(failed), "failed": len(failed)},
    )


@shared_task(ignore_result=True)
def send_action_reminders() -> None:
    """Daily (beat): one e-mail to each user with overdue follow-up actions."""
    run = send_overdue_reminders(timezone.localdate())
    logger.info(
        "action reminders sent",
        extra={"sent": run.sent, "skipped": run.skipped, "failed": run.failed},
    )
