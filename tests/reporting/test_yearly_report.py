"""Every 15 January the national report for the two previous calendar years starts
by itself, once."""

from datetime import date

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.test import Client

from accounts.models import User
from reporting.jobs import start_yearly_report
from reporting.models import JobStatus, ReportJob
from reporting.tasks import yearly_national_report

pytestmark = pytest.mark.django_db


def test_the_beat_schedule_runs_it_on_15_january() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["yearly-national-report"]
    assert entry["task"] == "reporting.tasks.yearly_national_report"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    # celery-types does not declare the parsed fields; they are sets of numbers.
    assert getattr(schedule, "month_of_year") == {1}  # noqa: B009
    assert getattr(schedule, "day_of_month") == {15}  # noqa: B009


def test_it_covers_the_two_previous_years_once(client: Client, analyst: User) -> None:
    job = start_yearly_report(date(2027, 1, 15))
    assert job is not None
    assert (job.period_start, job.period_end) == (date(2025, 1, 1), date(2026, 12, 31))
    assert job.requested_by is None and job.scope == "national"
    assert start_yearly_report(date(2027, 1, 15)) is None  # a repeated run

    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="x")
    assert start_yearly_report(date(2027, 1, 15)) is not None  # a failed one is redone

    client.force_login(analyst)
    assert "Årlig kørsel (15. januar)" in client.get("/rapporter/").content.decode()
    assert client.get(f"/rapporter/{job.pk}/").status_code == 200


def test_the_task_starts_the_job() -> None:
    yearly_national_report()
    assert ReportJob.objects.filter(requested_by__isnull=True).count() == 1
