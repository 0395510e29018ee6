"""How long built documents are kept: board packs, highlight reports, register exports and
inspection packs built in the background are there for their requester to download for
`REALISE_DOCUMENT_DAYS` days after the day they finished (0 keeps them for good), through the
last of those days (`BackgroundBuild.kept_until`). The daily `realise remind` then removes
them, record and file: each can be asked for again, and is then built from the register as
it stands."""

from __future__ import annotations

import datetime
import functools
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from realise.core import formatting
from realise.documents.models import DocumentJob, InspectionPack, PackStatus

logger = logging.getLogger(__name__)


def remove_old_builds(now: datetime.datetime, dry_run: bool = False) -> str | None:
    """Remove the finished builds older than the setting; one line saying how many."""
    days = settings.REALISE_DOCUMENT_DAYS
    if not days:
        return None
    # Kept through `kept_until` (the finishing day, local time, plus the days): removed from
    # the day after.
    first_day = timezone.localdate(now) - datetime.timedelta(days=days)
    cutoff = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))
    old = Q(status__in=(PackStatus.DONE, PackStatus.FAILED)) & (
        Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff)
    )
    count = 0
    for model in (DocumentJob, InspectionPack):
        records = list(model.objects.filter(old).only("pk", "file"))
        count += len(records)
        if dry_run or not records:
            continue
        with transaction.atomic():
            model.objects.filter(pk__in=[r.pk for r in records]).delete()
            # The files go once the records are gone for good: a rollback keeps both.
            transaction.on_commit(functools.partial(_delete_files, records))
    if not count:
        return None
    message = (
        ngettext(
            "Would remove %(count)s built document finished more than %(period)s ago.",
            "Would remove %(count)s built documents finished more than %(period)s ago.",
            count,
        )
        if dry_run
        else ngettext(
            "Removed %(count)s built document finished more than %(period)s ago.",
            "Removed %(count)s built documents finished more than %(period)s ago.",
            count,
        )
    )
    return message % {"count": count, "period": formatting.days(days)}


def _delete_files(records) -> None:
    for record in records:
        if not record.file:
            continue
        try:
            record.file.storage.delete(record.file.name)
        except Exception:  # noqa: BLE001 - any storage's error; the other files still go
            # The record is gone: the file is left behind, named here for the operator.
            logger.exception("Could not delete %s", record.file.name)
