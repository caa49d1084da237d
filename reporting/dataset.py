"""A fingerprint of the data a report was computed from.

`dataset_sha256` is a SHA-256 over a canonical text of the facts. Each fact is
written as one line, the JSON array of its values in field order, and hashed
with SHA-256; the hashed text is a header naming the format and the fields, then
the number of facts and the sums of their line digests, each digest read as four
signed 64-bit integers. The order the facts came in does not matter, nor does
anything need sorting; adding, removing or changing any fact changes the sums,
so gives another hash. Printed in the PDF and stored on the report job, it shows
whether two reports counted the same concerns: a report made again after its
cases were anonymised or deleted must show the same hash.

The database keeps each fact's digest (`StatFact.digest`), so `dataset_sha256_in`
is one summing scan of the period's facts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import date

from django.db import connection

from reporting import tally
from reporting.facts import FACT_FIELDS, CaseFact
from reporting.models import DIGESTED

# Part of the hashed text: a change of how it is written is a new format.
FORMAT = "infohus-case-facts/3"
# The database digests the fields in this order (migration 0006).
assert DIGESTED == FACT_FIELDS, "StatFact.digest and CaseFact disagree on the fields"


def _line(values: object) -> str:
    # Facts hold only str, int, bool, None and tuples of str; anything else fails
    # loudly here.
    return json.dumps(values, ensure_ascii=True, separators=(",", ":"))


def fact_line(fact: CaseFact) -> str:
    return _line([getattr(fact, name) for name in FACT_FIELDS])


def line_digest(line: str) -> tuple[int, int, int, int]:
    """The SHA-256 of a line as four signed 64-bit integers, big-endian: the
    database's `reporting_fact_digest`."""
    digest = hashlib.sha256(line.encode("ascii")).digest()
    parts = (int.from_bytes(digest[i : i + 8], "big", signed=True) for i in range(0, 32, 8))
    return tuple(parts)  # type: ignore[return-value]


def fingerprint(count: int, sums: Sequence[int]) -> str:
    """The SHA-256, in hex, of the header, the number of facts and the digest sums."""
    header = _line({"format": FORMAT, "fields": FACT_FIELDS})
    text = f"{header}\n{count}\n" + "".join(f"{total}\n" for total in sums)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def dataset_sha256(facts: Iterable[CaseFact]) -> str:
    """The fingerprint of the facts, counted in Python."""
    count, sums = 0, [0, 0, 0, 0]
    for fact in facts:
        count += 1
        for i, part in enumerate(line_digest(fact_line(fact))):
            sums[i] += part
    return fingerprint(count, sums)


_SUMS_SQL = """
    SELECT count(*), coalesce(sum(digest[1]), 0), coalesce(sum(digest[2]), 0),
           coalesce(sum(digest[3]), 0), coalesce(sum(digest[4]), 0)
      FROM reporting_statfact
     WHERE {where}
"""


def dataset_sha256_in(start: date, end: date, scope: str) -> str:
    """`dataset_sha256` of the facts `facts.case_facts(start, end, scope)` returns,
    from the digests the database keeps, in one query without fetching the facts."""
    where, params = tally.facts_where(start, end, scope)
    with connection.cursor() as cursor:
        cursor.execute(_SUMS_SQL.format(where=where), params)
        count, *sums = cursor.fetchone()
    return fingerprint(count, [int(total) for total in sums])
