"""The number of things a signed-in person has to do, shown in the navigation."""

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from realise.reports.worklist import work_count


def work(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"work_count": SimpleLazyObject(lambda: work_count(user, timezone.localdate()))}
