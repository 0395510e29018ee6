"""Daily housekeeping: tasks the apps register (in `AppConfig.ready`), run once a day by
`realise remind` after the checks for stopped work. Each task is called with the time now
and whether this is a dry run (act on nothing, say what would be done), and returns one line
for the operator, or None when it had nothing to do."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.utils import timezone

logger = logging.getLogger(__name__)

Task = Callable[[datetime.datetime, bool], "str | None"]
_tasks: list[Task] = []


def register(task: Task) -> Task:
    if task not in _tasks:
        _tasks.append(task)
    return task


def run(now: datetime.datetime | None = None, *, dry_run: bool = False) -> tuple[list, list]:
    """Run every registered task: (what the tasks said, the names of those that failed), in
    the order they were registered. A task that fails is logged and the others (and the
    reminders after them) still run; the caller reports the failure (`realise remind` exits
    1), and the task runs again the next day."""
    now = now or timezone.now()
    lines, failed = [], []
    for task in _tasks:
        try:
            line = task(now, dry_run)
        except Exception as error:  # noqa: BLE001 - the daily run must go on
            logger.exception("Housekeeping %s failed", task.__name__)
            failed.append(task.__name__)
            line = f"Housekeeping {task.__name__} failed ({error}); it runs again tomorrow."
        if line:
            lines.append(line)
    return lines, failed
