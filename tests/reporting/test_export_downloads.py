"""The job stores its tables as CSV and XLSX next to the PDF; analysts download
them (audited), and the command writes the CSV files with --csv."""

import csv
import io
import zipfile
from datetime import date
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from audit.models import AuditAction, AuditEntry
from concerns.models import Municipality
from reporting import jobs
from reporting.models import JobStatus, ReportJob
from tests.conftest import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished_job(analyst: User, coordinator: User, kbh: Municipality) -> ReportJob:
    for _ in range(7):
        make_case(coordinator, kbh, received_on=date(2025, 3, 14))
    job = jobs.start_report_job(
        by=analyst, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31)
    )
    jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    return job


def test_the_job_keeps_both_exports_and_offers_them(
    client: Client, analyst: User, finished_job: ReportJob
) -> None:
    client.force_login(analyst)
    page = client.get(f"/rapporter/{finished_job.pk}/").content.decode()
    assert f"/rapporter/{finished_job.pk}/xlsx/" in page
    assert f"/rapporter/{finished_job.pk}/csv/" in page

    response = client.get(f"/rapporter/{finished_job.pk}/csv/")
    assert response.status_code == 200
    assert (
        'filename="statusrapport-2025-01-01-2025-12-31.csv.zip"'
        in (response["Content-Disposition"])
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        per_year = archive.read("02-tabel-1-pr-aar.csv").decode("utf-8-sig")
    rows = list(csv.reader(StringIO(per_year), delimiter=";"))
    assert ["2025", "7"] in rows and rows[-1] == ["I alt", "7"]

    response = client.get(f"/rapporter/{finished_job.pk}/xlsx/")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == "Om data"
    downloads = AuditEntry.objects.filter(action=AuditAction.DOWNLOAD, user=analyst)
    assert {entry.purpose.rsplit(" ", 1)[1] for entry in downloads} == {"(csv.zip)", "(xlsx)"}


def test_a_retry_drops_the_old_exports(analyst: User, finished_job: ReportJob) -> None:
    ReportJob.objects.filter(pk=finished_job.pk).update(status=JobStatus.FAILED)
    job = jobs.retry_report_job(job=finished_job, by=analyst)
    stored = ReportJob.objects.filter(pk=job.pk).values("csv_zip", "xlsx").get()
    assert stored == {"csv_zip": None, "xlsx": None}


def test_the_command_writes_one_csv_per_table(
    tmp_path: Path, coordinator: User, kbh: Municipality
) -> None:
    make_case(coordinator, kbh, received_on=date(2025, 3, 14))
    out = StringIO()
    call_command(
        "status_report",
        "--from=2025-01-01",
        "--to=2025-12-31",
        f"--out={tmp_path / 'r.pdf'}",
        f"--csv={tmp_path / 'tabeller'}",
        stdout=out,
    )
    names = sorted(path.name for path in (tmp_path / "tabeller").iterdir())
    assert "02-tabel-1-pr-aar.csv" in names and "00-om-data.csv" in names
    per_year = (tmp_path / "tabeller" / "02-tabel-1-pr-aar.csv").read_text("utf-8-sig")
    assert "2025;<5" in per_year  # one case: suppressed, as in the PDF
    assert "Dataset SHA-256:" in out.getvalue()
