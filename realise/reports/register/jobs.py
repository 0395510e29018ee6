"""Register imports as jobs: started from the upload page, run inline or by the task worker.

A small upload is imported in the request. A large one (more data rows than
`REALISE_IMPORT_BACKGROUND_ROWS`) is queued as a django-tasks task and its page shows its
progress. Uploads are kept in Django's storage, so a worker on any host can read them.

While it runs, the process running a job beats its `heartbeat_at` (`realise.core.heartbeat`);
`fail_stale_jobs` marks failed a job whose process has gone silent (a worker killed in the
middle: its transaction rolled back, so nothing was imported), and `run_again` queues the
same workbook once more.

Progress is published to storage as well (`ImportJob.progress_name`, a little JSON file)
rather than to the job's row: the rows are written in one transaction, and nothing written
inside it can be seen by the page's requests until it commits.
"""

from __future__ import annotations

import functools
import json
import logging
import time
import zipfile
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from realise.benefits import totals
from realise.core import uploads
from realise.core.heartbeat import Heartbeat, stale_before
from realise.reports.mapped.grid import GridError, read_grid
from realise.reports.mapped.mapping import MappingError, parse_mapping
from realise.reports.mapped.translate import import_mapped, problem_parts
from realise.reports.models import ImportJob, ImportStatus
from realise.reports.register.cells import count_data_rows, open_workbook
from realise.reports.register.importing import import_register
from realise.reports.register.results import WORKBOOK, ImportResult, RowError
from realise.reports.register.retention import remove_file_of

logger = logging.getLogger(__name__)
PHASE_STATUS = {"check": ImportStatus.CHECKING, "write": ImportStatus.WRITING}
STARTED = (ImportStatus.CHECKING, ImportStatus.WRITING)
STOPPED = (
    "The import stopped before it finished; nothing was imported. "
    "The process running it stopped (for example a restart of the server). Run it again."
)


def rows_in(fileobj) -> int | None:
    """The data rows of a register workbook, or None if it cannot be read. Counting stops
    with ParseTimeout after `REALISE_UPLOAD_PARSE_SECONDS`."""
    name = getattr(fileobj, "name", "workbook")
    with uploads.time_limit(settings.REALISE_UPLOAD_PARSE_SECONDS, name):
        workbook, problem = open_workbook(fileobj)
        if problem is not None:
            return None
        try:
            return count_data_rows(workbook)
        finally:
            workbook.close()


def expands_to(fileobj) -> int | None:
    """The workbook's size when unzipped, from its zip directory; None if it is no archive."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            return uploads.expanded_size(archive)
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    finally:
        fileobj.seek(0)


def start_import(upload, *, user) -> ImportJob:
    """Keep the uploaded workbook and import it: now if it is small, else in the background.

    A workbook that expands beyond `REALISE_IMPORT_BACKGROUND_BYTES` goes to the worker
    without being read here; a smaller one is counted (within the parse time limit) and
    goes there when it has more than `REALISE_IMPORT_BACKGROUND_ROWS` data rows."""
    job = ImportJob(original_name=upload.name[:255], user=user)
    job.file.save(upload.name, upload, save=False)
    with job.file.open("rb") as stored:
        expanded = expands_to(stored)
        large = expanded is not None and expanded > settings.REALISE_IMPORT_BACKGROUND_BYTES
        rows = None
        if not large:
            try:
                rows = rows_in(stored)
            except uploads.ParseTimeout:
                large = True  # too slow to count here: the worker reads it
    job.rows_total = rows
    job.background = large or (rows is not None and rows > settings.REALISE_IMPORT_BACKGROUND_ROWS)
    job.save()
    return _run_or_queue(job)


def _run_or_queue(job: ImportJob) -> ImportJob:
    if job.background:
        transaction.on_commit(lambda: import_register_task.enqueue(job.pk))
        return job
    return run_import_job(job.pk)


def run_again(job: ImportJob, *, user) -> ImportJob:
    """Import the workbook of a job that failed once more, as a new job (the failed one
    stays, with what happened to it)."""
    if job.status != ImportStatus.FAILED:
        raise ValueError("Only an import that failed can be run again.")
    if job.file_removed_at is not None:
        raise ValueError("The workbook of this import was removed: upload it again.")
    again = ImportJob.objects.create(
        file=job.file.name,
        original_name=job.original_name,
        user=user,
        background=job.background,
        rows_total=job.rows_total,
    )
    return _run_or_queue(again)


def fail_stale_jobs(now=None) -> int:
    """Mark failed every started job whose process has not beaten for
    REALISE_WORKER_STALE_SECONDS; returns how many. Its rows were written in one
    transaction that died with the process, so nothing of it was imported."""
    now = now or timezone.now()
    cutoff = stale_before(now)
    stale = ImportJob.objects.filter(status__in=STARTED).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    if not stale.exists():  # a read: cheap, and never waits for a writer
        return 0
    count = stale.update(status=ImportStatus.FAILED, message=STOPPED, finished_at=now)
    if count:
        logger.warning("Marked %s register import(s) failed: their process stopped.", count)
    return count


class JobProgress:
    """The `progress` callback of an import run as a job: publishes rows done to storage
    (at most about once a second) and each change of phase to the job's row."""

    def __init__(self, job: ImportJob, interval: float = 1.0):
        self.job = job
        self.interval = interval
        self.phase: str | None = None
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if phase != self.phase:
            self.phase = phase
            ImportJob.objects.filter(pk=self.job.pk).update(
                status=PHASE_STATUS[phase], rows_total=total
            )
        elif now - self.last < self.interval and done != total:
            return
        self.last = now
        publish_progress(self.job, {"phase": phase, "done": done, "total": total})

    def clear(self) -> None:
        try:
            default_storage.delete(self.job.progress_name)
        except OSError:  # pragma: no cover - storage gone away; nothing to clean
            logger.warning("Could not remove %s", self.job.progress_name)


def publish_progress(job: ImportJob, state: dict) -> None:
    name = job.progress_name
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(json.dumps(state).encode()))


def run_import_job(job_id: int) -> ImportJob:
    """Import a queued job's workbook as the user who uploaded it; record the outcome."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.status != ImportStatus.QUEUED:
        return job
    job.status = ImportStatus.CHECKING
    job.started_at = job.heartbeat_at = timezone.now()
    job.save(update_fields=["status", "started_at", "heartbeat_at"])
    reporter = JobProgress(job)
    alive = ImportJob.objects.filter(pk=job.pk, status__in=STARTED)
    with Heartbeat(lambda: alive.update(heartbeat_at=timezone.now())):
        job = _run(job, reporter)
    if job.status == ImportStatus.DONE:
        # The import added rows of monthly totals: fold them here, in the worker,
        # rather than in the next request that reads national figures.
        totals.try_compact()
    return job


@task()
def import_register_task(job_id: int) -> str:
    """Run a queued register import; returns the job's final status."""
    return run_import_job(job_id).status


def _run(job: ImportJob, reporter: JobProgress) -> ImportJob:
    try:
        if job.user is None or not job.user.is_active:
            result = ImportResult(
                errors=[RowError(WORKBOOK, None, "", "the user who uploaded it is not active")],
                error_count=1,
            )
        elif job.mapping is not None:
            result = _run_mapped(job, reporter)
        else:
            with job.file.open("rb") as stored:
                result = import_register(stored, user=job.user, progress=reporter)
    except Exception as exc:
        logger.exception("Register import %s failed", job.pk)
        job.status = ImportStatus.FAILED
        job.message = f"The import stopped unexpectedly and nothing was written ({exc})."
    else:
        job.status = ImportStatus.DONE if result.ok else ImportStatus.REJECTED
        job.errors = [error.as_dict() for error in result.errors]
        job.error_count = result.error_count
        job.summary = result.summary_dict()
        job.rows_done = sum(c.rows for c in result.counts.values())
    finally:
        reporter.clear()
    job.finished_at = timezone.now()
    job.save()
    # With REALISE_IMPORT_FILES_KEEP_DAYS at 0 the workbook goes now (register.retention).
    transaction.on_commit(functools.partial(remove_file_of, job))
    return job


def _run_mapped(job: ImportJob, reporter: JobProgress) -> ImportResult:
    """A force's own register, read through the job's mapping, as an import result."""
    with job.file.open("rb") as stored:
        data = stored.read()
    try:
        grid = read_grid(data, job.original_name)
        mapping = parse_mapping(job.mapping)
    except (GridError, MappingError) as exc:
        return ImportResult(errors=[RowError(WORKBOOK, None, "", str(exc))], error_count=1)
    mapped = import_mapped(grid, mapping, user=job.user, progress=reporter)
    errors = [RowError(**problem_parts(problem)) for problem in mapped.problems]
    result = ImportResult(
        errors=errors, error_count=len(errors), written=mapped.written, notes=mapped.notes
    )
    result.counts.update(mapped.counts)
    return result


def start_mapped_import(job: ImportJob, mapping: dict, *, rows: int) -> ImportJob:
    """Import a mapped upload (a draft job): now if it is small, else in the background."""
    job.mapping = mapping
    job.status = ImportStatus.QUEUED
    job.rows_total = rows
    job.background = rows > settings.REALISE_IMPORT_BACKGROUND_ROWS
    job.save(update_fields=["mapping", "status", "rows_total", "background"])
    if job.background:
        transaction.on_commit(lambda: import_register_task.enqueue(job.pk))
        return job
    return run_import_job(job.pk)


def live_progress(job: ImportJob) -> dict:
    """What the progress bar shows: phase, rows done and total, and percent (of both
    passes; None when the size is unknown)."""
    state: dict[str, Any] = {"phase": None, "done": 0, "total": job.rows_total}
    if job.running:
        try:
            with default_storage.open(job.progress_name, "rb") as stored:
                state.update(json.loads(stored.read()))
        except (OSError, ValueError):
            pass
    elif job.status == ImportStatus.DONE:
        state.update(phase="done", done=job.rows_total or job.rows_done)
    if state["phase"] is None and job.status in (ImportStatus.CHECKING, ImportStatus.WRITING):
        state["phase"] = "write" if job.status == ImportStatus.WRITING else "check"
    phase, done, total = state["phase"], state["done"] or 0, state["total"]
    percent = None
    if not job.running:
        percent = 100 if job.status == ImportStatus.DONE else None
    elif total:
        half = min(done, total) * 50 // total
        percent = half + (50 if phase == "write" else 0)
    elif phase is None:
        percent = 0
    return {**state, "percent": percent, "text": progress_text(phase, done, total)}


def progress_text(phase: str | None, done: int, total: int | None) -> str:
    """The progress bar's words, in the language of the page that shows them."""
    counts = {"done": f"{done:,}", "total": f"{total:,}" if total else ""}
    if phase is None:
        return _("Waiting for a worker to start the import.")
    if phase == "check":
        return (
            _("Checking the rows: %(done)s of %(total)s.") % counts
            if total
            else _("Checking the rows.")
        )
    if phase == "write":
        return (
            _("Saving the changes: %(done)s of %(total)s rows.") % counts
            if total
            else _("Saving the changes.")
        )
    if phase == "done":
        return _("Finished.")
    return ""
