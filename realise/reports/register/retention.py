"""How long the workbook uploaded for a register import is kept: `REALISE_IMPORT_FILES_KEEP_DAYS`
days after the import finished (imported, refused or failed), then the daily `realise remind`
deletes it from storage. The import's record stays, with its outcome (counts, errors, why it
failed): its `file` is emptied and `file_removed_at` says when, so its page says the file was
removed rather than offering to run it again. An upload whose columns were mapped but never
imported (a dry run at most) counts from its upload, and is kept a day at least, so that 0 does
not take it from under someone still mapping it. A file is never removed while an import that
uses it (one run again, say) is waiting or running. With 0 days an import's file also goes the
moment the import finishes (`remove_file_of`).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import ngettext

from realise.core import formatting
from realise.reports.models import FINISHED, ImportJob, ImportStatus

logger = logging.getLogger(__name__)


class FilesNotRemoved(Exception):
    """Some files the storage would not delete: their records are left as they were, and the
    next run tries them again."""


def removable(now: datetime.datetime, days: int) -> Q:
    """Imports whose file is no longer needed: finished more than `days` ago, or uploaded for
    mapping more than `days` (and at least a day) ago and never imported."""
    cutoff = now - datetime.timedelta(days=days)
    finished = Q(status__in=FINISHED) & (
        Q(finished_at__lte=cutoff) | Q(finished_at__isnull=True, created_at__lte=cutoff)
    )
    abandoned = Q(
        status=ImportStatus.DRAFT, created_at__lte=now - datetime.timedelta(days=max(days, 1))
    )
    return finished | abandoned


def remove_old_import_files(now: datetime.datetime, dry_run: bool = False) -> str | None:
    """The daily housekeeping task: delete the files of the imports older than the setting;
    one line saying how many (None when there were none)."""
    days = settings.REALISE_IMPORT_FILES_KEEP_DAYS
    names = _names(ImportJob.objects.all(), now, days)
    failed: list[str] = []
    if dry_run:
        removed = len(names)
    else:
        removed, failed = _remove(names, now, days)
    logger.info(
        "%s %s uploaded register file(s) kept %s days after their imports finished.",
        "Would remove" if dry_run else "Removed",
        removed,
        days,
    )
    if failed:
        raise FilesNotRemoved(
            f"{len(failed)} uploaded register file(s) could not be removed (see the log); "
            f"{removed} removed"
        )
    return _said(removed, days, dry_run=dry_run)


def remove_file_of(job: ImportJob) -> None:
    """With `REALISE_IMPORT_FILES_KEEP_DAYS` at 0: delete a finished import's file now."""
    if settings.REALISE_IMPORT_FILES_KEEP_DAYS != 0:
        return
    now = timezone.now()
    names = _names(ImportJob.objects.filter(pk=job.pk), now, 0)
    _remove(names, now, 0)


def _names(candidates: QuerySet[ImportJob], now: datetime.datetime, days: int) -> list[str]:
    """The stored files of `candidates` that are no longer needed, and that no import still
    needing its file shares (an import run again uses the failed one's file)."""
    old = removable(now, days)
    names = set(
        candidates.filter(old, file_removed_at__isnull=True)
        .exclude(file="")
        .values_list("file", flat=True)
    )
    held = ImportJob.objects.filter(file__in=names, file_removed_at__isnull=True).exclude(old)
    return sorted(names - set(held.values_list("file", flat=True)))


def _remove(names: list[str], now: datetime.datetime, days: int) -> tuple[int, list[str]]:
    """Delete each file, then record it on every import that had it: a file deleted whose
    record was not written is found again next time, already gone, and then recorded."""
    storage = ImportJob._meta.get_field("file").storage
    removed, failed = 0, []
    for name in names:
        # Looked at again just before: an import may have been run again since.
        if ImportJob.objects.filter(file=name).exclude(removable(now, days)).exists():
            continue
        try:
            storage.delete(name)
        except FileNotFoundError:
            pass  # already gone: recorded as removed
        except Exception:  # noqa: BLE001 - any storage's error; the other files still go
            logger.exception("Could not delete the uploaded register file %s", name)
            failed.append(name)
            continue
        ImportJob.objects.filter(file=name, file_removed_at__isnull=True).update(
            file="", file_removed_at=timezone.now()
        )
        removed += 1
    return removed, failed


def _said(count: int, days: int, *, dry_run: bool) -> str | None:
    if not count:
        return None
    message = (
        ngettext(
            "Would remove %(count)s uploaded register file kept %(period)s after its "
            "import finished.",
            "Would remove %(count)s uploaded register files kept %(period)s after their "
            "imports finished.",
            count,
        )
        if dry_run
        else ngettext(
            "Removed %(count)s uploaded register file kept %(period)s after its import finished.",
            "Removed %(count)s uploaded register files kept %(period)s after their imports "
            "finished.",
            count,
        )
    )
    return message % {"count": count, "period": formatting.days(days)}
