"""Checking the audit trail's hash chains (written by the triggers of migrations
0003 and 0005).

Each log (read, activity) is one chain. The read log's chain may start after a purge:
then its first entry follows the hash recorded by the latest ReadLogPurge."""

from dataclasses import dataclass

from django.db import connection

_LINKS = """
    WITH anchor AS (
        SELECT up_to_seq AS seq, up_to_hash AS hash
          FROM audit_readlogpurge ORDER BY up_to_seq DESC LIMIT 1
    )
    SELECT id, log, chain_seq, before_seq
      FROM (
        SELECT e.id, e.log, e.chain_seq, e.chain_hash,
               coalesce(lag(e.chain_seq) OVER w,
                        CASE WHEN e.log = 'read' THEN (SELECT seq FROM anchor) END, 0)
                   AS before_seq,
               encode(sha256(convert_to(
                   coalesce(lag(e.chain_hash) OVER w,
                            CASE WHEN e.log = 'read' THEN (SELECT hash FROM anchor) END, '')
                   || audit_row_text(e), 'UTF8')), 'hex') AS expected
          FROM audit_auditentry e
        WINDOW w AS (PARTITION BY e.log ORDER BY e.chain_seq)
      ) AS links
     WHERE chain_hash <> expected
        OR chain_seq <> before_seq + 1
     ORDER BY log, chain_seq
"""

# The newest entry of each log must be the one its chain head names.
_HEADS = """
    SELECT h.log, h.last_seq, last.chain_seq
      FROM audit_chainhead h
      LEFT JOIN LATERAL (
          SELECT chain_seq, chain_hash FROM audit_auditentry e
           WHERE e.log = h.log ORDER BY chain_seq DESC LIMIT 1
      ) AS last ON true
     WHERE last.chain_seq IS DISTINCT FROM h.last_seq
        OR last.chain_hash IS DISTINCT FROM h.last_hash
"""


@dataclass(frozen=True)
class BrokenLink:
    log: str
    entry_id: int | None
    chain_seq: int
    reason: str


def broken_links() -> list[BrokenLink]:
    """Every entry whose hash does not follow from its predecessor or that follows a
    gap (a deleted entry), and every log whose newest entries are missing. Empty when
    the trail is intact."""
    with connection.cursor() as cursor:
        cursor.execute(_LINKS)
        links = cursor.fetchall()
        cursor.execute(_HEADS)
        heads = cursor.fetchall()
    broken = [
        BrokenLink(
            log=log,
            entry_id=entry_id,
            chain_seq=seq,
            reason=f"gap after {before_seq}" if seq != before_seq + 1 else "changed",
        )
        for entry_id, log, seq, before_seq in links
    ]
    broken += [
        BrokenLink(
            log=log,
            entry_id=None,
            chain_seq=head_seq,
            reason=f"the log ends at {last_seq or 0}, its chain head at {head_seq}",
        )
        for log, head_seq, last_seq in heads
        # A read log purged to the end legitimately holds no entries.
        if not (last_seq is None and _purged_to(log, head_seq))
    ]
    return broken


def _purged_to(log: str, seq: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM audit_readlogpurge WHERE %s = 'read' AND up_to_seq = %s", [log, seq]
        )
        return cursor.fetchone() is not None
