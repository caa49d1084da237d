"""Primary and secondary suppression, proved on generated tables.

The proofs do not reuse the module's own safety check. A hidden count is shown to
be safe by a witness: a second table, found by an independent method, that agrees
with everything published (shown counts, margins, and the ranges the marks give
away: "<T" is 1..T-1, "—" is at least T, as zeros are always shown) and differs
in that count. Every witness is checked by plain arithmetic before it counts.
Two finders: a feasible-flow search for any table size, and brute-force
enumeration on small tables.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from reporting.suppression import (
    Figure,
    Mark,
    SharedTotal,
    TwoWay,
    suppress_one_way,
    suppress_one_way_tables,
    suppress_two_way,
)

EXAMPLES = 300
PROPERTY = settings(max_examples=EXAMPLES, deadline=None)

thresholds = st.integers(3, 10)
# Small counts are where suppression happens, so they are drawn more often.
counts = st.one_of(st.integers(0, 12), st.integers(0, 60))
one_way_cells = st.lists(counts, min_size=1, max_size=12)


@st.composite
def two_way_cells(
    draw: st.DrawFn, most: int = 6, values: st.SearchStrategy[int] = counts
) -> list[list[int]]:
    rows, columns = draw(st.integers(1, most)), draw(st.integers(1, most))
    row = st.lists(values, min_size=columns, max_size=columns)
    return draw(st.lists(row, min_size=rows, max_size=rows))


def marks(figures: Sequence[Figure]) -> str:
    return " ".join(
        {Mark.PRIMARY: "<", Mark.SECONDARY: "—"}.get(f.mark, str(f.count)) for f in figures
    )


# --- A table as bounds: what a reader can know ----------------------------------------

Bounds = tuple[int, int]


def known(figure: Figure, threshold: int, cap: int) -> Bounds:
    """The values a reader must allow for a published figure."""
    if figure.mark is Mark.PRIMARY:
        return (1, threshold - 1)
    if figure.mark is Mark.SECONDARY:
        return (threshold, cap)
    return (figure.count, figure.count)


# (true count, the values a reader must allow) for one position of a table.
Entry = tuple[int, Bounds]
# ("cell", row, column), ("row", row, 0), ("column", column, 0) or ("total", 0, 0).
Where = tuple[str, int, int]


@dataclass(frozen=True)
class Grid:
    """A two-way table with margins as the reader sees it."""

    cells: list[list[Entry]]
    rows: list[Entry]
    columns: list[Entry]
    total: Entry

    def get(self, where: Where) -> Entry:
        kind, i, j = where
        if kind == "cell":
            return self.cells[i][j]
        if kind == "row":
            return self.rows[i]
        if kind == "column":
            return self.columns[i]
        return self.total

    def pinned(self, where: Where, value: int) -> Grid:
        """The same bounds with one position fixed at `value`."""

        def fix(entry: Entry, here: bool) -> Entry:
            return (entry[0], (value, value)) if here else entry

        kind, a, b = where
        return Grid(
            [
                [fix(c, (kind, a, b) == ("cell", i, j)) for j, c in enumerate(row)]
                for i, row in enumerate(self.cells)
            ],
            [fix(r, (kind, a) == ("row", i)) for i, r in enumerate(self.rows)],
            [fix(c, (kind, a) == ("column", j)) for j, c in enumerate(self.columns)],
            fix(self.total, kind == "total"),
        )

    def admits(self, table: list[list[int]]) -> bool:
        """Whether a reader could not tell this table from the published one."""

        def inside(value: int, entry: Entry) -> bool:
            return entry[1][0] <= value <= entry[1][1]

        return (
            all(
                inside(v, e)
                for row, es in zip(table, self.cells, strict=True)
                for v, e in zip(row, es, strict=True)
            )
            and all(inside(sum(row), e) for row, e in zip(table, self.rows, strict=True))
            and all(
                inside(sum(col), e)
                for col, e in zip(zip(*table, strict=True), self.columns, strict=True)
            )
            and inside(sum(map(sum, table)), self.total)
        )

    def value(self, table: list[list[int]], where: Where) -> int:
        kind, i, j = where
        if kind == "cell":
            return table[i][j]
        if kind == "row":
            return sum(table[i])
        if kind == "column":
            return sum(row[i] for row in table)
        return sum(map(sum, table))


def grid_of_two_way(result: TwoWay, threshold: int) -> Grid:
    cap = 2 * result.total.count + 2 * threshold

    def entry(figure: Figure) -> Entry:
        return (figure.count, known(figure, threshold, cap))

    return Grid(
        [[entry(f) for f in row] for row in result.cells],
        [entry(f) for f in result.row_totals],
        [entry(f) for f in result.column_totals],
        entry(result.total),
    )


def grid_of_tables(
    first: Sequence[Figure],
    second: Sequence[Figure],
    total: Figure,
    cross: list[list[int]],
    threshold: int,
) -> Grid:
    """Two one-way tables of one total as the margins of their cross table, whose
    cells are not published at all. Any two tables with equal sums are the margins
    of some cross table, so this loses nothing."""
    cap = 2 * total.count + 2 * threshold

    def entry(figure: Figure) -> Entry:
        return (figure.count, known(figure, threshold, cap))

    return Grid(
        [[(count, (0, cap)) for count in row] for row in cross],
        [entry(f) for f in first],
        [entry(f) for f in second],
        entry(total),
    )


# --- Witness finder 1: a feasible flow (any size) ---------------------------------------


def max_flow(capacity: list[list[int]], source: int, sink: int) -> list[list[int]]:
    """Edmonds-Karp; returns the flow on every arc."""
    n = len(capacity)
    flow = [[0] * n for _ in range(n)]
    while True:
        parent = [-1] * n
        parent[source] = source
        queue = deque([source])
        while queue and parent[sink] == -1:
            u = queue.popleft()
            for v in range(n):
                if parent[v] == -1 and capacity[u][v] - flow[u][v] > 0:
                    parent[v] = u
                    queue.append(v)
        if parent[sink] == -1:
            return flow
        push, v = min_residual(capacity, flow, parent, sink), sink
        while v != source:
            u = parent[v]
            flow[u][v] += push
            flow[v][u] -= push
            v = u


def min_residual(
    capacity: list[list[int]], flow: list[list[int]], parent: list[int], sink: int
) -> int:
    push, v = 10**9, sink
    while v != parent[v]:
        u = parent[v]
        push = min(push, capacity[u][v] - flow[u][v])
        v = u
    return push


def flow_witness(grid: Grid) -> list[list[int]] | None:
    """A table within the grid's bounds, as a circulation with lower bounds:
    source -> row i -> column j -> sink -> source."""
    rows, columns = len(grid.rows), len(grid.columns)
    source, sink, n = 0, rows + columns + 1, rows + columns + 4
    top, bottom = n - 2, n - 1
    arcs = [(source, 1 + i, grid.rows[i][1]) for i in range(rows)]
    arcs += [
        (1 + i, 1 + rows + j, grid.cells[i][j][1]) for i in range(rows) for j in range(columns)
    ]
    arcs += [(1 + rows + j, sink, grid.columns[j][1]) for j in range(columns)]
    arcs.append((sink, source, grid.total[1]))
    capacity = [[0] * n for _ in range(n)]
    excess = [0] * n
    for u, v, (low, high) in arcs:
        if low > high:
            return None
        capacity[u][v] += high - low
        excess[v] += low
        excess[u] -= low
    for v in range(n - 2):
        capacity[top][v] = max(excess[v], 0)
        capacity[v][bottom] = max(-excess[v], 0)
    flow = max_flow(capacity, top, bottom)
    if sum(flow[top]) != sum(capacity[top]):
        return None
    table = [
        [grid.cells[i][j][1][0] + flow[1 + i][1 + rows + j] for j in range(columns)]
        for i in range(rows)
    ]
    assert grid.admits(table)  # the witness is checked, not trusted
    return table


def flow_undetermined(grid: Grid, where: Where) -> bool:
    """Whether another table the reader must allow has a different count here."""
    count, (low, high) = grid.get(where)
    values = [count + step for step in (1, -1) if low <= count + step <= high]
    return any(flow_witness(grid.pinned(where, value)) is not None for value in values)


def determined(grid: Grid, hidden: list[Where]) -> list[Where]:
    return [where for where in hidden if not flow_undetermined(grid, where)]


# --- Witness finder 2: brute force (small tables) ---------------------------------------


def enumerated_undetermined(grid: Grid, hidden: list[Where], window: int = 2) -> set[Where]:
    """Hidden positions seen with another value in some table the reader must
    allow, trying every hidden cell within `window` of its count."""
    true = [[count for count, _ in row] for row in grid.cells]
    free = [
        (i, j) for i, row in enumerate(grid.cells) for j, (_, (lo, hi)) in enumerate(row) if lo < hi
    ]
    ranges = [
        range(
            max(grid.cells[i][j][1][0], true[i][j] - window),
            min(grid.cells[i][j][1][1], true[i][j] + window) + 1,
        )
        for i, j in free
    ]
    seen: set[Where] = set()
    for values in itertools.product(*ranges):
        table = [row[:] for row in true]
        for (i, j), value in zip(free, values, strict=True):
            table[i][j] = value
        if grid.admits(table):
            seen |= {w for w in hidden if grid.value(table, w) != grid.value(true, w)}
    return seen


# --- Reading results ---------------------------------------------------------------------


def two_way_hidden(result: TwoWay) -> list[Where]:
    grid_positions = [
        (("cell", i, j), f) for i, row in enumerate(result.cells) for j, f in enumerate(row)
    ]
    grid_positions += [(("row", i, 0), f) for i, f in enumerate(result.row_totals)]
    grid_positions += [(("column", j, 0), f) for j, f in enumerate(result.column_totals)]
    grid_positions.append((("total", 0, 0), result.total))
    return [where for where, f in grid_positions if f.suppressed]


def two_way_lines(result: TwoWay) -> list[list[Figure]]:
    """Every row and column with its margin, the margin row and column included."""
    rows = [[*row, total] for row, total in zip(result.cells, result.row_totals, strict=True)]
    rows.append([*result.column_totals, result.total])
    return rows + [list(column) for column in zip(*rows, strict=True)]


def all_figures(result: TwoWay | SharedTotal) -> list[Figure]:
    if isinstance(result, TwoWay):
        return [f for line in two_way_lines(result)[: len(result.cells) + 1] for f in line]
    return [*(f for table in result.tables for f in table), result.total]


def nothing_left_to_hide(figures: Sequence[Figure]) -> bool:
    """The documented limit: every non-zero count is hidden already."""
    return all(f.suppressed for f in figures if f.count)


def assert_marks_are_honest(figures: Sequence[Figure], threshold: int) -> None:
    for figure in figures:
        small = 0 < figure.count < threshold
        assert (figure.mark is Mark.PRIMARY) == small
        if figure.mark is Mark.SECONDARY:
            assert figure.count >= threshold  # what "—" gives away, and no more
        if not figure.suppressed:
            assert figure.shown == figure.count


def as_shared(cells: Sequence[int], threshold: int) -> SharedTotal:
    result = suppress_one_way(cells, threshold)
    return SharedTotal((result.cells,), result.total)


# --- Examples -------------------------------------------------------------------------------


def test_zeros_and_large_counts_are_all_shown() -> None:
    result = suppress_one_way([0, 10, 12], 5)
    assert marks(result.cells) == "0 10 12"
    assert result.total == Figure(22)


def test_one_small_cell_is_protected_by_the_smallest_other_cell() -> None:
    result = suppress_one_way([1, 6, 9, 0], 5)
    assert marks(result.cells) == "< — 9 0"
    assert result.total.shown == 16


def test_two_small_cells_are_not_enough_when_they_must_both_be_one() -> None:
    # 12 - 10 = 2 split over two counts of at least 1: the line rule alone would
    # publish two ones.
    result = suppress_one_way([1, 1, 10], 5)
    assert marks(result.cells) == "< < —"
    assert result.total.shown == 12


def test_a_cell_that_would_not_help_is_left_alone() -> None:
    # Hiding the 5 would not do: "<5" + "—" = 6 with "—" at least 5 means 1 and 5.
    result = suppress_one_way([1, 5, 8], 5)
    assert marks(result.cells) == "< 5 —"


def test_total_is_withheld_only_when_no_cell_can_protect() -> None:
    result = suppress_one_way([1, 5], 5)
    assert marks(result.cells) == "< 5"
    assert result.total.mark is Mark.SECONDARY


def test_a_small_total_is_itself_suppressed() -> None:
    result = suppress_one_way([3, 0, 0], 5)
    assert marks(result.cells) == "< 0 0"
    assert result.total.mark is Mark.PRIMARY


def test_marks_alone_can_give_counts_away_when_nothing_is_left_to_hide() -> None:
    # Four counts of at least 1 with a total below 5 are four ones. Only hiding
    # zeros could prevent it, and zeros are always shown.
    result = suppress_one_way([1, 1, 1, 1, 0], 5)
    assert marks(result.cells) == "< < < < 0"
    assert result.total.mark is Mark.PRIMARY


def test_a_table_whose_total_is_published_elsewhere_keeps_it() -> None:
    result = suppress_one_way_tables([[0, 7], [0, 1, 6, 0]], 5)
    assert marks(result.tables[0]) == "0 7"
    assert marks(result.tables[1]) == "0 < — 0"
    assert result.total.shown == 7


def test_a_withheld_total_is_withheld_in_every_table() -> None:
    # [1, 5] needs its total hidden; the one-year table would then give it back.
    result = suppress_one_way_tables([[1, 5], [6]], 5)
    assert result.total.mark is Mark.SECONDARY
    assert marks(result.tables[1]) == "—"


def test_tables_of_one_total_must_agree() -> None:
    with pytest.raises(ValueError, match="same number"):
        suppress_one_way_tables([[1, 2], [4]], 5)


@pytest.mark.parametrize("threshold", [0, 1, 2])
def test_threshold_below_three_is_refused(threshold: int) -> None:
    with pytest.raises(ValueError, match="threshold"):
        suppress_one_way([1, 2], threshold)


def test_two_way_small_cell_is_hidden_in_a_rectangle() -> None:
    result = suppress_two_way([[1, 10], [10, 10]], 5)
    assert [marks(row) for row in result.cells] == ["< —", "— —"]
    assert marks(result.row_totals) == "11 20"
    assert marks(result.column_totals) == "11 20"
    assert result.total.shown == 31


def test_two_way_small_margin_is_suppressed_too() -> None:
    result = suppress_two_way([[0, 0], [0, 3]], 5)
    assert marks(result.row_totals) == "0 <"
    assert marks(result.column_totals) == "0 <"
    assert result.total.mark is Mark.PRIMARY


def test_ragged_two_way_table_is_refused() -> None:
    with pytest.raises(ValueError, match="rows"):
        suppress_two_way([[1, 2], [3]], 5)


# --- Properties: one-way tables -------------------------------------------------------------


@PROPERTY
@given(cells=one_way_cells, threshold=thresholds)
def test_one_way_marks_are_honest_and_shown_counts_are_true(
    cells: list[int], threshold: int
) -> None:
    """(a) and (d)."""
    result = suppress_one_way(cells, threshold)
    assert [f.count for f in result.cells] == cells
    assert result.total.count == sum(cells)
    assert_marks_are_honest([*result.cells, result.total], threshold)
    event(f"secondary suppressions: {min(sum(f.mark is Mark.SECONDARY for f in result.cells), 2)}")


@PROPERTY
@given(cells=one_way_cells, threshold=thresholds)
def test_one_way_line_with_a_hidden_cell_has_two_or_a_hidden_total(
    cells: list[int], threshold: int
) -> None:
    """(b)."""
    result = suppress_one_way(cells, threshold)
    hidden = sum(f.suppressed for f in result.cells)
    assert hidden == 0 or hidden >= 2 or result.total.suppressed


@PROPERTY
@given(cells=one_way_cells, threshold=thresholds)
def test_one_way_hidden_counts_cannot_be_worked_out(cells: list[int], threshold: int) -> None:
    """(c) by interval arithmetic, exact for one sum: a hidden cell lies in its
    own range and in the total's range minus what the other cells can hold."""
    result = suppress_one_way(cells, threshold)
    cap = 2 * result.total.count + 2 * threshold
    ranges = [known(f, threshold, cap) for f in result.cells]
    total_low, total_high = known(result.total, threshold, cap)
    determined = []
    for index, figure in enumerate(result.cells):
        if not figure.suppressed:
            continue
        low_rest = sum(r[0] for k, r in enumerate(ranges) if k != index)
        high_rest = sum(r[1] for k, r in enumerate(ranges) if k != index)
        low = max(ranges[index][0], total_low - high_rest)
        high = min(ranges[index][1], total_high - low_rest)
        assert low <= figure.count <= high
        if low == high:
            determined.append(index)
    total_range = (
        max(total_low, sum(r[0] for r in ranges)),
        min(total_high, sum(r[1] for r in ranges)),
    )
    if result.total.suppressed and total_range[0] == total_range[1]:
        determined.append(-1)
    if determined:
        event("determined by the marks alone")
        assert nothing_left_to_hide([*result.cells, result.total]), (cells, threshold, determined)


@PROPERTY
@given(cells=one_way_cells, threshold=thresholds)
def test_one_way_is_deterministic(cells: list[int], threshold: int) -> None:
    """(e)."""
    assert suppress_one_way(cells, threshold) == suppress_one_way(tuple(cells), threshold)


@settings(max_examples=EXAMPLES, deadline=None)
@given(cells=st.lists(st.integers(0, 12), min_size=1, max_size=5), threshold=thresholds)
def test_one_way_brute_force_agrees(cells: list[int], threshold: int) -> None:
    """(c) again without theory: every table within two of the true counts. A
    one-way table is a two-way table of one row whose cells are its columns."""
    result = as_shared(cells, threshold)
    cap = 2 * result.total.count + 2 * threshold
    figures = result.tables[0]
    entries = [(f.count, known(f, threshold, cap)) for f in figures]
    total = (result.total.count, known(result.total, threshold, cap))
    grid = Grid([entries], [total], entries, total)
    hidden = [("cell", 0, j) for j, f in enumerate(figures) if f.suppressed]
    hidden += [("total", 0, 0)] if result.total.suppressed else []
    missing = set(hidden) - enumerated_undetermined(grid, hidden)
    assert not missing or nothing_left_to_hide(all_figures(result)), (cells, missing)


# --- Properties: one-way tables of a shared total (the report) -----------------------------


# Cross counts are kept small so that their sums, the published tables, are too.
@PROPERTY
@given(cross=two_way_cells(values=st.integers(0, 4)), threshold=thresholds)
def test_tables_of_one_total_hide_nothing_a_reader_can_work_out(
    cross: list[list[int]], threshold: int
) -> None:
    """(a), (b), (c), (d), (e) for two tables that split the same cases, such as
    by year and by type: their true counts are the margins of a cross table."""
    by_row = [sum(row) for row in cross]
    by_column = [sum(column) for column in zip(*cross, strict=True)]
    result = suppress_one_way_tables([by_row, by_column], threshold)
    assert result == suppress_one_way_tables([by_row, by_column], threshold)
    assert [[f.count for f in t] for t in result.tables] == [by_row, by_column]
    assert_marks_are_honest(all_figures(result), threshold)
    for table in result.tables:
        hidden = sum(f.suppressed for f in table) + result.total.suppressed
        assert hidden != 1
    first, second = result.tables
    grid = grid_of_tables(first, second, result.total, cross, threshold)
    hidden_positions = [("row", i, 0) for i, f in enumerate(result.tables[0]) if f.suppressed]
    hidden_positions += [("column", j, 0) for j, f in enumerate(result.tables[1]) if f.suppressed]
    hidden_positions += [("total", 0, 0)] if result.total.suppressed else []
    if stuck := determined(grid, hidden_positions):
        event("determined by the marks alone")
        assert nothing_left_to_hide(all_figures(result)), (cross, threshold, stuck)


# --- Properties: two-way tables -------------------------------------------------------------


@PROPERTY
@given(cells=two_way_cells(), threshold=thresholds)
def test_two_way_marks_are_honest_and_lines_hold_two_hidden(
    cells: list[list[int]], threshold: int
) -> None:
    """(a), (b), (d), (e)."""
    result = suppress_two_way(cells, threshold)
    assert result == suppress_two_way([tuple(row) for row in cells], threshold)
    assert [[f.count for f in row] for row in result.cells] == cells
    assert_marks_are_honest(all_figures(result), threshold)
    for line in two_way_lines(result):
        assert sum(f.suppressed for f in line) != 1, line
    event(f"hidden: {min(len(two_way_hidden(result)) // 4 * 4, 12)}+")


@PROPERTY
@given(cells=two_way_cells(), threshold=thresholds)
def test_two_way_hidden_counts_cannot_be_worked_out(cells: list[list[int]], threshold: int) -> None:
    """(c): a flow witness for every hidden count, cells and margins."""
    result = suppress_two_way(cells, threshold)
    stuck = determined(grid_of_two_way(result, threshold), two_way_hidden(result))
    if stuck:
        event("determined by the marks alone")
        assert nothing_left_to_hide(all_figures(result)), (cells, threshold, stuck)


@settings(max_examples=EXAMPLES, deadline=None)
@given(cells=two_way_cells(most=3, values=st.integers(0, 12)), threshold=thresholds)
def test_two_way_brute_force_agrees(cells: list[list[int]], threshold: int) -> None:
    """(c) again without theory, where enumeration is cheap."""
    result = suppress_two_way(cells, threshold)
    assume(sum(f.suppressed for row in result.cells for f in row) <= 5)
    hidden = two_way_hidden(result)
    missing = set(hidden) - enumerated_undetermined(grid_of_two_way(result, threshold), hidden)
    assert not missing or nothing_left_to_hide(all_figures(result)), (cells, threshold, missing)
