"""Which ended cases are due for anonymisation, and by which rule.

A case's clock starts on the day it left the open statuses (`closed_on`). It is due
`years_after_closure` years later, or `unfounded_months` months later when it was
closed as an unfounded concern or cancelled. A legal hold stops the clock; the
municipality's RetentionPolicy, or else the defaults in settings, set the periods.
The anonymisation itself is `concerns.actions.anonymise_case`.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q, QuerySet

from concerns.choices import ClosureReason, Status
from concerns.models import OPEN_STATUSES, Case, DeletionReceipt, RetentionPolicy

logger = logging.getLogger(__name__)

# Closed as unfounded, or cancelled (registered in error): the shorter period applies.
SHORT = Q(closure_reason=ClosureReason.UNFOUNDED) | Q(status=Status.CANCELLED)


@dataclass(frozen=True)
class Rule:
    years_after_closure: int
    unfounded_months: int

    def describe(self, case: Case) -> str:
        if case.closure_reason == ClosureReason.UNFOUNDED or case.status == Status.CANCELLED:
            return f"{self.unfounded_months} måneder efter afslutning (ubegrundet/annulleret)"
        return f"{self.years_after_closure} år efter afslutning"

    def due(self, today: date) -> Q:
        return (SHORT & Q(closed_on__lte=months_before(today, self.unfounded_months))) | (
            ~SHORT & Q(closed_on__lte=months_before(today, 12 * self.years_after_closure))
        )


def default_rule() -> Rule:
    return Rule(settings.RETENTION_YEARS, settings.RETENTION_UNFOUNDED_MONTHS)


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day if it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def rules() -> dict[int, Rule]:
    """Municipality id → its own rule, for municipalities that have one."""
    return {
        policy.municipality_id: Rule(policy.years_after_closure, policy.unfounded_months)
        for policy in RetentionPolicy.objects.all()
    }


def rule_for(case: Case, own_rules: dict[int, Rule]) -> Rule:
    return own_rules.get(case.municipality_id) or default_rule()


def due_cases(today: date, own_rules: dict[int, Rule] | None = None) -> QuerySet[Case]:
    """Ended, not held, not yet anonymised cases whose period has run out by `today`.
    One query, whatever the number of municipalities: they are grouped by rule."""
    own_rules = rules() if own_rules is None else own_rules
    by_rule: dict[Rule, list[int]] = {}
    for municipality_id, rule in own_rules.items():
        by_rule.setdefault(rule, []).append(municipality_id)
    conditions = [Q(municipality_id__in=ids) & rule.due(today) for rule, ids in by_rule.items()]
    conditions.append(~Q(municipality_id__in=list(own_rules)) & default_rule().due(today))
    return (
        Case.objects.exclude(status__in=OPEN_STATUSES)
        .filter(closed_on__isnull=False, anonymised_on__isnull=True, legal_hold=False)
        .filter(reduce(or_, conditions))
        .select_related("municipality")
        .order_by("closed_on", "pk")
    )


@dataclass(frozen=True)
class Outcome:
    case_number: str
    rule: str
    receipt: DeletionReceipt | None
    error: str = ""


def apply_retention(today: date, *, dry_run: bool = False) -> list[Outcome]:
    """Anonymise every due case, each in its own transaction, so one failure neither
    undoes nor stops the others; a failed case is logged and retried next night."""
    from concerns.actions import anonymise_case

    own_rules = rules()
    outcomes = []
    for case in due_cases(today, own_rules).iterator(chunk_size=500):
        rule = rule_for(case, own_rules).describe(case)
        if dry_run:
            outcomes.append(Outcome(case.number, rule, None))
            continue
        try:
            receipt = anonymise_case(case_id=case.pk, today=today, rule=rule)
        except Exception as exc:  # noqa: BLE001 - reported per case, the run goes on
            logger.exception("retention failed", extra={"case_id": case.pk})
            outcomes.append(Outcome(case.number, rule, None, error=type(exc).__name__))
            continue
        outcomes.append(Outcome(case.number, rule, receipt))
    return outcomes
