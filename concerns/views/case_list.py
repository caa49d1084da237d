"""The case list: the cases the user may see, searched, filtered, sorted and paged.

One URL serves the page and, for htmx requests, just the results region
(`_case_table.html`); without JavaScript the filter form submits normally.
"""

from __future__ import annotations

from typing import cast

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from audit.log import record_many
from audit.models import AuditAction
from concerns import filters, permissions
from concerns.filters import (
    RELEVANCE,
    CaseFilterForm,
    active_filters,
    chosen_sort,
    filter_cases,
    parse_sort,
    sort_links,
)
from concerns.models import Case, CaseQuerySet
from concerns.views.cases import HtmxHttpRequest

CASES_PER_PAGE = 25


class LimitedCountPaginator(Paginator):
    """Pages through the newest `filters.LIST_LIMIT` of `cases` in the order `sort`
    names; `more` says whether there are more. `get_page` reads the page's case ids
    and the count in one query (`filters.page_of_cases`), then loads just those
    cases with their person and municipality."""

    def __init__(self, cases: CaseQuerySet, per_page: int, *, sort: str) -> None:
        super().__init__(cases, per_page)
        self.sort = sort
        self.counted: int | None = None

    @property
    def count(self) -> int:
        if self.counted is None:
            raise RuntimeError("get_page counts the cases; call it first")
        return min(self.counted, filters.LIST_LIMIT)

    @property
    def more(self) -> bool:
        return self.counted is not None and self.counted > filters.LIST_LIMIT

    def get_page(self, number: object) -> Page:
        try:
            wanted = int(str(number))
        except ValueError:
            wanted = 1
        cases = cast("CaseQuerySet", self.object_list)
        picked = filters.page_of_cases(cases, self.sort, wanted, self.per_page)
        self.counted = picked.counted
        loaded = Case.objects.with_list_data().in_bulk(picked.ids)
        return Page([loaded[pk] for pk in picked.ids if pk in loaded], picked.number, self)

    def page(self, number: object) -> Page:
        # Paginator's own would slice the unsorted cases: every page goes through
        # page_of_cases.
        return self.get_page(number)


@require_GET
def case_list(request: HtmxHttpRequest) -> HttpResponse:
    """The cases the user may see, newest first (best match first when searching),
    25 to a page. Every case shown is written to the audit trail."""
    if not permissions.works_on_cases(request.user):
        raise Http404
    # The search text travels in the query string (a GET form: the list can be
    # bookmarked, paged and sorted). It must never be written to a log: the audit
    # trail records only that a search was made, and access logs must leave the
    # query string out.
    form = CaseFilterForm(
        request.GET, municipalities=list(permissions.municipalities_of(request.user))
    )
    criteria = form.criteria()
    sort = parse_sort(request.GET.get("sort"), searching="q" in criteria)
    cases = filter_cases(permissions.cases_visible_to(request.user), criteria, timezone.localdate())
    if "q" in criteria:
        cases = permissions.without_stubs(request.user, cases)
    paginator = LimitedCountPaginator(cases, CASES_PER_PAGE, sort=sort)
    page = paginator.get_page(request.GET.get("side"))
    rows = list(page.object_list)
    for case in rows:
        case.person_shown = permissions.person_shown_in_list(request.user, case)  # type: ignore[attr-defined]
    record_many(
        user=request.user,
        action=AuditAction.LIST,
        rows=[("concerns.case", str(case.pk), case.person_id) for case in rows],
        purpose="søgning" if "q" in criteria else "sagsliste",
    )
    # A history restore (back button, page not cached) needs the whole page.
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    context = {
        "form": form,
        "page": page,
        "count_limit": filters.LIST_LIMIT,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "cases": rows,
        "filters": active_filters(form, request.GET),
        "sort": sort,
        "sort_links": sort_links(request.GET, sort),
        "chosen_sort": chosen_sort(request.GET.get("sort")),
        "by_relevance": sort == RELEVANCE,
        "fragment": fragment,
    }
    template = "concerns/_case_table.html" if fragment else "concerns/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
