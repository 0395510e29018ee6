"""Request logs: one line per request, each with a request id.

The id is taken from the proxy's `X-Request-ID` when it sends a sensible one, else made
here; it is returned in the `X-Request-ID` header, added to every log record written while
the request runs (so an error's traceback carries it) and shown on the 500 page, so that a
person can quote it. Refusals (401, 403, 404 and the other 4xx) are the one request line at
INFO, without Django's own warning and traceback. `REALISE_LOG_FORMAT=json` writes each
record as one JSON object.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid

logger = logging.getLogger("realise.request")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
SENSIBLE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"


def current_request_id() -> str:
    return _request_id.get()


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id = given if SENSIBLE_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            self.log(request, response.status_code, started)
            return response
        finally:
            _request_id.reset(token)

    def log(self, request, status: int, started: float) -> None:
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        milliseconds = round((time.perf_counter() - started) * 1000, 1)
        logger.log(
            logging.ERROR if status >= 500 else logging.INFO,
            "%s %s %s %sms",
            request.method,
            request.path,
            status,
            milliseconds,
            extra={
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": milliseconds,
                "user_id": user_id,
            },
        )


class RequestIdFilter(logging.Filter):
    """Add `request_id` to every record (`-` outside a request)."""

    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class RefusalsAreNotWarnings(logging.Filter):
    """On `django.request`: drop Django's warning (and traceback) for a 4xx answer; the
    request line already says it, at INFO."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        return status is None or status >= 500


EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "user_id")


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


JsonFormatter.converter = time.gmtime
