"""The case list's search, filters and sorting, read from the query string.

`CaseFilterForm` validates the filters; `filter_cases` applies the valid ones to a
queryset of cases the user may see (a refused value is shown as an error next to its
field and otherwise ignored). `parse_sort` and `sort_links` handle the sortable
columns. Nothing here decides who sees what: the queryset comes from
`concerns.permissions.cases_visible_to`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import connections
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from concerns import choices as c
from concerns.forms import DkfdsForm
from concerns.models import CaseQuerySet, Municipality

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ALL = _("Alle")
SEARCH_MAX_LENGTH = 200

# The `sort` parameter names a column, with a leading "-" for descending. Relevance
# (best search match first) is the default while searching and cannot be chosen.
RECEIVED, NUMBER, STATUS, RELEVANCE = "received", "number", "status", "relevance"
# The case list counts its cases up to this many, and ranks search matches up to
# this many, the newest: an exact count of more would read every grant of every case
# the user may see, and ranking costs a lot per case. A list of more is narrowed by
# searching or filtering, not paged through.
LIST_LIMIT = 1000
DEFAULT_SORT = f"-{RECEIVED}"
SORTABLE = (RECEIVED, NUMBER, STATUS)
# The direction a column sorts in when it is first chosen: dates newest first.
FIRST_DIRECTION = {RECEIVED: "-", NUMBER: "", STATUS: ""}


# The filters over a vocabulary; the municipality filter gets its choices per user.
VOCABULARIES: dict[str, Sequence[tuple[str, StrOrPromise]]] = {
    "status": c.Status.choices,
    "extremism_type": c.ExtremismType.choices,
    "sender_type": c.SenderType.choices,
    "age_band": c.AgeBand.choices,
}


class CaseFilterForm(DkfdsForm):
    """What the case list is narrowed to. Every field is optional."""

    q = forms.CharField(
        label=_("Søgetekst"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Sagsnummer, navn eller ord fra beskrivelsen."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    extremism_type = forms.ChoiceField(label=_("Type af ekstremisme"), required=False)
    sender_type = forms.ChoiceField(label=_("Afsender"), required=False)
    age_band = forms.ChoiceField(label=_("Alder ved modtagelse"), required=False)
    municipality = forms.ChoiceField(label=_("Kommune"), required=False)
    overdue = forms.BooleanField(label=_("Med overskredne indsatser"), required=False)
    shared = forms.BooleanField(label=_("Delt med politiet"), required=False)

    def __init__(self, data: QueryDict, *, municipalities: list[Municipality]) -> None:
        super().__init__(data)
        self.vocabularies = dict(VOCABULARIES)
        # Only a coordinator of several municipalities has anything to choose.
        if len(municipalities) > 1:
            self.vocabularies["municipality"] = [(str(m.pk), m.name) for m in municipalities]
        else:
            del self.fields["municipality"]
        for name, options in self.vocabularies.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            # Set after the shared form styling, which calls a blank choice "Vælg":
            # in a filter it means any value.
            field.choices = [("", ALL), *options]

    def criteria(self) -> dict[str, Any]:
        """The valid, non-empty filters by field name. A refused value is left out
        (its error is shown next to its field)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    def choice_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, f in self.fields.items() if isinstance(f, forms.ChoiceField)]

    def checkbox_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, f in self.fields.items() if isinstance(f, forms.BooleanField)]


def filter_cases(cases: CaseQuerySet, criteria: dict[str, Any], today: date) -> CaseQuerySet:
    """`cases` narrowed to `criteria` (from `CaseFilterForm.criteria`)."""
    for name in ("status", "extremism_type", "sender_type"):
        if name in criteria:
            cases = cases.filter(**{name: criteria[name]})
    if "municipality" in criteria:
        cases = cases.filter(municipality_id=int(criteria["municipality"]))
    if "age_band" in criteria:
        cases = cases.in_age_band(criteria["age_band"])
    if criteria.get("overdue"):
        cases = cases.with_overdue_actions(today)
    if criteria.get("shared"):
        cases = cases.shared_with_police()
    if "q" in criteria:
        cases = cases.search(criteria["q"])
    return cases


# --- Sorting -----------------------------------------------------------------------


def chosen_sort(value: str | None) -> str:
    """`value` if it names a sortable column (with "-" for descending), else ""."""
    return value if value and value.lstrip("-") in SORTABLE else ""


def parse_sort(value: str | None, *, searching: bool) -> str:
    """The sort the list uses: the one chosen, else best match first while searching
    and newest first otherwise."""
    return chosen_sort(value) or (RELEVANCE if searching else DEFAULT_SORT)


# How each sort orders the newest LIST_LIMIT cases: (column, descending) pairs over
# the columns of the newest cases (`page_of_cases`), the last ones breaking ties.
_ORDER = {
    RECEIVED: (("received_on", False), ("id", False)),
    f"-{RECEIVED}": (("received_on", True), ("id", True)),
    NUMBER: (("number", False),),
    f"-{NUMBER}": (("number", True),),
    STATUS: (("process_position", False), ("received_on", True), ("id", True)),
    f"-{STATUS}": (("process_position", True), ("received_on", True), ("id", True)),
    RELEVANCE: (("rank", True), ("received_on", True), ("id", True)),
}

# One page of the newest LIST_LIMIT cases in the chosen order, with how many there
# are (up to LIST_LIMIT + 1, to tell "more"), in one statement: `{newest}` is the
# newest LIST_LIMIT + 1 matches with the columns the order needs, `{order}` that
# order. A page past the end gives the last page, as Django's `Paginator.get_page`
# does. Only constant names are formatted in; values are parameters.
_PAGE_SQL = """
    SELECT id, counted, position
      FROM (SELECT id, counted, row_number() OVER (ORDER BY {order}) AS position
              FROM (SELECT newest.*, count(*) OVER () AS counted,
                           row_number() OVER (ORDER BY received_on DESC, id DESC) AS recency
                      FROM ({newest}) AS newest) AS counted_newest
             WHERE recency <= %s) AS ordered
     WHERE position > least(%s, greatest(least(counted, %s) - 1, 0) / %s * %s)
     ORDER BY position
     LIMIT %s
"""


@dataclass(frozen=True)
class CasePage:
    """The ids of one page of cases, in order; how many cases match, counted up to
    LIST_LIMIT + 1; and the page's number (the last page if the one asked for is
    past it)."""

    ids: list[int]
    counted: int
    number: int


def page_of_cases(cases: CaseQuerySet, sort: str, number: int, per_page: int) -> CasePage:
    """Page `number` (from 1) of the newest LIST_LIMIT of `cases` in the order `sort`
    names, read in one query.

    Of more than LIST_LIMIT cases the list holds the newest LIST_LIMIT (and says
    there are more): any other order would first have to sort every case the user
    may see, and search ranking costs a lot per case. Counting, choosing the newest
    and ordering them share one read of the matching cases, which at a million
    cases is most of a search's time: a count and a page read apart read each
    matching row twice."""
    if sort not in _ORDER:
        raise ValueError(f"unknown sort {sort!r}")
    order = _ORDER[sort]
    columns = list(dict.fromkeys(["id", "received_on", *(name for name, _desc in order)]))
    if "process_position" in columns:
        cases = cases.with_process_position()
    newest = cases.order_by("-received_on", "-id").values(*columns)[: LIST_LIMIT + 1]
    newest_sql, newest_params = newest.query.sql_with_params()
    order_sql = ", ".join(f"{name} {'DESC' if desc else 'ASC'}" for name, desc in order)
    sql = _PAGE_SQL.format(newest=newest_sql, order=order_sql)
    # Asked for a page before the first: Paginator.get_page gives the last.
    bottom = min((number - 1) * per_page, LIST_LIMIT) if number >= 1 else LIST_LIMIT
    params = (*newest_params, LIST_LIMIT, bottom, LIST_LIMIT, per_page, per_page, per_page)
    with connections[cases.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return CasePage([], 0, 1)
    _first, counted, position = rows[0]
    ids = [pk for pk, _counted, _position in rows]
    return CasePage(ids, counted, (position - 1) // per_page + 1)


@dataclass(frozen=True)
class SortLink:
    """A sortable column header: its `aria-sort` value, the link that sorts by the
    column (or reverses it, if the list is sorted by it) and which way that link sorts."""

    aria_sort: str  # "ascending", "descending" or "" when the list is not sorted by it
    url: str
    sorts_descending: bool

    @property
    def icon(self) -> str:
        if not self.aria_sort:
            return "sort-table-none"
        return f"sort-table-{self.aria_sort}"


def sort_links(params: QueryDict, sort: str) -> dict[str, SortLink]:
    """One `SortLink` per sortable column; each link keeps search and filters and
    starts again at page one."""
    column, descending = sort.lstrip("-"), sort.startswith("-")
    links = {}
    for name in SORTABLE:
        if name == column:
            aria_sort = "descending" if descending else "ascending"
            target = name if descending else f"-{name}"
        else:
            aria_sort, target = "", f"{FIRST_DIRECTION[name]}{name}"
        url = query_url(params, sort=target, side=None)
        links[name] = SortLink(aria_sort, url, sorts_descending=target.startswith("-"))
    return links


# --- Removable filters -----------------------------------------------------------------


@dataclass(frozen=True)
class ActiveFilter:
    """One filter in use, shown as a tag that removes it."""

    name: str
    label: str
    value: str
    remove_url: str


def active_filters(form: CaseFilterForm, params: QueryDict) -> list[ActiveFilter]:
    """The valid filters in use, in the form's order, each with a link without it."""
    active = []
    for name, value in form.criteria().items():
        field = form.fields[name]
        if name in form.vocabularies:
            shown = str(dict(form.vocabularies[name])[value])
        elif isinstance(field, forms.BooleanField):
            shown = ""
        else:
            shown = str(value)
        label = _("Søgning") if name == "q" else field.label
        remove_url = query_url(params, **{name: None, "side": None})
        active.append(ActiveFilter(name, str(label), shown, remove_url))
    return active


def query_url(params: QueryDict, **changes: str | None) -> str:
    """`params` as a query string with `changes` applied (None removes a key)."""
    query = params.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return f"?{query.urlencode()}"
