"""Pages where ministry analysts start, follow and download status reports.

Everyone else gets 404: the pages do not admit they exist.
"""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.db.models import QuerySet
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
from concerns.views.cases import HtmxHttpRequest
from reporting import jobs
from reporting.forms import ReportPeriodForm
from reporting.models import JobStatus, ReportJob

JOBS_PER_PAGE = 25


def _analyst(request: HttpRequest) -> User:
    """The requesting ministry analyst; 404 for anyone else."""
    user = request.user
    if not permissions.can_run_national_report(user):
        raise Http404
    assert isinstance(user, User)
    return user


def _jobs() -> QuerySet[ReportJob]:
    # The PDF stays in the database until someone downloads it.
    return ReportJob.objects.select_related("requested_by").defer("pdf")


def _last_full_year() -> tuple[date, date]:
    year = timezone.localdate().year - 1
    return date(year, 1, 1), date(year, 12, 31)


def _list_page(request: HttpRequest, form: ReportPeriodForm, status: int = 200) -> HttpResponse:
    page = Paginator(_jobs(), JOBS_PER_PAGE).get_page(request.GET.get("side"))
    context = {"form": form, "page": page}
    return render(request, "reporting/list.html", context, status=status)


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    _analyst(request)
    start, end = _last_full_year()
    return _list_page(request, ReportPeriodForm(initial={"period_start": start, "period_end": end}))


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    analyst = _analyst(request)
    form = ReportPeriodForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    job = jobs.start_report_job(
        by=analyst,
        period_start=form.cleaned_data["period_start"],
        period_end=form.cleaned_data["period_end"],
    )
    return redirect("reporting:detail", pk=job.pk)


@require_GET
def detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The job's page; for htmx polling, just its status block."""
    _analyst(request)
    job = get_object_or_404(_jobs(), pk=pk)
    template = "reporting/_job_status.html" if request.htmx else "reporting/detail.html"
    response = render(request, template, {"job": job})
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    analyst = _analyst(request)
    job = get_object_or_404(ReportJob, pk=pk, status=JobStatus.DONE, pdf__isnull=False)
    assert job.pdf is not None
    record(user=analyst, action=AuditAction.DOWNLOAD, obj=job, purpose=jobs.AUDIT_PURPOSE)
    filename = f"statusrapport-{job.period_start:%Y-%m-%d}-{job.period_end:%Y-%m-%d}.pdf"
    response = HttpResponse(bytes(job.pdf), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    analyst = _analyst(request)
    job = get_object_or_404(_jobs(), pk=pk)
    try:
        jobs.retry_report_job(job=job, by=analyst)
    except jobs.JobNotRetryable:
        context = {"job": job, "retry_error": _("Kun en rapport, der er fejlet, kan startes igen.")}
        return render(request, "reporting/detail.html", context, status=400)
    return redirect("reporting:detail", pk=job.pk)
