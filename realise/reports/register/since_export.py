"""What was changed in Realise after a register workbook was exported, so that importing an
old workbook never silently undoes it.

The export records when it began (the workbook's custom document property `EXPORTED_AT`);
the import asks the history django-simple-history keeps for the records a sheet's rows
would change, a chunk of rows at a time (never a query a row). A change made by an earlier
import of the same workbook by the same person is theirs, not someone else's: it is told
apart by the change reason every import of a stamped workbook records.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from django.db.models import Max

from realise.reports.register.xlsx import EXPORTED_AT, user_label, verified_text

__all__ = ["EXPORTED_AT", "Change", "SinceExport", "StampError", "exported_at"]

REDO = "export the register again and re-apply your changes to it"
# A historical record's bookkeeping, read with the fields compared.
_RECORD = (
    "history_id",
    "history_date",
    "history_type",
    "history_change_reason",
    "history_user_id",
    "history_user__first_name",
    "history_user__last_name",
    "history_user__username",
)
_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


class StampError(ValueError):
    pass


def exported_at(workbook) -> datetime.datetime | None:
    """When the workbook was exported from Realise, or None for a workbook that does not
    say (a force's own sheet, a CSV, an export made before workbooks said)."""
    for prop in getattr(workbook, "custom_doc_props", None) or ():
        if prop.name != EXPORTED_AT:
            continue
        value = prop.value
        moment = value if isinstance(value, datetime.datetime) else None
        if moment is None:
            try:
                moment = datetime.datetime.fromisoformat(str(value).strip())
            except ValueError:
                moment = None
        if moment is None or moment.tzinfo is None:
            raise StampError(
                f"the document property '{EXPORTED_AT}' is not a date and time ('{value}'); "
                "export the register again"
            )
        return moment
    return None


@dataclass(frozen=True)
class Change:
    action: str  # created, changed or deleted
    when: datetime.datetime
    who: str

    def reason(self, exported: datetime.datetime) -> str:
        by = f" by {self.who}" if self.who else ""
        return (
            f"{self.action} in Realise on {verified_text(self.when)}{by}, after this workbook "
            f"was exported on {verified_text(exported)}: {REDO}"
        )


class SinceExport:
    """The changes made in Realise after `exported` by anyone but this import's own earlier
    runs (the same `user` importing a workbook of the same export)."""

    def __init__(self, exported: datetime.datetime, user):
        self.exported = exported
        self.user_id = getattr(user, "pk", None)
        # Recorded on every change this import writes (at most 100 characters).
        self.change_reason = f"Register import, exported {exported.isoformat()}"[:100]

    def reason(self, change: Change) -> str:
        return change.reason(self.exported)

    def _own(self, record: dict) -> bool:
        return (
            record["history_user_id"] == self.user_id
            and record["history_change_reason"] == self.change_reason
        )

    @staticmethod
    def _change(record: dict) -> Change:
        who = user_label(
            record["history_user__first_name"],
            record["history_user__last_name"],
            record["history_user__username"],
        )
        return Change(_ACTIONS.get(record["history_type"], "changed"), record["history_date"], who)

    def changed_fields(self, history, ids, fields) -> dict[int, dict[str, Change]]:
        """For each record of `ids` (None: of every record) changed since the export, the
        `fields` whose values changed and the latest change of each. A record with no
        history from before the export (made since, or before history was kept) counts as
        changed in every field."""
        since = history.filter(history_date__gt=self.exported)
        if ids is not None:
            ids = list(ids)
            if not ids:
                return {}
            since = since.filter(id__in=ids)
        later = list(
            since.order_by("id", "history_date", "history_id").values("id", *_RECORD, *fields)
        )
        if not any(not self._own(record) for record in later):
            return {}
        touched = {record["id"] for record in later}
        last_before = (
            history.filter(id__in=touched, history_date__lte=self.exported)
            .order_by()
            .values("id")
            .annotate(last=Max("history_id"))
            .values("last")
        )
        before = {
            record["id"]: record
            for record in history.filter(history_id__in=last_before).values("id", *fields)
        }
        found: dict[int, dict[str, Change]] = {}
        for pk, records in groupby(later, key=itemgetter("id")):
            previous = before.get(pk)
            for record in records:
                if not self._own(record):
                    change = self._change(record)
                    for name in fields:
                        if previous is None or record[name] != previous[name]:
                            found.setdefault(pk, {})[name] = change
                previous = record
        return found

    def latest(self, history, keys: tuple[str, ...], **filters) -> dict[tuple, Change]:
        """The latest change since the export of the records matching `filters`, by the
        values of `keys` (e.g. the months deleted from a benefit's plan)."""
        found: dict[tuple, Change] = {}
        records = (
            history.filter(history_date__gt=self.exported, **filters)
            .order_by("history_date", "history_id")
            .values(*keys, *_RECORD)
        )
        for record in records:
            if not self._own(record):
                found[tuple(record[key] for key in keys)] = self._change(record)
        return found
