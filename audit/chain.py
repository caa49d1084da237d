"""Checking the audit trail's hash chain (written by the trigger in migration 0002)."""

from dataclasses import dataclass

from django.db import connection

_CHECK = """
    SELECT id, chain_seq, prev_seq
      FROM (
        SELECT e.id, e.chain_seq, e.chain_hash,
               lag(e.chain_seq) OVER w AS prev_seq,
               encode(sha256(convert_to(
                   coalesce(lag(e.chain_hash) OVER w, '') || audit_row_text(e), 'UTF8')), 'hex')
                   AS expected
          FROM audit_auditentry e
        WINDOW w AS (ORDER BY e.chain_seq)
      ) AS links
     WHERE chain_hash <> expected
        OR chain_seq <> coalesce(prev_seq, 0) + 1
     ORDER BY chain_seq
"""


@dataclass(frozen=True)
class BrokenLink:
    entry_id: int
    chain_seq: int
    reason: str


def broken_links() -> list[BrokenLink]:
    """Every entry whose hash does not follow from its predecessor, or that follows
    a gap in the sequence (a deleted entry). Empty when the trail is intact."""
    with connection.cursor() as cursor:
        cursor.execute(_CHECK)
        rows = cursor.fetchall()
    return [
        BrokenLink(
            entry_id=entry_id,
            chain_seq=seq,
            reason=f"gap after {prev_seq}" if seq != (prev_seq or 0) + 1 else "changed",
        )
        for entry_id, seq, prev_seq in rows
    ]
