import logging

from celery import shared_task

from audit.purge import purge_read_log as purge

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def purge_read_log() -> None:
    """Nightly (beat): drop read-log entries older than AUDIT_READ_LOG_MONTHS."""
    purged = purge()
    logger.info("read log purged", extra={"purged": purged})
