"""API reads against the floor of the stack: gunicorn as production runs it, PostgreSQL, the demo.

    .venv/bin/python bench/api.py [--seconds 10] [--connections 8] [--database-url URL]

It migrates a database of its own, `realise_bench_api` on the PostgreSQL server that
`--database-url` (or `LOAD_DATABASE_URL`, as for `make load`) points at, made when missing
and kept for the next run, and loads the demo into it (idempotent); it collects the static
files and starts gunicorn on 127.0.0.1 with DEBUG off (`--workers` x `--threads`). Then,
one after another, it loads each address for `--seconds` with `--connections` kept-alive
connections:
`/healthz` (a view that touches no database: the floor), a static file, and every API read
the load test (`bench/load.py`) makes, signed in with a token. It prints one table
(address, requests/s, ratio to `/healthz`, p50, p95, errors) and writes it as JSON to
`var/bench/api-<time>.json`. Exit code 1 when any request failed.

The load comes from `wrk` when it is installed (`apt-get install wrk`): it costs the server
little, so the ratios are the server's. Without it, a Python generator (one process per two
connections) stands in, and the JSON says which was used. The cache is Redis (`REDIS_URL`,
default redis://127.0.0.1:6379/0), as deployed with several web processes. Targets (issue
#23): every API list and detail read at least 0.15x `/healthz`, realisation figures at least
0.05x.

Each address is read again and again with one token, so after the warm-up the reads are
answered from the API read cache (`core/api/cache.py`), as a repeated read is in
production. `--no-read-cache` turns that cache off, to measure every read built afresh.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import multiprocessing
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit, urlunsplit

from _databases import ensure_postgres
from load import DEFAULT_DATABASE, GUNICORN, HOST, ROOT, free_port, manage, percentile

PREPARE = """
from django.contrib.auth.models import User
from django.templatetags.static import static
from rest_framework.authtoken.models import Token
from realise.benefits.models import Measurement, PlannedValue
token, _ = Token.objects.get_or_create(user=User.objects.get(username="programme"))
actual = Measurement.objects.filter(
    benefit__initiative__collaboration__slug="7f", value__isnull=False
).order_by("id").first()
plan = PlannedValue.objects.filter(benefit=actual.benefit).order_by("id").first()
print(token.key, actual.benefit_id, plan.pk, static("govuk/govuk-frontend.min.css"))
"""

# What the load test reads, with the share of /healthz each should reach.
API_TARGET, REALISATION_TARGET = 0.15, 0.05

# The benchmark's own database on the server: never one it is given (such as `postgres`,
# the server's maintenance database).
DATABASE_NAME = "realise_bench_api"


def addresses(benefit: int, plan: int, static_url: str) -> list[tuple[str, str, float | None]]:
    """(name, path, target ratio) for each address measured, the floor first."""
    return [
        ("healthz", "/healthz", None),
        ("static file", static_url, None),
        ("list benefits", "/api/v1/benefits/?page_size=20", API_TARGET),
        ("benefit", f"/api/v1/benefits/{benefit}/", API_TARGET),
        ("list actuals", f"/api/v1/measurements/?benefit={benefit}&ordering=-period", API_TARGET),
        ("planned value", f"/api/v1/planned-values/{plan}/", API_TARGET),
        ("collaborations", "/api/v1/collaborations/", API_TARGET),
        ("search", "/api/v1/search/?q=vetting", API_TARGET),
        ("realisation", "/api/v1/realisation/?initiative=7f-procurement", REALISATION_TARGET),
    ]


WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "p50_us": %d, "p95_us": %d, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
"""


def with_wrk(url: str, token: str, seconds: float, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    try:
        completed = subprocess.run(
            [
                "wrk",
                f"-t{min(2, connections)}",
                f"-c{connections}",
                f"-d{seconds:.0f}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                "-H",
                f"Authorization: Token {token}",
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(script.name)
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    return {
        "requests": figures["requests"],
        "seconds": figures["seconds"],
        "p50_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "errors": figures["errors"],
    }


def _python_worker(args: tuple) -> tuple[list[float], int]:
    port, path, token, seconds, connections = args
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    pool = [http.client.HTTPConnection(HOST, port, timeout=30) for _ in range(connections)]
    headers = {"Authorization": f"Token {token}"}
    while time.monotonic() < deadline:
        for connection in pool:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
            latencies.append(time.perf_counter() - started)
            errors += not ok
    return latencies, errors


def with_python(port: int, path: str, token: str, seconds: float, connections: int) -> dict:
    processes = max(1, connections // 2)
    share = [connections // processes + (i < connections % processes) for i in range(processes)]
    started = time.monotonic()
    with multiprocessing.Pool(processes) as pool:
        parts = pool.map(_python_worker, [(port, path, token, seconds, n) for n in share])
    elapsed = time.monotonic() - started
    latencies = sorted(value for part, _ in parts for value in part)
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "errors": sum(errors for _, errors in parts),
    }


def wait_until_up(base_port: int, server: subprocess.Popen, limit: float = 90) -> None:
    stop = time.monotonic() + limit
    while time.monotonic() < stop:
        if server.poll() is not None:
            sys.exit("gunicorn stopped before it was ready.")
        try:
            connection = http.client.HTTPConnection(HOST, base_port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("gunicorn did not answer in time.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="per address (default 10)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--generator", choices=("auto", "wrk", "python"), default="auto", help="load generator"
    )
    parser.add_argument(
        "--no-read-cache",
        action="store_true",
        help="build every read afresh (REALISE_API_CACHE_SECONDS=0)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE),
        help="the PostgreSQL server, as the URL of any database on it (default "
        f"{DEFAULT_DATABASE}); the benchmark uses a database of its own there, "
        f"{DATABASE_NAME}",
    )
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("The API benchmark runs on PostgreSQL: give --database-url postgres://...")
    if not (0 < args.seconds <= 120 and 0 < args.connections <= 64):
        sys.exit("Keep it bounded: at most 120 seconds an address and 64 connections.")
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    elif generator == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk), or use --generator python.")

    parts = urlsplit(args.database_url)
    database_url = ensure_postgres(urlunsplit(parts._replace(path=f"/{DATABASE_NAME}", query="")))
    static_root = ROOT / "var" / "bench" / "static"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REALISE_TESTING", "DEBUG")},
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "REALISE_SSL_REDIRECT": "0",
        "REALISE_SECURE_COOKIES": "0",
        "STATIC_ROOT": str(static_root),
        # As deployed with several web processes: the cache in Redis (docs/operations.md).
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    }
    if args.no_read_cache:
        env["REALISE_API_CACHE_SECONDS"] = "0"
    print(f"Preparing {database_url} (migrate, demo, static files)...", flush=True)
    manage(env, "migrate", "--no-input")
    manage(env, "demo")
    manage(env, "collectstatic", "--no-input")
    token, benefit, plan, static_url = manage(env, "shell", "-c", PREPARE).split()[-4:]
    port = free_port()
    log_path = ROOT / "var" / "bench" / "api-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    # The production settings (deploy/gunicorn.conf.py: preloaded app, worker recycling),
    # on a free port with the workers and threads asked for.
    env.update(
        GUNICORN_BIND=f"{HOST}:{port}",
        GUNICORN_WORKERS=str(args.workers),
        GUNICORN_THREADS=str(args.threads),
        GUNICORN_LOGLEVEL="warning",
    )
    server = subprocess.Popen(
        [GUNICORN, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "realise.wsgi"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    rows = []
    try:
        wait_until_up(port, server)
        print(
            f"gunicorn on {HOST}:{port} ({args.workers} workers x {args.threads} threads), "
            f"{args.connections} connections, {args.seconds:.0f} s an address, {generator}, "
            f"read cache {'off' if args.no_read_cache else 'on'}.",
            flush=True,
        )
        for name, path, target in addresses(int(benefit), int(plan), static_url):
            # A warm-up first (each worker's first requests pay for lazy imports, URL and
            # template loading and its database connection), then the measured run.
            for seconds in (3, args.seconds):
                if generator == "wrk":
                    url = f"http://{HOST}:{port}{path}"
                    figures = with_wrk(url, token, seconds, args.connections)
                else:
                    figures = with_python(port, path, token, seconds, args.connections)
            figures["per_second"] = figures["requests"] / figures["seconds"]
            rows.append({"name": name, "path": path, "target": target, **figures})
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()

    floor = rows[0]["per_second"] or 1
    print()
    print(
        f"{'address':<16}{'req/s':>9}{'x healthz':>11}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'errors':>8}  target"
    )
    for row in rows:
        row["ratio"] = row["per_second"] / floor
        row["meets_target"] = None if row["target"] is None else row["ratio"] >= row["target"]
        verdict = (
            ""
            if row["target"] is None
            else (f">= {row['target']:.2f}x {'met' if row['meets_target'] else 'NOT met'}")
        )
        print(
            f"{row['name']:<16}{row['per_second']:>9.0f}{row['ratio']:>10.2f}x"
            f"{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['errors']:>8}  {verdict}"
        )
    out = ROOT / "var" / "bench" / f"api-{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "generator": generator,
                "connections": args.connections,
                "seconds_per_address": args.seconds,
                "gunicorn": {"workers": args.workers, "threads": args.threads},
                "read_cache": not args.no_read_cache,
                "cpus": os.cpu_count(),
                "load_average": os.getloadavg(),
                "rows": rows,
            },
            indent=2,
        )
    )
    print(f"\nWritten to {out.relative_to(ROOT)}")
    return 1 if any(row["errors"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
