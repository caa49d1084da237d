"""The de-identified fact store: database triggers keep it in step with the cases by
every write path, anonymisation freezes a case's fact with the values from before,
deletion keeps it, and the report of a past period comes out the same, with the
same dataset hash, after its cases are anonymised and deleted."""

import hashlib
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import Role, User
from concerns import actions
from concerns.choices import (
    ActionType,
    AgeBand,
    AssessmentOutcome,
    Authority,
    ClosureReason,
    ExtremismType,
    Gender,
    PsychVulnerability,
    SenderType,
    Status,
    YesNoUnknown,
    age_band,
)
from concerns.models import Case, FollowUpAction, Municipality, Person
from concerns.retention import apply_retention
from reporting import jobs
from reporting.dataset import FORMAT, dataset_sha256, fact_line, fingerprint, line_digest
from reporting.facts import FACT_FIELDS, CaseFact, case_facts
from reporting.models import JobStatus, ReportJob, StatFact
from tests.conftest import CASE_DEFAULTS, make_case, make_user

pytestmark = pytest.mark.django_db

# A period that starts and ends mid-month, so coarsening a date to the first of its
# month would move a concern in or out of it.
START, END = date(2025, 3, 15), date(2025, 9, 14)
FAR_FUTURE = date(2040, 1, 1)


def fact(case: Case) -> StatFact:
    return StatFact.objects.get(case_id=case.pk)


def stored_values(case: Case) -> dict[str, Any]:
    return dict(StatFact.objects.values().get(case_id=case.pk))


def closed(case: Case, on: date = date(2025, 10, 1), **fields: object) -> Case:
    """The case closed on `on`, so retention takes it once its period has run out."""
    Case.objects.filter(pk=case.pk).update(
        status=Status.CLOSED, closure_reason=ClosureReason.COMPLETED, closed_on=on, **fields
    )
    case.refresh_from_db()
    return case


def live_facts(start: date, end: date) -> list[CaseFact]:
    """The facts computed straight from the cases, as the report did before the
    fact store: what the store must give back while the cases are live."""
    rows = (
        Case.objects.received_between(start, end)
        .exclude(status=Status.CANCELLED)
        .order_by("received_on", "id")
        .values_list(
            "municipality__code",
            "municipality__police_district__code",
            "received_on",
            "extremism_type",
            "sender_type",
            "age_at_receipt",
            "person__gender",
            "person__psych_vulnerability",
            "is_group",
            "online_element",
            "status",
            "assessment_outcome",
            "closure_reason",
            "psych_vulnerability_part",
            "person__gang_fringe",
            "person__relative_radicalised",
            "person__parallel_social_case",
            "assessed_on",
            "id",
        )
    )
    types: dict[int, set[str]] = {}
    for case_id, kind in FollowUpAction.objects.values_list("case_id", "action_type"):
        types.setdefault(case_id, set()).add(kind)
    return [
        CaseFact(
            municipality_code=row[0],
            police_district_code=row[1],
            year=row[2].year,
            extremism_type=row[3],
            sender_type=row[4],
            age_band=age_band(row[5]).value,
            gender=row[6] or Gender.UNKNOWN.value,
            psych_vulnerability=row[7] or PsychVulnerability.UNKNOWN.value,
            is_group=row[8],
            online_element=row[9],
            status=row[10],
            assessment_outcome=row[11],
            closure_reason=row[12],
            psych_vulnerability_part=row[13],
            gang_fringe=bool(row[14]),
            relative_radicalised=bool(row[15]),
            parallel_social_case=bool(row[16]),
            days_to_assessment=(row[17] - row[2]).days if row[17] else None,
            action_types=tuple(sorted(types.get(row[18], ()))),
        )
        for row in rows
    ]


def group_concern(by: User, municipality: Municipality, **fields: Any) -> Case:
    return actions.record_concern(
        by=by, municipality=municipality, case_fields={**CASE_DEFAULTS, "is_group": True, **fields}
    )


# --- The store follows the cases -----------------------------------------------------


def test_a_registered_concern_gets_its_fact(coordinator: User, kbh: Municipality) -> None:
    case = make_case(coordinator, kbh, online_element=YesNoUnknown.YES)
    stored = fact(case)
    assert (stored.municipality_code, stored.police_district_code) == ("0101", "1470")
    assert (stored.received_on, stored.year) == (date(2025, 3, 14), 2025)
    assert stored.age_band == AgeBand.AGE_15_17  # born 1 January 2009
    assert (stored.gender, stored.psych_vulnerability) == ("unknown", "unknown")
    assert stored.extremism_type == ExtremismType.RIGHT_WING
    assert stored.online_element == YesNoUnknown.YES
    assert stored.status == Status.RECEIVED and stored.days_to_assessment is None
    assert not stored.frozen


def test_a_group_concern_has_unknown_gender_and_vulnerability(
    coordinator: User, kbh: Municipality
) -> None:
    stored = fact(group_concern(coordinator, kbh))
    assert stored.is_group and stored.age_band == AgeBand.UNKNOWN
    assert (stored.gender, stored.psych_vulnerability) == ("unknown", "unknown")
    assert not (stored.gang_fringe or stored.relative_radicalised or stored.parallel_social_case)


def test_the_fact_follows_an_edit_of_the_case_and_its_person(
    coordinator: User, kbh: Municipality
) -> None:
    case = make_case(coordinator, kbh)
    actions.update_case(
        case=case,
        by=coordinator,
        fields={"extremism_type": ExtremismType.LEFT_WING, "psych_vulnerability_part": True},
        expected_version=case.version,
        person_fields={"gender": Gender.FEMALE, "gang_fringe": True},
    )
    stored = fact(case)
    assert stored.extremism_type == ExtremismType.LEFT_WING and stored.psych_vulnerability_part
    assert stored.gender == Gender.FEMALE and stored.gang_fringe


def test_the_store_follows_bulk_updates_and_raw_sql(coordinator: User, kbh: Municipality) -> None:
    cases = [make_case(coordinator, kbh, name=f"Person {n}") for n in range(3)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        status=Status.ASSESSED,
        assessment_outcome=AssessmentOutcome.PREVENTIVE,
        assessed_on=date(2025, 4, 2),
    )
    Person.objects.filter(cases__in=cases).update(psych_vulnerability=PsychVulnerability.ASSUMED)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE concerns_case SET sender_type = %s, received_on = %s WHERE id = %s",
            [SenderType.POLICE, date(2025, 3, 20), cases[0].pk],
        )
    facts = {f.case_id: f for f in StatFact.objects.all()}
    assert {f.status for f in facts.values()} == {Status.ASSESSED}
    assert {f.psych_vulnerability for f in facts.values()} == {PsychVulnerability.ASSUMED}
    assert facts[cases[1].pk].days_to_assessment == 19  # 14 March to 2 April
    assert facts[cases[0].pk].sender_type == SenderType.POLICE
    assert facts[cases[0].pk].days_to_assessment == 13
    assert case_facts(date(2025, 1, 1), date(2025, 12, 31)) == live_facts(
        date(2025, 1, 1), date(2025, 12, 31)
    )


def test_the_fact_follows_a_case_moved_to_another_person_or_municipality(
    coordinator: User, kbh: Municipality, aarhus: Municipality
) -> None:
    case = make_case(coordinator, kbh)
    other = Person.objects.create(name="Sofie", gender=Gender.FEMALE, relative_radicalised=True)
    Case.objects.filter(pk=case.pk).update(person=other, municipality=aarhus)
    stored = fact(case)
    assert (stored.municipality_code, stored.police_district_code) == ("0751", "1461")
    assert stored.gender == Gender.FEMALE and stored.relative_radicalised


def owner_connection() -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=db["USER"], autocommit=True
    )


@pytest.mark.django_db(transaction=True)
def test_a_person_and_their_other_case_changed_at_once_both_reach_the_fact() -> None:
    """The person's change commits while the case's waits for it: the case's write
    must not put back the person's values it read before."""
    kbh = Municipality.objects.get(code="0101")
    coordinator = make_user("koordinator.kbh", Role.COORDINATOR, kbh)
    first = make_case(coordinator, kbh)
    second = make_case(coordinator, kbh, name="Anden")
    Case.objects.filter(pk=second.pk).update(person=first.person)
    with owner_connection() as person_tx, owner_connection() as case_tx:
        person_tx.execute("BEGIN")
        person_tx.execute(
            "UPDATE concerns_person SET gender = 'female' WHERE id = %s", [first.person_id]
        )
        case_update = threading.Thread(
            target=case_tx.execute,
            args=("UPDATE concerns_case SET status = 'assessed' WHERE id = %s", [second.pk]),
        )
        case_update.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            waiting = person_tx.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                [case_tx.info.backend_pid],
            ).fetchone()
            if waiting == ("Lock",):
                break
            time.sleep(0.05)
        person_tx.execute("COMMIT")
        case_update.join(timeout=10)
    assert (fact(second).gender, fact(second).status) == (Gender.FEMALE, Status.ASSESSED)


def test_case_facts_are_those_of_the_live_cases_in_the_same_order(
    coordinator: User, kbh: Municipality, aarhus: Municipality
) -> None:
    make_case(coordinator, aarhus, received_on=date(2025, 6, 1), sender_type=SenderType.FAMILY)
    make_case(coordinator, kbh, received_on=date(2025, 3, 15), age_at_receipt=42)
    make_case(coordinator, kbh, received_on=date(2025, 9, 14), assessed_on=date(2025, 9, 30))
    make_case(coordinator, kbh, received_on=date(2025, 3, 14))  # the day before the period
    make_case(coordinator, kbh, received_on=date(2025, 9, 15))  # the day after
    group_concern(coordinator, kbh, received_on=date(2025, 6, 1))
    cancelled = make_case(coordinator, kbh, received_on=date(2025, 5, 5))
    Case.objects.filter(pk=cancelled.pk).update(status=Status.CANCELLED)
    Person.objects.filter(cases__received_on=date(2025, 6, 1)).update(gender=Gender.MALE)

    facts = case_facts(START, END)
    assert len(facts) == 4
    assert facts == live_facts(START, END)


# --- Anonymisation and deletion: a past period's report stays the same ----------------


@pytest.fixture
def period_cases(coordinator: User, kbh: Municipality, aarhus: Municipality) -> list[Case]:
    """Cases whose dates anonymisation would move across the period's boundaries."""
    inside = make_case(  # 1 March once coarsened: before the period
        coordinator, kbh, received_on=date(2025, 3, 20), assessed_on=date(2025, 4, 2)
    )
    outside = make_case(  # 1 September once coarsened: inside the period
        coordinator, aarhus, received_on=date(2025, 9, 20), extremism_type=ExtremismType.MIXED
    )
    Person.objects.filter(cases=inside).update(gender=Gender.MALE)
    kept_open = make_case(coordinator, kbh, name="Anna", received_on=date(2025, 6, 10))
    return [closed(inside), closed(outside), kept_open]


def test_anonymising_cases_leaves_a_past_periods_report_identical(
    period_cases: list[Case],
) -> None:
    inside, outside, kept_open = period_cases
    before = case_facts(START, END)
    whole_year = case_facts(date(2025, 1, 1), date(2025, 12, 31))
    assert len(before) == 2

    outcomes = apply_retention(FAR_FUTURE)

    assert {outcome.case_number for outcome in outcomes} == {inside.number, outside.number}
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert (inside.received_on, inside.assessed_on) == (date(2025, 3, 1), date(2025, 4, 1))
    assert outside.received_on == date(2025, 9, 1)
    # Counted from the anonymised cases, the period would now hold other concerns.
    assert live_facts(START, END) != before
    assert case_facts(START, END) == before
    assert dataset_sha256(case_facts(START, END)) == dataset_sha256(before)
    assert case_facts(date(2025, 1, 1), date(2025, 12, 31)) == whole_year
    assert fact(inside).days_to_assessment == 13 and fact(inside).frozen
    assert not fact(kept_open).frozen


def test_deleting_anonymised_cases_keeps_their_facts_and_the_report(
    period_cases: list[Case],
) -> None:
    before = case_facts(START, END)
    apply_retention(FAR_FUTURE)
    gone = Case.objects.filter(anonymised_on__isnull=False)
    persons = list(Person.objects.filter(cases__in=gone).values_list("pk", flat=True))
    gone.delete()
    Person.objects.filter(pk__in=persons).delete()

    assert Case.objects.count() == 1
    assert StatFact.objects.count() == 3
    assert case_facts(START, END) == before
    assert dataset_sha256(case_facts(START, END)) == dataset_sha256(before)


def follow_up(case: Case, by: User, kind: ActionType) -> FollowUpAction:
    return actions.add_follow_up_action(
        case=case,
        by=by,
        fields={"action_type": kind, "responsible_authority": Authority.MUNICIPALITY},
    )


def test_the_fact_holds_the_types_of_the_cases_actions_each_once(
    coordinator: User, kbh: Municipality
) -> None:
    case = make_case(coordinator, kbh)
    other = make_case(coordinator, kbh)
    assert fact(case).action_types == []
    follow_up(case, coordinator, ActionType.MENTOR)
    first = follow_up(case, coordinator, ActionType.CONVERSATION)
    follow_up(case, coordinator, ActionType.CONVERSATION)
    assert fact(case).action_types == ["conversation", "mentor"]

    # A bulk update of the type, and an action moved to another case (raw SQL).
    FollowUpAction.objects.filter(case=case, action_type=ActionType.MENTOR).update(
        action_type=ActionType.PSYCHOLOGIST
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE concerns_followupaction SET case_id = %s WHERE id = %s", [other.pk, first.pk]
        )
    assert fact(case).action_types == ["conversation", "psychologist"]
    assert fact(other).action_types == ["conversation"]
    assert case_facts(START, END) == live_facts(START, END)


def test_anonymising_and_deleting_keep_the_action_types(
    coordinator: User, kbh: Municipality
) -> None:
    anonymised = closed(make_case(coordinator, kbh, received_on=date(2025, 3, 20)))
    follow_up(anonymised, coordinator, ActionType.EDUCATION)
    deleted = make_case(coordinator, kbh, received_on=date(2025, 4, 2))
    follow_up(deleted, coordinator, ActionType.MENTOR)
    before = case_facts(START, END)

    apply_retention(FAR_FUTURE)
    Case.objects.filter(pk=deleted.pk).delete()  # its actions go first, by cascade

    assert fact(anonymised).action_types == ["education"] and fact(anonymised).frozen
    assert fact(deleted).action_types == ["mentor"] and fact(deleted).frozen
    assert case_facts(START, END) == before


def test_deleting_a_live_case_keeps_its_fact_frozen(coordinator: User, kbh: Municipality) -> None:
    case = make_case(coordinator, kbh)
    before = case_facts(START, END)
    Case.objects.filter(pk=case.pk).delete()
    assert case_facts(START, END) == before
    assert StatFact.objects.get(case_id=case.pk).frozen


def test_a_frozen_fact_follows_no_later_write_and_cannot_be_changed(
    coordinator: User, kbh: Municipality
) -> None:
    anonymised = closed(make_case(coordinator, kbh, received_on=date(2025, 3, 20)))
    later = make_case(coordinator, kbh, received_on=date(2025, 6, 1))
    Case.objects.filter(pk=later.pk).update(person=anonymised.person)
    apply_retention(FAR_FUTURE)
    frozen = stored_values(anonymised)

    Case.objects.filter(pk=anonymised.pk).update(extremism_type=ExtremismType.LEFT_WING)
    Person.objects.filter(cases=anonymised).update(gender=Gender.FEMALE)

    assert stored_values(anonymised) == frozen and frozen["gender"] == "unknown"
    assert fact(anonymised).received_on == date(2025, 3, 20)
    assert fact(later).gender == Gender.FEMALE  # the person's other case is still followed
    with pytest.raises(DatabaseError), transaction.atomic():
        StatFact.objects.filter(case_id=anonymised.pk).update(status=Status.CANCELLED)
    with pytest.raises(DatabaseError), transaction.atomic():
        StatFact.objects.filter(case_id=anonymised.pk).delete()


# --- The dataset hash ------------------------------------------------------------------


def test_same_facts_give_the_same_hash_in_any_order(coordinator: User, kbh: Municipality) -> None:
    for day in (1, 2, 3):
        make_case(coordinator, kbh, received_on=date(2025, 4, day), age_at_receipt=10 * day)
    facts = case_facts(START, END)
    assert dataset_sha256(facts) == dataset_sha256(case_facts(START, END))
    assert dataset_sha256(facts) == dataset_sha256(reversed(facts))
    assert len(dataset_sha256(facts)) == 64


def test_different_facts_give_a_different_hash(coordinator: User, kbh: Municipality) -> None:
    case = make_case(coordinator, kbh, received_on=date(2025, 4, 1))
    make_case(coordinator, kbh, received_on=date(2025, 4, 2))
    before = dataset_sha256(case_facts(START, END))
    Case.objects.filter(pk=case.pk).update(sender_type=SenderType.HEALTH)
    changed = dataset_sha256(case_facts(START, END))
    assert changed != before
    make_case(coordinator, kbh, received_on=date(2025, 4, 2))  # a second, identical fact
    assert dataset_sha256(case_facts(START, END)) != changed
    assert dataset_sha256([]) != before


def test_a_fact_is_hashed_as_one_json_line_and_the_dataset_by_the_sum_of_the_digests() -> None:
    fact = CaseFact(
        municipality_code="0101",
        police_district_code="1470",
        year=2025,
        extremism_type="right_wing",
        sender_type="school",
        age_band="15-17",
        gender="male",
        psych_vulnerability="no",
        is_group=False,
        online_element="yes",
        status="closed",
        assessment_outcome="preventive",
        closure_reason="completed",
        days_to_assessment=13,
    )
    line = fact_line(fact)
    assert line == (
        '["0101","1470",2025,"right_wing","school","15-17","male","no",false,"yes",'
        '"closed","preventive","completed",false,false,false,false,13,[]]'
    )
    digest = hashlib.sha256(line.encode()).digest()
    parts = line_digest(line)
    assert b"".join(p.to_bytes(8, "big", signed=True) for p in parts) == digest
    assert dataset_sha256([fact]) == fingerprint(1, parts)
    # The same fact twice is another dataset.
    assert dataset_sha256([fact, fact]) == fingerprint(2, [2 * p for p in parts])
    assert dataset_sha256([fact, fact]) != dataset_sha256([fact])
    assert FORMAT == "infohus-case-facts/3"


def test_the_database_digests_each_fact_as_python_does(
    coordinator: User, kbh: Municipality
) -> None:
    closed(make_case(coordinator, kbh))
    make_case(coordinator, kbh, name="Anden", is_group=True)
    rows = list(StatFact.objects.all())
    assert len(rows) == 2
    for row in rows:
        values = {name: getattr(row, name) for name in FACT_FIELDS}
        fact = CaseFact(**values | {"action_types": tuple(row.action_types)})
        assert row.digest == list(line_digest(fact_line(fact)))
    # and keeps the digest current when the fact changes
    unfrozen = StatFact.objects.filter(frozen=False).first()
    assert unfrozen is not None
    before = unfrozen.digest
    StatFact.objects.filter(pk=unfrozen.pk).update(days_to_assessment=999)
    unfrozen.refresh_from_db()
    assert unfrozen.digest != before


# --- Reading the store -------------------------------------------------------------------


def test_case_facts_query_count_does_not_grow_with_cases(
    coordinator: User, kbh: Municipality, django_assert_num_queries: Any
) -> None:
    make_case(coordinator, kbh)
    with django_assert_num_queries(1):
        assert len(case_facts(date(2025, 1, 1), date(2025, 12, 31))) == 1
    for n in range(12):
        closed(make_case(coordinator, kbh, name=f"P{n}"))
    apply_retention(FAR_FUTURE)
    Case.objects.filter(anonymised_on__isnull=False).order_by("pk")[0].delete()
    with django_assert_num_queries(1):
        assert len(case_facts(date(2025, 1, 1), date(2025, 12, 31))) == 13


def test_the_databases_age_bands_are_the_reports() -> None:
    ages: list[int | None] = [None, *range(0, 131)]
    with connection.cursor() as cursor:
        for age in ages:
            cursor.execute("SELECT reporting_age_band(%s)", [age])
            assert cursor.fetchone() == (age_band(age).value,), age


# --- The report job prints and stores the hash --------------------------------------------


def test_the_report_prints_and_stores_its_dataset_hash(
    coordinator: User, kbh: Municipality, analyst: User, tmp_path: Any
) -> None:
    make_case(coordinator, kbh, received_on=date(2025, 4, 1))
    job = ReportJob.objects.create(period_start=START, period_end=END, requested_by=analyst)

    jobs.run_report_job(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.dataset_sha256 == dataset_sha256(case_facts(START, END))
    path = tmp_path / "report.pdf"
    assert job.pdf is not None
    path.write_bytes(bytes(job.pdf))
    text = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext") or "pdftotext", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert f"Datagrundlag SHA-256: {job.dataset_sha256}" in " ".join(text.split())


# --- The application's database role -------------------------------------------------------

APP_ROLE = "infohus_facts_test_app"


@pytest.fixture
def app_connection(settings: SettingsWrapper) -> Iterator[psycopg.Connection]:
    """A connection as the application's role, which may read the fact store but
    not write it (what grant_app_role should grant; see reporting migration 0002)."""
    settings.APP_DATABASE = {**settings.APP_DATABASE, "USER": APP_ROLE, "PASSWORD": ""}
    call_command("grant_app_role")
    with connection.cursor() as cursor:
        cursor.execute(
            f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON reporting_statfact FROM {APP_ROLE}"
        )
    db = connection.settings_dict
    try:
        with psycopg.connect(
            host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=APP_ROLE, autocommit=True
        ) as conn:
            yield conn
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {APP_ROLE}; DROP ROLE {APP_ROLE}")


@pytest.mark.django_db(transaction=True)
def test_the_app_role_keeps_facts_current_but_cannot_write_them(
    app_connection: psycopg.Connection,
) -> None:
    kbh = Municipality.objects.get(code="0101")
    case = make_case(make_user("koordinator.kbh", Role.COORDINATOR, kbh), kbh)
    app_connection.execute(
        "UPDATE concerns_case SET status = 'closed', closure_reason = 'completed' WHERE id = %s",
        [case.pk],
    )
    assert fact(case).status == Status.CLOSED
    assert app_connection.execute("SELECT count(*) FROM reporting_statfact").fetchone() == (1,)
    for statement in (
        "DELETE FROM reporting_statfact",
        "UPDATE reporting_statfact SET status = 'cancelled'",
        "SELECT reporting_record_fact(c, false) FROM concerns_case c",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app_connection.execute(statement)
