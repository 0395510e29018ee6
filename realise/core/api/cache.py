"""Repeated API reads answered from the shared cache, never with data a write has changed.

A `GET` under `/api/` with `Authorization: Token …` is looked up in the shared cache under
a key made of the token, the account's standing (superuser, active), the address, the
`Accept` header, today's date (figures "to date" and overdue flags move with it) and the
data version (`core.dataversion`). The data version moves inside every write to domain
data, and an account change moves it too (see `forget_cached_data`), so an entry is out
of reach as soon as anything it was built from has changed, on every web process.

Only what the full path answered is kept: a 200, not streamed, setting no cookie, no
larger than `MAX_BYTES`, and only when the request itself wrote nothing. That last rule
keeps every read an inspector makes of a private record in the audit trail: such a read
writes a trail record, so its answer is never kept and the next read goes the full way.

A hit skips the middleware and view stack below this one: the token is still checked
against the database on every request (a revoked token or a deactivated account is
refused at once), and only once: on a miss, DRF takes this check rather than making its
own (`core.authentication.TokenOnce`). A hit sends the headers the full path set again
with the body.
`REALISE_API_CACHE_SECONDS` bounds how long an entry lives; 0 turns the cache off.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from realise.core.authentication import remember_checked
from realise.core.dataversion import data_version

# Bigger answers (a whole register in one page) are built each time rather than kept.
MAX_BYTES = 2 * 1024 * 1024
PREFIX = "/api/"
HIT_HEADER = "X-Realise-Cache"


def _token(request: HttpRequest) -> Token | None:
    """The request's token, checked by DRF's own token authentication
    (an unknown token or an inactive account gives None: the full path refuses it)."""
    words = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(words) != 2 or words[0].lower() != TokenAuthentication.keyword.lower():
        return None
    try:
        user, token = TokenAuthentication().authenticate_credentials(words[1])
    except AuthenticationFailed:
        return None
    remember_checked(request, (user, token))  # DRF takes it from here on a miss
    return token


def _cache_key(request: HttpRequest, token: Token, version: str) -> str:
    user = token.user
    parts = "\n".join(
        [
            token.key,
            str(user.pk),
            f"{int(user.is_superuser)}{int(user.is_staff)}",
            request.scheme or "",
            request.get_host(),
            request.get_full_path(),
            request.META.get("HTTP_ACCEPT", ""),
            timezone.localdate().isoformat(),
            version,
        ]
    )
    return "realise:api:" + hashlib.sha256(parts.encode()).hexdigest()


def _keepable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "no-store" not in response.get("Cache-Control", "")
        and len(response.content) <= MAX_BYTES
    )


class APIReadCache:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        seconds = settings.REALISE_API_CACHE_SECONDS
        if not seconds or request.method != "GET" or not request.path.startswith(PREFIX):
            return self.get_response(request)
        token = _token(request)
        if token is None:
            return self.get_response(request)
        version = data_version()
        entry_key = _cache_key(request, token, version)
        kept = cache.get(entry_key)
        if kept is not None:
            status, headers, body = kept
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response[name] = value
            response[HIT_HEADER] = "hit"
            return response
        response = self.get_response(request)
        if _keepable(response) and data_version() == version:
            headers = [(name, value) for name, value in response.items() if name != HIT_HEADER]
            cache.set(entry_key, (response.status_code, headers, response.content), seconds)
        return response
