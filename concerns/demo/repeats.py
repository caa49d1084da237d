"""Repeat concerns: a new concern about someone whose earlier case has ended.

Linking looks, for each of a million plans, for the ended cases of its municipality
that ended long enough before; `EndedCases` answers that in O(log n) where a scan of
the list took time in proportion to it.
"""

from __future__ import annotations

import bisect
import heapq
import random
from collections import Counter
from datetime import date, timedelta

from concerns import choices as c
from concerns.demo.walk import CasePlan

S = c.Status


REPEAT_GAP = timedelta(days=30)


def link_repeat_concerns(rng: random.Random, plans: list[CasePlan]) -> None:
    """About one in twenty-five concerns is about someone whose earlier case in the same
    municipality has ended: it reuses that person and points at the old case.

    The candidates are the municipality's ended cases about one person, in the order
    they were added, that ended more than REPEAT_GAP before the new concern came in."""
    sizes = Counter(plan.municipality_code for plan in plans)
    ended: dict[str, EndedCases] = {}
    for index, plan in enumerate(plans):
        if plan.person_fields is None:
            continue
        pool = ended.get(plan.municipality_code)
        before = plan.received_on - REPEAT_GAP
        candidates = pool.count_ended_before(before) if pool is not None else 0
        if pool is not None and candidates and rng.random() < 0.07:
            # Drawn as rng.choice draws from a list of the candidates.
            earlier = pool.take(rng.choice(range(candidates)), before)
            link(plans, earlier=earlier, later=index)
        elif plan.status in (S.CLOSED, S.REFERRED_ELSEWHERE):
            if pool is None:
                pool = ended[plan.municipality_code] = EndedCases(sizes[plan.municipality_code])
            pool.append(index, plan.ended_on)


class EndedCases:
    """One municipality's ended cases in the order they were added, from which the
    k-th of those that ended before a given day is found, and taken, in O(log n).

    The day asked about mostly moves on, and at times back a day or two (plans are in
    order of recording, not of receipt). So a case is admitted once, when the day
    asked about first passes its end day; admitted in order of end day, the cases
    that ended on or after the day asked about now are the short tail of that order.
    """

    def __init__(self, capacity: int) -> None:
        self.index: list[int] = []  # plan index by position (the order of adding)
        self.waiting: list[tuple[int, int]] = []  # min-heap of (end day, position)
        self.admitted_days: list[int] = []  # end days in order of admission: sorted
        self.admitted: list[int] = []  # positions in order of admission
        self.rank: dict[int, int] = {}  # order of admission by position
        self.taken = bytearray(capacity)
        self.by_position = Fenwick(capacity)  # admitted and not taken
        self.by_rank = Fenwick(capacity)  # the same, in order of admission

    def append(self, index: int, ended_on: date | None) -> None:
        # A case without an end day never qualifies: it never ended.
        if ended_on is not None:
            heapq.heappush(self.waiting, (ended_on.toordinal(), len(self.index)))
        self.index.append(index)

    def count_ended_before(self, day: date) -> int:
        """How many cases, not taken yet, ended before `day`."""
        limit = day.toordinal()
        while self.waiting and self.waiting[0][0] < limit:
            ended, position = heapq.heappop(self.waiting)
            self.rank[position] = len(self.admitted)
            self.by_position.add(position, 1)
            self.by_rank.add(len(self.admitted), 1)
            self.admitted_days.append(ended)
            self.admitted.append(position)
        return self.by_rank.count_before(self.tail_start(limit))

    def take(self, k: int, day: date) -> int:
        """Take the k-th (from 0, in order of adding) of the cases, not taken yet, that
        ended before `day`, as counted by `count_ended_before(day)` just before; return
        its plan index."""
        tail = self.admitted[self.tail_start(day.toordinal()) :]
        skipped = sorted(position for position in tail if not self.taken[position])
        # Each skipped case at or before the k-th moves the answer one further on.
        k_admitted = k
        for position in skipped:
            if self.by_position.count_before(position) > k_admitted:
                break
            k_admitted += 1
        position = self.by_position.find(k_admitted)
        self.taken[position] = 1
        self.by_position.add(position, -1)
        self.by_rank.add(self.rank[position], -1)
        return self.index[position]

    def tail_start(self, limit: int) -> int:
        return bisect.bisect_left(self.admitted_days, limit)


class Fenwick:
    """Counts over positions 0..size-1: add at one, count those before one, find the
    k-th counted; each in O(log size)."""

    def __init__(self, size: int) -> None:
        self.tree = [0] * (size + 1)

    def add(self, position: int, delta: int) -> None:
        i = position + 1
        while i < len(self.tree):
            self.tree[i] += delta
            i += i & -i

    def count_before(self, position: int) -> int:
        total, i = 0, position
        while i > 0:
            total += self.tree[i]
            i -= i & -i
        return total

    def find(self, k: int) -> int:
        """The position of the k-th (from 0) counted one."""
        # Climb to the last node (1-based) with at most k counted up to it; the
        # answer is the node after it, which is `node` again counted from 0.
        node, step = 0, 1 << len(self.tree).bit_length()
        while step:
            if node + step < len(self.tree) and self.tree[node + step] <= k:
                node += step
                k -= self.tree[node]
            step >>= 1
        return node


def link(plans: list[CasePlan], *, earlier: int, later: int) -> None:
    first, second = plans[earlier], plans[later]
    assert first.person_fields is not None
    first.person_key = earlier
    second.person_key, second.previous_index, second.person_fields = earlier, earlier, None
    age = first.case_fields["age_at_receipt"]
    if age is not None:  # no date of birth: the age moves on with the years between
        age += (second.received_on - first.received_on).days // 365
    second.case_fields["age_at_receipt"] = age
