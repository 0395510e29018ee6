"""Reading the change history that django-simple-history keeps for domain models (each app
puts its own records together, e.g. `realise.benefits.history`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from typing import Any

from django.db.models import Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from realise.core.personal_data import WITHHELD, withholding_for

ACTIONS = {"+": gettext_lazy("Created"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}
# Bookkeeping, not what anyone changed: the time stamps, the id and the edit counter.
HIDDEN_FIELDS = {"created_at", "updated_at", "id", "version"}


@dataclass
class Change:
    when: datetime
    who: str
    action: str
    what: str
    fields: list[tuple[str, str, str]]  # (field label, before, after)


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - history may name a field that no longer exists
        return None


def _label(model, name: str) -> str:
    field = _field(model, name)
    return str(field.verbose_name) if field is not None else name


def changes_of(
    records, what, hidden=frozenset(), names: dict | None = None, *, reader=None
) -> list[Change]:
    """Turn historical records (newest first) into readable changes with before/after values;
    `hidden` names fields the page needs not show (the record that the page is about);
    `names` keeps the related records' names already looked up (`_show`). Personal values
    (an email address, the reason for a role) are shown as withheld unless `reader` may
    read them (`core.personal_data`; None: nobody signed in)."""
    hidden = HIDDEN_FIELDS | set(hidden)
    names = {} if names is None else names
    records = list(records)
    withholding = withholding_for(reader)
    changes = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        fields: list[tuple[str, str, str]] = []
        model = record.instance_type
        withheld = withholding.of(model._meta.label_lower)
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in hidden:
                    continue
                field = _field(model, change.field)
                personal = change.field in withheld or getattr(field, "attname", "") in withheld
                fields.append(
                    (
                        _label(model, change.field),
                        _shown(change.old, field, names, personal),
                        _shown(change.new, field, names, personal),
                    )
                )
        elif record.history_type == "+":
            for field in model._meta.concrete_fields:
                if field.name in hidden:
                    continue
                value = getattr(record, field.attname, None)
                if value not in (None, ""):
                    shown = _shown(value, field, names, field.attname in withheld)
                    fields.append((str(field.verbose_name), "", shown))
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


def _shown(value, field, names: dict, withheld: bool) -> str:
    """`_show`, or the withheld marker for a personal value the reader may not read."""
    return str(WITHHELD) if withheld else _show(value, field, names)


def _show(value, field=None, names: dict | None = None) -> str:
    """A value as the page shows it, in its language: a choice by its name, yes or no, a
    date with its month's name, a related record by its name (its id if it is gone), each
    related record looked up once (`names`)."""
    if value is None:
        return ""
    if field is not None and field.is_relation:
        names = {} if names is None else names
        key = (field.related_model, value)
        if key not in names:
            names[key] = _name_of(field.related_model, value)
        return names[key]
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "j M Y H:i")
    if isinstance(value, date):
        return formats.date_format(value, "j M Y")
    return str(value)


def _name_of(model, pk) -> str:
    related = model._default_manager.filter(pk=pk).first()
    if related is None:
        return str(pk)
    if hasattr(related, "get_full_name"):
        return related.get_full_name() or related.get_username()
    return str(related)


def per_object(history, what, hidden=frozenset(), *, reader=None) -> list[Change]:
    """Changes of every object in a historical queryset, each diffed against its own past
    (personal values as `reader` may see them: `changes_of`)."""
    records = history.select_related("history_user").order_by("id", "-history_date", "-history_id")
    changes: list[Change] = []
    names: dict = {}
    for _id, group in groupby(records, key=lambda record: record.id):
        changes += changes_of(group, what, hidden, names, reader=reader)
    return changes


def set_history_user(instance: Model, user: Any) -> None:
    """Name `user` as who made the next change django-simple-history records of `instance`.

    The history reads the `_history_user` attribute, which the model does not declare.
    """
    instance.__dict__["_history_user"] = user
