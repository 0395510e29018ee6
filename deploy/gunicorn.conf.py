"""gunicorn settings for Realise (`gunicorn -c deploy/gunicorn.conf.py realise.wsgi`).

The values read through `_env` below (bind, workers, threads, the timeouts, keep-alive,
max requests and jitter, log level, forwarded_allow_ips) can be changed by an environment
variable of the same name in upper case with a GUNICORN_ prefix (for example
GUNICORN_WORKERS=8); see docs/operations.md. A value of the wrong form stops gunicorn at
start with one line naming the variable.
"""

import multiprocessing
import os
from urllib.parse import unquote, urlsplit


def _env(name: str, default):
    variable = f"GUNICORN_{name.upper()}"
    given = os.environ.get(variable)
    if given is None:
        return default
    try:
        return type(default)(given)
    except ValueError:
        raise SystemExit(f"{variable} is {given!r}: it must be a whole number.") from None


def _database_on_this_host() -> bool:
    """Whether the database shares this host's cores: SQLite, or PostgreSQL named by a
    socket, localhost or a loopback address in DATABASE_URL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url or url.startswith("sqlite"):
        return True
    host = unquote(urlsplit(url).hostname or "").lower()
    return host in ("", "localhost", "::1") or host.startswith(("127.", "/"))


def _default_workers() -> int:
    """Synchronous workers, one request each. A request spends most of its time in Python
    (rendering, serialising, the ORM) and the rest waiting for the database. With the
    database on another host, a core is free while a worker waits, so twice the cores and
    one more keep every core busy. With the database on this host, its work runs on the
    same cores, so one worker per core and one more: with `make load` on two cores and
    PostgreSQL beside it, five workers served 74 requests a second, three 93."""
    cores = multiprocessing.cpu_count()
    return cores + 1 if _database_on_this_host() else cores * 2 + 1


# Behind the reverse proxy on the same host; a load balancer elsewhere: 0.0.0.0:8000.
bind = _env("bind", "127.0.0.1:8000")
workers = _env("workers", _default_workers())
threads = _env("threads", 1)
# Large register imports run in the task worker, so a request never needs long.
timeout = _env("timeout", 60)
graceful_timeout = _env("graceful_timeout", 30)
keepalive = _env("keepalive", 5)
# Restart each worker after this many requests (and a little jitter): bounds slow leaks.
max_requests = _env("max_requests", 2000)
max_requests_jitter = _env("max_requests_jitter", 200)
# Realise logs one line per request itself (with its request id); gunicorn's own access log
# would say it twice. Errors of gunicorn itself go to standard error, read by journald.
accesslog = None
errorlog = "-"
loglevel = _env("loglevel", "info")
# Trust X-Forwarded-* only from the proxy in front (the same host by default).
forwarded_allow_ips = _env("forwarded_allow_ips", "127.0.0.1")
# Headers and a request line no bigger than a browser needs.
limit_request_line = 8190
limit_request_fields = 100
# Load the app before forking: faster start, less memory; each worker opens its own
# database connections after the fork. New code or settings therefore need a restart: a
# SIGHUP starts new workers from the application already loaded.
preload_app = True
proc_name = "realise"
