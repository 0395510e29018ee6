"""An import whose worker died in the middle is marked failed, and can be run again."""

import datetime
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from realise.benefits.models import Benefit
from realise.core.heartbeat import worker_last_seen
from realise.core.models import WorkerBeat
from realise.reports.models import ImportJob, ImportStatus
from realise.reports.register import jobs as register_jobs
from realise.reports.register.jobs import fail_stale_jobs, run_import_job
from realise.reports.register.xlsx import BENEFITS
from tests.reports.conftest import edit, row_of

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def ago(seconds: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


@pytest.fixture
def renamed(register, exported):
    row = row_of(exported, BENEFITS, "B-VET-1")
    edit(exported, {(BENEFITS, f"C{row}"): "Renamed in Excel"})
    return exported


def stopped_job(register, workbook, *, beat_seconds_ago: int, status=ImportStatus.WRITING):
    """A background job as a worker left it when it was killed while writing: started, its
    transaction rolled back, its last heartbeat some seconds ago."""
    job = ImportJob(
        original_name="register.xlsx",
        user=register.alice,
        background=True,
        rows_total=8,
        status=status,
        started_at=ago(beat_seconds_ago + 5),
        heartbeat_at=ago(beat_seconds_ago),
    )
    job.file.save("register.xlsx", ContentFile(workbook.read_bytes()), save=False)
    job.save()
    return job


def test_a_job_silent_for_longer_than_the_limit_is_marked_failed_on_its_page(
    register, renamed, client, settings
):
    settings.REALISE_WORKER_STALE_SECONDS = 120
    job = stopped_job(register, renamed, beat_seconds_ago=121)
    client.force_login(register.alice)

    page = client.get(f"/register/import/{job.pk}/").content.decode()

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.finished_at is not None
    assert "stopped before it finished; nothing was imported" in job.message
    assert "Failed" in page and "stopped before it finished; nothing was imported" in page
    assert "hx-get" not in page  # no longer polling for progress that will never come
    assert f'action="/register/import/{job.pk}/again/"' in page
    assert Benefit.objects.get(reference="B-VET-1").title == "Reduced vetting backlog"


def test_the_progress_fragment_of_a_stopped_job_reloads_the_page(register, renamed, client):
    job = stopped_job(register, renamed, beat_seconds_ago=3600, status=ImportStatus.CHECKING)
    client.force_login(register.alice)

    fragment = client.get(f"/register/import/{job.pk}/progress/", HTTP_HX_REQUEST="true")

    assert fragment.headers["HX-Refresh"] == "true"
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


def test_a_job_that_still_beats_or_waits_for_a_worker_is_left_alone(register, renamed, settings):
    settings.REALISE_WORKER_STALE_SECONDS = 120
    alive = stopped_job(register, renamed, beat_seconds_ago=60)
    waiting = ImportJob.objects.create(
        original_name="later.xlsx", user=register.alice, background=True, created_at=ago(9999)
    )
    done = stopped_job(register, renamed, beat_seconds_ago=9999, status=ImportStatus.DONE)

    assert fail_stale_jobs() == 0
    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses == {
        alive.pk: ImportStatus.WRITING,
        waiting.pk: ImportStatus.QUEUED,
        done.pk: ImportStatus.DONE,
    }
    # Two minutes later with no beat, the running one has stopped.
    assert fail_stale_jobs(timezone.now() + datetime.timedelta(seconds=61)) == 1
    alive.refresh_from_db()
    assert alive.status == ImportStatus.FAILED


def test_the_daily_reminders_run_also_fails_stopped_jobs(register, renamed):
    job = stopped_job(register, renamed, beat_seconds_ago=3600)

    call_command("remind", "--dry-run", stdout=io.StringIO())

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


def test_the_person_runs_a_stopped_import_again(
    register, renamed, client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    job = stopped_job(register, renamed, beat_seconds_ago=3600)
    fail_stale_jobs()
    client.force_login(register.alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/register/import/{job.pk}/again/")

    again = ImportJob.objects.exclude(pk=job.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/register/import/{again.pk}/"
    assert again.status == ImportStatus.DONE and again.user == register.alice
    assert again.file.name == job.file.name and again.background
    assert Benefit.objects.get(reference="B-VET-1").title == "Renamed in Excel"
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED  # the failed attempt stays as it was


def test_only_a_failed_import_of_ones_own_can_be_run_again(register, renamed, client):
    done = stopped_job(register, renamed, beat_seconds_ago=0, status=ImportStatus.DONE)
    failed = stopped_job(register, renamed, beat_seconds_ago=0, status=ImportStatus.FAILED)
    client.force_login(register.alice)
    assert client.post(f"/register/import/{done.pk}/again/")["Location"] == (
        f"/register/import/{done.pk}/"
    )
    client.force_login(register.bob)
    # Not theirs: as if it did not exist.
    assert (
        client.post(f"/register/import/{failed.pk}/again/").status_code == 404
    )  # not theirs: as if it did not exist
    assert ImportJob.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_running_import_beats_its_heartbeat(register, renamed, settings, monkeypatch):
    """The beat comes from a thread beside the import, with its own connection."""
    settings.REALISE_WORKER_HEARTBEAT_SECONDS = 0.05
    job = stopped_job(register, renamed, beat_seconds_ago=0, status=ImportStatus.QUEUED)
    seen = []
    real_import = register_jobs.import_register

    def slow_import(*args, **kwargs):
        started = ImportJob.objects.get(pk=job.pk).heartbeat_at
        time.sleep(0.6)
        seen.append((started, ImportJob.objects.get(pk=job.pk).heartbeat_at))
        return real_import(*args, **kwargs)

    monkeypatch.setattr(register_jobs, "import_register", slow_import)

    assert run_import_job(job.pk).status == ImportStatus.DONE
    [(started, later)] = seen
    assert later > started


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite has one writer: the heartbeat thread waits on the test's own transaction",
)
def test_the_worker_shows_it_is_alive_and_fails_stopped_jobs(register, renamed, settings):
    settings.TASKS = DATABASE
    job = stopped_job(register, renamed, beat_seconds_ago=3600)
    assert worker_last_seen() is None

    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", "--worker-id", "w-1")

    beat = WorkerBeat.objects.get()
    assert beat.worker_id == "w-1" and beat.last_seen > ago(60)
    assert worker_last_seen() == beat.last_seen
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


KILLED_WORKER = """
import time
from realise.reports.register import jobs as register_jobs

real_import = register_jobs.import_register


def slow_import(source, *, user, progress=None, **kwargs):
    def report(phase, done, total):
        progress(phase, done, total)
        if phase == "write" and done:  # every row written, the transaction not yet committed
            print("written, not committed", flush=True)
            time.sleep(120)

    return real_import(source, user=user, progress=report, **kwargs)


register_jobs.import_register = slow_import
register_jobs.run_import_job({job})
"""


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker is another process: it needs a database server it can reach",
)
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_the_middle_of_writing_leaves_a_failed_job_and_no_rows(
    register, renamed, settings
):
    job = stopped_job(register, renamed, beat_seconds_ago=0, status=ImportStatus.QUEUED)
    name = connection.settings_dict["NAME"]
    url = f"postgres://{connection.settings_dict['USER']}@{connection.settings_dict['HOST']}"
    url += f":{connection.settings_dict['PORT'] or 5432}/{name}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REALISE_TESTING": "1",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "REALISE_WORKER_HEARTBEAT_SECONDS": "1",
    }
    worker = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", KILLED_WORKER.format(job=job.pk)],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = iter(worker.stdout.readline, "")
        assert "written, not committed" in (line.strip() for line in lines)
        time.sleep(2.5)  # a beat or two while it holds the transaction open
        job.refresh_from_db()
        assert job.status == ImportStatus.WRITING
        assert job.heartbeat_at > job.started_at  # the worker beat while it was writing
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)

    # Nothing of the import was committed: the database rolled its transaction back.
    assert Benefit.objects.get(reference="B-VET-1").title == "Reduced vetting backlog"
    job.refresh_from_db()
    assert job.status == ImportStatus.WRITING
    settings.REALISE_WORKER_STALE_SECONDS = 120
    assert fail_stale_jobs() == 0  # silent for seconds: not yet
    assert fail_stale_jobs(job.heartbeat_at + datetime.timedelta(seconds=121)) == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.message.startswith("The import stopped before it finished; nothing was imported.")
