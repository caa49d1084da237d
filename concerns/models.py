"""The infohus domain: reference data, persons, cases and what happens to them.

Writes that touch more than one row live in `concerns.actions`; who may see what
lives in `concerns.permissions`. Models hold single-object behaviour only.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import pghistory
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from concerns import choices as c
from concerns import cpr as cpr_crypto

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

OPEN_STATUSES = frozenset(
    {
        c.Status.RECEIVED,
        c.Status.POLICE_SCREENING,
        c.Status.INFORMATION_GATHERING,
        c.Status.READY_FOR_MEETING,
        c.Status.ASSESSED,
        c.Status.FOLLOW_UP,
        c.Status.REASSESSMENT,
    }
)
# A follow-up action still to be carried out; every other status is an ending.
OPEN_ACTION_STATUSES = frozenset({c.ActionStatus.PLANNED, c.ActionStatus.IN_PROGRESS})


# Every insert, update and delete of case data is copied by database triggers into
# an event table (django-pghistory), bulk updates and raw SQL included; consecutive
# snapshots give each change's before and after values (`pghistory.models.Events`).
_Tracked = TypeVar("_Tracked", bound=type[models.Model])


def track_changes(model: _Tracked) -> _Tracked:
    # Fresh trackers per model: a tracker instance binds to the model it decorates.
    # The event model is named <Model>History: Case already has a CaseEvent (timeline).
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        model_name=f"{model.__name__}History",
        obj_field=pghistory.ObjForeignKey(related_name="history"),
        # A search document is derived data, rebuilt by its own trigger.
        exclude=[f.name for f in model._meta.fields if isinstance(f, SearchVectorField)],
    )(model)


class LabelledModel(models.Model):
    """A model whose get_FOO_display() looks its label up in a dict made once per
    field. Django's own makes the dict on every call and hashes every (value, label)
    pair to do it, which translates every label of the vocabulary: a case page
    showed some 30 labels and translated some 600."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field) -> Any:  # type: ignore[type-arg]
        value = getattr(self, field.attname)
        return force_str(_labels_of(field).get(make_hashable(value), value), strings_only=True)


@functools.cache
def _labels_of(field: models.Field) -> dict[Any, Any]:  # type: ignore[type-arg]
    """Value → label, the label still lazy: translated when it is shown."""
    return {make_hashable(value): label for value, label in field.flatchoices}


def choice_array(choices: type[models.TextChoices], verbose_name: StrOrPromise) -> ArrayField:
    """A multi-valued field over one vocabulary, stored as a PostgreSQL array."""
    return ArrayField(
        models.CharField(max_length=40, choices=choices),
        default=list,
        blank=True,
        verbose_name=verbose_name,
    )


# --- Reference data -----------------------------------------------------------


class Region(models.Model):
    code = models.CharField(_("kode"), max_length=4, unique=True)
    name = models.CharField(_("navn"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regioner")

    def __str__(self) -> str:
        return self.name


class PoliceDistrict(models.Model):
    code = models.CharField(_("kode"), max_length=4, unique=True)
    name = models.CharField(_("navn"), max_length=100)
    # Members of this group are the district's police liaisons; shares grant to it.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="police_district")

    class Meta:
        ordering = ["name"]
        verbose_name = _("politikreds")
        verbose_name_plural = _("politikredse")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    code = models.CharField(_("kommunekode"), max_length=4, unique=True)
    name = models.CharField(_("navn"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities")
    police_district = models.ForeignKey(
        PoliceDistrict, on_delete=models.PROTECT, related_name="municipalities"
    )
    # Members of this group are the municipality's coordinators.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="municipality")

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return self.name


@track_changes
class InfohusProfile(models.Model):
    """How one municipality has organised its infohus (report section 2)."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="infohus_profile"
    )
    organisation_model = models.CharField(
        _("organisering"), max_length=20, choices=c.OrganisationModel, blank=True
    )
    meeting_cadence = models.CharField(
        _("mødefrekvens"), max_length=20, choices=c.MeetingCadence, blank=True
    )
    participating_authorities = choice_array(c.Authority, _("deltagende myndigheder"))
    uses_assessment_tool = models.BooleanField(_("bruger CDE's vurderingsværktøj"), default=False)
    beredskab_adopted_on = models.DateField(_("beredskab vedtaget"), null=True, blank=True)
    beredskab_url = models.URLField(_("beredskab offentliggjort på"), blank=True)
    beredskab_next_revision = models.DateField(_("næste revision"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("infohusprofil")
        verbose_name_plural = _("infohusprofiler")
        constraints = [
            # Barnets lov § 15, stk. 3: the plan is revised at least every four years.
            models.CheckConstraint(
                condition=Q(beredskab_next_revision__isnull=True)
                | Q(beredskab_adopted_on__isnull=False),
                name="revision_needs_adoption",
            ),
        ]

    def __str__(self) -> str:
        return str(self.municipality)


# --- Persons and cases ----------------------------------------------------------


@track_changes
class Person(LabelledModel):
    """One human being, who may be the subject of several cases."""

    name = models.CharField(_("navn"), max_length=200)
    # The CPR number is stored encrypted (see `concerns.cpr`); `cpr_hash` finds
    # duplicates without decrypting. Read and write it through `person.cpr`.
    cpr_encrypted = models.TextField(blank=True, editable=False)
    cpr_hash = models.CharField(max_length=64, blank=True, editable=False)
    date_of_birth = models.DateField(_("fødselsdato"), null=True, blank=True)
    gender = models.CharField(_("køn"), max_length=10, choices=c.Gender, default=c.Gender.UNKNOWN)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("bopælskommune"),
        null=True,
        blank=True,
    )
    psych_vulnerability = models.CharField(
        _("psykisk sårbarhed"),
        max_length=10,
        choices=c.PsychVulnerability,
        default=c.PsychVulnerability.UNKNOWN,
    )
    gang_fringe = models.BooleanField(_("i periferien af bande-/kriminelt miljø"), default=False)
    relative_radicalised = models.BooleanField(
        _("søskende/pårørende til radikaliseret person"), default=False
    )
    parallel_social_case = models.BooleanField(_("kendt parallel myndighedssag"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when retention stripped name, CPR number and exact date of birth.
    anonymised_on = models.DateField(_("anonymiseret"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        indexes = [models.Index(fields=["cpr_hash"], name="person_cpr_hash_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def cpr(self) -> str:
        return cpr_crypto.decrypt(self.cpr_encrypted)

    @cpr.setter
    def cpr(self, value: str) -> None:
        self.cpr_encrypted = cpr_crypto.encrypt(value)
        self.cpr_hash = cpr_crypto.lookup_hash(value)

    @property
    def masked_cpr(self) -> str:
        """The CPR number with its last four digits hidden."""
        cpr = self.cpr
        return f"{cpr[:6]}-XXXX" if cpr else ""

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class CaseQuerySet(models.QuerySet["Case"]):
    def received_between(self, start: date, end: date) -> CaseQuerySet:
        return self.filter(received_on__gte=start, received_on__lte=end)

    def with_list_data(self) -> CaseQuerySet:
        return self.select_related("person", "municipality")

    def search(self, text: str) -> CaseQuerySet:
        """Cases whose person's name or description matches `text` (PostgreSQL
        full-text search in Danish, web-search syntax), or whose number contains it
        if it looks like a case number; best match first by `rank`."""
        # Imported here: nothing else in this module needs the search expressions.
        from django.contrib.postgres.search import SearchQuery, SearchRank
        from django.db.models.functions import Coalesce

        text = text.strip()
        query = SearchQuery(text, config="danish", search_type="websearch")
        match = Q(search=query)
        rank: models.Expression = Coalesce(SearchRank(models.F("search"), query), models.Value(0.0))
        if self._looks_like_case_number(text):
            match |= Q(number__icontains=text)
            # A case-number hit comes before any word match (word ranks stay below 1).
            rank = rank + models.Case(
                models.When(number__icontains=text, then=models.Value(1.0)),
                default=models.Value(0.0),
            )
        return self.filter(match).annotate(
            rank=models.ExpressionWrapper(rank, output_field=models.FloatField())
        )

    @staticmethod
    def _looks_like_case_number(text: str) -> bool:
        """Digits and dashes with a dash or an "IH" in front: "IH-0101-2025-0007",
        "2025-0007", "ih0101". A name or a word never matches."""
        upper = text.upper()
        rest = upper.removeprefix("IH")
        return (
            ("-" in rest or rest != upper)
            and any(char.isdigit() for char in rest)
            and all(char in "0123456789-" for char in rest)
        )

    def in_age_band(self, band: str) -> CaseQuerySet:
        """Cases whose age at receipt falls in `band` (an `AgeBand` code such as
        "15-17" or "40+"; "unknown" for no age)."""
        if band == c.AgeBand.UNKNOWN:
            return self.filter(age_at_receipt__isnull=True)
        low, _dash, high = band.rstrip("+").partition("-")
        cases = self.filter(age_at_receipt__gte=int(low))
        return cases.filter(age_at_receipt__lte=int(high)) if high else cases

    def with_overdue_actions(self, today: date) -> CaseQuerySet:
        """Cases with a follow-up action past its due date and still planned or running."""
        overdue = FollowUpAction.objects.filter(
            case=models.OuterRef("pk"),
            due_on__lt=today,
            status__in=OPEN_ACTION_STATUSES,
        )
        return self.filter(models.Exists(overdue))

    def shared_with_police(self) -> CaseQuerySet:
        """Cases with an active (unrevoked) share with a police district."""
        active = Share.objects.filter(case=models.OuterRef("pk"), revoked_at__isnull=True)
        return self.filter(models.Exists(active))

    def with_process_position(self) -> CaseQuerySet:
        """Annotated with `process_position`: where the status comes in the case
        process (the order of `Status`), to sort by it rather than by its code."""
        position = models.Case(
            *(models.When(status=value, then=index) for index, value in enumerate(c.Status)),
            default=len(c.Status),
            output_field=models.IntegerField(),
        )
        return self.annotate(process_position=position)


@track_changes
class Case(LabelledModel):
    """A concern (bekymringshenvendelse) and everything done about it."""

    number = models.CharField(_("sagsnummer"), max_length=30, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    serial = models.PositiveIntegerField(editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="cases", verbose_name=_("kommune")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
        verbose_name=_("person"),
    )
    is_group = models.BooleanField(_("gruppebekymring"), default=False)
    previous_case = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="later_cases",
        verbose_name=_("tidligere sag"),
    )
    related_cases = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=_("relaterede sager")
    )

    # Receipt
    received_on = models.DateField(_("modtaget"))
    received_by = models.CharField(_("modtaget af"), max_length=20, choices=c.ReceivedBy)
    channel = models.CharField(_("kanal"), max_length=20, choices=c.Channel)
    sender_type = models.CharField(_("afsender"), max_length=20, choices=c.SenderType)
    sender_anonymous = models.BooleanField(_("anonym afsender"), default=False)
    age_at_receipt = models.PositiveSmallIntegerField(
        _("alder ved modtagelse"), null=True, blank=True
    )
    description = models.TextField(_("beskrivelse af bekymringen"))

    # Nature of the concern
    signs = choice_array(c.Sign, _("bekymringstegn"))
    extremism_type = models.CharField(
        _("primær type af ekstremisme"), max_length=20, choices=c.ExtremismType
    )
    secondary_extremism_types = choice_array(c.ExtremismType, _("sekundære typer"))
    online_element = models.CharField(
        _("onlineelement"), max_length=10, choices=c.YesNoUnknown, default=c.YesNoUnknown.UNKNOWN
    )
    milieu_tie = models.CharField(
        _("tilknytning til ekstremistisk miljø"),
        max_length=10,
        choices=c.YesNoUnknown,
        default=c.YesNoUnknown.UNKNOWN,
    )
    housing_area = models.CharField(_("boligområde"), max_length=100, blank=True)
    acute = models.BooleanField(_("akut"), default=False)
    psych_vulnerability_part = models.BooleanField(
        _("psykisk sårbarhed indgår i bekymringen"), default=False
    )

    # Police screening
    screening_result = models.CharField(
        _("politiets vurdering"), max_length=20, choices=c.ScreeningResult, blank=True
    )
    screened_on = models.DateField(_("vurderet"), null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vurderet af"),
    )

    # Process
    status = models.CharField(
        _("status"), max_length=30, choices=c.Status, default=c.Status.RECEIVED
    )
    assessment_outcome = models.CharField(
        _("helhedsvurdering"), max_length=20, choices=c.AssessmentOutcome, blank=True
    )
    assessed_on = models.DateField(_("helhedsvurdering dato"), null=True, blank=True)
    overall_assessment = models.TextField(_("helhedsvurdering og anbefaling"), blank=True)
    focus_dimensions = choice_array(c.Dimension, _("anbefalede fokusdimensioner"))
    closed_on = models.DateField(_("afsluttet"), null=True, blank=True)
    closure_reason = models.CharField(
        _("afslutningsårsag"), max_length=20, choices=c.ClosureReason, blank=True
    )
    cancel_reason = models.CharField(_("årsag til annullering"), max_length=500, blank=True)
    # Stops the retention clock while set (e.g. a pending complaint or court case).
    legal_hold = models.BooleanField(_("retligt tilbagehold"), default=False)
    legal_hold_reason = models.CharField(
        _("begrundelse for retligt tilbagehold"), max_length=500, blank=True
    )
    # Set when retention stripped the case of personal data (concerns.retention).
    anonymised_on = models.DateField(_("anonymiseret"), null=True, blank=True, editable=False)
    # Full-text search document (Danish): the person's name and the description,
    # kept by database triggers (migration 0006) whenever either changes.
    search = SearchVectorField(null=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every write so concurrent edits can be detected.
    version = models.PositiveIntegerField(default=1)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("sag")
        verbose_name_plural = _("sager")
        ordering = ["-received_on", "-id"]
        permissions = [
            ("share_case", _("Kan dele sagen med politiet")),
            ("screen_case", _("Kan registrere politiets indledende vurdering")),
            ("annotate_case", _("Kan tilføje notater og indsatser")),
            ("view_municipality_section", _("Kan se kommunens egne notater")),
            ("view_police_section", _("Kan se politiets egne notater")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "serial"], name="case_number_per_municipality"
            ),
            models.CheckConstraint(
                condition=~Q(status=c.Status.CLOSED) | ~Q(closure_reason=""),
                name="closed_case_has_reason",
            ),
        ]
        indexes = [
            # A coordinator's cases newest first, also of one status, and by the list's
            # other filters (btree_gin): a municipality's list reads its own cases.
            # The first holds the filter and sort columns too, so that the newest
            # cases of a filter are found, and sorted, in the index without reading
            # each case (a wide row).
            models.Index(
                "municipality",
                models.F("received_on").desc(),
                models.F("id").desc(),
                include=["status", "extremism_type", "sender_type", "age_at_receipt", "number"],
                name="case_muni_received_list_idx",
            ),
            models.Index(
                "municipality",
                "status",
                models.F("received_on").desc(),
                models.F("id").desc(),
                name="case_muni_status_received_idx",
            ),
            GinIndex(
                fields=[
                    "municipality",
                    "status",
                    "extremism_type",
                    "sender_type",
                    "age_at_receipt",
                ],
                name="case_muni_filters_idx",
            ),
            models.Index(fields=["received_on"], name="case_received_idx"),
            # The municipality too (btree_gin), so a coordinator's search reads the
            # matches in their municipalities from the index alone.
            GinIndex(fields=["municipality", "search"], name="case_muni_search_idx"),
            # Also case_number_trgm_idx (migration 0009): part of a case number
            # (`number__icontains`) is found by trigrams.
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_minor(self) -> bool | None:
        return None if self.age_at_receipt is None else self.age_at_receipt < 18


class CaseNumberCounter(models.Model):
    """The last serial handed out per municipality and year (see `next_case_number`)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="one_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.year}: {self.last_serial}"


class CaseEvent(LabelledModel):
    """One entry on a case's timeline. Written by actions, never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=c.EventKind)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=30, choices=c.Status, blank=True)
    to_status = models.CharField(max_length=30, choices=c.Status, blank=True)
    # Which section may see the event: a police-only note is not announced to the municipality.
    visibility = models.CharField(
        max_length=20, choices=c.NoteVisibility, default=c.NoteVisibility.SHARED
    )
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at"], name="event_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d.%m.%Y %H:%M}"


@track_changes
class FollowUpAction(LabelledModel):
    """An indsats: what one authority does to follow up on a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="agreements"
    )
    action_type = models.CharField(_("type"), max_length=30, choices=c.ActionType)
    responsible_authority = models.CharField(
        _("ansvarlig myndighed"), max_length=30, choices=c.Authority
    )
    responsible_person = models.CharField(_("ansvarlig person"), max_length=200, blank=True)
    legal_basis = models.CharField(_("lovgrundlag"), max_length=200, blank=True)
    national_corps = models.BooleanField(_("mentor/coach fra nationalt korps"), default=False)
    consent_recorded = models.BooleanField(_("samtykke registreret"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=c.ActionStatus, default=c.ActionStatus.PLANNED
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("frist"), null=True, blank=True)
    ended_on = models.DateField(_("slut"), null=True, blank=True)
    outcome = models.TextField(_("resultat"), blank=True)
    # The user who is to carry the action out; their "Mine opgaver" lists it.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_actions",
        verbose_name=_("tildelt"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("indsats")
        verbose_name_plural = _("indsatser")
        indexes = [
            # The "overdue" filter asks, case by case, for an open action past its
            # due date (CaseQuerySet.with_overdue_actions): answered from this small
            # index alone, without reading the actions themselves.
            models.Index(
                fields=["case", "due_on"],
                condition=Q(status__in=sorted(OPEN_ACTION_STATUSES)),
                name="action_open_due_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(due_on__gte=models.F("starts_on")),
                name="action_due_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.get_action_type_display()


@track_changes
class Note(LabelledModel):
    """A journal entry. Append-only: a correction is a new note pointing at the old."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    visibility = models.CharField(_("synlighed"), max_length=20, choices=c.NoteVisibility)
    body = models.TextField(_("notat"))
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notat")
        verbose_name_plural = _("notater")

    def __str__(self) -> str:
        return f"{self.get_visibility_display()} {self.created_at:%d.%m.%Y %H:%M}"


@track_changes
class Share(LabelledModel):
    """The disclosure log: one row per time a case was shared with a police district."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    from_municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    to_district = models.ForeignKey(PoliceDistrict, on_delete=models.PROTECT, related_name="shares")
    purpose = models.CharField(_("formål"), max_length=20, choices=c.SharePurpose)
    purpose_detail = models.CharField(_("uddybning af formålet"), max_length=500)
    legal_basis = models.CharField(_("hjemmel"), max_length=20, choices=c.LegalBasis)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(_("årsag til tilbagekaldelse"), max_length=500, blank=True)

    class Meta:
        ordering = ["-shared_at"]
        verbose_name = _("deling")
        verbose_name_plural = _("delinger")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "to_district"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_share_per_district",
            )
        ]

    def __str__(self) -> str:
        return f"{self.to_district} {self.shared_at:%d.%m.%Y}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


@track_changes
class Meeting(LabelledModel):
    """An analysis or follow-up meeting of one municipality's infohus."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("mødetype"), max_length=20, choices=c.MeetingKind)
    held_on = models.DateField(_("dato"))
    cases = models.ManyToManyField(Case, related_name="meetings", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("møde")
        verbose_name_plural = _("møder")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%d.%m.%Y}"


@track_changes
class MeetingParticipant(LabelledModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    authority = models.CharField(_("myndighed"), max_length=30, choices=c.Authority)
    role = models.CharField(_("rolle"), max_length=200, blank=True)

    def __str__(self) -> str:
        return self.get_authority_display()


@track_changes
class Assessment(LabelledModel):
    """The dialogue-based assessment of one case at one meeting. No scores, by design."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="assessments")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    # {dimension code: {"concerns": text, "resources": text}} for CDE's nine dimensions.
    dimensions = models.JSONField(default=dict, blank=True)
    main_problems = models.TextField(_("hovedproblemer"), blank=True)
    main_resources = models.TextField(_("hovedressourcer"), blank=True)
    focus_dimensions = choice_array(c.Dimension, _("anbefalede fokusdimensioner"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="one_assessment_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.case} / {self.meeting}"


# --- Object permissions with real foreign keys ------------------------------------
# django-guardian's direct-FK tables: joins on an indexed integer instead of a text pk.


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


@track_changes
class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        # Whether a user's groups may see a case is read per case, from the index
        # alone (permissions.granted).
        indexes = [
            models.Index(
                fields=["content_object", "permission", "group"], name="casegrant_case_perm_group"
            )
        ]


# --- Retention -------------------------------------------------------------------


@track_changes
class RetentionPolicy(LabelledModel):
    """One municipality's retention periods, set by the data controller. Without a
    policy the defaults in settings (RETENTION_YEARS, RETENTION_UNFOUNDED_MONTHS) apply."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="retention_policy"
    )
    years_after_closure = models.PositiveSmallIntegerField(
        _("år efter afslutning"),
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("En afsluttet sag anonymiseres så mange år efter afslutningen."),
    )
    unfounded_months = models.PositiveSmallIntegerField(
        _("måneder for ubegrundede og annullerede"),
        validators=[MinValueValidator(1), MaxValueValidator(360)],
        help_text=_(
            "En sag afsluttet som ubegrundet bekymring, eller annulleret, anonymiseres "
            "så mange måneder efter afslutningen."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("opbevaringsregel")
        verbose_name_plural = _("opbevaringsregler")

    def __str__(self) -> str:
        return str(self.municipality)


class DeletionReceipt(LabelledModel):
    """Proof that a case was anonymised, holding no personal data: which case number,
    by which rule, when, and how much was removed. Rows are never changed."""

    at = models.DateTimeField(_("tidspunkt"), default=timezone.now)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    case_number = models.CharField(_("sagsnummer"), max_length=30)
    ended_in = models.DateField(_("afsluttet (måned)"))
    rule = models.CharField(_("regel"), max_length=200)
    removed = models.JSONField(_("fjernet"), default=dict)
    person_anonymised = models.BooleanField(_("personen anonymiseret"), default=False)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("sletningskvittering")
        verbose_name_plural = _("sletningskvitteringer")

    def __str__(self) -> str:
        return f"{self.case_number} {self.at:%Y-%m-%d}"


class ReminderSent(models.Model):
    """That a user got the day's reminder of overdue actions, so a retried or repeated
    run of the daily job does not send it twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_reminder_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
