"""Running a document built in the background (`BackgroundBuild`: inspection packs and
document jobs), and failing those whose process has stopped.

`run(record, work, failed)` takes a queued record: it marks it building, runs `work()` with a
`Heartbeat` beating the record's `heartbeat_at`, and records the outcome, done or failed
(`failed(exc)` words the error for the requester). A worker killed in the middle leaves
the record building with a silent heartbeat; `fail_stale_builds`, registered with
`realise.core.heartbeat`, marks it failed so the page stops waiting and the requester can
ask again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone

from realise.core.heartbeat import Heartbeat, stale_before
from realise.documents.models import BackgroundBuild, DocumentJob, InspectionPack, PackStatus

logger = logging.getLogger(__name__)

STOPPED = "The process building it stopped before it finished. Ask for it again."

Build = TypeVar("Build", bound=BackgroundBuild)


def run(record: Build, work: Callable[[], None], failed: Callable[[Exception], str]) -> Build:
    """Build a queued record with `work()`; a record not queued is returned as it is."""
    if record.status != PackStatus.QUEUED:
        return record
    model = type(record)
    record.status = PackStatus.BUILDING
    record.started_at = record.heartbeat_at = timezone.now()
    record.save(update_fields=["status", "started_at", "heartbeat_at"])
    alive = model._default_manager.filter(pk=record.pk)
    try:
        with Heartbeat(lambda: alive.update(heartbeat_at=timezone.now())):
            work()
    except Exception as exc:
        logger.exception("%s %s failed", str(model._meta.verbose_name).capitalize(), record.pk)
        record.status, record.error = PackStatus.FAILED, failed(exc)
    else:
        record.status = PackStatus.DONE
    record.finished_at = timezone.now()
    record.save()
    return record


def fail_stale_builds(now=None) -> int:
    """Mark failed every build whose process has gone silent; the number marked."""
    now = now or timezone.now()
    cutoff = stale_before(now)
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    count = 0
    for model in (InspectionPack, DocumentJob):
        stale = model.objects.filter(silent, status=PackStatus.BUILDING)
        if stale.exists():  # a read: cheap, and never waits for a writer
            count += stale.update(status=PackStatus.FAILED, error=STOPPED, finished_at=now)
    return count


def fail_stale_now() -> int:
    """`fail_stale_builds` from a page: with no worker left to notice a build whose process
    has gone, the page may be the only thing that looks. A database busy just now (SQLite's
    write lock) leaves them for the next look."""
    try:
        return fail_stale_builds()
    except DatabaseError:
        logger.warning("Stale builds could not be checked now; the next look will.")
        return 0


def as_shown(record: Build) -> Build:
    """`record` as its page shows it: failed once its process has gone silent."""
    if record.running and fail_stale_now():
        record.refresh_from_db()
    return record
