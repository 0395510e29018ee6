"""Types the apps share in their annotations."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails
    from django_stubs_ext import StrOrPromise
else:
    # Text for people: a plain string, or a lazy translation made a string when shown.
    StrOrPromise = str

# Who asks for a change or a read: a signed-in user, or an anonymous visitor (whose
# permission checks refuse).
Actor: TypeAlias = User | AnonymousUser


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware (on for every request) leaves it: `htmx` says
    whether htmx sent it, and for which target."""

    htmx: HtmxDetails


def signed_in_user(request: HttpRequest) -> User:
    """The user of a request to a page behind sign-in (LoginRequiredMixin, login_required
    or an API view that requires authentication), where nobody anonymous gets this far."""
    user = request.user
    assert isinstance(user, User), "this page is behind sign-in"
    return user
