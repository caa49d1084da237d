"""Status report jobs, one row per requested report, moved along by a Celery task;
and the de-identified facts the report is computed from."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Func
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concerns import choices as c


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("I kø")
    RUNNING = "running", _("I gang")
    DONE = "done", _("Færdig")
    FAILED = "failed", _("Fejlet")


class ReportJob(models.Model):
    """A requested status report for a period; the PDF is stored on the row."""

    period_start = models.DateField(_("fra"))
    period_end = models.DateField(_("til"))
    scope = models.CharField(_("omfang"), max_length=40, default="national")
    # Empty for the yearly run the beat schedule starts on 15 January.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=JobStatus, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    # The PDF's tables as CSV files (zipped) and as one workbook, made in the same run.
    csv_zip = models.BinaryField(null=True, blank=True, editable=False)
    xlsx = models.BinaryField(null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # SHA-256 of the facts the report was computed from (reporting.dataset): two
    # reports with the same value counted the same concerns.
    dataset_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("rapportjob")
        verbose_name_plural = _("rapportjob")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%d.%m.%Y}–{self.period_end:%d.%m.%Y}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


# The fields of a fact in the order of its canonical line: reporting.facts.CaseFact's.
DIGESTED = (
    "municipality_code",
    "police_district_code",
    "year",
    "extremism_type",
    "sender_type",
    "age_band",
    "gender",
    "psych_vulnerability",
    "is_group",
    "online_element",
    "status",
    "assessment_outcome",
    "closure_reason",
    "psych_vulnerability_part",
    "gang_fringe",
    "relative_radicalised",
    "parallel_social_case",
    "days_to_assessment",
    "action_types",
)


class StatFact(models.Model):
    """One concern reduced to what statistics may count: the de-identified fact store.

    Database triggers (migration 0002) write the row whenever a case, or the person it
    is about, is inserted or changed, by any write path: actions, bulk updates, raw
    SQL. When retention anonymises the case (coarsening its dates and age) the row is
    frozen with the values from before, and when the case is deleted the row stays,
    frozen too: so the report of a past period can be made again, with the same
    numbers, after its cases are gone (DESIGN.md §5). Frozen rows cannot be changed
    or deleted.

    No name, CPR number, free text or case number is kept. `case_id` is a plain
    integer, not a foreign key, so the row outlives the case; once the case is
    deleted it points at nothing. `received_on` is the exact day of receipt: alone it
    identifies nobody, and a period may start or end mid-month, so a coarser date
    would move concerns in or out of it. The age is kept only as its band, gender and
    vulnerability as their codes. Combined, the values can still single out a
    concern in a small municipality (and while an anonymised case is kept, its fact
    still holds the exact date the case no longer shows), which is why only the
    report reads them, and it publishes counts with small ones suppressed.

    Codes of municipality and police district are copied when the fact is written;
    a change of reference data (a municipal reform) needs a data migration of its own.
    """

    case_id = models.BigIntegerField(_("sag (id)"), primary_key=True)
    municipality_code = models.CharField(_("kommunekode"), max_length=4)
    police_district_code = models.CharField(_("politikredskode"), max_length=4)
    received_on = models.DateField(_("modtaget"))
    year = models.PositiveSmallIntegerField(_("år"))
    extremism_type = models.CharField(
        _("primær type af ekstremisme"), max_length=20, choices=c.ExtremismType
    )
    sender_type = models.CharField(_("afsender"), max_length=20, choices=c.SenderType)
    age_band = models.CharField(_("aldersgruppe"), max_length=10, choices=c.AgeBand)
    gender = models.CharField(_("køn"), max_length=10, choices=c.Gender)
    psych_vulnerability = models.CharField(
        _("psykisk sårbarhed"), max_length=10, choices=c.PsychVulnerability
    )
    psych_vulnerability_part = models.BooleanField(_("psykisk sårbarhed indgår i bekymringen"))
    gang_fringe = models.BooleanField(_("i periferien af bande-/kriminelt miljø"))
    relative_radicalised = models.BooleanField(_("søskende/pårørende til radikaliseret person"))
    parallel_social_case = models.BooleanField(_("kendt parallel myndighedssag"))
    is_group = models.BooleanField(_("gruppebekymring"))
    online_element = models.CharField(_("onlineelement"), max_length=10, choices=c.YesNoUnknown)
    status = models.CharField(_("status"), max_length=30, choices=c.Status)
    assessment_outcome = models.CharField(
        _("helhedsvurdering"), max_length=20, choices=c.AssessmentOutcome, blank=True
    )
    closure_reason = models.CharField(
        _("afslutningsårsag"), max_length=20, choices=c.ClosureReason, blank=True
    )
    # Days from receipt to the overall assessment; None while there is none.
    days_to_assessment = models.IntegerField(_("dage til helhedsvurdering"), null=True)
    # The types of the follow-up actions agreed on the case, each once, sorted; kept
    # current by a trigger on the actions (migration 0005). An action is never
    # deleted on its own, so a deleted one (its case going) leaves its type here.
    action_types = ArrayField(
        models.CharField(max_length=30, choices=c.ActionType),
        verbose_name=_("indsatstyper"),
        default=list,
        blank=True,
    )
    # The case was anonymised or deleted: the row keeps the values from before.
    frozen = models.BooleanField(_("fastfrosset"), default=False)
    # The SHA-256 of the fact's canonical line (reporting.dataset), as four signed
    # 64-bit integers: the dataset fingerprint sums them, with no sort. Kept by the
    # database (migration 0006) from the fields in `DIGESTED`'s order.
    digest = models.GeneratedField(
        expression=Func(
            *(F(name) for name in DIGESTED),
            function="reporting_fact_digest",
            output_field=ArrayField(models.BigIntegerField()),
        ),
        output_field=ArrayField(models.BigIntegerField()),
        db_persist=True,
        verbose_name=_("fingeraftryk"),
    )

    class Meta:
        verbose_name = _("statistisk oplysning")
        verbose_name_plural = _("statistiske oplysninger")
        indexes = [models.Index(fields=["received_on"], name="statfact_received_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.received_on:%d.%m.%Y}"
