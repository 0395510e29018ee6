"""The version of all domain data, for caches that must never serve what a write changed.

The head of the audit trail (`core.AuditHead`) moves on every create, update and delete of
domain data, whatever makes it (page, API, admin, import, demo), inside the writer's
transaction and under the head's row lock. A cache entry keyed on it is therefore
unreachable after any write, on every web process that shares the cache.
`forget_cached_data()` gives the generation a new value for data written behind the
application's back (the benchmark's bulk generator), which no audit record follows, and
for changes to sign-in accounts (names, e-mail addresses, administrator rights), which the
audit trail does not hold: `on_account_change` is connected to the user model's saves.

`writes_made()` counts, in this thread, the writes that move the version (audit records
appended, the generation set): a request that compares it before and after knows whether
it wrote, without reading the version again.

`version_of_kinds` is narrower: it moves only with writes to the kinds of record named (and
with the generation), for what is worked out from those alone (a user's access).
"""

from __future__ import annotations

import functools
import threading
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction

from realise.core.models import AuditHead, AuditRecord

GENERATION_KEY = "realise:dashboards:generation"

_thread = threading.local()


def writes_made() -> int:
    """How many writes that move the data version this thread has made (see `wrote`)."""
    return getattr(_thread, "writes", 0)


def wrote() -> None:
    """Note that this thread moved, or tried to move, the data version (an audit record
    appended, even in a transaction later rolled back; the generation set)."""
    _thread.writes = writes_made() + 1


def data_version() -> str:
    head = AuditHead.objects.filter(pk=1).values_list("sequence", "hash").first()
    return version_of(*(head or (None, None)))


@functools.cache
def newest_hash_sql(vendor: str) -> str:
    """A scalar subquery giving the hash of the newest audit record of one kind (its one
    parameter), one step down the (model, sequence) index; built once from the model's own
    table and columns."""
    quote = connection.ops.quote_name
    meta = AuditRecord._meta
    table = quote(meta.db_table)
    columns = {field.name: quote(str(field.column)) for field in meta.concrete_fields}
    hash_, model, sequence = columns["hash"], columns["model"], columns["sequence"]
    return (
        f"(SELECT {hash_} FROM {table} WHERE {model} = %s "  # noqa: S608
        f"ORDER BY {sequence} DESC LIMIT 1)"
    )


def _newest_hashes_sql(vendor: str, kinds: int) -> str:
    """One statement giving the hash of the newest audit record of each of `kinds` kinds;
    the kinds are parameters."""
    return "SELECT " + ", ".join([newest_hash_sql(vendor)] * kinds)


def version_of_kinds(labels: Iterable[str]) -> str:
    """A version that moves only with writes to records of these kinds ("app.model"): the
    hash of the newest audit record of each kind, and the generation. A hash, not a
    sequence number: a number freed by a rolled-back write is used again by the next one,
    so a version worked out inside the rolled-back transaction could come back."""
    kinds = sorted(set(labels))
    if not kinds:
        return data_version()
    with connection.cursor() as cursor:
        cursor.execute(_newest_hashes_sql(connection.vendor, len(kinds)), kinds)
        row = cursor.fetchone()
    return kinds_version(row)


def kinds_version(hashes: Sequence[str | None], generation: Any = None) -> str:
    """`version_of_kinds` from the newest hashes of the kinds, in the kinds' sorted order
    (read with `newest_hash_sql`), and the generation (read here when not given)."""
    generation = current_generation() if generation is None else generation
    return ".".join((value or "")[:12] for value in hashes) + f"-{generation}"


def version_of(sequence: int | None, hash_: str | None, generation: Any = None) -> str:
    """The data version from the audit head's sequence and hash (None: no head yet), and
    the generation (read here when not given)."""
    generation = current_generation() if generation is None else generation
    return f"{sequence}-{hash_[:16]}-{generation}" if hash_ else f"0-{generation}"


def current_generation() -> Any:
    """The value `forget_cached_data` last set, part of every version."""
    return cache.get(GENERATION_KEY, 0)


def forget_cached_data() -> None:
    """Make every entry keyed on the data version unreachable."""
    # A new random value rather than an increment: nothing to read first, and any value
    # left by an older release (whatever its type) is simply replaced.
    wrote()
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def on_account_change(sender, instance, update_fields=None, **kwargs) -> None:
    """A saved or deleted account changes what the API and pages show of it; a sign-in,
    which only stamps `last_login`, changes nothing shown."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    # After the commit: a read between the save and the commit still sees the old account.
    transaction.on_commit(forget_cached_data)
