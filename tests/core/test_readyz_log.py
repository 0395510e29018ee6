"""A failed readiness probe is one WARNING line naming the part and why, never a traceback:
a load balancer probes every few seconds, and the log must stay readable."""

import datetime
import logging

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.db.migrations import Migration
from django.utils import timezone

from realise.core import health
from realise.core.heartbeat import worker_seen

pytestmark = pytest.mark.django_db


def probe(client, caplog):
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        response = client.get("/readyz")
    # Every line the probe wrote, whichever logger (Django's "Service Unavailable" too).
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    return response, lines


def one_line(lines) -> str:
    [line] = lines
    assert line.levelno == logging.WARNING
    assert line.exc_info is None and line.exc_text is None
    message = line.getMessage()
    assert "\n" not in message and "Traceback" not in message
    return message


def test_a_database_that_does_not_answer_is_one_line_with_its_error(client, caplog, monkeypatch):
    def refuse(self, sql, params=None):
        raise OperationalError(
            'connection to server at "10.0.0.5", port 5432 failed: Connection refused\n'
            "\tIs the server running on that host and accepting TCP/IP connections?"
        )

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response, lines = probe(client, caplog)

    assert response.status_code == 503
    assert response.json() == {
        "database": "error",
        "cache": "ok",
        "migrations": "error",
        "worker": {"last_seen": None, "ok": False},
    }
    message = one_line(lines)
    assert "database" in message
    assert "OperationalError" in message and "Connection refused" in message
    assert "Is the server running" not in message  # the error's first line only


def test_a_cache_that_fails_is_one_line_with_its_error(client, caplog, monkeypatch):
    worker_seen("w-1")

    def broken(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(cache, "set", broken)
    response, lines = probe(client, caplog)

    assert response.status_code == 503 and response.json()["cache"] == "error"
    message = one_line(lines)
    assert "cache" in message and "ConnectionError" in message and "6379" in message


def test_a_cache_that_loses_what_it_was_given_is_named(client, caplog, monkeypatch):
    worker_seen("w-1")
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    response, lines = probe(client, caplog)

    assert response.status_code == 503 and response.json()["cache"] == "error"
    assert "cache" in one_line(lines)


def test_pending_migrations_are_one_line_naming_them(client, caplog, monkeypatch):
    worker_seen("w-1")
    monkeypatch.setattr(health, "_migrations_ok_at", None)

    pending = Migration("0099_new_column", "benefits")
    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: [(pending, False)]
    )
    response, lines = probe(client, caplog)

    assert response.status_code == 503 and response.json()["migrations"] == "pending"
    message = one_line(lines)
    assert "migrations" in message and "benefits.0099_new_column" in message


def test_a_stale_worker_is_one_line_saying_when_it_was_last_seen(client, caplog, settings):
    settings.REALISE_WORKER_STALE_SECONDS = 120
    seen = timezone.now() - datetime.timedelta(seconds=600)
    worker_seen("w-1", now=seen)
    response, lines = probe(client, caplog)

    assert response.status_code == 503
    assert response.json()["worker"] == {"last_seen": seen.isoformat(), "ok": False}
    message = one_line(lines)
    assert "worker" in message and seen.isoformat() in message


def test_no_worker_ever_seen_is_one_line(client, caplog):
    response, lines = probe(client, caplog)
    assert response.status_code == 503
    assert "worker" in one_line(lines)


def test_a_ready_probe_logs_nothing(client, caplog):
    worker_seen("w-1")
    response, lines = probe(client, caplog)
    assert response.status_code == 200
    assert lines == []


def test_two_parts_down_are_still_one_line_naming_both(client, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("no cache server")

    monkeypatch.setattr(cache, "set", broken)
    response, lines = probe(client, caplog)  # and no worker has been seen
    assert response.status_code == 503
    message = one_line(lines)
    assert "cache" in message and "worker" in message
