"""Celery tasks for the status report. Thin: the work is in `reporting.jobs`."""

from celery import shared_task

from reporting import jobs


@shared_task(ignore_result=True)
def render_report_job(job_id: int) -> None:
    jobs.run_report_job(job_id)


@shared_task(ignore_result=True)
def fail_stale_jobs() -> None:
    jobs.fail_stale_jobs()
