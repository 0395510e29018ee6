"""`/healthz` and `/readyz`, for load balancers and process supervisors.

Both are answered by a middleware placed first, before host checks, the HTTPS redirect,
sessions and sign-in: a load balancer probes a host by its address over plain HTTP. Neither
needs sign-in, and neither says anything beyond what is below.

* `/healthz`: the process is up (no database): `ok`.
* `/readyz`: the process can serve: JSON `{"database": "ok", "cache": "ok", "migrations":
  "ok", "worker": {"last_seen": ISO time or null, "ok": bool}}`, 200 when all are ok, else
  503 with the failing part(s) not "ok".
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.utils.crypto import get_random_string

from realise.core.heartbeat import stale_before, worker_last_seen

logger = logging.getLogger(__name__)
MIGRATIONS_CHECKED_FOR = 60.0  # seconds a "migrations ok" is trusted before looking again
_migrations_ok_at: float | None = None


def _database() -> str:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Readiness: the database does not answer.", exc_info=True)
        return "error"
    return "ok"


def _cache() -> str:
    key, token = "realise:readyz", get_random_string(12)
    try:
        cache.set(key, token, 10)
        if cache.get(key) != token:
            return "error"
    except Exception:  # noqa: BLE001 - any backend's failure means "not ready"
        logger.warning("Readiness: the cache does not answer.", exc_info=True)
        return "error"
    return "ok"


def _migrations() -> str:
    global _migrations_ok_at  # noqa: PLW0603 - a per-process memo of a slow check
    now = time.monotonic()
    if _migrations_ok_at is not None and now - _migrations_ok_at < MIGRATIONS_CHECKED_FOR:
        return "ok"
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return "error"
    if pending:
        _migrations_ok_at = None
        return "pending"
    _migrations_ok_at = now
    return "ok"


def _worker() -> dict:
    try:
        last_seen = worker_last_seen()
    except DatabaseError:
        return {"last_seen": None, "ok": False}
    return {
        "last_seen": last_seen.isoformat() if last_seen else None,
        "ok": last_seen is not None and last_seen >= stale_before(),
    }


def readiness() -> tuple[dict, bool]:
    state: dict[str, Any] = {"database": _database()}
    state["cache"] = _cache()
    if state["database"] == "ok":
        state["migrations"] = _migrations()
        state["worker"] = _worker()
    else:
        state["migrations"] = "error"
        state["worker"] = {"last_seen": None, "ok": False}
    ready = all(state[part] == "ok" for part in ("database", "cache", "migrations"))
    return state, ready and state["worker"]["ok"]


class HealthMiddleware:
    """Answer the two probes before anything else runs (GET and HEAD only)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            if request.path == "/healthz":
                return _no_store(HttpResponse("ok", content_type="text/plain; charset=utf-8"))
            if request.path == "/readyz":
                state, ready = readiness()
                return _no_store(JsonResponse(state, status=200 if ready else 503))
        return self.get_response(request)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response
