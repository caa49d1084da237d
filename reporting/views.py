"""Pages where ministry analysts start, follow and download status reports, and
where coordinators see the same figures for their own municipality.

Everyone else gets 404: the pages do not admit they exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from audit.log import record
from audit.models import AuditAction
from concerns import permissions
from concerns.models import Municipality
from concerns.views.cases import HtmxHttpRequest
from reporting import aggregates, exports, facts, jobs
from reporting.forms import MunicipalStatisticsForm, StatusReportForm
from reporting.models import JobStatus, ReportJob

JOBS_PER_PAGE = 25
STATISTICS_PURPOSE = "statistik"


def _analyst(request: HttpRequest) -> User:
    """The requesting ministry analyst; 404 for anyone else."""
    user = request.user
    if not permissions.can_run_national_report(user):
        raise Http404
    assert isinstance(user, User)
    return user


def _jobs() -> QuerySet[ReportJob]:
    # The PDF stays in the database until someone downloads it.
    return (
        ReportJob.objects.select_related("requested_by")
        .defer("pdf", "csv_zip", "xlsx")
        .annotate(
            has_exports=ExpressionWrapper(Q(csv_zip__isnull=False), output_field=BooleanField())
        )
    )


def _last_full_year() -> tuple[date, date]:
    year = timezone.localdate().year - 1
    return date(year, 1, 1), date(year, 12, 31)


def _list_page(request: HttpRequest, form: StatusReportForm, status: int = 200) -> HttpResponse:
    page = Paginator(_jobs(), JOBS_PER_PAGE).get_page(request.GET.get("side"))
    labels = jobs.scope_labels(job.scope for job in page.object_list)
    rows = [(job, labels[job.scope]) for job in page.object_list]
    context = {"form": form, "page": page, "rows": rows}
    return render(request, "reporting/list.html", context, status=status)


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    analyst = _analyst(request)
    start, end = _last_full_year()
    initial = {"period_start": start, "period_end": end, "scope": facts.NATIONAL}
    scopes = permissions.report_scopes_for(analyst)
    return _list_page(request, StatusReportForm(initial=initial, scopes=scopes))


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    analyst = _analyst(request)
    form = StatusReportForm(request.POST, scopes=permissions.report_scopes_for(analyst))
    if not form.is_valid():
        return _list_page(request, form, status=400)
    job = jobs.start_report_job(
        by=analyst,
        period_start=form.cleaned_data["period_start"],
        period_end=form.cleaned_data["period_end"],
        scope=form.cleaned_data["scope"],
    )
    return redirect("reporting:detail", pk=job.pk)


def _detail_page(
    request: HttpRequest, job: ReportJob, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {"job": job, "scope_label": jobs.scope_labels([job.scope])[job.scope], **extra}
    return render(request, "reporting/detail.html", context, status=status)


@require_GET
def detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The job's page; for htmx polling, just its status block."""
    _analyst(request)
    job = get_object_or_404(_jobs(), pk=pk)
    if request.htmx:
        response = render(request, "reporting/_job_status.html", {"job": job})
    else:
        response = _detail_page(request, job)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, "pdf")


@require_GET
def download_csv(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, "csv_zip")


@require_GET
def download_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, "xlsx")


# Stored field -> (file extension, content type).
DOWNLOADS = {
    "pdf": ("pdf", "application/pdf"),
    "csv_zip": ("csv.zip", "application/zip"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _download(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """A finished job's PDF or exports, under a name the server chooses; audited."""
    analyst = _analyst(request)
    job = get_object_or_404(ReportJob, pk=pk, status=JobStatus.DONE, **{f"{field}__isnull": False})
    content = getattr(job, field)
    extension, content_type = DOWNLOADS[field]
    record(
        user=analyst,
        action=AuditAction.DOWNLOAD,
        obj=job,
        purpose=f"{jobs.AUDIT_PURPOSE} ({extension})",
    )
    # "statusrapport-politikreds-1470-2025-01-01-2025-12-31.pdf"; national has none.
    scope = "" if job.scope == facts.NATIONAL else f"{job.scope.replace(':', '-')}-"
    filename = (
        f"statusrapport-{scope}{job.period_start:%Y-%m-%d}-{job.period_end:%Y-%m-%d}.{extension}"
    )
    response = HttpResponse(bytes(content), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    analyst = _analyst(request)
    job = get_object_or_404(_jobs(), pk=pk)
    try:
        jobs.retry_report_job(job=job, by=analyst)
    except jobs.JobNotRetryable:
        message = _("Kun en rapport, der er fejlet, kan startes igen.")
        return _detail_page(request, job, status=400, retry_error=message)
    return redirect("reporting:detail", pk=job.pk)


# --- Statistics for a coordinator's own municipality ---------------------------------


def _this_year_so_far() -> dict[str, str]:
    today = timezone.localdate()
    return {"period_start": f"01.01.{today.year}", "period_end": f"{today:%d.%m.%Y}"}


def _tables(report: aggregates.StatusReport) -> list[dict[str, Any]]:
    """The report's tables of concerns, numbered, captioned and suppressed as in
    the PDF and its exports, in the active language."""
    return [
        {
            "caption": table.title,
            "header": table.header,
            "rows": [
                (label, *(aggregates.format_count(v) if isinstance(v, int) else v for v in values))
                for label, *values in table.rows
            ],
        }
        for table in exports.report_tables(report, language=None)
        if table.counts_concerns
    ]


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The status report's figures for one of the coordinator's municipalities and a
    period (this year so far unless chosen), suppressed as in the PDF. 404 for
    anyone without a municipality of their own."""
    municipalities = list(permissions.report_scopes_for(request.user).municipalities)
    if not municipalities:
        raise Http404
    data = request.GET or _this_year_so_far()
    form = MunicipalStatisticsForm(data, municipalities=municipalities)
    if not form.is_valid():
        context = {"form": form, "error_forms": [form]}
        return render(request, "reporting/dashboard.html", context, status=400)
    municipality: Municipality = form.cleaned_data["municipality"]
    report, _dataset = jobs.status_report(
        period_start=form.cleaned_data["period_start"],
        period_end=form.cleaned_data["period_end"],
        scope=facts.municipality_scope(municipality.code),
    )
    record(user=request.user, action=AuditAction.VIEW, obj=municipality, purpose=STATISTICS_PURPOSE)
    context = {
        "form": form,
        "report": report,
        "tables": _tables(report),
        "scope_label": jobs.municipality_label(municipality),
        "suppression_highest": report.threshold - 1,
    }
    return render(request, "reporting/dashboard.html", context)
