"""Reading the change history that django-simple-history keeps for domain models (each app
puts its own records together, e.g. `realise.benefits.history`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ACTIONS = {"+": gettext_lazy("Created"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}
HIDDEN_FIELDS = {"created_at", "updated_at", "id"}


@dataclass
class Change:
    when: datetime
    who: str
    action: str
    what: str
    fields: list[tuple[str, str, str]]  # (field label, before, after)


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - history may name a field that no longer exists
        return name


def changes_of(records, what) -> list[Change]:
    """Turn historical records (newest first) into readable changes with before/after values."""
    records = list(records)
    changes = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        fields: list[tuple[str, str, str]] = []
        model = record.instance_type
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                fields.append((_label(model, change.field), _show(change.old), _show(change.new)))
        elif record.history_type == "+":
            for field in model._meta.concrete_fields:
                if field.name in HIDDEN_FIELDS:
                    continue
                value = getattr(record, field.attname, None)
                if value not in (None, ""):
                    fields.append((str(field.verbose_name), "", _show(value)))
        user = record.history_user
        changes.append(
            Change(
                when=record.history_date,
                who=(user.get_full_name() or user.username) if user else _("system"),
                action=str(ACTIONS.get(record.history_type, record.history_type)),
                what=what(record),
                fields=fields,
            )
        )
    return changes


def _show(value) -> str:
    return "" if value is None else str(value)


def per_object(history, what) -> list[Change]:
    """Changes of every object in a historical queryset, each diffed against its own past."""
    records = history.select_related("history_user").order_by("id", "-history_date", "-history_id")
    changes: list[Change] = []
    for _id, group in groupby(records, key=lambda record: record.id):
        changes += changes_of(group, what)
    return changes


def set_history_user(instance: Model, user: Any) -> None:
    """Name `user` as who made the next change django-simple-history records of `instance`.

    The history reads the `_history_user` attribute, which the model does not declare.
    """
    instance.__dict__["_history_user"] = user
