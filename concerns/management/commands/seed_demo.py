"""Fill the database with realistic, deterministic demo data.

    python manage.py seed_demo --cases 1000 --seed 1

The same seed and anchor date always give the same data. The anchor, the last day
the data covers, is yesterday unless `--anchor` pins it: the demo then looks current
(recent cases are open, some follow-up actions are overdue, others not yet due),
and nothing lies in the future whatever the time of day. `--anchor` makes a run
repeatable on any day. Cases go back to 1 January three years before the anchor's
year, so the earlier calendar years are complete.

Cases are created and moved through `concerns.actions`, so numbers, access grants,
timeline events and audit entries are what the application itself writes; then the
timestamps those actions set to "now" are moved back to the planned moments in a
few bulk updates. The audit trail is left as written: it is append-only, and it
truthfully records when the demo data was made.

That takes some 40 s per thousand cases. From BULK_THRESHOLD cases on, or with
`--bulk`, the same plans are written by `concerns.demo.bulk` instead: the same rows,
with COPY, about a thousand cases a second (a million in some 16 minutes, mostly
spent in the database's triggers), and one audit entry for the whole load.
"""

from __future__ import annotations

import gc
import random
import resource
import time
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify
from psycopg import sql

from accounts.memberships import set_memberships
from accounts.models import Role, User
from audit.log import record
from audit.models import AuditAction
from concerns import actions
from concerns.choices import LegalBasis, NoteVisibility, Status
from concerns.demo import DEMO_PASSWORD, DEMO_USERS, DISTRICT_SLUGS, demo_municipality_codes
from concerns.demo.bulk import BulkLoader
from concerns.demo.plan import plan_cases, plan_profile
from concerns.demo.texts import FEMALE_NAMES, LAST_NAMES, MALE_NAMES, OVERALL_ASSESSMENTS
from concerns.demo.walk import (
    CasePlan,
    ProfilePlan,
    Step,
    assessment_dimensions,
    meeting_participants,
)
from concerns.models import (
    OPEN_ACTION_STATUSES,
    OPEN_STATUSES,
    Case,
    CaseEvent,
    FollowUpAction,
    InfohusProfile,
    Meeting,
    MeetingParticipant,
    Municipality,
    Note,
    Person,
    PoliceDistrict,
    Share,
)
from concerns.workflow import TransitionInput

# From this many cases on the bulk path writes them (`--bulk` forces it below).
BULK_THRESHOLD = 20_000


class Command(BaseCommand):
    help = "Create demo users, infohus profiles and cases (deterministic for a given seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=1000, help="number of cases")
        parser.add_argument("--seed", type=int, default=1, help="random seed")
        parser.add_argument(
            "--anchor",
            type=date.fromisoformat,
            default=None,
            help="last day the data covers, YYYY-MM-DD (default: yesterday)",
        )
        parser.add_argument(
            "--force", action="store_true", help="add cases even if some exist already"
        )
        parser.add_argument(
            "--bulk",
            action="store_true",
            help=f"write the cases with COPY, not through the actions "
            f"(the default from {BULK_THRESHOLD} cases on)",
        )
        parser.add_argument("--show-logins", action="store_true", help="only print the demo logins")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["show_logins"]:
            self.print_logins()
            return
        if options["cases"] < 0:
            raise CommandError("--cases must be zero or more.")
        started = time.perf_counter()
        anchor = options["anchor"] or timezone.localdate() - timedelta(days=1)
        bulk = options["bulk"] or options["cases"] >= BULK_THRESHOLD
        with transaction.atomic():
            if Case.objects.exists() and not options["force"]:
                raise CommandError(
                    "There are cases in the database already; use --force to add more."
                )
            Seeder(options["seed"], anchor, self).run(options["cases"], bulk=bulk)
        if bulk:
            # Autovacuum would get to it. Until then the planner would guess at tables
            # it last saw (nearly) empty, and index-only scans would still read the
            # table. VACUUM cannot run inside a transaction (a test's, say).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        seconds = time.perf_counter() - started
        self.print_summary(anchor)
        # ru_maxrss is in kilobytes on Linux.
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"Done in {seconds:.1f} s ({options['cases'] / seconds:.0f} cases/s, "
            f"{'bulk' if bulk else 'through the actions'}), peak memory {peak:.0f} MB."
        )
        self.print_logins()

    def print_summary(self, anchor: date) -> None:
        by_status = dict(Case.objects.values_list("status").annotate(n=Count("id")))
        self.stdout.write(f"\nCases by status (data up to {anchor:%d.%m.%Y}):")
        for status in Status:
            self.stdout.write(f"  {status.value:<22} {by_status.get(status.value, 0):>8}")
        self.stdout.write(f"  {'total':<22} {sum(by_status.values()):>8}")
        overdue = FollowUpAction.objects.filter(
            status__in=OPEN_ACTION_STATUSES,
            due_on__lt=timezone.localdate(),
        ).count()
        notes = dict(Note.objects.values_list("visibility").annotate(n=Count("id")))
        revoked = Share.objects.filter(revoked_at__isnull=False).count()
        self.stdout.write(
            f"Persons {Person.objects.count()}, meetings {Meeting.objects.count()}, "
            f"follow-up actions {FollowUpAction.objects.count()} ({overdue} overdue), "
            f"shares with police {Share.objects.count()} ({revoked} revoked), notes "
            + ", ".join(f"{v.value} {notes.get(v.value, 0)}" for v in NoteVisibility)
            + "."
        )

    def print_logins(self) -> None:
        self.stdout.write(
            "\nDEMO LOGINS – demonstration data only, never for real cases.\n"
            f"Password for every demo login: {DEMO_PASSWORD}\n"
            "At the first sign-in each login sets up an authenticator app (TOTP) from a QR code."
        )
        names = dict(Municipality.objects.values_list("code", "name"))
        districts = dict(PoliceDistrict.objects.values_list("code", "name"))
        existing = set(
            User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list(
                "username", flat=True
            )
        )
        for spec in DEMO_USERS:
            where = ", ".join(names.get(code, code) for code in spec.municipalities)
            where = where or districts.get(spec.district or "", "")
            label = f"{Role(spec.role).label}{f' – {where}' if where else ''}"
            missing = "" if spec.username in existing else "  (not in this database yet)"
            self.stdout.write(f"  {spec.username:<22} {label}{missing}")


def danish_slug(name: str) -> str:
    for letter, spelled in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        name = name.lower().replace(letter, spelled)
    return slugify(name)


def latest_id(model: type[models.Model]) -> int:
    return model._default_manager.aggregate(last=models.Max("id"))["last"] or 0


class Seeder:
    """Writes one demo data set; see the module docstring."""

    def __init__(self, seed: int, anchor: date, command: Command) -> None:
        self.seed, self.anchor, self.out = seed, anchor, command.stdout
        self.municipalities = {
            m.code: m for m in Municipality.objects.select_related("police_district", "group")
        }
        self.profiles: dict[str, ProfilePlan] = {}
        self.coordinators: dict[str, User] = {}
        self.police: dict[str, User] = {}
        self.persons: dict[int, Person] = {}
        self.cases: dict[int, Case] = {}
        self.meetings: dict[tuple[int, date, str], Meeting] = {}
        self.last_meeting: dict[int, Meeting] = {}
        self.shares: dict[int, Share] = {}
        self.moments: dict[int, list[datetime]] = {}
        self.fix: dict[str, list[tuple[int, Any]]] = {}

    def run(self, count: int, *, bulk: bool = False) -> None:
        event_floor = latest_id(CaseEvent)
        self.ensure_users()
        self.write_profiles()
        started = time.perf_counter()
        rng = random.Random(self.seed)  # noqa: S311 - demo data, not security
        plans = plan_cases(rng, count, self.anchor, self.profiles, demo_municipality_codes())
        self.out.write(f"Planned {count} cases in {time.perf_counter() - started:.0f} s.")
        if bulk:
            self.load(plans)
            return
        started = time.perf_counter()
        for index, plan in enumerate(plans):
            self.create_case(index, plan)
            if (index + 1) % 250 == 0:
                self.out.write(f"  {index + 1} cases ({time.perf_counter() - started:.0f} s)")
        self.pair_moments(event_floor)
        self.apply_timestamps()

    def load(self, plans: list[CasePlan]) -> None:
        """The bulk path: the same rows, and one audit entry for them all."""
        count = len(plans)
        loader = BulkLoader(
            municipalities=self.municipalities,
            profiles=self.profiles,
            coordinators=self.coordinators,
            police=self.police,
            out=self.out,
        )
        # The plans hold no cycles: keep the cycle collector from walking their tens
        # of millions of objects (tens of seconds at a million cases).
        gc.freeze()
        try:
            loader.load(plans)
        finally:
            gc.unfreeze()
        record(
            user=None,
            action=AuditAction.CREATE,
            object_type=Case._meta.label_lower,
            purpose=f"demodata: {count} sager indlæst samlet "
            f"(seed {self.seed}, data til {self.anchor:%d.%m.%Y})",
        )

    # --- users ---------------------------------------------------------------------

    def ensure_users(self) -> None:
        """The demo logins, plus one coordinator per other municipality and one liaison
        per other police district, who author those cases but cannot log in."""
        password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
        for spec in DEMO_USERS:
            munis = [self.municipalities[code] for code in spec.municipalities]
            district = PoliceDistrict.objects.get(code=spec.district) if spec.district else None
            self.user(
                spec.username,
                spec.role,
                (spec.first_name, spec.last_name),
                password,
                munis,
                district,
                is_admin=spec.is_admin,
            )
        names = random.Random("infohus-staff")  # noqa: S311 - demo data, not security
        for code, muni in sorted(self.municipalities.items()):
            if code not in self.coordinators:
                self.user(
                    f"tovholder.{danish_slug(muni.name)}",
                    Role.COORDINATOR,
                    staff_name(names),
                    make_password(None),
                    [muni],
                    None,
                )
        for district in PoliceDistrict.objects.order_by("code"):
            if district.code not in self.police:
                self.user(
                    f"politi.{DISTRICT_SLUGS[district.code]}",
                    Role.POLICE,
                    staff_name(names),
                    make_password(None),
                    [],
                    district,
                )

    def user(
        self,
        username: str,
        role: str,
        name: tuple[str, str],
        password: str,
        municipalities: list[Municipality],
        district: PoliceDistrict | None,
        is_admin: bool = False,
    ) -> User:
        """Get or create one user; memberships are only set on a new user."""
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": name[0],
                "last_name": name[1],
                "password": password,
                "email": f"{username}@infohus.example",
                "is_staff": is_admin,
                "is_superuser": is_admin,
            },
        )
        if created:
            set_memberships(user, municipalities=municipalities, district=district)
        self.coordinators.update({m.code: user for m in municipalities})
        if district is not None:
            self.police[district.code] = user
        return user

    # --- infohus profiles ------------------------------------------------------------

    def write_profiles(self) -> None:
        rng = random.Random(f"{self.seed}:profiles")  # noqa: S311 - demo data
        for code, muni in sorted(self.municipalities.items()):
            plan = self.profiles[code] = plan_profile(rng, self.anchor)
            url = f"https://{danish_slug(muni.name)}.kommune.example/forebyggelse-af-ekstremisme"
            InfohusProfile.objects.update_or_create(
                municipality=muni,
                defaults={
                    "organisation_model": plan.organisation_model,
                    "meeting_cadence": plan.meeting_cadence,
                    "participating_authorities": plan.participating_authorities,
                    "uses_assessment_tool": plan.uses_assessment_tool,
                    "beredskab_adopted_on": plan.beredskab_adopted_on,
                    "beredskab_next_revision": plan.beredskab_next_revision,
                    "beredskab_url": url if plan.beredskab_adopted_on else "",
                },
            )

    # --- cases -----------------------------------------------------------------------

    def create_case(self, index: int, plan: CasePlan) -> None:
        muni = self.municipalities[plan.municipality_code]
        case = actions.record_concern(
            by=self.coordinators[muni.code],
            municipality=muni,
            case_fields=plan.case_fields,
            person=self.persons.get(plan.person_key) if plan.person_key is not None else None,
            person_fields=self.person_fields(plan),
            previous_case=self.cases.get(plan.previous_index)
            if plan.previous_index is not None
            else None,
        )
        self.cases[index] = case
        if case.person is not None and plan.person_key is not None:
            self.persons.setdefault(plan.person_key, case.person)
        if case.person is not None and plan.person_fields is not None:
            self.later("person_created", case.person.pk, plan.case_fields["created_at"])
        police = self.police[muni.police_district.code]
        for step in plan.steps:
            user = police if step.actor == "police" else self.coordinators[muni.code]
            getattr(self, f"do_{step.kind}")(case, step, user)
        # Each action above wrote one timeline event and one audit entry, in this order.
        self.moments[case.pk] = [plan.case_fields["created_at"], *(s.at for s in plan.steps)]
        self.later("case_updated", case.pk, self.moments[case.pk][-1])

    def person_fields(self, plan: CasePlan) -> dict[str, Any] | None:
        if plan.person_fields is None:
            return None
        fields = dict(plan.person_fields)
        code = fields.pop("municipality_code")
        fields["municipality"] = self.municipalities[code] if code else None
        return fields

    def do_share(self, case: Case, step: Step, user: User) -> None:
        share = actions.share_case_with_police(
            case=case,
            by=user,
            district=case.municipality.police_district,
            purpose=step.data["purpose"],
            purpose_detail=step.data["purpose_detail"],
            legal_basis=LegalBasis.RPL_115,
        )
        self.shares[case.pk] = share
        self.later("share_at", share.pk, step.at)

    def do_revoke(self, case: Case, step: Step, user: User) -> None:
        share = actions.revoke_share(
            share=self.shares[case.pk], by=user, reason=step.data["reason"]
        )
        self.later("revoke_at", share.pk, step.at)

    def do_screen(self, case: Case, step: Step, user: User) -> None:
        actions.record_screening(
            case=case, by=user, result=step.data["result"], screened_on=step.at.date()
        )

    def do_transition(self, case: Case, step: Step, user: User) -> None:
        data = TransitionInput(
            closure_reason=step.data.get("closure_reason", ""),
            cancel_reason=step.data.get("cancel_reason", ""),
        )
        actions.transition_case(case=case, to=step.data["to"], by=user, data=data)
        if step.data["to"] not in OPEN_STATUSES:
            # Every way out sets closed_on (to today); it belongs on the planned day.
            self.later("closed_on", case.pk, step.at.date())

    def do_note(self, case: Case, step: Step, user: User) -> None:
        note = actions.add_note(
            case=case, by=user, visibility=step.data["visibility"], body=step.data["body"]
        )
        self.later("note_at", note.pk, step.at)

    def do_action(self, case: Case, step: Step, user: User) -> None:
        fields = {
            **step.data["action"],
            "created_at": step.at,
            "meeting": self.last_meeting.get(case.pk),
        }
        actions.add_follow_up_action(case=case, by=user, fields=fields)

    def do_meeting(self, case: Case, step: Step, user: User) -> None:
        """Discuss the case at its municipality's meeting that day and record the
        assessment and overall assessment that the ASSESSED transition requires."""
        data, held_on = step.data, step.at.date()
        meeting = self.meeting_on(case.municipality, held_on, data["meeting_kind"], user)
        actions.record_assessment(
            meeting=meeting,
            case=case,
            by=user,
            outcome=data["outcome"],
            overall_assessment=OVERALL_ASSESSMENTS[data["outcome"]],
            dimensions=assessment_dimensions(data["dimensions"]),
            main_problems=data["main_problems"],
            main_resources=data["main_resources"],
            focus_dimensions=data["focus"],
        )
        self.last_meeting[case.pk] = meeting

    def meeting_on(self, muni: Municipality, held_on: date, kind: str, user: User) -> Meeting:
        """One meeting per municipality, day and kind, shared by the cases discussed."""
        key = (muni.pk, held_on, kind)
        if key not in self.meetings:
            meeting = Meeting.objects.create(
                municipality=muni, kind=kind, held_on=held_on, created_by=user
            )
            MeetingParticipant.objects.bulk_create(
                MeetingParticipant(meeting=meeting, authority=authority, role=role)
                for authority, role in meeting_participants(self.profiles[muni.code])
            )
            self.meetings[key] = meeting
        return self.meetings[key]

    # --- timestamps ------------------------------------------------------------------

    def later(self, what: str, pk: int, value: Any) -> None:
        self.fix.setdefault(what, []).append((pk, value))

    def pair_moments(self, event_floor: int) -> None:
        """Pair the timeline events this run wrote, in creation order, with the
        planned moments."""
        queues = {pk: iter(moments) for pk, moments in self.moments.items()}
        events = CaseEvent.objects.filter(id__gt=event_floor, case_id__in=queues)
        for pk, case_id in events.order_by("id").values_list("id", "case_id"):
            moment = next(queues[case_id], None)
            if moment is not None:
                self.later("event_at", pk, moment)

    def apply_timestamps(self) -> None:
        targets: dict[str, tuple[type[models.Model], str, str]] = {
            "event_at": (CaseEvent, "at", "timestamptz"),
            "note_at": (Note, "created_at", "timestamptz"),
            "share_at": (Share, "shared_at", "timestamptz"),
            "revoke_at": (Share, "revoked_at", "timestamptz"),
            "person_created": (Person, "created_at", "timestamptz"),
            "case_updated": (Case, "updated_at", "timestamptz"),
            "closed_on": (Case, "closed_on", "date"),
        }
        for what, (model, column, sql_type) in targets.items():
            if self.fix.get(what):
                bulk_set(model._meta.db_table, column, sql_type, self.fix[what])


def staff_name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FEMALE_NAMES + MALE_NAMES), rng.choice(LAST_NAMES)


def bulk_set(table: str, column: str, sql_type: str, pairs: list[tuple[int, Any]]) -> None:
    """One UPDATE that sets `column` row by row from two parallel arrays."""
    query = sql.SQL(
        "UPDATE {table} AS t SET {column} = v.value "
        "FROM unnest(%s::bigint[], %s::{sql_type}[]) AS v(id, value) WHERE t.id = v.id"
    ).format(table=sql.Identifier(table), column=sql.Identifier(column), sql_type=sql.SQL(sql_type))
    with connection.cursor() as cursor:
        cursor.execute(query, [[pk for pk, _ in pairs], [value for _, value in pairs]])
