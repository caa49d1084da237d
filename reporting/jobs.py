"""Status report jobs: start, retry and run them.

The job row is the contract between the web process and the worker. The view
creates it and enqueues the task after commit; the task claims it with one
conditional UPDATE (queued -> running), so a duplicate delivery finds nothing to
do. Every later write is one UPDATE guarded by that claim, so a worker that has
been given up on cannot overwrite a newer run, and the PDF is stored in the same
statement that marks the job done: there is never a half-written result.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from kombu.exceptions import OperationalError as KombuOperationalError

from accounts.models import User
from audit.log import record
from audit.models import AuditAction
from concerns.models import Municipality, PoliceDistrict
from reporting import aggregates, dataset, exports, facts, tally, tasks
from reporting.models import JobStatus, ReportJob

logger = logging.getLogger(__name__)

AUDIT_PURPOSE = "statusrapport"
TEMPLATE = "reporting/pdf/status_report.html"

# Steps are stored untranslated and translated when shown.
STEP_FETCHING = gettext_noop("Henter data")
STEP_COUNTING = gettext_noop("Beregner tal")
STEP_RENDERING = gettext_noop("Danner PDF")
STEP_SAVING = gettext_noop("Gemmer")
STEP_DONE = gettext_noop("Færdig")

OnStep = Callable[[str, int], None]


class JobNotRetryable(Exception):
    """Only a failed job can be started again."""


def _no_progress(step: str, percent: int) -> None:
    return None


# --- The report itself (shared by jobs and the status_report command) -----------


# Official names that are not "<name> Kommune".
OFFICIAL_MUNICIPALITY_NAMES = {"0101": "Københavns Kommune", "0400": "Bornholms Regionskommune"}


def municipality_label(municipality: Municipality) -> str:
    """The municipality's official name: "Aarhus Kommune", "Københavns Kommune"."""
    official = OFFICIAL_MUNICIPALITY_NAMES.get(municipality.code)
    return official or gettext("%(name)s Kommune") % {"name": municipality.name}


def scope_label(scope: str) -> str:
    """What a report covers, for people: "Hele landet", "Københavns Politi",
    "Aarhus Kommune". ValueError for an unknown scope (facts.scope_area)."""
    area = facts.scope_area(scope)
    if area is None:
        return gettext("Hele landet")
    if isinstance(area, Municipality):
        return municipality_label(area)
    return area.name


def scope_labels(scopes: Iterable[str]) -> dict[str, str]:
    """`scope_label` of each scope, in two queries at most, for lists. A scope that
    names nothing (any more) is shown as stored rather than failing the page."""
    wanted = set(scopes)
    labels = {facts.NATIONAL: gettext("Hele landet")}
    if wanted - set(labels):
        # 12 districts and 98 municipalities: all of them is cheaper than choosing.
        districts = PoliceDistrict.objects.all()
        labels |= {facts.police_district_scope(d.code): d.name for d in districts}
        municipalities = Municipality.objects.all()
        labels |= {facts.municipality_scope(m.code): municipality_label(m) for m in municipalities}
    return {scope: labels.get(scope, scope) for scope in wanted}


def report_context(
    report: aggregates.StatusReport, generated_at: datetime, dataset_sha256: str
) -> dict[str, Any]:
    return {
        "report": report,
        "generated_at": generated_at,
        "dataset_sha256": dataset_sha256,
        "scope_label": scope_label(report.scope),
        "suppression_highest": report.threshold - 1,
    }


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    # Of the facts the report was computed from (reporting.dataset).
    dataset_sha256: str
    # Every table of the PDF, with the same numbers and marks (reporting.exports).
    csv_zip: bytes = b""
    xlsx: bytes = b""


def status_report(
    *,
    period_start: date,
    period_end: date,
    scope: str = facts.NATIONAL,
    on_step: OnStep = _no_progress,
) -> tuple[aggregates.StatusReport, str]:
    """The numbers of the report for a period and scope, suppression applied, and
    the hash of the facts they count. The PDF and the municipal dashboard both show
    these, so the browser never shows what the PDF would hide. ValueError for an
    unknown scope."""
    on_step(STEP_FETCHING, 5)
    organisation_facts = facts.organisation_facts(scope)  # checks the scope first
    areas = facts.report_areas(scope)
    dataset_sha256 = dataset.dataset_sha256_in(period_start, period_end, scope)
    on_step(STEP_COUNTING, 35)
    counts = tally.tally_in(period_start, period_end, scope)
    report = aggregates.build_report(
        counts,
        period_start=period_start,
        period_end=period_end,
        # One fact per municipality of the scope, with or without a profile.
        municipality_count=len(organisation_facts),
        scope=scope,
        organisation_facts=organisation_facts,
        areas=areas,
    )
    return report, dataset_sha256


def render_report(
    *,
    period_start: date,
    period_end: date,
    scope: str = facts.NATIONAL,
    on_step: OnStep = _no_progress,
) -> RenderedReport:
    """The status report for a period: facts -> aggregates -> PDF, and the hash of
    the facts, which the PDF prints too."""
    # WeasyPrint takes over a second to import; web processes never render.
    from reporting import pdf

    with translation.override("da"):
        report, dataset_sha256 = status_report(
            period_start=period_start, period_end=period_end, scope=scope, on_step=on_step
        )
        on_step(STEP_RENDERING, 50)
        generated_at = timezone.now()
        context = report_context(report, generated_at, dataset_sha256)
        about = exports.About(context["scope_label"], generated_at, dataset_sha256)
        return RenderedReport(
            pdf.render(TEMPLATE, context),
            dataset_sha256,
            csv_zip=exports.csv_zip(report, about),
            xlsx=exports.xlsx_bytes(report, about),
        )


def render_status_report(
    *,
    period_start: date,
    period_end: date,
    scope: str = facts.NATIONAL,
    on_step: OnStep = _no_progress,
) -> bytes:
    """The status report PDF for a period (see `render_report`)."""
    return render_report(
        period_start=period_start, period_end=period_end, scope=scope, on_step=on_step
    ).pdf


def _enqueue_on_commit(job_id: int) -> None:
    """Queue the rendering once the job row is committed. When the broker cannot
    be reached the job is marked failed with a reason, so the analyst can retry
    it instead of watching a job that never starts."""

    def send() -> None:
        try:
            tasks.render_report_job.delay(job_id)
        except KombuOperationalError:
            logger.exception("Could not queue report job %s.", job_id)
            with translation.override("da"):
                reason = gettext("Rapporten kunne ikke sættes i kø. Prøv igen om lidt.")
            ReportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
                status=JobStatus.FAILED, error=reason, finished_at=timezone.now()
            )

    transaction.on_commit(send)


# --- Writes called by views ---------------------------------------------------------


@transaction.atomic
def start_report_job(
    *,
    by: User | None,
    period_start: date,
    period_end: date,
    scope: str = facts.NATIONAL,
) -> ReportJob:
    """Record the request, audit it and enqueue the rendering once committed
    (`by` is None for the scheduled yearly run). Who may ask for which scope is
    the caller's to check (permissions.report_scopes_for); ValueError for a
    misspelt scope."""
    facts.parse_scope(scope)
    job = ReportJob.objects.create(
        period_start=period_start, period_end=period_end, scope=scope, requested_by=by
    )
    record(user=by, action=AuditAction.CREATE, obj=job, purpose=AUDIT_PURPOSE)
    _enqueue_on_commit(job.pk)
    return job


@transaction.atomic
def retry_report_job(*, job: ReportJob, by: User) -> ReportJob:
    """Queue a failed job again from the start (raises JobNotRetryable otherwise)."""
    reset = ReportJob.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
        status=JobStatus.QUEUED,
        error="",
        progress=0,
        step="",
        started_at=None,
        finished_at=None,
        heartbeat_at=None,
        pdf=None,
        pdf_sha256="",
        dataset_sha256="",
        csv_zip=None,
        xlsx=None,
    )
    if not reset:
        raise JobNotRetryable(job.pk)
    record(user=by, action=AuditAction.UPDATE, obj=job, purpose=AUDIT_PURPOSE)
    _enqueue_on_commit(job.pk)
    job.refresh_from_db()
    return job


# --- Called by tasks ---------------------------------------------------------------


def _claim(job_id: int) -> ReportJob | None:
    """Move a queued job to running; None if it is not queued (any more)."""
    now = timezone.now()
    claimed = ReportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        progress=0,
        step=STEP_FETCHING,
        error="",
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    return ReportJob.objects.defer("pdf").get(pk=job_id)


def failure_message(step: str) -> str:
    return gettext(
        "Rapporten kunne ikke dannes (fejl under trinnet »%(step)s«). "
        "Fejlen er logget. Prøv igen, og kontakt support, hvis det sker igen."
    ) % {"step": gettext(step)}


def run_report_job(job_id: int) -> None:
    """Render a queued job's PDF and store it on the row. Safe to call twice."""
    job = _claim(job_id)
    if job is None:
        logger.info("Report job %s is not queued; nothing to do.", job_id)
        return
    # This run's rows: still running, and not claimed again after a retry.
    mine = ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING, attempts=job.attempts)
    current_step = STEP_FETCHING

    def on_step(step: str, percent: int) -> None:
        nonlocal current_step
        current_step = step
        mine.update(step=step, progress=percent, heartbeat_at=timezone.now())

    try:
        rendered = render_report(
            period_start=job.period_start,
            period_end=job.period_end,
            scope=job.scope,
            on_step=on_step,
        )
        on_step(STEP_SAVING, 90)
        now = timezone.now()
        stored = mine.update(
            status=JobStatus.DONE,
            pdf=rendered.pdf,
            pdf_sha256=hashlib.sha256(rendered.pdf).hexdigest(),
            dataset_sha256=rendered.dataset_sha256,
            csv_zip=rendered.csv_zip,
            xlsx=rendered.xlsx,
            progress=100,
            step=STEP_DONE,
            finished_at=now,
            heartbeat_at=now,
        )
    except Exception:
        logger.exception("Report job %s failed during step %r.", job_id, current_step)
        with translation.override("da"):
            message = failure_message(current_step)
        now = timezone.now()
        mine.update(status=JobStatus.FAILED, error=message, finished_at=now, heartbeat_at=now)
        return
    if not stored:
        logger.warning("Report job %s was taken from this worker before it finished.", job_id)


def fail_stale_jobs(now: datetime | None = None) -> int:
    """Give up on running jobs that have reported no progress for too long."""
    now = now or timezone.now()
    stale_seconds = settings.REPORT_JOB_STALE_SECONDS
    with translation.override("da"):
        message = gettext(
            "Rapporten gik i stå: der er ikke meldt fremskridt i %(minutes)d minutter. Prøv igen."
        ) % {"minutes": max(1, stale_seconds // 60)}
    failed = ReportJob.objects.filter(
        status=JobStatus.RUNNING, heartbeat_at__lt=now - timedelta(seconds=stale_seconds)
    ).update(status=JobStatus.FAILED, error=message, finished_at=now)
    if failed:
        logger.warning("Marked %d stale report job(s) as failed.", failed)
    return failed


def start_yearly_report(today: date) -> ReportJob | None:
    """The national report for the two previous calendar years, as the beat schedule
    starts it every 15 January. Once per period: a repeated run starts nothing more
    unless the earlier job failed."""
    period_start, period_end = date(today.year - 2, 1, 1), date(today.year - 1, 12, 31)
    earlier = ReportJob.objects.filter(
        requested_by__isnull=True,
        scope=facts.NATIONAL,
        period_start=period_start,
        period_end=period_end,
    ).exclude(status=JobStatus.FAILED)
    if earlier.exists():
        return None
    return start_report_job(by=None, period_start=period_start, period_end=period_end)
