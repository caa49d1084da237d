"""Celery tasks for the status report. Thin: the work is in `reporting.jobs`."""

from celery import shared_task
from django.utils import timezone

from reporting import jobs


@shared_task(ignore_result=True)
def render_report_job(job_id: int) -> None:
    jobs.run_report_job(job_id)


@shared_task(ignore_result=True)
def fail_stale_jobs() -> None:
    jobs.fail_stale_jobs()


@shared_task(ignore_result=True)
def yearly_national_report() -> None:
    """15 January (beat): the national report for the two previous calendar years."""
    jobs.start_yearly_report(timezone.localdate())
