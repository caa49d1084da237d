"""The status report job end to end: a view queues it, a real Celery worker on
Redis renders it with WeasyPrint, the analyst downloads the PDF."""

import time
from datetime import date

import pytest
from django.test import Client

from accounts.models import Role
from audit.models import AuditAction, AuditEntry
from concerns.choices import ExtremismType
from concerns.models import Municipality
from reporting.models import JobStatus, ReportJob
from tests.conftest import make_case, make_user
from tests.reporting.pdftext import pdf_text

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_until_finished(job_id: int, seconds: float = 90) -> ReportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = ReportJob.objects.get(pk=job_id)
        if job.is_finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"report job {job_id} did not finish: {job.status} {job.step}")


def test_analyst_gets_the_report_from_a_real_worker(celery_worker_process: str, tmp_path) -> None:
    kbh = Municipality.objects.get(code="0101")
    aarhus = Municipality.objects.get(code="0751")
    coordinator = make_user("koordinator.kbh", Role.COORDINATOR, kbh, aarhus)
    analyst = make_user("analytiker", Role.ANALYST)
    for _ in range(6):
        make_case(coordinator, kbh, extremism_type=ExtremismType.MILITANT_ISLAMISM)
    make_case(coordinator, aarhus, extremism_type=ExtremismType.LEFT_WING)
    make_case(coordinator, aarhus, received_on=date(2019, 5, 1))  # outside the period

    client = Client()
    client.force_login(analyst)
    response = client.post(
        "/rapporter/ny/", {"period_start": "2024-01-01", "period_end": "2025-12-31"}
    )
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert response["Location"] == f"/rapporter/{job.pk}/"

    job = wait_until_finished(job.pk)
    assert job.status == JobStatus.DONE, job.error
    assert job.progress == 100

    download = client.get(f"/rapporter/{job.pk}/pdf/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="statusrapport-2024-01-01-2025-12-31.pdf"' in download["Content-Disposition"]
    assert download.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(user=analyst, action=AuditAction.DOWNLOAD).count() == 1

    text = pdf_text(download.content, tmp_path)
    # 2 of 98 municipalities had a concern in the period: 2.0 %.
    assert "2 af 98" in text
    assert "Militant islamisme" in text
    lines = {line.split()[0]: line for line in text.splitlines() if line.strip()}
    assert "<5" in lines.get("Venstreekstremisme", "")  # one case: suppressed
    # Six cases, hidden too: the total of 7 is published, and 7 - 6 would give
    # the one away (secondary suppression, reporting.suppression).
    assert "—" in lines.get("Militant", "")


def test_duplicate_delivery_renders_one_pdf(celery_worker_process: str) -> None:
    from reporting.tasks import render_report_job

    analyst = make_user("analytiker", Role.ANALYST)
    job = ReportJob.objects.create(
        period_start=date(2024, 1, 1), period_end=date(2024, 12, 31), requested_by=analyst
    )
    render_report_job.delay(job.pk)
    render_report_job.delay(job.pk)
    job = wait_until_finished(job.pk)
    time.sleep(1)  # let the second delivery run too
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.attempts == 1


def test_retry_is_refused_for_a_job_that_did_not_fail(client: Client) -> None:
    analyst = make_user("analytiker", Role.ANALYST)
    job = ReportJob.objects.create(
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        requested_by=analyst,
        status=JobStatus.DONE,
    )
    client.force_login(analyst)
    assert client.post(f"/rapporter/{job.pk}/igen/").status_code == 400


def test_failed_job_can_be_retried(celery_worker_process: str, client: Client) -> None:
    analyst = make_user("analytiker", Role.ANALYST)
    job = ReportJob.objects.create(
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        requested_by=analyst,
        status=JobStatus.FAILED,
        error="Rapporten kunne ikke dannes.",
    )
    client.force_login(analyst)
    page = client.get(f"/rapporter/{job.pk}/").content.decode()
    assert "Rapporten kunne ikke dannes." in page
    assert client.post(f"/rapporter/{job.pk}/igen/").status_code == 302
    job = wait_until_finished(job.pk)
    assert job.status == JobStatus.DONE
    assert job.error == ""


def test_other_roles_get_404(client: Client) -> None:
    kbh = Municipality.objects.get(code="0101")
    coordinator = make_user("koordinator.kbh", Role.COORDINATOR, kbh)
    analyst = make_user("analytiker", Role.ANALYST)
    job = ReportJob.objects.create(
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        requested_by=analyst,
    )
    client.force_login(coordinator)
    for url in ("/rapporter/", f"/rapporter/{job.pk}/", f"/rapporter/{job.pk}/pdf/"):
        assert client.get(url).status_code == 404
    assert client.post("/rapporter/ny/", {}).status_code == 404


def test_unreachable_queue_marks_the_job_failed_with_a_reason(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kombu.exceptions import OperationalError

    from reporting import tasks

    def broker_down(*args: object, **kwargs: object) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.render_report_job, "delay", broker_down)
    analyst = make_user("analytiker", Role.ANALYST)
    client.force_login(analyst)
    response = client.post(
        "/rapporter/ny/", {"period_start": "2024-01-01", "period_end": "2024-12-31"}
    )
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert "kunne ikke sættes i kø" in job.error
    page = client.get(f"/rapporter/{job.pk}/").content.decode()
    assert "kunne ikke sættes i kø" in page and "Prøv igen" in page


@pytest.mark.parametrize("url", ["/rapporter/", "/rapporter/1/", "/rapporter/1/pdf/"])
def test_anonymous_is_sent_to_login(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_reversed_period_is_refused_and_the_input_kept(client: Client) -> None:
    client.force_login(make_user("analytiker", Role.ANALYST))
    response = client.post(
        "/rapporter/ny/", {"period_start": "31.12.2025", "period_end": "01.01.2024"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="31.12.2025"' in page and 'value="01.01.2024"' in page
    assert "form-error-message" in page or "alert-error" in page
    assert not ReportJob.objects.exists()
