"""The version of all domain data, for caches that must never serve what a write changed.

The head of the audit trail (`core.AuditHead`) moves on every create, update and delete of
domain data, whatever makes it (page, API, admin, import, demo), inside the writer's
transaction and under the head's row lock. A cache entry keyed on it is therefore
unreachable after any write, on every web process that shares the cache.
`forget_cached_data()` gives the generation a new value for data written behind the
application's back (the benchmark's bulk generator), which no audit record follows, and
for changes to sign-in accounts (names, e-mail addresses, administrator rights), which the
audit trail does not hold: `on_account_change` is connected to the user model's saves.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

from realise.core.models import AuditHead

GENERATION_KEY = "realise:dashboards:generation"


def data_version() -> str:
    head = AuditHead.objects.filter(pk=1).values_list("sequence", "hash").first()
    return version_of(*(head or (None, None)))


def version_of(sequence: int | None, hash_: str | None) -> str:
    """The data version from the audit head's sequence and hash (None: no head yet)."""
    generation = cache.get(GENERATION_KEY, 0)
    return f"{sequence}-{hash_[:16]}-{generation}" if hash_ else f"0-{generation}"


def forget_cached_data() -> None:
    """Make every entry keyed on the data version unreachable."""
    # A new random value rather than an increment: nothing to read first, and any value
    # left by an older release (whatever its type) is simply replaced.
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def on_account_change(sender, instance, update_fields=None, **kwargs) -> None:
    """A saved or deleted account changes what the API and pages show of it; a sign-in,
    which only stamps `last_login`, changes nothing shown."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    # After the commit: a read between the save and the commit still sees the old account.
    transaction.on_commit(forget_cached_data)
