"""Benchmark the national dashboard against one hand-written SQL aggregate.

    .venv/bin/python bench/dashboard.py                      # SQLite and PostgreSQL, full size
    .venv/bin/python bench/dashboard.py --database postgres  # one database
    .venv/bin/python bench/dashboard.py --benefits 3000      # a smaller register

For each database it builds (or reuses) the synthetic national register of
bench/generate.py, signs in an administrator and times, in the same run:

* the single hand-written SQL aggregate that produces the national headline totals
  (money and hours: planned in total, planned to date, realised to date);
* the national dashboard (`GET /dashboards/`, the full HTTP response through Django's test
  client: middleware, session, queries, templates), "cold" just after a write (the data
  version moved, as every write moves it, so every figure, page part and reader's access
  kept under it is worked out again), "flushed" with the whole shared cache emptied
  before each request (also the navigation's count of the reader's work, which a write
  leaves for up to a minute: `reports/context_processors.py`), and "warm" with the
  figures kept;
* the parts the page loads after itself (each force's share, the trend forecast), cold and
  warm, both as the page loads them (htmx: the part alone) and as pages of their own (the
  link followed without JavaScript: the part inside the whole layout), and one chart.

It checks that the page shows the same totals as the SQL, then prints the medians and the
ratio of the page to the SQL. PostgreSQL uses the database `realise_bench` at
127.0.0.1:5432 (created when missing; `--fresh` drops and rebuilds it); SQLite uses
var/bench/realise_bench_<benefits>.sqlite3. Both are kept for the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _databases import PG_HOST, ensure_postgres

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PG_NAME = "realise_bench"
FULL = 30_000

HAND_SQL = """
SELECT CASE WHEN b.subcategory = '1b' THEN 'hours' ELSE 'money' END AS measure,
       SUM(CASE WHEN b.is_disbenefit THEN -x.planned ELSE x.planned END) AS planned_total,
       SUM(CASE WHEN b.is_disbenefit THEN -x.planned_to_date ELSE x.planned_to_date END)
           AS planned_to_date,
       SUM(CASE WHEN b.is_disbenefit THEN -x.actual ELSE x.actual END) AS actual_to_date
FROM (
    SELECT benefit_id, value AS planned,
           CASE WHEN period <= %s THEN value ELSE 0 END AS planned_to_date, 0 AS actual
    FROM benefits_plannedvalue
    UNION ALL
    SELECT benefit_id, 0, 0, value
    FROM benefits_measurement
    WHERE period <= %s AND value IS NOT NULL
) AS x
JOIN benefits_benefit AS b ON b.id = x.benefit_id
WHERE (b.subcategory IN ('1a', '1c') AND b.unit = 'GBP')
   OR (b.subcategory = '1b' AND b.unit = 'hours')
GROUP BY 1
ORDER BY 1
"""


def database_url(kind: str, benefits: int) -> str:
    if kind == "postgres":
        return f"{PG_HOST}/{PG_NAME}"
    return f"sqlite:///{VAR / f'realise_bench_{benefits}.sqlite3'}"


# The measuring child process (one per database) ---------------------------------------------


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def measure(benefits: int, repeat: int, seed: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "realise.settings")
    os.environ.setdefault("REALISE_TESTING", "1")
    import django

    django.setup()
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    from realise.benefits.models import Benefit, Measurement, PlannedValue
    from realise.benefits.realisation import last_complete_month
    from realise.core.dataversion import forget_cached_data
    from realise.reports.dashboards import Cut, Figures, Scope

    present = Benefit.objects.filter(reference__startswith="NAT-").count()
    if present != benefits:
        if present:
            generate.replace_existing()
        print(f"Generating {benefits:,} benefits on {connection.vendor}...", flush=True)
        started = time.perf_counter()
        generate.generate(benefits, seed=seed)
        print(f"  generated in {time.perf_counter() - started:.0f}s", flush=True)
    counts = {
        "benefits": Benefit.objects.count(),
        "planned_values": PlannedValue.objects.count(),
        "measurements": Measurement.objects.count(),
    }
    admin, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(admin)
    today = timezone.localdate()
    to_date = last_complete_month(today)

    def hand():
        with connection.cursor() as cursor:
            cursor.execute(HAND_SQL, [to_date, to_date])
            return cursor.fetchall()

    def timed(action, *, clear: str | None) -> tuple[list[float], object]:
        """`repeat` samples of `action`: before each, "write" moves the data version as a
        write does, "flush" empties the whole cache, None keeps it."""
        samples, result = [], None
        for _ in range(repeat):
            if clear == "write":
                forget_cached_data()
            elif clear == "flush":
                cache.clear()
            started = time.perf_counter()
            result = action()
            samples.append(time.perf_counter() - started)
        return samples, result

    def get(url, **headers):
        def action():
            response = client.get(url, **headers)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return action

    hand()  # warm the database's buffers once, as for every other measurement
    report = {"database": connection.vendor, "counts": counts, "to_date": str(to_date)}
    sql_samples, rows = timed(hand, clear=None)
    report["hand_sql_ms"] = _median_ms(sql_samples)

    page = get("/dashboards/")
    flushed, response = timed(page, clear="flush")
    report["page_flushed_ms"] = _median_ms(flushed)
    cold, response = timed(page, clear="write")
    report["page_cold_ms"] = _median_ms(cold)
    warm, response = timed(page, clear=None)
    report["page_warm_ms"] = _median_ms(warm)
    report["page_bytes"] = len(response.content)
    # Each part twice: as the page loads it (htmx: the part alone) and as a page of its own
    # (the link a browser without JavaScript follows: the part inside the whole layout).
    htmx = {"HTTP_HX_REQUEST": "true"}
    for name, url, headers in (
        ("forces_htmx", "/dashboards/?section=forces", htmx),
        ("forces", "/dashboards/?section=forces", {}),
        ("trend_htmx", "/dashboards/?section=trend", htmx),
        ("trend", "/dashboards/?section=trend", {}),
        ("chart", "/dashboards/charts/over-time-money.svg", {}),
    ):
        flushed_samples, _ = timed(get(url, **headers), clear="flush")
        cold_samples, _ = timed(get(url, **headers), clear="write")
        warm_samples, _ = timed(get(url, **headers), clear=None)
        report[f"{name}_flushed_ms"] = _median_ms(flushed_samples)
        report[f"{name}_cold_ms"] = _median_ms(cold_samples)
        report[f"{name}_warm_ms"] = _median_ms(warm_samples)
    report["ratio_cold"] = round(report["page_cold_ms"] / report["hand_sql_ms"], 2)
    report["ratio_warm"] = round(report["page_warm_ms"] / report["hand_sql_ms"], 2)

    # The page shows what the SQL says.
    summaries = Figures(Cut(filters=_no_filter(), scope=Scope(None, "all"))).summaries()
    html = response.content.decode()
    checked = []
    for measure, planned, planned_to_date, actual in rows:
        summary = summaries[measure]
        expected = [
            Decimal(str(v)).quantize(Decimal("0.01")) for v in (planned, planned_to_date, actual)
        ]
        shown = [summary.planned_total, summary.planned_to_date, summary.actual_to_date]
        same = shown == expected
        text = [f"{value:,.2f}" for value in expected]
        on_page = all(value in html for value in text)
        checked.append({"measure": measure, "same_totals": same, "on_page": on_page})
    report["checks"] = checked
    report["ok"] = all(c["same_totals"] and c["on_page"] for c in checked)
    return report


def _no_filter():
    from realise.benefits.realisation import RealisationFilter

    return RealisationFilter()


# The parent: one child per database, then the report --------------------------------------------


def run_child(kind: str, args) -> dict:
    benefits = args.benefits
    url = database_url(kind, benefits)
    if kind == "postgres":
        ensure_postgres(url, fresh=args.fresh)
    else:
        VAR.mkdir(parents=True, exist_ok=True)
        path = VAR / f"realise_bench_{benefits}.sqlite3"
        if args.fresh and path.exists():
            path.unlink()
    env = {**os.environ, "DATABASE_URL": url, "REALISE_TESTING": "1", "DEBUG": "0"}
    command = [
        sys.executable,
        __file__,
        "--child",
        "--benefits",
        str(benefits),
        "--repeat",
        str(args.repeat),
        "--seed",
        str(args.seed),
    ]
    result = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False)
    lines = result.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(line)
    if result.returncode != 0 or not lines:
        raise SystemExit(f"The {kind} benchmark failed (exit {result.returncode}).")
    return json.loads(lines[-1])


def print_report(report: dict) -> None:
    c = report["counts"]
    print(
        f"\nNational dashboard on {report['database']}: {c['benefits']:,} benefits, "
        f"{c['planned_values']:,} planned values, {c['measurements']:,} measurements "
        f"(to date: {report['to_date'][:7]})"
    )
    print(f"  {'what':<44} {'cold':>10} {'warm':>10} {'flushed':>10}")
    print(f"  {'hand-written SQL aggregate (the totals)':<44} {report['hand_sql_ms']:>8.1f}ms")
    print(
        f"  {'GET /dashboards/ (full response)':<44} "
        f"{report['page_cold_ms']:>8.1f}ms {report['page_warm_ms']:>8.1f}ms "
        f"{report['page_flushed_ms']:>8.1f}ms"
    )
    for name, label in (
        ("forces_htmx", "  then: each force's share (htmx, as loaded)"),
        ("forces", "        the same as a page of its own"),
        ("trend_htmx", "  then: trend forecast (htmx, as loaded)"),
        ("trend", "        the same as a page of its own"),
        ("chart", "  then: chart over time (SVG)"),
    ):
        cold, warm, flushed = (report[f"{name}_{kind}_ms"] for kind in ("cold", "warm", "flushed"))
        print(f"  {label:<44} {cold:>8.1f}ms {warm:>8.1f}ms {flushed:>8.1f}ms")
    print(
        f"  ratio page / SQL: cold {report['ratio_cold']:.2f}, warm {report['ratio_warm']:.2f}; "
        f"same totals on the page: {'yes' if report['ok'] else 'NO'}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--benefits", type=int, help="benefits in the register (30000)")
    size.add_argument("--scale", type=float, help="fraction of full size (1.0)")
    parser.add_argument("--sqlite-benefits", type=int, help="a smaller size for SQLite only")
    parser.add_argument("--repeat", type=int, default=5, help="requests per measurement (5)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="rebuild the registers")
    parser.add_argument("--json", action="store_true", help="print the reports as JSON")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.benefits is None:
        args.benefits = int(FULL * (args.scale if args.scale is not None else 1.0))
    if args.child:
        print(json.dumps(measure(args.benefits, args.repeat, args.seed)))
        return 0
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    reports = []
    for kind in kinds:
        child_args = argparse.Namespace(**vars(args))
        if kind == "sqlite" and args.sqlite_benefits:
            child_args.benefits = args.sqlite_benefits
        reports.append(run_child(kind, child_args))
    VAR.mkdir(parents=True, exist_ok=True)
    (VAR / "dashboard.json").write_text(json.dumps(reports, indent=2))
    if args.json:
        print(json.dumps(reports, indent=2))
    else:
        for report in reports:
            print_report(report)
    return 0 if all(report["ok"] for report in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
