"""Signs of life from long-running work, and the checks that act on their absence.

A process doing long work (the task worker, an import) shows it is alive by calling a
`beat` function every `REALISE_WORKER_HEARTBEAT_SECONDS` from a `Heartbeat` thread beside
its work. The thread dies with the process, so a process that was killed stops beating,
and the checks registered here (run by the worker, by the pages that show such work and by
the daily `realise remind`) notice the silence after `REALISE_WORKER_STALE_SECONDS` and
say so: an import whose worker has gone is marked failed, for one.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Max
from django.utils import timezone

from realise.core.models import WorkerBeat

logger = logging.getLogger(__name__)

Check = Callable[[datetime.datetime], int]
_checks: list[Check] = []


def register_check(check: Check) -> Check:
    """Add a check for stale work: called with the time now, returns what it acted on."""
    if check not in _checks:
        _checks.append(check)
    return check


def run_checks(now: datetime.datetime | None = None) -> int:
    """Run every registered check; a check the database refuses just now is tried later."""
    now = now or timezone.now()
    acted = 0
    for check in _checks:
        try:
            acted += check(now)
        except DatabaseError:  # e.g. SQLite's write lock held by a long import
            logger.warning("Check %s could not run now; it will run again.", check.__name__)
    return acted


def stale_before(now: datetime.datetime | None = None) -> datetime.datetime:
    """Work that last beat before this moment has stopped."""
    return (now or timezone.now()) - datetime.timedelta(
        seconds=settings.REALISE_WORKER_STALE_SECONDS
    )


def worker_seen(worker_id: str, now: datetime.datetime | None = None) -> None:
    """Record that a worker is alive; forget workers silent for a week (each start of a
    worker has a new id)."""
    now = now or timezone.now()
    WorkerBeat.objects.update_or_create(worker_id=worker_id[:64], defaults={"last_seen": now})
    WorkerBeat.objects.filter(last_seen__lt=now - datetime.timedelta(days=7)).delete()


def worker_last_seen() -> datetime.datetime | None:
    return WorkerBeat.objects.aggregate(last=Max("last_seen"))["last"]


class Heartbeat:
    """Call `beat` every `interval` seconds from a thread while the `with` block runs.

    The thread has its own database connection (closed when it stops); a beat the database
    refuses (SQLite's write lock, a lost connection) is logged and tried again next time.
    With `now=True` the first beat is at once rather than after one interval.
    """

    def __init__(self, beat: Callable[[], object], interval: float | None = None, now=False):
        self.beat = beat
        self.interval = interval or settings.REALISE_WORKER_HEARTBEAT_SECONDS
        self.now = now
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="realise-heartbeat", daemon=True)

    def _run(self) -> None:
        try:
            if self.now:
                self._beat()
            while not self.stopped.wait(self.interval):
                self._beat()
        finally:
            connections.close_all()

    def _beat(self) -> None:
        try:
            self.beat()
        except DatabaseError as error:
            logger.warning("Heartbeat not recorded (%s); trying again.", error)
            connections.close_all()

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join(timeout=self.interval + 30)
