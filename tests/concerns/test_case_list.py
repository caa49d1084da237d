"""The case list through HTTP: search, filters, sorting, pages, the htmx fragment,
who sees what, the audit trail and the number of queries."""

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AuditAction, AuditEntry
from concerns import actions, filters
from concerns.choices import (
    ActionStatus,
    AgeBand,
    ExtremismType,
    SenderType,
    Status,
    age_band,
)
from concerns.models import Case, FollowUpAction, Municipality, PoliceDistrict
from concerns.views import case_list
from tests.conftest import CASE_DEFAULTS, make_case, make_user, share_with_police

pytestmark = pytest.mark.django_db

ROW_NUMBER = re.compile(r'class="case-number"><a href="/sager/\d+/">([^<]+)</a>')


def numbers(response: Any) -> list[str]:
    """The case numbers the list shows, in its order."""
    assert response.status_code == 200, response.status_code
    return ROW_NUMBER.findall(response.content.decode())


def listed(client: Client, user: User, **params: Any) -> list[str]:
    client.force_login(user)
    return numbers(client.get("/sager/", params))


def set_status(case: Case, status: str) -> Case:
    reason = "unfounded" if status == Status.CLOSED else ""
    Case.objects.filter(pk=case.pk).update(status=status, closure_reason=reason)
    return case


def add_action(case: Case, by: User, *, due_on: date | None, status: str) -> FollowUpAction:
    return FollowUpAction.objects.create(
        case=case,
        created_by=by,
        action_type="mentor",
        responsible_authority="ssp",
        due_on=due_on,
        status=status,
    )


# --- Who sees what ------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get("/sager/", {"q": "Mikkel", "status": "received"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("who", ["analyst", "administrator"])
def test_roles_without_case_work_get_404_also_when_searching(
    client: Client, case: Case, who: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(who))
    response = client.get("/sager/", {"q": "Mikkel"})
    assert response.status_code == 404
    assert case.number not in response.content.decode()


def test_outsider_finds_nothing_of_another_municipality(
    client: Client, other_coordinator: User, case: Case, other_case: Case
) -> None:
    assert listed(client, other_coordinator, q="Mikkel") == []
    assert listed(client, other_coordinator, q=case.number) == []
    assert listed(client, other_coordinator) == [other_case.number]


def test_police_search_and_filter_only_shared_cases(
    client: Client, police: User, coordinator: User, shared_case: Case
) -> None:
    unshared = make_case(coordinator, shared_case.municipality, name="Mikkel Ikkedelt")
    assert listed(client, police, q="Mikkel") == [shared_case.number]
    assert listed(client, police, q=unshared.number) == []
    assert listed(client, police, status=Status.RECEIVED) == [shared_case.number]
    assert listed(client, police, shared="on") == [shared_case.number]


def test_police_lose_a_revoked_case_from_the_list(
    client: Client, police: User, coordinator: User, shared_case: Case
) -> None:
    assert listed(client, police) == [shared_case.number]
    actions.revoke_share(share=shared_case.shares.get(), by=coordinator, reason="Afsluttet")
    assert listed(client, police) == []


def test_no_cpr_number_in_the_list(client: Client, coordinator: User, case: Case) -> None:
    client.force_login(coordinator)
    page = client.get("/sager/", {"q": "Mikkel"}).content.decode()
    assert case.number in page
    assert "0101091234" not in page and "010109" not in page


# --- Filters --------------------------------------------------------------------------


def test_status_filter(client: Client, coordinator: User, kbh: Municipality) -> None:
    received = make_case(coordinator, kbh)
    closed = set_status(make_case(coordinator, kbh), Status.CANCELLED)
    assert listed(client, coordinator, status=Status.RECEIVED) == [received.number]
    assert listed(client, coordinator, status=Status.CANCELLED) == [closed.number]
    assert listed(client, coordinator, status=Status.FOLLOW_UP) == []


def test_extremism_type_filter(client: Client, coordinator: User, kbh: Municipality) -> None:
    right = make_case(coordinator, kbh, extremism_type=ExtremismType.RIGHT_WING)
    islamist = make_case(coordinator, kbh, extremism_type=ExtremismType.MILITANT_ISLAMISM)
    assert listed(client, coordinator, extremism_type="militant_islamism") == [islamist.number]
    assert listed(client, coordinator, extremism_type="right_wing") == [right.number]


def test_sender_type_filter(client: Client, coordinator: User, kbh: Municipality) -> None:
    school = make_case(coordinator, kbh, sender_type=SenderType.SCHOOL)
    family = make_case(coordinator, kbh, sender_type=SenderType.FAMILY)
    assert listed(client, coordinator, sender_type="family") == [family.number]
    assert listed(client, coordinator, sender_type="school") == [school.number]


AGES = [0, 14, 15, 17, 18, 24, 25, 29, 30, 39, 40, 87]


def test_age_band_filter_follows_the_reports_bands(
    client: Client, coordinator: User, kbh: Municipality
) -> None:
    by_age = {age: make_case(coordinator, kbh, age_at_receipt=age).number for age in AGES}
    # A group concern without an age is in the "unknown" band.
    group = actions.record_concern(
        by=coordinator,
        municipality=kbh,
        case_fields={**CASE_DEFAULTS, "is_group": True},
    )
    for band in AgeBand:
        expected = {number for age, number in by_age.items() if age_band(age) == band}
        if band == AgeBand.UNKNOWN:
            expected.add(group.number)
        assert set(listed(client, coordinator, age_band=band.value)) == expected, band


def test_overdue_filter_counts_only_unfinished_actions_past_their_date(
    client: Client, coordinator: User, kbh: Municipality
) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    planned = make_case(coordinator, kbh)
    add_action(planned, coordinator, due_on=yesterday, status=ActionStatus.PLANNED)
    running = make_case(coordinator, kbh)
    add_action(running, coordinator, due_on=yesterday, status=ActionStatus.IN_PROGRESS)
    finished = make_case(coordinator, kbh)
    for status in (ActionStatus.COMPLETED, ActionStatus.ABORTED, ActionStatus.DECLINED):
        add_action(finished, coordinator, due_on=yesterday, status=status)
    due_today = make_case(coordinator, kbh)
    add_action(due_today, coordinator, due_on=timezone.localdate(), status=ActionStatus.PLANNED)
    no_date = make_case(coordinator, kbh)
    add_action(no_date, coordinator, due_on=None, status=ActionStatus.PLANNED)
    assert set(listed(client, coordinator, overdue="on")) == {planned.number, running.number}
    assert len(listed(client, coordinator)) == 5


def test_shared_filter_means_an_active_share(
    client: Client, coordinator: User, kbh: Municipality, kbh_police: PoliceDistrict
) -> None:
    shared = share_with_police(make_case(coordinator, kbh), coordinator, kbh_police)
    revoked = share_with_police(make_case(coordinator, kbh), coordinator, kbh_police)
    actions.revoke_share(share=revoked.shares.get(), by=coordinator, reason="Ikke nødvendigt")
    make_case(coordinator, kbh)
    assert listed(client, coordinator, shared="on") == [shared.number]


def test_municipality_filter_for_a_coordinator_of_several(
    client: Client, kbh: Municipality, aarhus: Municipality, case: Case, other_case: Case
) -> None:
    both = make_user("koordinator.begge", Role.COORDINATOR, kbh, aarhus)
    assert set(listed(client, both)) == {case.number, other_case.number}
    assert listed(client, both, municipality=aarhus.pk) == [other_case.number]
    assert listed(client, both, municipality=kbh.pk) == [case.number]
    page = client.get("/sager/").content.decode()
    assert 'name="municipality"' in page and "Aarhus" in page


def test_a_coordinator_of_one_municipality_gets_no_municipality_filter(
    client: Client, coordinator: User, case: Case, aarhus: Municipality
) -> None:
    client.force_login(coordinator)
    response = client.get("/sager/", {"municipality": aarhus.pk})
    assert 'name="municipality"' not in response.content.decode()
    assert numbers(response) == [case.number]  # ignored


def test_filters_combine(client: Client, coordinator: User, kbh: Municipality) -> None:
    wanted = make_case(coordinator, kbh, sender_type=SenderType.FAMILY, age_at_receipt=16)
    make_case(coordinator, kbh, sender_type=SenderType.FAMILY, age_at_receipt=30)
    make_case(coordinator, kbh, sender_type=SenderType.SCHOOL, age_at_receipt=16)
    assert listed(client, coordinator, sender_type="family", age_band="15-17") == [wanted.number]


# --- Search ---------------------------------------------------------------------------


def test_search_by_person_name(client: Client, coordinator: User, kbh: Municipality) -> None:
    mikkel = make_case(coordinator, kbh, name="Mikkel Hansen")
    make_case(coordinator, kbh, name="Sofie Jensen")
    assert listed(client, coordinator, q="mikkel") == [mikkel.number]
    assert listed(client, coordinator, q="Hansen") == [mikkel.number]


def test_search_in_the_description_with_danish_stemming(
    client: Client, coordinator: User, kbh: Municipality
) -> None:
    violent = make_case(coordinator, kbh, description="Eleven viser voldelig adfærd i skolen.")
    make_case(coordinator, kbh, description="Forældre bekymrede over radikalisering online.")
    assert listed(client, coordinator, q="voldelige") == [violent.number]
    assert listed(client, coordinator, q="skolerne") == [violent.number]


def test_search_understands_web_search_syntax(
    client: Client, coordinator: User, kbh: Municipality
) -> None:
    mikkel = make_case(coordinator, kbh, name="Mikkel Hansen", description="Trusler mod lærer.")
    sofie = make_case(coordinator, kbh, name="Sofie Hansen", description="Opsøger materiale.")
    assert listed(client, coordinator, q="hansen -trusler") == [sofie.number]
    assert set(listed(client, coordinator, q="mikkel or sofie")) == {mikkel.number, sofie.number}
    assert listed(client, coordinator, q='"mod lærer"') == [mikkel.number]


def test_search_by_case_number(client: Client, coordinator: User, kbh: Municipality) -> None:
    first = make_case(coordinator, kbh)
    second = make_case(coordinator, kbh)
    assert listed(client, coordinator, q=second.number) == [second.number]
    assert listed(client, coordinator, q=second.number.lower()) == [second.number]
    assert listed(client, coordinator, q="2025-0001") == [first.number]
    assert set(listed(client, coordinator, q="IH-0101")) == {first.number, second.number}


def test_search_ranks_the_name_above_the_description(
    client: Client, coordinator: User, kbh: Municipality
) -> None:
    mentioned = make_case(
        coordinator,
        kbh,
        name="Sofie Jensen",
        received_on=date(2025, 5, 1),
        description="Veninden Hansen har fortalt om det.",
    )
    named = make_case(coordinator, kbh, name="Mikkel Hansen", received_on=date(2025, 1, 1))
    client.force_login(coordinator)
    response = client.get("/sager/", {"q": "Hansen"})
    assert numbers(response) == [named.number, mentioned.number]  # not newest first
    assert "bedste match først" in response.content.decode()
    by_date = numbers(client.get("/sager/", {"q": "Hansen", "sort": "-received"}))
    assert by_date == [mentioned.number, named.number]


def test_only_the_newest_matches_are_ranked(
    client: Client, coordinator: User, kbh: Municipality, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filters, "LIST_LIMIT", 2)
    make_case(coordinator, kbh, name="Mikkel Hansen", received_on=date(2025, 1, 1))
    mentioned = [
        make_case(
            coordinator,
            kbh,
            name=f"Sofie Jensen {n}",
            received_on=date(2025, 5, n + 1),
            description="Veninden Hansen har fortalt om det.",
        )
        for n in range(2)
    ]
    client.force_login(coordinator)
    # The best match is older than the two newest: it is not among the ranked, and
    # the list says there are more.
    response = client.get("/sager/", {"q": "Hansen"})
    assert numbers(response) == [mentioned[1].number, mentioned[0].number]
    assert "Mere end 2 sager fundet" in " ".join(response.content.decode().split())


def test_a_search_of_stop_words_only_finds_nothing_and_does_not_fail(
    client: Client, coordinator: User, case: Case
) -> None:
    assert listed(client, coordinator, q="og i at") == []
    assert listed(client, coordinator, q="   ") == [case.number]  # blank: no search


# --- Sorting ----------------------------------------------------------------------------


def th_for(page: str, label: str) -> str:
    """The opening <th ...> tag of the sortable column `label`."""
    match = re.search(r"(<th [^>]*>)\s*<a [^>]*>" + re.escape(label), page)
    assert match is not None, label
    return match.group(1)


@pytest.fixture
def three_cases(coordinator: User, kbh: Municipality) -> list[Case]:
    """Numbers 0001, 0002, 0003, received in the order 0002, 0003, 0001."""
    cases = [
        make_case(coordinator, kbh, received_on=date(2025, 3, 1)),
        make_case(coordinator, kbh, received_on=date(2025, 1, 1)),
        make_case(coordinator, kbh, received_on=date(2025, 2, 1)),
    ]
    set_status(cases[0], Status.FOLLOW_UP)
    set_status(cases[1], Status.INFORMATION_GATHERING)
    set_status(cases[2], Status.CLOSED)
    return cases


def test_default_sort_is_newest_first_with_aria_sort(
    client: Client, coordinator: User, three_cases: list[Case]
) -> None:
    client.force_login(coordinator)
    response = client.get("/sager/")
    first, second, third = (c.number for c in three_cases)
    assert numbers(response) == [first, third, second]
    page = response.content.decode()
    assert 'aria-sort="descending"' in th_for(page, "Modtaget")
    assert "aria-sort" not in th_for(page, "Sagsnummer")
    assert page.count("aria-sort=") == 1


def test_sort_by_received_oldest_first(
    client: Client, coordinator: User, three_cases: list[Case]
) -> None:
    client.force_login(coordinator)
    response = client.get("/sager/", {"sort": "received"})
    first, second, third = (c.number for c in three_cases)
    assert numbers(response) == [second, third, first]
    assert 'aria-sort="ascending"' in th_for(response.content.decode(), "Modtaget")


def test_sort_by_case_number_both_ways(
    client: Client, coordinator: User, three_cases: list[Case]
) -> None:
    client.force_login(coordinator)
    ordered = sorted(c.number for c in three_cases)
    response = client.get("/sager/", {"sort": "number"})
    assert numbers(response) == ordered
    page = response.content.decode()
    assert 'aria-sort="ascending"' in th_for(page, "Sagsnummer")
    assert "sort=-number" in page  # the header now reverses the order
    assert numbers(client.get("/sager/", {"sort": "-number"})) == ordered[::-1]


def test_sort_by_status_follows_the_case_process(
    client: Client, coordinator: User, three_cases: list[Case]
) -> None:
    client.force_login(coordinator)
    gathering, follow_up, closed = three_cases[1], three_cases[0], three_cases[2]
    expected = [gathering.number, follow_up.number, closed.number]
    response = client.get("/sager/", {"sort": "status"})
    assert numbers(response) == expected
    assert 'aria-sort="ascending"' in th_for(response.content.decode(), "Status")
    assert numbers(client.get("/sager/", {"sort": "-status"})) == expected[::-1]


def test_sort_links_keep_search_and_filters_and_start_on_page_one(
    client: Client, coordinator: User, shared_case: Case
) -> None:
    client.force_login(coordinator)
    page = client.get(
        "/sager/", {"q": "Mikkel", "status": "received", "shared": "on", "side": "1"}
    ).content.decode()
    links = re.findall(r'<a class="function-link sort-link" href="([^"]+)"', page)
    assert len(links) == 3
    for link in links:
        assert "q=Mikkel" in link and "status=received" in link and "shared=on" in link
        assert "side=" not in link


# --- Pages ------------------------------------------------------------------------------


def test_pages_keep_search_and_filters(client: Client, coordinator: User, kbh: Any) -> None:
    for _ in range(27):
        make_case(coordinator, kbh, name="Mikkel Hansen", sender_type=SenderType.FAMILY)
    make_case(coordinator, kbh, name="Mikkel Hansen", sender_type=SenderType.SCHOOL)
    client.force_login(coordinator)
    params = {"q": "Mikkel", "sender_type": "family", "sort": "number"}
    first = client.get("/sager/", params)
    assert len(numbers(first)) == 25
    page = first.content.decode()
    assert "27 sager fundet" in page
    next_link = re.search(r'href="(\?[^"]*side=2[^"]*)"', page)
    assert next_link is not None
    href = next_link.group(1).replace("&amp;", "&")
    assert "q=Mikkel" in href and "sender_type=family" in href and "sort=number" in href
    second = client.get("/sager/" + href)
    assert len(numbers(second)) == 2
    assert set(numbers(first)).isdisjoint(numbers(second))
    assert numbers(first) + numbers(second) == sorted(numbers(first) + numbers(second))


def test_a_page_past_the_end_shows_the_last_page(
    client: Client, coordinator: User, case: Case
) -> None:
    assert listed(client, coordinator, side="999") == [case.number]


# --- Count, removable filters, htmx -----------------------------------------------------


def test_the_count_and_a_removal_link_per_filter(
    client: Client, coordinator: User, case: Case
) -> None:
    client.force_login(coordinator)
    params = {"q": "Mikkel", "status": "received", "extremism_type": "right_wing", "shared": ""}
    page = client.get("/sager/", params).content.decode()
    assert "1 sag fundet" in page
    tags = dict(re.findall(r'<a class="tag tag-icon" href="([^"]+)" data-clear="([a-z_]+)"', page))
    assert sorted(tags.values()) == ["extremism_type", "q", "status"]
    for href, name in tags.items():
        query = href.replace("&amp;", "&")
        assert f"{name}=" not in query
        assert all(f"{other}=" in query for other in params if other not in (name, "shared"))
    assert "Status: Modtaget" in page and "Højreekstremisme" in page
    assert "Fjern alle filtre" in page


def test_the_unfiltered_list_has_no_filter_tags(
    client: Client, coordinator: User, case: Case
) -> None:
    client.force_login(coordinator)
    page = client.get("/sager/").content.decode()
    assert re.search(r"\b1 sag\b", page) and "fundet" not in page
    assert "tag tag-icon" not in page


def test_no_match_says_so(client: Client, coordinator: User, case: Case) -> None:
    client.force_login(coordinator)
    page = client.get("/sager/", {"q": "Zacharias"}).content.decode()
    assert "Ingen sager matcher søgningen og filtrene." in page


def test_htmx_request_gets_only_the_results(client: Client, coordinator: User, case: Case) -> None:
    client.force_login(coordinator)
    response = client.get(
        "/sager/", {"status": "received", "sort": "number"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="case-filter"' not in html
    assert 'id="case-results"' in html and case.number in html
    # The form's sort field follows the headers the user clicked.
    assert re.search(r'id="case-sort" name="sort" value="number" hx-swap-oob="true"', html)
    assert "HX-Request" in response["Vary"]


def test_full_page_has_the_filter_form_wired_for_htmx(
    client: Client, coordinator: User, case: Case
) -> None:
    client.force_login(coordinator)
    page = client.get("/sager/", {"q": "Mikkel", "status": "received"}).content.decode()
    form = re.search(r"<form [^>]*id=\"case-filter\"[^>]*>", page)
    assert form is not None
    tag = form.group(0)
    assert 'method="get"' in tag and 'hx-get="/sager/"' in tag
    assert 'hx-target="#case-results"' in tag and 'hx-push-url="true"' in tag
    assert 'value="Mikkel"' in page  # the form keeps its values
    assert re.search(r'<option value="received" selected>', page)
    assert "hx-swap-oob" not in page
    assert 'hx-history="false"' in page
    # The file name carries a content hash when static files are collected (not DEBUG).
    assert re.search(r'src="/static/js/case_list(\.[0-9a-f]+)?\.js" defer', page)


def test_history_restore_gets_the_whole_page(client: Client, coordinator: User, case: Case) -> None:
    client.force_login(coordinator)
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    html = client.get("/sager/", headers=headers).content.decode()
    assert "<html" in html and 'id="case-filter"' in html


# --- Hostile input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"status": "bogus"},
        {"extremism_type": "<script>alert(1)</script>"},
        {"sender_type": "'; DROP TABLE concerns_case; --"},
        {"age_band": "1-2"},
        {"age_band": "40+'"},
        {"municipality": "abc"},
        {"q": "\x00"},
        {"q": "x" * 5000},
        {"q": "!!! & | <-> :* ' \""},
        {"q": "IH-----"},
        {"sort": "password"},
        {"sort": "-"},
        {"side": "-1"},
        {"side": "9" * 50},
        {"overdue": "null", "shared": "[]"},
    ],
)
def test_hostile_parameters_never_fail(
    client: Client, coordinator: User, case: Case, params: dict[str, str]
) -> None:
    client.force_login(coordinator)
    response = client.get("/sager/", params)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Traceback" not in body and "<script>alert(1)</script>" not in body


def test_an_invalid_filter_is_shown_as_an_error_and_ignored(
    client: Client, coordinator: User, case: Case
) -> None:
    client.force_login(coordinator)
    response = client.get("/sager/", {"status": "bogus", "sender_type": "school"})
    assert numbers(response) == [case.number]
    page = response.content.decode()
    assert "form-error-message" in page and 'aria-invalid="true"' in page
    assert "Afsender: Skole" in page  # the valid filter still applies


# --- Audit -------------------------------------------------------------------------------


def test_every_listed_case_is_audited_as_the_case_list(
    client: Client, coordinator: User, case: Case, other_case: Case
) -> None:
    listed(client, coordinator, status="received")
    entries = AuditEntry.objects.filter(user=coordinator, action=AuditAction.LIST)
    assert list(entries.values_list("object_id", "person_id", "purpose")) == [
        (str(case.pk), case.person_id, "sagsliste")
    ]


def test_a_search_is_audited_without_the_search_text(
    client: Client, coordinator: User, case: Case
) -> None:
    search = "Mikkel 0101091234"
    client.force_login(coordinator)
    client.get("/sager/", {"q": "Mikkel"})
    client.get("/sager/", {"q": search})
    entries = AuditEntry.objects.filter(user=coordinator, action=AuditAction.LIST)
    assert list(entries.values_list("object_id", "purpose")) == [(str(case.pk), "søgning")]
    for entry in AuditEntry.objects.values():
        text = " ".join(str(value) for value in entry.values())
        assert "Mikkel" not in text and "0101091234" not in text


# --- Queries -----------------------------------------------------------------------------


FILTER_SETS: list[dict[str, str]] = [
    {},
    {"q": "Mikkel"},
    {"q": "IH-0101-2025"},
    {"sort": "status"},
    {
        "q": "vold",
        "status": "received",
        "extremism_type": "right_wing",
        "sender_type": "school",
        "age_band": "15-17",
        "overdue": "on",
        "shared": "on",
        "sort": "number",
    },
]


def make_matching_case(coordinator: User, kbh: Municipality, district: PoliceDistrict) -> None:
    case = share_with_police(make_case(coordinator, kbh), coordinator, district)
    add_action(case, coordinator, due_on=date(2025, 1, 1), status=ActionStatus.PLANNED)


@pytest.mark.parametrize("params", FILTER_SETS)
def test_query_count_does_not_grow_with_the_rows(
    client: Client,
    coordinator: User,
    kbh: Municipality,
    kbh_police: PoliceDistrict,
    params: dict[str, str],
    django_assert_max_num_queries: Any,
    django_assert_num_queries: Any,
) -> None:
    for _ in range(5):
        make_matching_case(coordinator, kbh, kbh_police)
    client.force_login(coordinator)
    client.get("/sager/", params)  # fills the content-type cache
    with django_assert_max_num_queries(10) as few:
        assert len(numbers(client.get("/sager/", params))) == 5
    for _ in range(25):
        make_matching_case(coordinator, kbh, kbh_police)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(numbers(client.get("/sager/", params))) == 25


def test_a_case_handed_to_police_is_a_stub_in_the_list_and_in_search(
    client: Client, coordinator: User, kbh_police: PoliceDistrict, kbh: Municipality
) -> None:
    handed = make_case(coordinator, kbh, name="Overdraget Olsen")
    share_with_police(handed, coordinator, kbh_police)
    actions.transition_case(case=handed, to=Status.HANDED_TO_POLICE, by=coordinator)
    client.force_login(coordinator)
    page = client.get("/sager/").content.decode()
    assert handed.number in page and "Overdraget Olsen" not in page
    assert handed.number not in client.get("/sager/", {"q": "Olsen"}).content.decode()


def test_past_the_count_limit_the_list_says_more_and_its_pages_stop_there(
    client: Client, coordinator: User, kbh: Municipality, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filters, "LIST_LIMIT", 3)
    monkeypatch.setattr(case_list, "CASES_PER_PAGE", 2)
    for n in range(5):
        make_case(coordinator, kbh, name=f"Person {n}")
    client.force_login(coordinator)
    response = client.get("/sager/")
    page = " ".join(response.content.decode().split())
    assert "Mere end 3 sager" in page
    assert response.context["page"].paginator.num_pages == 2
    assert len(numbers(response)) == 2
    # At the limit exactly, the count is exact.
    monkeypatch.setattr(filters, "LIST_LIMIT", 5)
    assert "5 sager" in " ".join(client.get("/sager/").content.decode().split())


def test_past_the_limit_every_order_sorts_the_newest_cases(
    client: Client, coordinator: User, kbh: Municipality, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filters, "LIST_LIMIT", 2)
    oldest, middle, newest = (
        make_case(coordinator, kbh, name=f"P {n}", received_on=date(2025, 1, n + 1))
        for n in range(3)
    )
    assert listed(client, coordinator, sort="received") == [middle.number, newest.number]
    assert listed(client, coordinator, sort="-number") == [newest.number, middle.number]
    assert listed(client, coordinator) == [newest.number, middle.number]
    assert oldest.number not in listed(client, coordinator, sort="status")


def test_past_the_limit_search_ranks_only_the_newest_matches(
    client: Client, coordinator: User, kbh: Municipality, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filters, "LIST_LIMIT", 2)
    oldest = make_case(coordinator, kbh, name="Mikkel Mikkelsen", received_on=date(2025, 1, 1))
    newer = [
        make_case(coordinator, kbh, name=f"Mikkel {name}", received_on=date(2025, 2, day))
        for day, name in ((1, "Hansen"), (2, "Jensen"))
    ]
    found = listed(client, coordinator, q="Mikkel")
    assert sorted(found) == sorted(case.number for case in newer)
    assert oldest.number not in found


def test_a_page_past_the_end_or_before_the_first_shows_the_last_page(
    client: Client, coordinator: User, kbh: Municipality, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(case_list, "CASES_PER_PAGE", 2)
    cases = [
        make_case(coordinator, kbh, name=f"P {n}", received_on=date(2025, 1, n + 1))
        for n in range(5)
    ]
    client.force_login(coordinator)
    for side in ("3", "4", "999", "0", "-1"):
        response = client.get("/sager/", {"side": side})
        assert response.context["page"].number == 3
        assert numbers(response) == [cases[0].number]
    assert numbers(client.get("/sager/", {"side": "2"})) == [cases[2].number, cases[1].number]
    assert numbers(client.get("/sager/", {"side": "nej"})) == [cases[4].number, cases[3].number]
