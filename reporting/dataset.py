"""A fingerprint of the data a report was computed from.

`dataset_sha256` is a SHA-256 over a canonical text of the facts: a header naming
the format and the fields, then one JSON array per fact with the values in field
order, the lines sorted. The order the facts came in does not matter; any other
difference in the facts gives another hash. Printed in the PDF and stored on the
report job, it shows whether two reports counted the same concerns: a report made
again after its cases were anonymised or deleted must show the same hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date

from django.db import connection

from reporting import tally
from reporting.facts import FACT_FIELDS, CaseFact

# Part of the hashed text: a change of how it is written is a new format.
FORMAT = "infohus-case-facts/2"


def _line(values: object) -> str:
    # Facts hold only str, int, bool, None and tuples of str; anything else fails
    # loudly here.
    return json.dumps(values, ensure_ascii=True, separators=(",", ":"))


def canonical_lines(facts: Iterable[CaseFact]) -> list[str]:
    """The text that is hashed, one line each: the header, then the facts sorted."""
    header = _line({"format": FORMAT, "fields": FACT_FIELDS})
    rows = sorted(_line([getattr(fact, name) for name in FACT_FIELDS]) for fact in facts)
    return [header, *rows]


def dataset_sha256(facts: Iterable[CaseFact]) -> str:
    """The SHA-256, in hex, of the facts' canonical text."""
    digest = hashlib.sha256()
    for line in canonical_lines(facts):
        digest.update(line.encode("ascii") + b"\n")
    return digest.hexdigest()


# One fact's line of canonical_lines, written by PostgreSQL: the same JSON, without
# spaces, for the codes (ASCII), numbers, booleans and the array the facts hold.
_LINE_SQL = (
    "'[' || concat_ws(',', "
    + ", ".join(
        {
            "year": "year::text",
            "days_to_assessment": "coalesce(days_to_assessment::text, 'null')",
            "action_types": "array_to_json(action_types)::text",
        }.get(name, f"to_json({name})::text")
        for name in FACT_FIELDS
    )
    + ") || ']'"
)
_HASH_SQL = (  # only constant names are formatted in
    f"""
    SELECT encode(sha256(convert_to(
               %s || coalesce(string_agg(line || E'\\n', '' ORDER BY line COLLATE "C"), ''),
               'UTF8')), 'hex')
      FROM (SELECT {_LINE_SQL} AS line FROM reporting_statfact WHERE {{where}}) AS facts
"""  # noqa: S608  # nosec B608
)


def dataset_sha256_in(start: date, end: date, scope: str) -> str:
    """`dataset_sha256` of the facts `facts.case_facts(start, end, scope)` returns,
    computed by the database in one query, without fetching the facts."""
    where, params = tally.facts_where(start, end, scope)
    header = _line({"format": FORMAT, "fields": FACT_FIELDS}) + "\n"
    with connection.cursor() as cursor:
        cursor.execute(_HASH_SQL.format(where=where), [header, *params])
        (digest,) = cursor.fetchone()
    return str(digest)
