"""Benchmark `realise audit verify --data` at the demo's size and at a national size.

    .venv/bin/python bench/audit_data.py                       # SQLite and PostgreSQL
    .venv/bin/python bench/audit_data.py --database postgres   # one database
    .venv/bin/python bench/audit_data.py --benefits 30000      # the full national register

For each database it builds a fresh one, loads the demo (`realise demo`) and times the
check of every audited live row against the audit trail; then it adds the synthetic
national register of bench/generate.py (`--benefits`, 3,000 by default: about 290,000
rows), records each of its rows in the audit trail as created (the generator writes no
history), and times the check again. It then changes one actual with plain SQL and checks
that the check names it. The time should grow linearly with the rows: the report gives
rows per second at both sizes.

PostgreSQL uses the database `realise_bench_audit` at 127.0.0.1:5432 (dropped and made
again each run); SQLite uses var/bench/realise_bench_audit.sqlite3 (removed and made again).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from _databases import PG_HOST, ensure_postgres

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PG_NAME = "realise_bench_audit"


def database_url(kind: str) -> str:
    if kind == "postgres":
        return f"{PG_HOST}/{PG_NAME}"
    return f"sqlite:///{VAR / 'realise_bench_audit.sqlite3'}"


# The measuring child process (one per database) ---------------------------------------------


def record_unaudited_rows(chunk_size: int = 5000) -> int:
    """Write a 'create' audit record for every audited row the trail does not know (the
    synthetic register is written in bulk, without history)."""
    from realise.core import audit

    recorded = 0
    for model in audit.audited_models():
        history_model = getattr(model, model._meta.simple_history_manager_attribute).model
        fields = list(history_model.tracked_fields)
        known = set(
            audit.AuditRecord.objects.filter(model=model._meta.label_lower).values_list(
                "object_id", flat=True
            )
        )
        names = [f.attname for f in fields]
        rows = model._base_manager.order_by("pk").values_list(*names).iterator(chunk_size)
        batch = []
        for row in rows:
            values = {
                f.attname: audit._plain(f, value) for f, value in zip(fields, row, strict=True)
            }
            object_id = str(values[model._meta.pk.attname])
            if object_id in known:
                continue
            batch.append(
                audit.Entry(
                    user_id=None,
                    username="",
                    action="create",
                    model=model._meta.label_lower,
                    object_id=object_id,
                    object_repr="",
                    collaboration_id=None,
                    via="command",
                    before=None,
                    after=values,
                )
            )
            if len(batch) == chunk_size:
                audit.append(batch)
                recorded, batch = recorded + len(batch), []
        audit.append(batch)
        recorded += len(batch)
    return recorded


def timed_check() -> dict:
    from realise.core.audit import verify_data

    started = time.perf_counter()
    verdict = verify_data()
    seconds = time.perf_counter() - started
    return {
        "rows": verdict.rows,
        "audit_records": verdict.records,
        "seconds": round(seconds, 2),
        "rows_per_second": round(verdict.rows / seconds) if seconds else None,
        "differences": len(verdict.discrepancies),
    }


def measure(benefits: int) -> dict:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "realise.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from realise.benefits.models import Measurement

    call_command("migrate", verbosity=0, interactive=False)
    with open(os.devnull, "w") as quiet:
        call_command("demo", stdout=quiet)
    report = {"database": connection.vendor, "demo": timed_check()}

    from generate import generate

    started = time.perf_counter()
    generate(benefits, stdout=lambda *a: None)
    recorded = record_unaudited_rows()
    report["setup_seconds"] = round(time.perf_counter() - started, 1)
    report["synthetic_rows_recorded"] = recorded
    report["national"] = timed_check()

    victim = Measurement.objects.order_by("-pk").values_list("pk", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE benefits_measurement SET value = value + 1 WHERE id = %s", [victim])
    report["tampered"] = timed_check()
    return report


# The parent: one child per database ----------------------------------------------------------


def child(kind: str, benefits: int) -> dict:
    url = database_url(kind)
    if kind == "postgres":
        ensure_postgres(url, fresh=True)
    else:
        VAR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{VAR / 'realise_bench_audit.sqlite3'}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": url, "REALISE_TESTING": "1", "DEBUG": "0"}
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--benefits", str(benefits)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"{kind}: the measuring process failed (exit {out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


def print_report(report: dict) -> None:
    print(f"{report['database']}:")
    for name in ("demo", "national"):
        part = report[name]
        print(
            f"  {name:9} {part['rows']:>10,} rows, {part['audit_records']:>10,} audit records: "
            f"{part['seconds']:8.2f} s ({part['rows_per_second']:,} rows/s), "
            f"{part['differences']} differences"
        )
    print(
        f"  one actual changed by SQL: {report['tampered']['differences']} difference found "
        f"in {report['tampered']['seconds']:.2f} s"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--benefits", type=int, default=3000, help="synthetic benefits (3000)")
    parser.add_argument("--database", choices=["sqlite", "postgres"], action="append")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.benefits)))
        return 0
    reports = [child(kind, args.benefits) for kind in args.database or ["sqlite", "postgres"]]
    if args.json:
        print(json.dumps(reports, indent=2))
    else:
        for report in reports:
            print_report(report)
    failed = any(r["demo"]["differences"] or r["tampered"]["differences"] != 1 for r in reports)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
