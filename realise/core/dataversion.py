"""The version of all domain data, for caches that must never serve what a write changed.

The head of the audit trail (`core.AuditHead`) moves on every create, update and delete of
domain data, whatever makes it (page, API, admin, import, demo), inside the writer's
transaction and under the head's row lock. A cache entry keyed on it is therefore
unreachable after any write, on every web process that shares the cache.
`forget_cached_data()` raises a generation number for data written behind the
application's back (the benchmark's bulk generator), which no audit record follows.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from realise.core.models import AuditHead

GENERATION_KEY = "realise:dashboards:generation"


def data_version() -> str:
    head = AuditHead.objects.filter(pk=1).values_list("sequence", "hash").first()
    generation = cache.get(GENERATION_KEY, 0)
    return f"{head[0]}-{head[1][:16]}-{generation}" if head else f"0-{generation}"


def forget_cached_data() -> None:
    """Make every entry keyed on the data version unreachable."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, timezone.now().timestamp(), None)
