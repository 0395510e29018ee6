"""Large uploads are imported by the task worker; the page follows their progress."""

import json

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import F

from realise.benefits import totals
from realise.benefits.models import Benefit, MonthlyTotal, PlannedValue
from realise.reports.models import ImportJob, ImportStatus
from realise.reports.register.jobs import JobProgress, live_progress, publish_progress
from realise.reports.register.xlsx import BENEFITS
from tests.reports.conftest import edit, row_of

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def upload(client, path):
    with open(path, "rb") as workbook:
        return client.post("/register/import/", {"file": workbook})


def monthly_keys() -> list[tuple]:
    return list(MonthlyTotal.objects.values_list("kind", *totals.KEY))


@pytest.fixture
def renamed(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"C{row}"): "Renamed in Excel"})
    return exported


def test_a_small_upload_is_imported_at_once(register, renamed, client):
    client.force_login(register.alice)

    response = upload(client, renamed)

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/register/import/{job.pk}/"
    assert not job.background and job.status == ImportStatus.DONE
    assert job.file.name.startswith("imports/register/")
    assert Benefit.objects.get(reference="B-VET-1").title == "Renamed in Excel"
    page = client.get(response["Location"]).content.decode()
    assert "Imported" in page and "hx-get" not in page


def test_an_unchanged_upload_says_nothing_has_changed(register, exported, client):
    """Export, then import the same workbook unchanged: the page says nothing was written,
    not that changes were saved."""
    client.force_login(register.alice)

    response = upload(client, exported)

    page = client.get(response["Location"]).content.decode()
    assert "Nothing has changed" in page
    assert "The changes were saved" not in page


def test_a_large_upload_runs_as_a_task(
    register, renamed, client, settings, django_capture_on_commit_callbacks
):
    settings.REALISE_IMPORT_BACKGROUND_ROWS = 3
    settings.TASKS = IMMEDIATE
    client.force_login(register.alice)
    for _ in range(2):  # each change adds rows of monthly totals
        PlannedValue.objects.update(value=F("value") + 1)
    assert len(monthly_keys()) > len(set(monthly_keys()))

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, renamed)

    job = ImportJob.objects.get()
    assert job.background and job.rows_total == 8
    assert job.status == ImportStatus.DONE and job.rows_done == 8
    assert job.summary[BENEFITS] == {"created": 0, "updated": 1, "unchanged": 1}
    assert Benefit.objects.get(reference="B-VET-1").history.latest().history_user == register.alice
    assert not default_storage.exists(job.progress_name)
    # The worker folded the monthly totals: one row per kind and month.
    assert len(monthly_keys()) == len(set(monthly_keys()))
    assert totals.differences() == []


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_a_queued_import(register, renamed, client, settings):
    """Committed for real, as the worker is another process that reads the queue."""
    settings.REALISE_IMPORT_BACKGROUND_ROWS = 3
    settings.TASKS = DATABASE
    client.force_login(register.alice)

    response = upload(client, renamed)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.QUEUED

    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert f'hx-get="/register/import/{job.pk}/progress/"' in page
    assert "Waiting for a worker" in page
    assert f'href="/register/import/{job.pk}/">Refresh</a>' in page

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Benefit.objects.get(reference="B-VET-1").title == "Renamed in Excel"


def test_a_rejected_background_import_lists_its_errors(
    register, exported, client, settings, django_capture_on_commit_callbacks
):
    settings.REALISE_IMPORT_BACKGROUND_ROWS = 3
    settings.TASKS = IMMEDIATE
    edit(exported, {("Planned values", "C2"): "lots"})
    client.force_login(register.alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, exported)

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.REJECTED and job.error_count == 1
    page = client.get(response["Location"]).content.decode()
    assert "nothing was imported" in page
    assert "Planned values" in page and "&#x27;lots&#x27; is not a number" in page


def test_progress_is_published_while_it_runs(register, exported, settings):
    job = ImportJob.objects.create(
        original_name="big.xlsx", user=register.alice, rows_total=10, background=True
    )
    progress = JobProgress(job, interval=0)

    progress("check", 5, 10)

    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKING
    state = live_progress(job)
    assert (state["done"], state["total"], state["percent"]) == (5, 10, 25)
    assert state["text"] == "Checking the rows: 5 of 10."

    progress("write", 4, 10)

    job.refresh_from_db()
    assert job.status == ImportStatus.WRITING
    assert live_progress(job)["percent"] == 70
    with default_storage.open(job.progress_name) as stored:
        assert json.loads(stored.read()) == {"phase": "write", "done": 4, "total": 10}


def test_the_progress_fragment_polls_until_done(register, client):
    job = ImportJob.objects.create(
        original_name="big.xlsx",
        user=register.alice,
        rows_total=200,
        background=True,
        status=ImportStatus.CHECKING,
    )
    publish_progress(job, {"phase": "check", "done": 100, "total": 200})
    client.force_login(register.alice)

    fragment = client.get(f"/register/import/{job.pk}/progress/", HTTP_HX_REQUEST="true")

    html = fragment.content.decode()
    assert '<progress class="realise-progress" max="100" value="25"' in html
    assert "Checking the rows: 100 of 200." in html

    job.status = ImportStatus.DONE
    job.save()
    finished = client.get(f"/register/import/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert finished.headers["HX-Refresh"] == "true"


def test_only_the_uploader_sees_an_import(register, client):
    job = ImportJob.objects.create(original_name="mine.xlsx", user=register.alice)
    client.force_login(register.bob)

    assert client.get(f"/register/import/{job.pk}/").status_code == 404
    assert client.get(f"/register/import/{job.pk}/progress/").status_code == 404


def test_the_upload_form_refuses_a_file_that_is_not_a_workbook(register, client, tmp_path):
    path = tmp_path / "register.xlsx"
    path.write_text("not a workbook")
    client.force_login(register.alice)

    response = upload(client, path)

    assert response.status_code == 200
    assert (
        "is not of an accepted type (Excel (.xlsx)); it has been refused."
        in response.content.decode()
    )
    assert not ImportJob.objects.exists()


def test_the_import_page_names_a_sheet_that_was_not_read(register, renamed, client):
    from openpyxl import load_workbook

    workbook = load_workbook(renamed)
    workbook.create_sheet("Notes")["A1"] = "Checked by the finance team"
    workbook.save(renamed)
    client.force_login(register.alice)

    response = upload(client, renamed)

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.DONE and job.summary["notes"] == [
        "Sheet 'Notes' was not read."
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Sheet &#x27;Notes&#x27; was not read." in page
    assert Benefit.objects.get(reference="B-VET-1").title == "Renamed in Excel"
