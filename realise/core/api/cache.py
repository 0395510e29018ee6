"""Repeated API reads answered from the shared cache, never with data a write has changed.

A `GET` under `/api/` with `Authorization: Token …` is looked up in the shared cache under
a key made of the token, the account's standing (superuser, active), the address, the
`Accept` header, today's date (figures "to date" and overdue flags move with it) and the
data version (`core.dataversion`). The data version moves inside every write to domain
data, and an account change moves it too (see `forget_cached_data`), so an entry is out
of reach as soon as anything it was built from has changed, on every web process.

Only what the full path answered is kept: a 200, not streamed, setting no cookie, no
larger than `MAX_BYTES`, and only when the request itself wrote nothing (it made no write
that moves the data version: `dataversion.writes_made`, counted in the process, so no
second read of the version). That last rule keeps every read an inspector makes of a
private record in the audit trail: such a read writes a trail record, so its answer is
never kept and the next read goes the full way.

A hit skips the middleware and view stack below this one: the token is still checked
against the database on every request (a revoked token or a deactivated account is
refused at once), and only once: on a miss, DRF takes this check rather than making its
own (`core.authentication.TokenOnce`). The same statement reads the data version, so a
hit costs one database round trip. A hit sends the headers the full path set again
with the body.
`REALISE_API_CACHE_SECONDS` bounds how long an entry lives; 0 turns the cache off.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from realise.core.authentication import remember_checked
from realise.core.dataversion import (
    current_generation,
    kinds_version,
    newest_hash_sql,
    version_of,
    writes_made,
)
from realise.core.models import AuditHead
from realise.core.permissions import (
    access_kinds,
    adopt_access,
    remember_version,
    shared_access_key,
)

# Bigger answers (a whole register in one page) are built each time rather than kept.
MAX_BYTES = 2 * 1024 * 1024
PREFIX = "/api/"
HIT_HEADER = "X-Realise-Cache"


@functools.cache
def _token_sql(vendor: str, kinds: tuple[str, ...]) -> tuple[str, list, list]:
    """One statement for the token, its account, the data version (the audit head) and the
    newest hash of each kind of record access is worked out from (`kinds`, parameters),
    built once from the models' own columns: a hit is answered in one round trip, with no
    query put together each time, and a miss needs no second one to find the user's access
    in the shared cache. Table and column names are the models' own, never input."""

    def quote(name: str | None) -> str:
        return connection.ops.quote_name(str(name))

    user_model = Token._meta.get_field("user").related_model
    token_fields = list(Token._meta.concrete_fields)
    user_fields = list(user_model._meta.concrete_fields)
    head = f"{quote(AuditHead._meta.db_table)} AS h WHERE h.{quote('id')} = 1"
    columns = [f"t.{quote(f.column)}" for f in token_fields]
    columns += [f"u.{quote(f.column)}" for f in user_fields]
    columns += [f"(SELECT h.{quote(n)} FROM {head})" for n in ("sequence", "hash")]  # noqa: S608
    columns += [newest_hash_sql(vendor)] * len(kinds)
    user_id = quote(Token._meta.get_field("user").column)
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(Token._meta.db_table)} AS t "  # noqa: S608
        f"JOIN {quote(user_model._meta.db_table)} AS u "
        f"ON u.{quote(user_model._meta.pk.column)} = t.{user_id} "
        f"WHERE t.{quote(Token._meta.pk.column)} = %s"
    )
    return sql, token_fields, user_fields


def _from_row(model, fields: list, values) -> Any:
    """An instance from raw column values, converted as Django's own queries convert them
    (the database's converters, then the field's)."""
    converted = []
    for field, value in zip(fields, values, strict=True):
        column = field.get_col(model._meta.db_table)
        for convert in connection.ops.get_db_converters(column) + column.get_db_converters(
            connection
        ):
            value = convert(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, [f.attname for f in fields], converted)


def _token_and_version(key: str) -> tuple[Token, str] | None:
    """The token (with its account) and the data version; None for an unknown token. The
    account carries the version its access is kept under (`permissions.remember_version`)."""
    kinds = tuple(access_kinds())
    sql, token_fields, user_fields = _token_sql(connection.vendor, kinds)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*kinds, key])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(token_fields)
    token = _from_row(Token, token_fields, row[:split])
    end = split + len(user_fields)
    token.user = _from_row(Token._meta.get_field("user").related_model, user_fields, row[split:end])
    sequence, hash_ = row[end : end + 2]
    generation = current_generation()
    version = version_of(sequence, hash_, generation)
    hashes = row[end + 2 :]
    remember_version(token.user, kinds_version(hashes, generation) if kinds else version)
    return token, version


def _token(request: HttpRequest) -> tuple[Token, str] | None:
    """The request's token and the data version. The token is checked as DRF's token
    authentication checks it: an unknown token or an inactive account gives None, and the
    full path refuses it with DRF's own answer."""
    words = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(words) != 2 or words[0].lower() != TokenAuthentication.keyword.lower():
        return None
    found = _token_and_version(words[1])
    if found is None or not found[0].user.is_active:
        return None
    token = found[0]
    remember_checked(request, (token.user, token))  # DRF takes it from here on a miss
    return found


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
        checked = _token(request)
        if checked is None:
            return self.get_response(request)
        token, version = checked
        entry_key = _cache_key(request, token, version)
        # The reader's access is asked for with the answer, in one round trip: on a miss,
        # the view needs it.
        access_key = shared_access_key(token.user)
        found = cache.get_many([entry_key, access_key])
        kept = found.get(entry_key)
        if kept is not None:
            status, headers, body = kept
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response[name] = value
            response[HIT_HEADER] = "hit"
            return response
        if found.get(access_key) is not None:
            adopt_access(token.user, found[access_key])
        writes = writes_made()
        response = self.get_response(request)
        # Kept only when the request wrote nothing itself (an inspector's read of a private
        # record writes its audit record). A write another process committed meanwhile
        # moved the version: this entry, under the version read before it, is asked for
        # only by requests that began before that write, for which either answer is right.
        if _keepable(response) and writes_made() == writes:
            headers = [(name, value) for name, value in response.items() if name != HIT_HEADER]
            cache.set(entry_key, (response.status_code, headers, response.content), seconds)
        return response
