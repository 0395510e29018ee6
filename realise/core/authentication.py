"""Token sign-in for the API, checked once per request (in `core`, not `core.api`, because
DRF imports it from its settings while its own views are still loading).

The API read cache (`core.api.cache`) checks a request's token before it looks in the
cache. When the answer is not in the cache, the request goes on to DRF, which would check
the same token again; `TokenOnce` takes the account the cache already found instead. A
request the cache did not check (a write, the cache turned off, a token it refused) is
checked here as DRF always does, so a refusal reads the same either way.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from rest_framework.authentication import TokenAuthentication
from rest_framework.request import Request

# The attribute of Django's request that holds DRF's (user, token) for a checked token.
CHECKED = "realise_checked_token"


def remember_checked(request: HttpRequest, checked: tuple[Any, Any]) -> None:
    """Keep the (user, token) pair DRF's token check gave for this request."""
    setattr(request, CHECKED, checked)


class TokenOnce(TokenAuthentication):
    """DRF's token authentication, reusing a check already made for this request."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        checked = getattr(request._request, CHECKED, None)
        if checked is not None:
            return checked
        return super().authenticate(request)
