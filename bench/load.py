"""A bounded load test of the API: gunicorn on loopback, PostgreSQL, the demo data.

    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--database-url URL]

It makes a database of its own on the PostgreSQL server of --database-url (a copy of the
migrated template the tests use, `tests/template_databases.py`), loads the demo into it,
starts gunicorn on 127.0.0.1 at a free port as production runs it (deploy/gunicorn.conf.py:
synchronous workers, the cores and one more with the database on this host; the shared
cache in Redis when it answers at --redis-url), and runs `--users` simulated clients for
`--seconds`: each signs in with a token and mixes reads (lists, details, realisation
figures, gate checks) with writes (correcting an actual with evidence, changing a planned
value with If-Match). Every client writes only its own rows, so any refusal is an error.
Then it stops gunicorn, drops its database, and prints requests per second, latency
percentiles, errors and the processor time the clients themselves took: they share the
machine with the server, so they are written on aiohttp, which takes little of it. It
exits 1 if there was any error. Every run starts from the demo as it is built, so runs can
be compared: what one run writes (corrections, evidence) is gone before the next.

Only addresses on this machine are used: the server listens on 127.0.0.1 and the clients
connect there.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests import template_databases  # noqa: E402 - needs the project on the path

PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/postgres"
HOST = "127.0.0.1"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    by_kind: dict = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    # Reads answered from the shared cache (the server's X-Realise-Cache: hit), by kind.
    hits: Counter = field(default_factory=Counter)

    def add(
        self, kind: str, seconds: float, status: int | str, ok: bool, hit: bool = False
    ) -> None:
        self.latencies.append(seconds)
        self.by_kind.setdefault(kind, []).append(seconds)
        self.statuses[status] += 1
        self.kinds[kind] += 1
        self.hits[kind] += hit
        if not ok:
            self.errors[f"{kind}: {status}"] += 1


def redis_answering(url: str) -> str:
    """`url` when Redis answers there, else "" (production's fallback: the database)."""
    import redis

    try:
        connection = redis.Redis.from_url(url, socket_connect_timeout=1)
        try:
            connection.ping()
        finally:
            connection.close()
    except (redis.RedisError, OSError, ValueError):
        print(f"No Redis at {url}: the cache is kept in the database (slower).", flush=True)
        return ""
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    completed = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if completed.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout


PREPARE = """
from django.db import connection
# The planner's statistics, as autovacuum keeps them on a database in use.
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
from rest_framework.authtoken.models import Token
from django.contrib.auth.models import User
from realise.benefits.models import Measurement, PlannedValue
user = User.objects.get(username="programme")
token, _ = Token.objects.get_or_create(user=user)
print("TOKEN", token.key)
from django.db.models import Exists, OuterRef, Q
from realise.benefits.models import PlanBaseline
in_7f = {"benefit__initiative__collaboration__slug": "7f"}
# Baselined plans change only through change requests: the clients re-profile the others.
baselined = PlanBaseline.objects.filter(
    Q(benefit=OuterRef("benefit")) | Q(initiative=OuterRef("benefit__initiative"), benefit=None)
)
plans = PlannedValue.objects.filter(**in_7f).exclude(Exists(baselined))
for pv in plans.order_by("id")[:{users}]:
    print("PLAN", pv.pk)
rows = Measurement.objects.filter(**in_7f, value__isnull=False)
for m in rows.order_by("id")[:{users}]:
    print("ACTUAL", m.benefit_id, m.period.strftime("%Y-%m"), m.force_id or "", m.value)
"""


def prepare(env: dict, users: int) -> dict:
    template_databases.copy_postgres(env["DATABASE_URL"])
    manage(env, "demo")
    out = manage(env, "shell", "-c", PREPARE.replace("{users}", str(users)))
    found: dict = {"plans": [], "actuals": []}
    for line in out.splitlines():
        if not line.strip():
            continue
        kind, *rest = line.split()
        if kind == "TOKEN":
            found["token"] = rest[0]
        elif kind == "PLAN":
            found["plans"].append(int(rest[0]))
        elif kind == "ACTUAL":
            benefit, period, *more = rest
            force, value = more if len(more) == 2 else ["", more[0]]
            found["actuals"].append((int(benefit), period, int(force) if force else None, value))
    if len(found["plans"]) < users or len(found["actuals"]) < users:
        sys.exit("The demo has too few planned values or actuals for that many users.")
    return found


@dataclass
class Answer:
    status: int
    etag: str
    body: bytes


async def call(client, results: Results, kind: str, method: str, url: str, ok=(200,), **kw):
    """One request, timed until its whole answer has been read."""
    started = time.perf_counter()
    try:
        # A redirect is an answer of its own, never followed: the API redirects nowhere.
        async with client.request(method, url, allow_redirects=False, **kw) as response:
            body = await response.read()
            status = response.status
            headers = response.headers
    except (TimeoutError, aiohttp.ClientError) as error:
        results.add(kind, time.perf_counter() - started, type(error).__name__, False)
        return None
    hit = headers.get("X-Realise-Cache") == "hit"
    results.add(kind, time.perf_counter() - started, status, status in ok, hit)
    return Answer(status, headers.get("ETag", ""), body)


async def simulated_user(index: int, base: str, data: dict, deadline: float, results: Results):
    rng = random.Random(index)
    headers = {"Authorization": f"Token {data['token']}"}
    plan_id = data["plans"][index]
    benefit, period, force, value = data["actuals"][index]
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(base, headers=headers, timeout=timeout) as client:
        while time.monotonic() < deadline:
            roll = rng.random()
            if roll < 0.25:
                await call(
                    client, results, "list benefits", "GET", "/api/v1/benefits/?page_size=20"
                )
            elif roll < 0.40:
                await call(client, results, "benefit", "GET", f"/api/v1/benefits/{benefit}/")
            elif roll < 0.55:
                await call(
                    client,
                    results,
                    "list actuals",
                    "GET",
                    f"/api/v1/measurements/?benefit={benefit}&ordering=-period",
                )
            elif roll < 0.65:
                await call(
                    client,
                    results,
                    "realisation",
                    "GET",
                    "/api/v1/realisation/?initiative=7f-procurement",
                )
            elif roll < 0.70:
                await call(
                    client,
                    results,
                    "gate check",
                    "POST",
                    "/api/v1/initiatives/7f-vetting-transformation/gate-check/",
                    json={"to_stage": 3},
                )
            elif roll < 0.80:
                await call(client, results, "collaborations", "GET", "/api/v1/collaborations/")
            elif roll < 0.90:
                body = {
                    "benefit": benefit,
                    "period": period,
                    "force": force,
                    "value": value,
                    "evidence_note": f"Load test correction by client {index}",
                }
                await call(
                    client,
                    results,
                    "record actual",
                    "POST",
                    "/api/v1/measurements/",
                    ok=(201,),
                    json=body,
                )
            else:
                read = await call(
                    client, results, "plan (read)", "GET", f"/api/v1/planned-values/{plan_id}/"
                )
                if read is None or read.status != 200:
                    continue
                current = json.loads(read.body)
                await call(
                    client,
                    results,
                    "plan (write)",
                    "PATCH",
                    f"/api/v1/planned-values/{plan_id}/",
                    json={"value": current["value"]},
                    headers={"If-Match": read.etag},
                )


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


def wait_until_up(base: str, token: str, server: subprocess.Popen, limit: float = 90) -> None:
    stop = time.monotonic() + limit
    while time.monotonic() < stop:
        if server.poll() is not None:
            sys.exit("gunicorn stopped before it was ready.")
        try:
            response = httpx.get(f"{base}/api/v1/", headers={"Authorization": f"Token {token}"})
            if response.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    sys.exit("gunicorn did not answer in time.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (deploy/gunicorn.conf.py's)"
    )
    parser.add_argument(
        "--threads", type=int, default=0, help="threads per worker (deploy/gunicorn.conf.py's)"
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL") or DEFAULT_REDIS,
        help=f"the shared cache, as production has it (default {DEFAULT_REDIS})",
    )
    parser.add_argument(
        "--no-redis", action="store_true", help="keep the cache in the database instead"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE),
        help="the PostgreSQL server, as the URL of any database on it (default "
        f"{DEFAULT_DATABASE}); the test makes a database of its own there and drops it after",
    )
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("The load test runs on PostgreSQL: give --database-url postgres://...")
    if not (0 < args.seconds <= 600 and 0 < args.users <= 200):
        sys.exit("Keep it bounded: at most 600 seconds and 200 users.")

    parts = urlsplit(args.database_url)
    database_url = urlunsplit(parts._replace(path=f"/realise_load_{os.getpid()}", query=""))
    redis_url = "" if args.no_redis else redis_answering(args.redis_url)
    base = f"http://{HOST}:{free_port()}"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REALISE_TESTING",)},
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "REALISE_SSL_REDIRECT": "0",
        "REALISE_SECURE_COOKIES": "0",
        "REDIS_URL": redis_url,
    }
    print(f"Preparing {database_url} (a migrated copy, the demo, a token)...", flush=True)
    try:
        return run(args, env, base, prepare(env, args.users))
    finally:
        template_databases.drop_postgres(database_url)


def run(args: argparse.Namespace, env: dict, base: str, data: dict) -> int:
    port = urlsplit(base).port
    server = subprocess.Popen(
        [
            GUNICORN,
            "realise.wsgi",
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"{HOST}:{port}",
            *(["--workers", str(args.workers)] if args.workers else []),
            *(["--threads", str(args.threads)] if args.threads else []),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    workers = "".join(
        f", {value} {name}"
        for name, value in (("workers", args.workers), ("threads", args.threads))
        if value
    )
    try:
        wait_until_up(base, data["token"], server)
        print(
            f"gunicorn on {base} (deploy/gunicorn.conf.py{workers}), cache in "
            f"{'Redis' if env['REDIS_URL'] else 'the database'}; "
            f"{args.users} users for {args.seconds:.0f} s...",
            flush=True,
        )
        results = Results()
        started = time.monotonic()
        client_cpu = time.process_time()
        deadline = started + args.seconds

        async def run_all():
            await asyncio.gather(
                *(simulated_user(i, base, data, deadline, results) for i in range(args.users))
            )

        asyncio.run(run_all())
        elapsed = time.monotonic() - started
        client_cpu = time.process_time() - client_cpu
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

    latencies = sorted(results.latencies)
    total = len(latencies)
    errors = sum(results.errors.values())
    writes = sum(
        n for kind, n in results.kinds.items() if kind in ("record actual", "plan (write)")
    )
    print()
    print(f"requests      {total} in {elapsed:.1f} s ({writes} writes)")
    print(f"requests/s    {total / elapsed:.1f}")
    print(f"latency p50   {percentile(latencies, 0.50) * 1000:.0f} ms")
    print(f"latency p95   {percentile(latencies, 0.95) * 1000:.0f} ms")
    print(f"latency p99   {percentile(latencies, 0.99) * 1000:.0f} ms")
    print(f"errors        {errors}")
    # The clients share the machine with the server: what they take, the server has not.
    print(f"client CPU    {client_cpu:.1f} s ({client_cpu / elapsed:.0%} of one core)")
    hits = sum(results.hits.values())
    print(f"cache hits    {hits} ({hits / max(total, 1):.0%} of requests)")
    for kind, count in sorted(results.errors.items()):
        print(f"  {kind}: {count}")
    print("by request    count   p50 ms   p95 ms   cache hits")
    for kind, values in sorted(results.by_kind.items()):
        values.sort()
        p50, p95 = percentile(values, 0.5) * 1000, percentile(values, 0.95) * 1000
        print(f"  {kind:<14}{len(values):>6} {p50:>8.0f} {p95:>8.0f} {results.hits[kind]:>12}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
