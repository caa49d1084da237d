"""Purging the read log once its retention period has passed."""

from django.conf import settings
from django.db import connection, transaction


def purge_read_log(months: int | None = None) -> int:
    """Delete read-log entries older than `months` (default AUDIT_READ_LOG_MONTHS).

    The deletion happens in the database function `audit_purge_read_log` (migration
    0003), which runs with the schema owner's rights, refuses to keep less than 30
    days and records where the remaining chain starts. Returns how many went."""
    months = settings.AUDIT_READ_LOG_MONTHS if months is None else months
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT audit_purge_read_log(make_interval(months => %s))", [months])
        (purged,) = cursor.fetchone() or (0,)
    return int(purged)
