"""Benchmark the Excel register: export, openpyxl's own read, and import, in one run.

    .venv/bin/python bench/register.py                  # 30,000 benefits
    .venv/bin/python bench/register.py --benefits 3000  # a tenth of that

Builds a synthetic register in a scratch SQLite database (one collaboration of seven
forces, an initiative per 100 benefits, 500 named owners; each benefit with --months
planned values and --actuals collaboration-wide actuals), then runs each phase in its own
process so that its peak memory is its own:

* export: the whole register to one workbook (openpyxl write-only mode);
* openpyxl read: openpyxl alone reading every row of that workbook in read-only mode, the
  floor for any import;
* import (create): the workbook into a database with no benefits: everything is created,
  with history and audit records;
* import (unchanged): the workbook back into the database it came from: everything is
  checked and compared, nothing is written.

For each it reports rows, seconds, rows per second, the process's peak resident memory
and how much that grew during the phase (the memory the phase itself needed). Run it at
two sizes to see that the growth stays nearly flat as rows grow.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PHASES = ("export", "read", "import-create", "import-unchanged")
LABELS = {
    "export": "export",
    "read": "openpyxl read",
    "import-create": "import (create)",
    "import-unchanged": "import (unchanged)",
}


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def django_setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "realise.settings")
    os.environ.setdefault("REALISE_TESTING", "1")
    os.environ.setdefault("REALISE_LOG_LEVEL", "ERROR")
    import django

    django.setup()


# Building the data ---------------------------------------------------------------------------


def build_base(database: Path) -> None:
    """Migrate, then add the collaboration, its initiatives, owners and a superuser."""
    django_setup(database)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from realise.collaborations.models import Collaboration, ForceShare
    from realise.organisations.models import Force, Person

    call_command("migrate", verbosity=0)
    get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-password-1")
    collaboration = Collaboration.objects.create(
        name="Bench Alliance", slug="bench-alliance", purpose="Benchmarking the register."
    )
    forces = list(Force.objects.order_by("name")[:7])
    shares = ["14.2858"] + ["14.2857"] * 6
    ForceShare.objects.bulk_create(
        ForceShare(collaboration=collaboration, force=f, percent=p)
        for f, p in zip(forces, shares, strict=True)
    )
    Person.objects.bulk_create(
        Person(name=f"Owner {n:03d}", email=f"owner{n:03d}@bench.police.example")
        for n in range(500)
    )
    return collaboration


def seed(database: Path, benefits: int, months: int, actuals: int) -> None:
    """The base plus `benefits` benefits with their monthly rows (bulk, no history)."""
    import datetime
    from decimal import Decimal

    build_base(database)
    from realise.benefits.models import Benefit, Evidence, Measurement, PlannedValue
    from realise.collaborations.models import Collaboration, Initiative
    from realise.organisations.models import Person

    collaboration = Collaboration.objects.get(slug="bench-alliance")
    people = list(Person.objects.values_list("pk", flat=True))
    initiatives = Initiative.objects.bulk_create(
        Initiative(collaboration=collaboration, name=f"Initiative {n:04d}", slug=f"bench-{n:04d}")
        for n in range(max(benefits // 100, 1))
    )
    subcategories = [("1a", "GBP"), ("1b", "hours"), ("1c", "GBP"), ("2a", "score")]
    batch = 2000
    for start in range(0, benefits, batch):
        rows = []
        for n in range(start, min(start + batch, benefits)):
            subcategory, unit = subcategories[n % len(subcategories)]
            rows.append(
                Benefit(
                    initiative=initiatives[n // 100 % len(initiatives)],
                    reference=f"BEN-{n:06d}",
                    title=f"Benefit number {n} of the bench register",
                    description="Fewer contracts, better terms, shared suppliers.",
                    subcategory=subcategory,
                    direction="decrease" if n % 3 else "increase",
                    measure="Annual spend on the contracts in scope",
                    unit=unit,
                    baseline_value=Decimal(100_000 + n),
                    # Below the baseline for a decrease, above it for an increase, as the
                    # benefit standards require.
                    target_value=Decimal(80_000 + n if n % 3 else 120_000 + n),
                    owner_id=people[n % len(people)],
                    measurement_owner_id=people[(n + 7) % len(people)],
                    cashable=subcategory == "1a",
                    status="agreed",
                )
            )
        saved = Benefit.objects.bulk_create(rows)
        PlannedValue.objects.bulk_create(
            PlannedValue(
                benefit=b,
                period=datetime.date(2024 + m // 12, m % 12 + 1, 1),
                value=Decimal(1000 + m) + Decimal("0.25"),
            )
            for b in saved
            for m in range(months)
        )
        measured = Measurement.objects.bulk_create(
            Measurement(
                benefit=b,
                period=datetime.date(2024 + m // 12, m % 12 + 1, 1),
                value=Decimal(950 + m) + Decimal("0.75"),
            )
            for b in saved
            for m in range(actuals)
        )
        # Every actual has its evidence, as the import requires.
        Evidence.objects.bulk_create(
            Evidence(measurement=m, note="Supplier invoices for the month") for m in measured
        )


# Phases (each in its own process) ------------------------------------------------------------


def run_phase(phase: str, database: Path, workbook: Path) -> dict:
    if phase == "read":
        from openpyxl import load_workbook

        before, started, rows = peak_mib(), time.perf_counter(), 0
        book = load_workbook(workbook, read_only=True, data_only=True)
        for ws in book.worksheets:
            if ws.title == "Lists":
                continue
            for _ in ws.iter_rows(min_row=2, values_only=True):
                rows += 1
        book.close()
        return _measured(rows, started, before)

    django_setup(database)
    from django.contrib.auth import get_user_model

    from realise.reports.register.importing import import_register
    from realise.reports.register.xlsx import write_register

    if phase == "export":
        before, started = peak_mib(), time.perf_counter()
        counts = write_register(workbook)
        return _measured(counts.rows, started, before)
    user = get_user_model().objects.get(username="bench")
    before, started = peak_mib(), time.perf_counter()
    result = import_register(workbook, user=user)
    measured = _measured(sum(c.rows for c in result.counts.values()), started, before)
    if not result.ok:
        measured["errors"] = result.error_lines()[:5]
    measured["changes"] = result.changes
    return measured


def _measured(rows: int, started: float, before: float) -> dict:
    seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds) if seconds else None,
        "peak_mib": round(peak_mib(), 1),
        "growth_mib": round(peak_mib() - before, 1),
    }


def child(*args: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# The run ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--benefits", type=int, default=30_000, help="benefits (30000)")
    parser.add_argument("--months", type=int, default=12, help="planned months each (12)")
    parser.add_argument("--actuals", type=int, default=6, help="actual months each (6)")
    parser.add_argument("--keep", type=Path, help="keep the databases and workbook here")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--phase", choices=[*PHASES, "seed", "base"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase == "seed":
        seed(args.db, args.benefits, args.months, args.actuals)
        print(json.dumps({"ok": True}))
        return
    if args.phase == "base":
        build_base(args.db)
        print(json.dumps({"ok": True}))
        return
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.db, args.file)))
        return

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        folder = args.keep
    else:
        folder = Path(tempfile.mkdtemp(prefix="realise-bench-register-"))
    seeded, empty, workbook = (
        folder / "seeded.sqlite3",
        folder / "empty.sqlite3",
        folder / "register.xlsx",
    )
    for path in (seeded, empty, workbook):
        path.unlink(missing_ok=True)
    try:
        log = sys.stderr
        started = time.perf_counter()
        print(f"Building {args.benefits:,} benefits in {folder} ...", file=log)
        sizes = ["--benefits", str(args.benefits), "--months", str(args.months)]
        child("--phase", "seed", "--db", str(seeded), *sizes, "--actuals", str(args.actuals))
        child("--phase", "base", "--db", str(empty))
        print(f"  built in {time.perf_counter() - started:.0f} s", file=log)
        results = {}
        for phase, database in [
            ("export", seeded),
            ("read", seeded),
            ("import-create", empty),
            ("import-unchanged", seeded),
        ]:
            print(f"{LABELS[phase]} ...", file=log)
            results[phase] = child("--phase", phase, "--db", str(database), "--file", str(workbook))
        report = {
            "benefits": args.benefits,
            "rows": results["export"]["rows"],
            "workbook_mib": round(workbook.stat().st_size / 2**20, 1),
            "database": "SQLite",
            "phases": results,
        }
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            print_report(report)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def print_report(report: dict) -> None:
    print(
        f"Excel register: {report['benefits']:,} benefits, {report['rows']:,} rows, "
        f"workbook {report['workbook_mib']} MiB, {report['database']}"
    )
    print(
        f"{'phase':<20}{'rows':>10}{'seconds':>10}{'rows/s':>10}{'peak MiB':>11}{'growth MiB':>12}"
    )
    for phase, r in report["phases"].items():
        print(
            f"{LABELS[phase]:<20}{r['rows']:>10,}{r['seconds']:>10.1f}"
            f"{r['rows_per_second'] or 0:>10,}{r['peak_mib']:>11.1f}{r['growth_mib']:>12.1f}"
        )
        if r.get("errors"):
            print("  errors: " + "; ".join(r["errors"]))


if __name__ == "__main__":
    main()
