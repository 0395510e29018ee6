"""The tamper-evident audit trail: every create, update and delete of domain data.

Every domain model keeps its history with django-simple-history, so its historical
records are the one place every write passes through, whether it comes from a page, the
admin, the API, an import or a command. Each new historical record is turned into an
`AuditRecord` holding the before and after values, chained to the previous audit record by
a SHA-256 hash. `verify()` walks the chain and names the first record that does not match.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, router, transaction
from django.db.models import F
from django.utils import timezone
from simple_history.models import HistoricalRecords

from realise.core.models import AuditAction, AuditHead, AuditRecord

GENESIS = "0" * 64
ACTIONS = {"+": AuditAction.CREATE, "~": AuditAction.UPDATE, "-": AuditAction.DELETE}
NOT_COMPARED = {"updated_at"}
# Relations followed to find the collaboration a record belongs to (used to scope the trail).
PARENTS = (
    "initiative",
    "benefit",
    "measurement",
    "body",
    "decision",
    "meeting",
    "option",
    "line",
    "baseline",
    "change_request",
    "closure",
    "child",
    "document",
)


# Turning values into canonical JSON ---------------------------------------------------------


def _plain(field, value):
    """A value as JSON stores it, the same however it was held in memory: decimals at the
    field's places, moments in UTC, dates as ISO text, files by name."""
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if value is not None and isinstance(field, models.DecimalField | models.DateField):
        try:
            value = field.to_python(value)
        except ValidationError:
            return str(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal) and isinstance(field, models.DecimalField) and value.is_finite():
        return format(value.quantize(Decimal(1).scaleb(-field.decimal_places)), "f")
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return _when(value)
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def canonical(content: dict) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _when(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def content_of(record: AuditRecord) -> dict:
    """Everything the hash covers."""
    return {
        "sequence": record.sequence,
        "recorded_at": _when(record.recorded_at),
        "user_id": record.user_id,
        "username": record.username,
        "action": record.action,
        "model": record.model,
        "object_id": record.object_id,
        "object_repr": record.object_repr,
        "collaboration_id": record.collaboration_id,
        "via": record.via,
        "before": record.before,
        "after": record.after,
        "previous_hash": record.previous_hash,
    }


def compute_hash(record: AuditRecord) -> str:
    return hashlib.sha256(canonical(content_of(record)).encode("utf-8")).hexdigest()


# Reading a change from simple-history --------------------------------------------------------


def _values(history_model, history_instance) -> dict:
    return {
        field.attname: _plain(field, getattr(history_instance, field.attname))
        for field in history_model.tracked_fields
    }


def _previous(history_model, history_instance, pk_name: str):
    earlier = history_model.objects.filter(**{pk_name: getattr(history_instance, pk_name)})
    if history_instance.history_id is None:  # bulk-written on a database that returns no keys
        earlier = earlier.filter(history_date__lt=history_instance.history_date)
        return earlier.order_by("-history_date").first()
    earlier = earlier.filter(history_id__lt=history_instance.history_id)
    return earlier.order_by("-history_id").first()


def _before_after(history_model, history_instance, pk_name: str) -> tuple[dict | None, dict]:
    after = _values(history_model, history_instance)
    kind = history_instance.history_type
    if kind == "+":
        return None, after
    if kind == "-":
        return after, None
    previous = _previous(history_model, history_instance, pk_name)
    if previous is None:
        return None, after
    before = _values(history_model, previous)
    changed = [
        name for name in after if name not in NOT_COMPARED and before.get(name) != after[name]
    ]
    return {name: before.get(name) for name in changed}, {name: after[name] for name in changed}


def collaboration_id_of(instance) -> int | None:
    """The collaboration a domain object belongs to, following its parents; None if none."""
    from realise.collaborations.models import Collaboration

    seen = 0
    node = instance
    while node is not None and seen < 5:
        if isinstance(node, Collaboration):
            return node.pk
        collaboration_id = getattr(node, "collaboration_id", None)
        if collaboration_id is not None:
            return collaboration_id
        parent = None
        for name in PARENTS:
            if getattr(node, f"{name}_id", None) is not None:
                try:
                    parent = getattr(node, name)
                except Exception:  # noqa: BLE001 - a parent removed in the same transaction
                    parent = None
                break
        node, seen = parent, seen + 1
    return None


def _via() -> str:
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return "command"
    path = request.path
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "page"


@dataclass
class Entry:
    """One change, before it is given its place in the chain."""

    user_id: int | None
    username: str
    action: str
    model: str
    object_id: str
    object_repr: str
    collaboration_id: int | None
    via: str
    before: dict | None
    after: dict | None


def entry_for(history_model, instance, history_instance) -> Entry:
    model = history_instance.instance_type._meta
    pk_name = model.pk.attname
    before, after = _before_after(history_model, history_instance, pk_name)
    user = history_instance.history_user
    try:
        text = str(instance)[:200]
    except Exception:  # noqa: BLE001 - a __str__ that needs a removed parent
        text = ""
    return Entry(
        user_id=getattr(user, "pk", None),
        username=getattr(user, "username", "") if user is not None else "",
        action=ACTIONS[history_instance.history_type],
        model=model.label_lower,
        object_id=str(getattr(history_instance, pk_name)),
        object_repr=text,
        collaboration_id=collaboration_id_of(instance),
        via=_via(),
        before=before,
        after=after,
    )


# Appending -----------------------------------------------------------------------------------


def _lock_head(using: str) -> AuditHead:
    """Take the chain's lock (a row lock; the write lock on SQLite) and return its end."""
    heads = AuditHead.objects.using(using)
    if not heads.filter(pk=1).update(sequence=F("sequence")):
        last = AuditRecord.objects.using(using).order_by("-sequence").first()
        try:
            with transaction.atomic(using=using):
                heads.create(
                    pk=1,
                    sequence=last.sequence if last else 0,
                    hash=last.hash if last else "",
                )
        except IntegrityError:
            pass
        heads.filter(pk=1).update(sequence=F("sequence"))
    return heads.get(pk=1)


def append(entries: list[Entry], using: str | None = None) -> list[AuditRecord]:
    """Add changes to the end of the chain, atomically and one writer at a time."""
    if not entries:
        return []
    using = using or router.db_for_write(AuditRecord)
    with transaction.atomic(using=using):
        head = _lock_head(using)
        sequence, previous = head.sequence, head.hash or GENESIS
        now = timezone.now()
        records = []
        for entry in entries:
            sequence += 1
            record = AuditRecord(
                sequence=sequence,
                recorded_at=now,
                user_id=entry.user_id,
                username=entry.username,
                action=entry.action,
                model=entry.model,
                object_id=entry.object_id,
                object_repr=entry.object_repr,
                collaboration_id=entry.collaboration_id,
                via=entry.via,
                before=entry.before,
                after=entry.after,
                previous_hash=previous,
            )
            record.hash = compute_hash(record)
            previous = record.hash
            records.append(record)
        AuditRecord.objects.using(using).bulk_create(records)
        AuditHead.objects.using(using).filter(pk=1).update(sequence=sequence, hash=previous)
    return records


def on_historical_record(sender, instance, history_instance, using=None, **kwargs) -> None:
    """simple-history's post_create_historical_record: one audit record per change."""
    append([entry_for(sender, instance, history_instance)], using=using)


def audit_bulk(history_model, objs: Iterable, history_instances: Iterable) -> None:
    """The audit records for rows written by simple-history's bulk helpers."""
    entries = [
        entry_for(history_model, instance, history_instance)
        for instance, history_instance in zip(objs, history_instances, strict=False)
    ]
    append(entries)


def install_bulk_hook() -> None:
    """simple-history's bulk helpers send no signal: audit what they write as well."""
    from simple_history.manager import HistoryManager

    original = HistoryManager.bulk_history_create
    if getattr(original, "audited", False):
        return

    def bulk_history_create(self, objs, *args, **kwargs):
        objs = list(objs)
        created = original(self, objs, *args, **kwargs)
        if created:
            audit_bulk(self.model, objs, created)
        return created

    bulk_history_create.audited = True
    HistoryManager.bulk_history_create = bulk_history_create


# Checking --------------------------------------------------------------------------------------


@dataclass
class Verdict:
    ok: bool
    checked: int
    head: str
    broken_sequence: int | None = None
    reason: str = ""

    def message(self) -> str:
        if self.ok:
            return f"Audit trail intact: {self.checked} records, head {self.head or GENESIS}."
        return f"Audit trail broken at record {self.broken_sequence}: {self.reason}"


def verify(chunk_size: int = 2000) -> Verdict:
    """Walk the chain from the first record; name the first one that does not hold."""
    previous_hash, expected, checked = GENESIS, 1, 0
    for record in AuditRecord.objects.order_by("sequence").iterator(chunk_size=chunk_size):
        if record.sequence != expected:
            return Verdict(
                False,
                checked,
                previous_hash,
                expected,
                f"record {expected} is missing (the next one is {record.sequence}).",
            )
        if record.previous_hash != previous_hash:
            return Verdict(
                False,
                checked,
                previous_hash,
                record.sequence,
                "its previous hash does not match the record before it.",
            )
        if compute_hash(record) != record.hash:
            return Verdict(
                False,
                checked,
                previous_hash,
                record.sequence,
                "its content does not match its hash (it was changed after it was written).",
            )
        previous_hash, expected, checked = record.hash, expected + 1, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence != checked or (checked and head.hash != previous_hash)):
        return Verdict(
            False,
            checked,
            previous_hash,
            checked + 1,
            f"the trail ends at record {checked} but {head.sequence} were written: "
            "records at its end were removed.",
        )
    return Verdict(True, checked, previous_hash if checked else "")


EXPORT_FIELDS = [
    "sequence",
    "recorded_at",
    "username",
    "user_id",
    "action",
    "model",
    "object_id",
    "object_repr",
    "collaboration_id",
    "via",
    "before",
    "after",
    "previous_hash",
    "hash",
]


def export_rows(records) -> Iterator[dict]:
    """Records as flat rows for CSV or JSON (JSON values as canonical text in CSV)."""
    for record in records.iterator(chunk_size=2000):
        content = content_of(record)
        yield {
            **content,
            "before": record.before,
            "after": record.after,
            "hash": record.hash,
        }
