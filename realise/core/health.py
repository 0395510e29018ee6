"""`/healthz` and `/readyz`, for load balancers and process supervisors.

Both are answered by a middleware placed first, before host checks, the HTTPS redirect,
sessions and sign-in: a load balancer probes a host by its address over plain HTTP. Neither
needs sign-in, and neither says anything beyond what is below.

* `/healthz`: the process is up (no database): `ok`.
* `/readyz`: the process can serve: JSON `{"database": "ok", "cache": "ok", "migrations":
  "ok", "worker": {"last_seen": ISO time or null, "ok": bool}}`, 200 when all are ok, else
  503 with the failing part(s) not "ok". Each failed probe is one WARNING line naming the
  parts that are not ready and why (the error's first line), with no traceback.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.utils.crypto import get_random_string

from realise.core.heartbeat import stale_before, worker_last_seen

logger = logging.getLogger(__name__)
MIGRATIONS_CHECKED_FOR = 60.0  # seconds a "migrations ok" is trusted before looking again
_migrations_ok_at: float | None = None


# Each check answers its part's state and, when that is not "ok", why, in one line for the log.


def _why(error: BaseException) -> str:
    """The error's type and the first line of its message: psycopg's messages run to several
    lines, and a probe's log line must stay one line."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0].strip()}" if lines else type(error).__name__


def _database() -> tuple[str, str]:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return "error", _why(error)
    return "ok", ""


def _cache() -> tuple[str, str]:
    key, token = "realise:readyz", get_random_string(12)
    try:
        cache.set(key, token, 10)
        if cache.get(key) != token:
            return "error", "what was written could not be read back"
    except Exception as error:  # noqa: BLE001 - any backend's failure means "not ready"
        return "error", _why(error)
    return "ok", ""


def _migrations() -> tuple[str, str]:
    global _migrations_ok_at  # noqa: PLW0603 - a per-process memo of a slow check
    now = time.monotonic()
    if _migrations_ok_at is not None and now - _migrations_ok_at < MIGRATIONS_CHECKED_FOR:
        return "ok", ""
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return "error", _why(error)
    if pending:
        _migrations_ok_at = None
        names = [str(migration) for migration, _backwards in pending]  # "app.0012_name"
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        return "pending", f"{len(names)} not applied ({shown})"
    _migrations_ok_at = now
    return "ok", ""


def _worker() -> tuple[dict, str]:
    try:
        last_seen = worker_last_seen()
    except DatabaseError as error:
        return {"last_seen": None, "ok": False}, _why(error)
    state = {
        "last_seen": last_seen.isoformat() if last_seen else None,
        "ok": last_seen is not None and last_seen >= stale_before(),
    }
    if last_seen is None:
        return state, "no worker has been seen"
    if not state["ok"]:
        return state, (
            f"last seen at {state['last_seen']}, more than "
            f"{settings.REALISE_WORKER_STALE_SECONDS} seconds ago"
        )
    return state, ""


def readiness() -> tuple[dict, bool]:
    """The parts' states and whether all are ready. A part that is not is logged: one
    WARNING line a probe, naming each such part and why, and no traceback (a balancer
    probes every few seconds)."""
    problems: list[str] = []
    state: dict[str, Any] = {}
    for part, check in (("database", _database), ("cache", _cache)):
        state[part], why = check()
        if why:
            problems.append(f"{part}: {why}")
    if state["database"] == "ok":
        state["migrations"], why = _migrations()
        if why:
            problems.append(f"migrations: {why}")
        state["worker"], why = _worker()
        if why:
            problems.append(f"worker: {why}")
    else:  # not checked: both live in the database
        state["migrations"] = "error"
        state["worker"] = {"last_seen": None, "ok": False}
    ready = all(state[part] == "ok" for part in ("database", "cache", "migrations"))
    ready = ready and state["worker"]["ok"]
    if not ready:
        logger.warning("Readiness: not ready: %s.", "; ".join(problems))
    return state, ready


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
                response = JsonResponse(state, status=200 if ready else 503)
                # readiness() has logged why in one line: no second "Service Unavailable".
                response._has_been_logged = True  # type: ignore[attr-defined]
                return _no_store(response)
        return self.get_response(request)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response
