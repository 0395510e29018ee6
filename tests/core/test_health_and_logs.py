"""Probes for load balancers, and request logs an operator can follow."""

import datetime
import json
import logging

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import path
from django.utils import timezone

from realise.core import health
from realise.core.heartbeat import worker_seen
from realise.core.requestlog import JsonFormatter, RequestIdFilter
from realise.urls import urlpatterns as site_urls

pytestmark = pytest.mark.django_db


def test_healthz_is_a_plain_ok_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST="10.0.0.7")  # a balancer probes by address
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_readyz_is_200_when_database_cache_migrations_and_worker_are_ok(client):
    worker_seen("w-1")

    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"database", "cache", "migrations", "worker"}
    assert (body["database"], body["cache"], body["migrations"]) == ("ok", "ok", "ok")
    assert body["worker"]["ok"] is True
    seen = datetime.datetime.fromisoformat(body["worker"]["last_seen"])
    assert timezone.now() - seen < datetime.timedelta(minutes=1)


def test_readyz_is_503_when_no_worker_has_been_seen_lately(client, settings):
    settings.REALISE_WORKER_STALE_SECONDS = 120
    worker_seen("w-1", now=timezone.now() - datetime.timedelta(seconds=121))

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["worker"]["ok"] is False
    assert response.json()["database"] == "ok"


def test_readyz_without_any_worker_says_so(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["worker"] == {"last_seen": None, "ok": False}


def test_readyz_is_503_when_the_cache_fails(client, monkeypatch):
    worker_seen("w-1")

    def broken(*args, **kwargs):
        raise ConnectionError("no cache server")

    monkeypatch.setattr(cache, "set", broken)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["cache"] == "error"


def test_readyz_reports_migrations_not_yet_applied(client, monkeypatch):
    worker_seen("w-1")
    monkeypatch.setattr(health, "_migrations_ok_at", None)
    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: [("a migration", False)]
    )
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["migrations"] == "pending"


def test_the_probes_need_no_sign_in_and_reveal_nothing_else(client, world):
    for url in ("/healthz", "/readyz"):
        response = client.get(url)
        assert response.status_code in (200, 503)
        assert "Set-Cookie" not in response.headers
        assert response["Cache-Control"] == "no-store"
    text = client.get("/readyz").content.decode()
    assert "alice" not in text and "Essex" not in text


# Logs --------------------------------------------------------------------------------------


def test_each_request_is_one_line_with_an_id_returned_as_a_header(client, world, caplog):
    client.force_login(world.alice)
    with caplog.at_level(logging.INFO, logger="realise.request"):
        response = client.get("/")

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = [r for r in caplog.records if r.name == "realise.request"]
    assert line.levelno == logging.INFO
    assert line.getMessage().startswith("GET / 200 ")
    assert (line.status, line.user_id) == (200, world.alice.pk)
    assert RequestIdFilter().filter(line) and line.request_id == "-"  # after the request


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(client):
    given = "lb-7f3a9c2e-0001"
    assert client.get("/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    replaced = client.get("/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert replaced != "<script>" and len(replaced) == 32


def test_a_refusal_is_one_info_line_without_a_traceback(client, world, caplog):
    client.force_login(world.nora)
    with caplog.at_level(logging.DEBUG):
        forbidden = client.get("/audit/")
        missing = client.get("/no-such-page/")
    assert (forbidden.status_code, missing.status_code) == (403, 404)
    assert [r.levelname for r in caplog.records if r.name == "django.request"] == []
    lines = [r for r in caplog.records if r.name == "realise.request"]
    assert [(r.status, r.levelname) for r in lines] == [(403, "INFO"), (404, "INFO")]
    assert not any(r.exc_info for r in caplog.records)


def broken_view(request):
    raise RuntimeError("the disk is full")


urlpatterns = [path("broken/", broken_view), *site_urls]
handler500 = "realise.core.errors.server_error"


@override_settings(ROOT_URLCONF=__name__)
def test_an_error_carries_the_request_id_the_500_page_shows(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.INFO):
        response = client.get("/broken/")

    request_id = response["X-Request-ID"]
    assert response.status_code == 500
    assert request_id in response.content.decode()
    [error] = [r for r in caplog.records if r.name == "django.request"]
    assert error.levelname == "ERROR" and error.exc_info
    [line] = [r for r in caplog.records if r.name == "realise.request"]
    assert (line.status, line.levelname) == (500, "ERROR")


@override_settings(ROOT_URLCONF=__name__)
def test_the_id_is_on_every_record_written_during_the_request(client):
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append((record.name, record.request_id))

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)
    try:
        client.raise_request_exception = False
        response = client.get("/broken/")
    finally:
        logging.getLogger().removeHandler(handler)
    request_id = response["X-Request-ID"]
    assert ("django.request", request_id) in seen  # the traceback's record
    assert ("realise.request", request_id) in seen


def test_json_logs_are_one_object_a_line():
    record = logging.LogRecord("realise.request", logging.INFO, __file__, 1, "GET / 200", (), None)
    record.status, record.path, record.request_id = 200, "/", "abc12345"
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "INFO" and entry["request_id"] == "abc12345"
    assert entry["message"] == "GET / 200" and entry["status"] == 200
    assert entry["time"].endswith("Z")
