import logging

from celery import shared_task
from django.utils import timezone

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
