"""Which counts of a published table may be shown: primary and secondary suppression.

Primary suppression hides every count from 1 to threshold - 1. Zero is never
hidden: that nobody was counted says nothing about a person, and hiding zeros
would blank out most of a sparse table.

Secondary suppression then hides more counts until no hidden count can be worked
out exactly. The reader is assumed to know everything published: the shown
counts, that cells add up to their margins (a row to its row total, ...), and
what the marks say. A primary count ("<5") lies in 1..threshold-1. A secondary
count ("—") is neither small (it would be primary) nor zero (zeros are shown), so
it is at least the threshold. A hidden count is safe when some other table agrees
with all of that and differs in it.

That is checked exactly, not approximately. Any two tables that agree with the
published figures differ by a set of +1/-1 steps along a cycle of hidden counts
(a circulation decomposes into conformal cycles), so a hidden count is safe
exactly when it lies on a cycle along which every count can take one step and
stay within its range. In a two-way table the cycles run through rows and
columns, margins included; among one-way tables that split the same total a cycle
is two hidden cells of one table trading one, or the total moving together with
one hidden cell in every table.

The algorithm, deterministic for the same input:
1. Mark the primary counts (cells and margins alike).
2. Take the first hidden count, by position, that is not safe. Rank the
   published non-zero counts: cells before margins, cells in its own row or
   column before others, the smallest count first, ties by position, and the
   grand total last. Hide the first that makes it safe on its own; else the first
   that does so together with one more (which the next round then finds); else
   the first in its own lines (normally its line's smallest cell), and go on.
3. Repeat until every hidden count is safe or no non-zero count is left to hide.

Safe implies the classic line rule: every row and column (and the line of a
one-way table against its total) holding a hidden count holds at least two,
counting its margin. The line rule alone is not enough: two hidden cells of 1
next to a total of 12 and a cell of 10 give both away, since two counts of at
least 1 that add up to 2 are both 1.

What cannot be prevented without hiding zeros: when every non-zero count is
hidden already, the marks themselves may still pin a count down (four "<5" cells
and a total "<5" are four ones). The loop stops there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial

# A count's position: (row, column) for a two-way table with its margins in the
# last row and column; (table, cell) for one-way tables, the total after them.
Key = tuple[int, int]


class Mark(StrEnum):
    PUBLISHED = "published"
    # 1 to threshold - 1: shown as "<threshold".
    PRIMARY = "primary"
    # Not small itself, hidden so that a primary count cannot be worked out.
    SECONDARY = "secondary"


@dataclass(frozen=True)
class Figure:
    """One count of a table and whether it may be shown."""

    count: int
    mark: Mark = Mark.PUBLISHED

    @property
    def suppressed(self) -> bool:
        return self.mark is not Mark.PUBLISHED

    @property
    def shown(self) -> int | None:
        """The count as published: None when it is hidden."""
        return None if self.suppressed else self.count


@dataclass(frozen=True)
class OneWay:
    cells: tuple[Figure, ...]
    total: Figure


@dataclass(frozen=True)
class SharedTotal:
    """One-way tables that each split the same total in their own way."""

    tables: tuple[tuple[Figure, ...], ...]
    total: Figure


@dataclass(frozen=True)
class TwoWay:
    cells: tuple[tuple[Figure, ...], ...]
    row_totals: tuple[Figure, ...]
    column_totals: tuple[Figure, ...]
    total: Figure


def suppress_one_way(cells: Sequence[int], threshold: int) -> OneWay:
    """Marks for one table and its total (the sum of its cells).

    The total is treated as published: it is hidden only when no cell can protect
    a small count. A total that is also printed elsewhere, such as the number of
    cases in the report, belongs with every table that splits it:
    use `suppress_one_way_tables`.
    """
    shared = suppress_one_way_tables([cells], threshold)
    return OneWay(shared.tables[0], shared.total)


def suppress_one_way_tables(tables: Sequence[Sequence[int]], threshold: int) -> SharedTotal:
    """Marks for several one-way tables of the same total (cases by year, by type,
    ...). The total is hidden in all of them or in none, and when it is hidden no
    table may give it back."""
    total = _common_total(tables, threshold)
    total_key = (len(tables), 0)
    counts = {(t, i): count for t, cells in enumerate(tables) for i, count in enumerate(cells)}
    counts[total_key] = total
    lines = tuple(
        tuple((t, i) for i in range(len(cells))) + (total_key,) for t, cells in enumerate(tables)
    )
    safe = partial(_one_way_safe, lines=lines, total=total_key)
    marks = _protect(counts, threshold, _Layout(lines, frozenset({total_key}), total_key, safe))
    return SharedTotal(
        tables=tuple(
            tuple(Figure(counts[t, i], marks[t, i]) for i in range(len(cells)))
            for t, cells in enumerate(tables)
        ),
        total=Figure(total, marks[total_key]),
    )


def suppress_two_way(cells: Sequence[Sequence[int]], threshold: int) -> TwoWay:
    """Marks for a rows x columns table with its row, column and grand totals."""
    shape = _shape(cells, threshold)
    rows, columns = shape
    counts = _with_margins(cells, shape)
    lines = tuple(tuple((i, j) for j in range(columns + 1)) for i in range(rows + 1)) + tuple(
        tuple((i, j) for i in range(rows + 1)) for j in range(columns + 1)
    )
    margins = frozenset(key for key in counts if key[0] == rows or key[1] == columns)
    safe = partial(_two_way_safe, shape=shape)
    marks = _protect(counts, threshold, _Layout(lines, margins, (rows, columns), safe))

    def figure(i: int, j: int) -> Figure:
        return Figure(counts[i, j], marks[i, j])

    return TwoWay(
        cells=tuple(tuple(figure(i, j) for j in range(columns)) for i in range(rows)),
        row_totals=tuple(figure(i, columns) for i in range(rows)),
        column_totals=tuple(figure(rows, j) for j in range(columns)),
        total=figure(rows, columns),
    )


# --- Input checks ---------------------------------------------------------------------


def _check(counts: Sequence[int], threshold: int) -> None:
    # Below 3 a "<threshold" mark would itself say the count is exactly 1.
    if threshold < 3:
        raise ValueError(f"A suppression threshold below 3 protects nothing: {threshold}")
    if any(count < 0 for count in counts):
        raise ValueError(f"Counts cannot be negative: {list(counts)}")


def _common_total(tables: Sequence[Sequence[int]], threshold: int) -> int:
    if not tables:
        raise ValueError("At least one table is needed.")
    for cells in tables:
        _check(cells, threshold)
    totals = {sum(cells) for cells in tables}
    if len(totals) != 1:
        raise ValueError(f"Tables of one total must add up to the same number: {totals}")
    return totals.pop()


def _shape(cells: Sequence[Sequence[int]], threshold: int) -> Key:
    widths = {len(row) for row in cells}
    if len(widths) != 1 or 0 in widths:
        raise ValueError("A two-way table needs rows of one non-zero length.")
    for row in cells:
        _check(row, threshold)
    return len(cells), widths.pop()


def _with_margins(cells: Sequence[Sequence[int]], shape: Key) -> dict[Key, int]:
    rows, columns = shape
    counts = {(i, j): cells[i][j] for i in range(rows) for j in range(columns)}
    for i in range(rows):
        counts[i, columns] = sum(cells[i])
    for j in range(columns):
        counts[rows, j] = sum(row[j] for row in cells)
    counts[rows, columns] = sum(map(sum, cells))
    return counts


# --- The search for safe suppressions ----------------------------------------------


@dataclass(frozen=True)
class _State:
    counts: Mapping[Key, int]
    marks: Mapping[Key, Mark]
    threshold: int

    def hidden(self, key: Key) -> bool:
        return self.marks[key] is not Mark.PUBLISHED

    def can_move(self, key: Key, up: bool) -> bool:
        """Whether a reader must allow this count to be one higher (or lower)."""
        count, mark = self.counts[key], self.marks[key]
        if mark is Mark.PRIMARY:
            return count < self.threshold - 1 if up else count > 1
        if mark is Mark.SECONDARY:
            return up or count > self.threshold
        return False

    def hiding(self, key: Key) -> _State:
        return replace(self, marks={**self.marks, key: Mark.SECONDARY})


@dataclass(frozen=True)
class _Layout:
    # Counts tied by one sum, margin included: rows and columns, or one table.
    lines: tuple[tuple[Key, ...], ...]
    margins: frozenset[Key]
    grand_total: Key
    is_safe: Callable[[_State, Key], bool]

    def near(self, key: Key) -> set[Key]:
        return {other for line in self.lines if key in line for other in line}


def _primary(count: int, threshold: int) -> Mark:
    # Zero is not suppressed: it identifies nobody (see the module docstring).
    return Mark.PRIMARY if 0 < count < threshold else Mark.PUBLISHED


def _protect(counts: dict[Key, int], threshold: int, layout: _Layout) -> dict[Key, Mark]:
    marks = {key: _primary(count, threshold) for key, count in counts.items()}
    state = _State(counts, marks, threshold)
    while (exposed := _first_exposed(state, layout)) is not None:
        candidates = _candidates(state, layout, exposed)
        if not candidates:
            break  # every non-zero count is hidden: nothing left that could help
        state = state.hiding(_choose(state, layout, exposed, candidates))
    return dict(state.marks)


def _first_exposed(state: _State, layout: _Layout) -> Key | None:
    hidden = (key for key in sorted(state.counts) if state.hidden(key))
    return next((key for key in hidden if not layout.is_safe(state, key)), None)


def _candidates(state: _State, layout: _Layout, exposed: Key) -> list[Key]:
    """Published non-zero counts, the first the one to hide first."""
    near = layout.near(exposed)

    def rank(key: Key) -> tuple[bool, bool, bool, int, Key]:
        margin = key in layout.margins
        return (key == layout.grand_total, margin, key not in near, state.counts[key], key)

    published = (key for key, count in state.counts.items() if count and not state.hidden(key))
    return sorted(published, key=rank)


def _choose(state: _State, layout: _Layout, exposed: Key, candidates: list[Key]) -> Key:
    """The first candidate that makes the exposed count safe on its own, else the
    first that does so together with one more, else the first in its own lines."""
    for key in candidates:
        if layout.is_safe(state.hiding(key), exposed):
            return key
    for first, key in enumerate(candidates):
        hiding = state.hiding(key)
        if any(layout.is_safe(hiding.hiding(other), exposed) for other in candidates[first + 1 :]):
            return key
    near = layout.near(exposed)
    return next((key for key in candidates if key in near), candidates[0])


# --- One-way tables of a shared total -----------------------------------------------


def _one_way_safe(
    state: _State, key: Key, *, lines: tuple[tuple[Key, ...], ...], total: Key
) -> bool:
    """A hidden cell can trade one with another hidden cell of its table, or move
    with the total while every other table moves one of its hidden cells."""
    if key == total:
        return any(_total_moves(state, lines, total, up) for up in (True, False))
    line = next(line for line in lines if key in line)
    others = tuple(other for other in lines if other is not line)
    return any(
        state.can_move(key, up)
        and (
            any(state.can_move(cell, not up) for cell in line if cell not in (key, total))
            or _total_moves(state, others, total, up)
        )
        for up in (True, False)
    )


def _total_moves(state: _State, lines: Sequence[tuple[Key, ...]], total: Key, up: bool) -> bool:
    return state.can_move(total, up) and all(
        any(state.can_move(cell, up) for cell in line if cell != total) for line in lines
    )


# --- Two-way tables -----------------------------------------------------------------
# With its margins as an extra row and column, and the row and column totals
# negated, every row and every column of the table adds up to zero. A cycle of
# steps then alternates: from a row along a count that may rise (in that signed
# sense) to its column, from a column along a count that may fall back to a row.


def _rises(state: _State, key: Key, shape: Key, up: bool) -> bool:
    """Whether the signed count may move up (or down): margins count negatively,
    except the grand total, which is in both a margin row and a margin column."""
    rows, columns = shape
    negated = (key[0] == rows) != (key[1] == columns)
    return state.can_move(key, up != negated)


def _two_way_safe(state: _State, key: Key, *, shape: Key) -> bool:
    row, column = (0, key[0]), (1, key[1])
    return (_rises(state, key, shape, True) and _reaches(state, column, row, key, shape)) or (
        _rises(state, key, shape, False) and _reaches(state, row, column, key, shape)
    )


def _steps(state: _State, node: Key, avoid: Key, shape: Key) -> Iterator[Key]:
    side, index = node
    for other in range(shape[1 - side] + 1):
        key = (index, other) if side == 0 else (other, index)
        if key != avoid and _rises(state, key, shape, side == 0):
            yield (1 - side, other)


def _reaches(state: _State, start: Key, goal: Key, avoid: Key, shape: Key) -> bool:
    """Whether a chain of hidden counts, not using `avoid`, leads from start to
    goal (nodes are (0, row) and (1, column))."""
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for step in _steps(state, node, avoid, shape):
            if step not in seen:
                seen.add(step)
                todo.append(step)
    return False
