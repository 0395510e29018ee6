"""Scale out: two web hosts and one task worker share one PostgreSQL database and one Redis.

`make scale-test` runs this (CI too). It makes a PostgreSQL database of its own (a copy of
a migrated one: see `tests/template_databases.py`) and adds a small collaboration; with
production settings it starts two gunicorn instances (deploy/gunicorn.conf.py) on two free
loopback ports and one `realise worker`, and checks what a load balancer spreading requests
over the hosts relies on: nothing one host knows is missing or stale on the other, and
losing a host in the middle of a write loses the whole write. Everything is stopped, the
database dropped and its Redis database emptied at the end, even when a check fails. Only
127.0.0.1 is used.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from tests import template_databases

pytestmark = pytest.mark.scale

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PASSWORD = "correct-horse-battery"  # tests/factories.py
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL") or f"redis://{HOST}:6379"
START_SECONDS = 30  # each wait below is bounded


def _redis_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


# Skipped where PostgreSQL or Redis is missing, except under `make scale-test` (and so CI),
# which sets REALISE_REQUIRE_SCALE: there, a missing server is a failure.
_missing = None
if not DATABASE_URL.startswith("postgres"):
    _missing = "the scale test needs DATABASE_URL to be PostgreSQL (make scale-test)"
elif not _redis_answers(REDIS_URL):
    _missing = f"the scale test needs Redis at {REDIS_URL} (or REDIS_URL)"
if _missing and os.environ.get("REALISE_REQUIRE_SCALE"):
    pytest.fail(_missing, pytrace=False)
elif _missing:
    pytest.skip(_missing, allow_module_level=True)


# The cluster ---------------------------------------------------------------------------------

SETUP = """
import datetime, json
from django.conf import settings
from django.core.management import call_command
# The static files' manifest, as `collectstatic` makes it, without compressing each file
# (a minute of CPU): the web hosts read the same staticfiles.json.
settings.STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
}
call_command("collectstatic", "--no-input", verbosity=0)
from rest_framework.authtoken.models import Token
from tests.factories import (
    BenefitFactory, CollaborationFactory, InitiativeFactory, member, plan, share,
)
collab = CollaborationFactory(name="Essex and Kent Serious Crime", slug="ek", visibility="private")
share(collab, "Essex", "47.3")
share(collab, "Kent", "52.7")
initiative = InitiativeFactory(
    collaboration=collab, name="Joint vetting", slug="joint-vetting", stage=2
)
alice = member("alice", "Essex", "programme_team", collab)
bob = member("bob", "Essex", "force_lead")
dave = member("dave", "Essex", "viewer")
benefits = [
    BenefitFactory(
        initiative=initiative, reference=f"B-VET-{n}", title=f"Vetting benefit {n}",
        direction="increase", baseline_value=0, target_value=120000,
    )
    for n in range(1, 11)
]
plan(benefits[0], datetime.date(2025, 1, 1), ["10000"] * 12)
print(json.dumps({
    "tokens": {u.username: Token.objects.create(user=u).key for u in (alice, bob, dave)},
    "benefits": [b.pk for b in benefits],
    "initiative": initiative.pk,
    "essex": collab.shares.get(force__name="Essex").force_id,
}))
"""


@dataclass
class Cluster:
    env: dict
    database: str
    admin_url: str
    redis_url: str
    logs: Path
    data: dict
    hosts: list[str] = field(default_factory=list)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def token(self, username: str) -> dict:
        return {"Authorization": f"Token {self.data['tokens'][username]}"}

    def client(self, host: int, username: str | None = None, **kwargs) -> httpx.Client:
        headers = self.token(username) if username else {}
        return httpx.Client(base_url=self.hosts[host], headers=headers, timeout=30, **kwargs)

    def log_tail(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}"
            for log in sorted(self.logs.glob("*.log"))
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def own_redis_database(url: str) -> str:
    """A Redis database number no one else is using (an empty one), as a URL."""
    import redis

    parts = urlsplit(url)
    for number in range(15, 0, -1):
        candidate = urlunsplit(parts._replace(path=f"/{number}"))
        connection = redis.Redis.from_url(candidate)
        try:
            # Claimed atomically, so two runs at once never share a database.
            if connection.dbsize() == 0 and connection.set("realise:scale-test", 1, nx=True):
                return candidate
        finally:
            connection.close()
    pytest.fail("No empty Redis database (1-15) for the scale test.")


def stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=15)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_ready(cluster: Cluster, base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    last = None
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{base} stopped while starting:\n{cluster.log_tail()}"
        try:
            answer = httpx.get(f"{base}/readyz", timeout=5)
            if answer.status_code == 200:
                return
            last = f"{answer.status_code} {answer.text}"
        except httpx.HTTPError as error:
            last = repr(error)
        time.sleep(0.3)
    pytest.fail(f"{base}/readyz not ready in {START_SECONDS} s ({last}):\n{cluster.log_tail()}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    import redis

    name = f"realise_scale_{os.getpid()}"
    admin_url = template_databases.admin_url(DATABASE_URL)
    database_url = urlunsplit(urlsplit(DATABASE_URL)._replace(path=f"/{name}", query=""))
    work = tmp_path_factory.mktemp("scale")
    (work / "media").mkdir()
    (work / "static").mkdir()
    redis_url = None
    cluster = None
    try:
        template_databases.copy_postgres(database_url)
        redis_url = own_redis_database(REDIS_URL)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("REALISE_", "GUNICORN_"))},
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "MEDIA_ROOT": str(work / "media"),
            "STATIC_ROOT": str(work / "static"),
            "REALISE_SSL_REDIRECT": "0",
            "REALISE_SECURE_COOKIES": "0",
            "REALISE_IMPORT_BACKGROUND_ROWS": "3",
            "REALISE_WORKER_HEARTBEAT_SECONDS": "2",
            "REALISE_LOG_LEVEL": "WARNING",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_LOGLEVEL": "warning",
        }
        # A copy of a migrated database: /readyz below says "migrations": "ok" only if no
        # migration is left to apply.
        out = manage(env, "shell", "-c", SETUP)
        data = json.loads(next(line for line in out.splitlines()[::-1] if line.startswith("{")))
        cluster = Cluster(env, name, admin_url, redis_url, work, data)
        for index in range(2):
            port = free_port()
            base = f"http://{HOST}:{port}"
            host_env = {
                **env,
                "GUNICORN_BIND": f"{HOST}:{port}",
                # Its connections are named, to see its transactions in pg_stat_activity.
                "DATABASE_URL": f"{database_url}?application_name=realise_scale_host{index + 1}",
            }
            cluster.processes[f"host{index + 1}"] = subprocess.Popen(  # noqa: S603
                [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "realise.wsgi"],
                cwd=ROOT,
                env=host_env,
                stdout=open(work / f"host{index + 1}.log", "wb"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            cluster.hosts.append(base)
        cluster.processes["worker"] = subprocess.Popen(  # noqa: S603
            [str(BIN / "realise"), "worker", "--no-startup-delay", "--interval", "0.3"],
            cwd=ROOT,
            env=env,
            stdout=open(work / "worker.log", "wb"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for index, base in enumerate(cluster.hosts):
            wait_ready(cluster, base, cluster.processes[f"host{index + 1}"])
        yield cluster
    finally:
        if cluster is not None:
            for process in cluster.processes.values():
                stop(process)
        template_databases.drop_postgres(database_url)
        if redis_url:
            connection = redis.Redis.from_url(redis_url)
            connection.flushdb()
            connection.close()


def form_token(client: httpx.Client, path: str) -> str:
    """The CSRF token of the form on a page, as a browser posts it."""
    page = client.get(path)
    assert page.status_code == 200, f"{path}: {page.status_code}"
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def sign_in(base: str, username: str) -> httpx.Client:
    """Sign in through the login form, as a browser does (with its CSRF token)."""
    client = httpx.Client(base_url=base, timeout=30)
    csrf = form_token(client, "/accounts/login/")
    signed_in = client.post(
        "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
    )
    assert signed_in.status_code == 302, signed_in.text[:2000]
    return client


def same_browser(client: httpx.Client, base: str) -> httpx.Client:
    """The browser's cookies, sent to the other host (as behind a load balancer)."""
    cookies = {cookie.name: cookie.value for cookie in client.cookies.jar}
    return httpx.Client(base_url=base, cookies=cookies, timeout=30)


# The checks ----------------------------------------------------------------------------------


def test_a_session_and_a_token_work_on_both_hosts(cluster):
    one = sign_in(cluster.hosts[0], "alice")
    two = same_browser(one, cluster.hosts[1])
    for browser in (one, two):
        home = browser.get("/")
        assert home.status_code == 200
        assert "Sign out alice" in home.text
    # Signing out on the second host ends the session on the first too.
    csrf = form_token(two, "/")
    assert two.post("/accounts/logout/", data={"csrfmiddlewaretoken": csrf}).is_redirect
    assert "Sign out alice" not in one.get("/").text

    for index in range(2):
        for username in ("alice", "bob", "dave"):
            with cluster.client(index, username) as api:
                listed = api.get("/api/v1/collaborations/")
                assert listed.status_code == 200
                assert [c["slug"] for c in listed.json()["results"]] == ["ek"], username
        with cluster.client(index) as anonymous:
            assert anonymous.get("/api/v1/collaborations/").status_code in (401, 403)


def realised(client: httpx.Client) -> Decimal:
    figures = client.get("/api/v1/realisation/?initiative=joint-vetting")
    assert figures.status_code == 200, figures.text
    return Decimal(figures.json()["money"]["actual_to_date"])


def test_a_change_on_one_host_is_on_the_others_dashboard_at_the_next_request(cluster):
    browser = sign_in(cluster.hosts[1], "alice")
    page = "/dashboards/collaborations/ek/"
    before = browser.get(page)
    assert before.status_code == 200
    assert "£7,777" not in before.text
    with cluster.client(1, "alice") as api:
        assert realised(api) == Decimal("0")

    with cluster.client(0, "bob") as api:
        recorded = api.post(
            "/api/v1/measurements/",
            json={
                "benefit": cluster.data["benefits"][0],
                "period": "2025-03",
                "force": cluster.data["essex"],
                "value": "7777",
                "evidence_note": "Finance ledger extract, March",
            },
        )
    assert recorded.status_code == 201, recorded.text

    # Money realised: the actual over a baseline of 0, shown on the other host at once.
    after = browser.get(page)
    assert after.status_code == 200
    assert "£7,777" in after.text
    with cluster.client(1, "dave") as api:
        assert realised(api) == Decimal("7777")
    # The figures were cached where both hosts look: in the test's own Redis database.
    import redis

    connection = redis.Redis.from_url(cluster.redis_url)
    try:
        assert any(connection.scan_iter(match="*realise:dashboards:*"))
    finally:
        connection.close()


def test_a_file_uploaded_through_one_host_downloads_through_the_other(cluster):
    content = b"%PDF-1.4\n% Ledger extract for March\n" + secrets.token_bytes(2048)
    with cluster.client(0, "alice") as api:
        actual = api.post(
            "/api/v1/measurements/",
            json={
                "benefit": cluster.data["benefits"][1],
                "period": "2025-04",
                "value": "1200",
                "evidence_note": "Ledger",
            },
        )
        assert actual.status_code == 201, actual.text
        uploaded = api.post(
            "/api/v1/evidence/",
            data={"measurement": str(actual.json()["id"]), "note": "Signed ledger extract"},
            files={"file": ("ledger-march.pdf", io.BytesIO(content), "application/pdf")},
        )
    assert uploaded.status_code == 201, uploaded.text
    download_url = uploaded.json()["download_url"]

    browser = sign_in(cluster.hosts[1], "dave")
    downloaded = browser.get(download_url)
    assert downloaded.status_code == 200
    assert downloaded.content == content
    assert "ledger-march" in downloaded.headers["Content-Disposition"]
    # And someone outside the collaboration is told there is no such file, on either host.
    with cluster.client(1) as anonymous:
        assert anonymous.get(download_url).status_code in (302, 404)


def test_an_import_submitted_on_one_host_is_run_by_the_worker_and_followed_on_the_other(
    cluster,
):
    from openpyxl import load_workbook

    one = sign_in(cluster.hosts[0], "alice")
    two = same_browser(one, cluster.hosts[1])
    # The export is built by the worker too: the page answers at once with its progress.
    started = two.get("/register/export.xlsx")
    assert started.status_code == 302, started.text[:2000]
    job_page, deadline = started.headers["Location"], time.monotonic() + START_SECONDS
    while "Ready to download" not in one.get(job_page).text:
        if time.monotonic() > deadline:
            pytest.fail(f"The worker did not build the export:\n{cluster.log_tail()}")
        time.sleep(0.2)
    exported = two.get(job_page + "download/")
    assert exported.status_code == 200
    workbook = load_workbook(io.BytesIO(exported.content))
    sheet = workbook["Benefits"]
    [row] = [r for r in sheet.iter_rows(min_row=2) if r[0].value == "B-VET-3"]
    row[2].value = "Renamed by a background import"
    upload = io.BytesIO()
    workbook.save(upload)

    submitted = one.post(
        "/register/import/",
        data={"csrfmiddlewaretoken": form_token(one, "/register/import/")},
        files={"file": ("register.xlsx", upload.getvalue(), "application/octet-stream")},
    )
    assert submitted.status_code == 302, submitted.text[:2000]
    status_page = submitted.headers["Location"]
    assert re.fullmatch(r"/register/import/\d+/", status_page)

    # More rows than REALISE_IMPORT_BACKGROUND_ROWS (3): queued for the worker, whose
    # progress the other host shows until it has finished.
    seen, deadline = [], time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        progress = two.get(status_page + "progress/")
        assert progress.status_code == 200
        seen.append(progress.text)
        if "Finished" in progress.text:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"The worker did not finish the import:\n{cluster.log_tail()}")
    phases = ("Waiting for a worker", "Checking the rows", "Saving the changes", "Finished")
    assert all(any(phase in text for phase in phases) for text in seen), seen
    page = two.get(status_page).text
    assert "Imported" in page and "hx-get" not in page
    with cluster.client(1, "dave") as api:
        titles = {
            b["reference"]: b["title"] for b in api.get("/api/v1/benefits/").json()["results"]
        }
    assert titles["B-VET-3"] == "Renamed by a background import"
    assert titles["B-VET-4"] == "Vetting benefit 4"


def test_losing_a_host_in_the_middle_of_a_bulk_write_leaves_nothing_half_written(cluster):
    import psycopg

    benefits = cluster.data["benefits"][2:]
    months = [f"{year}-{month:02d}" for year in range(2015, 2025) for month in range(1, 13)]
    batch = [
        {
            "benefit": benefit,
            "period": month,
            "force": None,
            "value": "10",
            "evidence_note": "Backfilled from the finance ledger",
        }
        for benefit in benefits
        for month in months
    ][:1000]
    query = f"/api/v1/measurements/?benefit__initiative={cluster.data['initiative']}&page_size=1"
    with cluster.client(1, "alice") as api:
        before = api.get(query).json()["count"]

    answer: list = []

    def post_bulk():
        try:
            with cluster.client(0, "alice") as api:
                answer.append(api.post("/api/v1/measurements/bulk/", json={"measurements": batch}))
        except httpx.HTTPError as error:
            answer.append(error)

    poster = threading.Thread(target=post_bulk, daemon=True)
    poster.start()
    writing = """
        SELECT count(*) FROM pg_stat_activity
        WHERE datname = %s AND application_name = 'realise_scale_host1'
          AND backend_xid IS NOT NULL
    """
    with psycopg.connect(cluster.admin_url, autocommit=True) as admin:
        deadline = time.monotonic() + START_SECONDS
        while not admin.execute(writing, [cluster.database]).fetchone()[0]:
            assert not answer, f"The bulk write ended before it was seen writing: {answer}"
            assert time.monotonic() < deadline, "The bulk write never started writing."
            time.sleep(0.02)
        # The first host's transaction has written rows and not committed: lose the host.
        stop(cluster.processes["host1"], signal.SIGKILL)
        poster.join(timeout=START_SECONDS)
        [lost] = answer
        assert isinstance(lost, httpx.HTTPError), f"The bulk write finished: {lost}"
        gone = time.monotonic() + START_SECONDS
        while admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
            " AND application_name = 'realise_scale_host1'",
            [cluster.database],
        ).fetchone()[0]:
            assert time.monotonic() < gone, "The lost host's connection stayed open."
            time.sleep(0.1)

    with cluster.client(1, "alice") as api:
        assert api.get(query).json()["count"] == before
        # The other host carries on: the same batch goes through whole there.
        again = api.post("/api/v1/measurements/bulk/", json={"measurements": batch[:20]})
        assert again.status_code == 201, again.text
        assert api.get(query).json()["count"] == before + 20
    assert httpx.get(f"{cluster.hosts[1]}/readyz", timeout=10).status_code == 200
