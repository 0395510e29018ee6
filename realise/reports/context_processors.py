"""The number of things a signed-in person has to do, shown in the navigation.

Working it out takes a dozen small queries, so every page but the home page (which always
works it out afresh, and refreshes this) reads it from the shared cache, at most a minute
old: a badge that says where to look, not a figure anyone acts on.
"""

from django.core.cache import cache
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from realise.reports.worklist import work_count

SECONDS = 60


def cache_key(user) -> str:
    return f"realise:work-count:{user.pk}"


def remember(user, count: int) -> None:
    cache.set(cache_key(user), count, SECONDS)


def _count(user) -> int:
    found = cache.get(cache_key(user))
    if found is None:
        found = work_count(user, timezone.localdate())
        remember(user, found)
    return found


def work(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"work_count": SimpleLazyObject(lambda: _count(user))}
