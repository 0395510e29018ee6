"""Generate a synthetic national benefits register for the dashboard benchmark.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/realise_bench \
        .venv/bin/python bench/generate.py
    DATABASE_URL=sqlite:///var/bench/realise_bench.sqlite3 \
        .venv/bin/python bench/generate.py --benefits 3000

At full size (`--scale 1`, the default): the 43 forces, 300 collaborations (some nested,
some private) with their force shares, 3,000 initiatives and 30,000 benefits, each with 48
months of planned values (1.44 million rows) and actuals for the months gone by, recorded
for the whole collaboration or, for some benefits, for each of up to three member forces
(about 1.4 million rows). `--scale 0.1` or `--benefits 3000` make smaller registers with
the same proportions (10 benefits an initiative, 10 initiatives a collaboration).

The rows are written in bulk (COPY on PostgreSQL, executemany on SQLite) without history
rows or signals: this is benchmark data, not a register anyone edits. The planned months
run from 42 months before the current month to 5 months after it, so "to date" falls near
the end of the plan as it would for a mature programme. Run it on an empty (migrated)
database, or pass --replace to remove an earlier synthetic register first.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "realise.settings")
os.environ.setdefault("REALISE_TESTING", "1")  # no SECRET_KEY needed for a local benchmark

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from realise.benefits.models import (  # noqa: E402
    Benefit,
    BenefitShare,
    Measurement,
    PlannedValue,
)
from realise.collaborations.models import Collaboration, ForceShare, Initiative  # noqa: E402
from realise.organisations.forces import load_forces  # noqa: E402
from realise.organisations.models import Force, Region  # noqa: E402

PREFIX = "national-"  # slugs of the synthetic collaborations and initiatives
FULL_BENEFITS = 30_000
BENEFITS_PER_INITIATIVE = 10
INITIATIVES_PER_COLLABORATION = 10
PLAN_MONTHS = 48
MONTHS_BEFORE = 42  # planned months before the current one
PER_FORCE_SHARE = 0.08  # benefits whose actuals are recorded force by force
MISSING_MONTHS = 0.05  # months gone by with no actual (measurement overdue)

# Sub-category: (weight, unit, nature). Money and hours dominate, as in real registers.
KINDS = [
    ("1a", 40, "GBP", "quantitative"),
    ("1c", 20, "GBP", "quantitative"),
    ("1b", 25, "hours", "quantitative"),
    ("2a", 4, "score", "quantitative"),
    ("2b", 4, "count", "quantitative"),
    ("3a", 2, "percent", "quantitative"),
    ("3b", 3, "text", "qualitative"),
    ("3c", 2, "count", "quantitative"),
]
FUNCTIONS = ["procurement", "vetting", "forensics", "firearms", "roads_policing", "other"]
STATUSES = ["agreed", "realising", "realising", "realising", "realised", "proposed"]


def add_months(day: datetime.date, count: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def pennies(amount: int) -> Decimal:
    return Decimal(amount).scaleb(-2)


def split_percent(rng: random.Random, count: int) -> list[Decimal]:
    """`count` shares in percent with four places, adding up to exactly 100."""
    weights = [rng.randint(5, 40) for _ in range(count)]
    total = sum(weights)
    parts = [Decimal(w * 1_000_000 // total).scaleb(-4) for w in weights]
    parts[0] += Decimal(100) - sum(parts)
    return parts


# Bulk writing ------------------------------------------------------------------------------


def _columns(model, values: dict) -> tuple[list[str], list]:
    """Every concrete column but the primary key, with defaults for those not given."""
    now = timezone.now()
    names, defaults = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(field.column)
        if field.column in values:
            defaults.append(None)
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults.append(now)
        else:
            defaults.append(field.get_default())
    return names, defaults


def insert(model, given: list[str], rows) -> int:
    """Insert rows of the `given` columns (other columns take their defaults) in bulk."""
    names, defaults = _columns(model, dict.fromkeys(given))
    positions = [given.index(name) if name in given else None for name in names]
    table = model._meta.db_table
    count = 0
    quoted = ", ".join(connection.ops.quote_name(name) for name in names)
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(
                    [
                        row[p] if p is not None else default
                        for p, default in zip(positions, defaults, strict=True)
                    ]
                )
                count += 1
        return count
    ops = connection.ops
    adapters = []
    for field in (f for f in model._meta.concrete_fields if not f.primary_key):
        kind = field.get_internal_type()
        if kind == "DecimalField":
            adapters.append(lambda v: None if v is None else str(v))
        elif kind == "DateTimeField":
            adapters.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapters.append(ops.adapt_datefield_value)
        elif kind == "BooleanField":
            adapters.append(lambda v: None if v is None else int(v))
        elif kind == "JSONField":
            adapters.append(lambda v, f=field: f.get_db_prep_value(v, connection))
        else:
            adapters.append(lambda v: v)
    marks = ", ".join("?" for _ in names)
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"
    raw = connection.connection
    batch = []
    for row in rows:
        batch.append(
            [
                adapt(row[p] if p is not None else default)
                for p, default, adapt in zip(positions, defaults, adapters, strict=True)
            ]
        )
        if len(batch) == 20_000:
            raw.executemany(sql, batch)
            count += len(batch)
            batch = []
    if batch:
        raw.executemany(sql, batch)
        count += len(batch)
    return count


# The register ------------------------------------------------------------------------------


def size_for(args) -> int:
    if args.benefits:
        return max(args.benefits, BENEFITS_PER_INITIATIVE)
    return max(int(FULL_BENEFITS * args.scale), BENEFITS_PER_INITIATIVE)


def replace_existing(stdout=print) -> None:
    """Remove an earlier synthetic register (its rows only)."""
    collaborations = Collaboration.objects.filter(slug__startswith=PREFIX)
    if not collaborations.exists():
        return
    stdout("Removing the earlier synthetic register...")
    benefit_ids = Benefit.objects.filter(initiative__collaboration__in=collaborations).values("pk")
    with transaction.atomic():
        for model in (Measurement, PlannedValue, BenefitShare):
            model.objects.filter(benefit_id__in=benefit_ids)._raw_delete(connection.alias)
        Benefit.objects.filter(pk__in=benefit_ids)._raw_delete(connection.alias)
        Initiative.objects.filter(collaboration__in=collaborations)._raw_delete(connection.alias)
        ForceShare.objects.filter(collaboration__in=collaborations)._raw_delete(connection.alias)
        Collaboration.objects.filter(slug__startswith=PREFIX).update(parent=None)
        collaborations._raw_delete(connection.alias)


def generate(benefits: int, seed: int = 7, today: datetime.date | None = None, stdout=print):
    """Write the synthetic register; returns the row counts."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    first_month = add_months(today.replace(day=1), -MONTHS_BEFORE)
    months = [add_months(first_month, i) for i in range(PLAN_MONTHS)]
    last_complete = add_months(today.replace(day=1), -1)
    past = [m for m in months if m <= last_complete]
    load_forces(Region, Force)
    forces = list(Force.objects.order_by("ons_code").values_list("pk", flat=True))
    n_initiatives = max(benefits // BENEFITS_PER_INITIATIVE, 1)
    n_collaborations = max(n_initiatives // INITIATIVES_PER_COLLABORATION, 1)
    counts = {}
    started = time.perf_counter()
    with transaction.atomic():
        collaborations = []
        members: dict[int, list[int]] = {}
        for number in range(1, n_collaborations + 1):
            chosen = rng.sample(forces, rng.randint(2, 7))
            collaborations.append(
                Collaboration(
                    name=f"Synthetic collaboration {number:04d}",
                    slug=f"{PREFIX}c{number:04d}",
                    purpose="A synthetic collaboration for the dashboard benchmark.",
                    function=rng.choice(FUNCTIONS),
                    lead_force_id=chosen[0],
                    legal_basis="Section 22A, Police Act 1996",
                    visibility="private" if rng.random() < 0.1 else "policing",
                )
            )
            members[number] = chosen
        Collaboration.objects.bulk_create(collaborations, batch_size=1000)
        collaborations = list(
            Collaboration.objects.filter(slug__startswith=PREFIX).order_by("slug")
        )
        nested = []
        for index, collaboration in enumerate(collaborations):
            if index >= 10 and rng.random() < 0.1:
                collaboration.parent_id = collaborations[rng.randrange(index)].pk
                nested.append(collaboration)
        Collaboration.objects.bulk_update(nested, ["parent"], batch_size=1000)
        shares = []
        member_ids: dict[int, list[int]] = {}
        for number, collaboration in enumerate(collaborations, start=1):
            chosen = members[number]
            member_ids[collaboration.pk] = chosen
            for force_id, percent in zip(chosen, split_percent(rng, len(chosen)), strict=True):
                shares.append(
                    ForceShare(
                        collaboration=collaboration,
                        force_id=force_id,
                        percent=percent,
                        basis="Net revenue expenditure",
                    )
                )
        ForceShare.objects.bulk_create(shares, batch_size=2000)
        counts["collaborations"] = len(collaborations)
        counts["force_shares"] = len(shares)

        initiatives = []
        for number in range(1, n_initiatives + 1):
            collaboration = collaborations[(number - 1) % len(collaborations)]
            initiatives.append(
                Initiative(
                    collaboration=collaboration,
                    name=f"Synthetic initiative {number:05d}",
                    slug=f"{PREFIX}i{number:05d}",
                    stage=rng.choice([1, 2, 3, 3, 4, 4, 4, 5]),
                    status=rng.choice(["active"] * 9 + ["closed"]),
                )
            )
        Initiative.objects.bulk_create(initiatives, batch_size=2000)
        initiatives = list(
            Initiative.objects.filter(slug__startswith=PREFIX)
            .order_by("slug")
            .values_list("pk", "collaboration_id")
        )
        counts["initiatives"] = len(initiatives)

        kinds = [kind for kind in KINDS for _ in range(kind[1])]
        rows = []
        for number in range(1, benefits + 1):
            initiative_id, _collaboration_id = initiatives[(number - 1) % len(initiatives)]
            code, _weight, unit, nature = rng.choice(kinds)
            money = code in ("1a", "1c")
            rows.append(
                Benefit(
                    initiative_id=initiative_id,
                    reference=f"NAT-{number:06d}",
                    title=f"Synthetic benefit {number}",
                    subcategory=code,
                    direction="decrease" if code in ("1a", "1c") else "increase",
                    measure="Synthetic measure",
                    unit=unit,
                    nature=nature,
                    baseline_value=None if nature == "qualitative" else Decimal("100.00"),
                    cashable=money and rng.random() < 0.6,
                    is_disbenefit=rng.random() < 0.03,
                    identified_in_business_case=rng.random() < 0.9,
                    status=rng.choice(STATUSES),
                )
            )
        Benefit.objects.bulk_create(rows, batch_size=2000)
        benefit_rows = list(
            Benefit.objects.filter(reference__startswith="NAT-")
            .order_by("pk")
            .values_list("pk", "initiative__collaboration_id", "subcategory", "nature")
        )
        counts["benefits"] = len(benefit_rows)
        own_shares = []
        for benefit_id, collaboration_id, _code, _nature in benefit_rows:
            if rng.random() < 0.02:
                chosen = member_ids[collaboration_id]
                for force_id, percent in zip(chosen, split_percent(rng, len(chosen)), strict=True):
                    own_shares.append(
                        BenefitShare(benefit_id=benefit_id, force_id=force_id, percent=percent)
                    )
        BenefitShare.objects.bulk_create(own_shares, batch_size=2000)
        counts["benefit_shares"] = len(own_shares)
        stdout(f"  register: {counts} ({time.perf_counter() - started:.1f}s)")

        def plan_rows():
            for benefit_id, _collaboration, code, nature in benefit_rows:
                if nature == "qualitative":
                    continue
                level = code not in ("1a", "1b", "1c")
                base = rng.randint(100, 400) if level else rng.randint(50_000, 5_000_000)
                for period in months:
                    if level:
                        yield (benefit_id, period, pennies(base * 100 + rng.randint(0, 999)))
                    else:
                        yield (benefit_id, period, pennies(base + rng.randint(0, base // 4)))

        started = time.perf_counter()
        counts["planned_values"] = insert(
            PlannedValue, ["benefit_id", "period", "value"], plan_rows()
        )
        stdout(
            f"  planned values: {counts['planned_values']:,} ({time.perf_counter() - started:.1f}s)"
        )

        def actual_rows():
            for benefit_id, collaboration_id, code, nature in benefit_rows:
                level = code not in ("1a", "1b", "1c")
                per_force = rng.random() < PER_FORCE_SHARE
                recorders = member_ids[collaboration_id][:3] if per_force else [None]
                base = rng.randint(100, 400) if level else rng.randint(40_000, 5_000_000)
                for period in past:
                    if rng.random() < MISSING_MONTHS:
                        continue
                    for force_id in recorders:
                        if nature == "qualitative":
                            value = None
                        elif level:
                            value = pennies(base * 100 + rng.randint(0, 999))
                        else:
                            amount = base // len(recorders)
                            value = pennies(amount + rng.randint(0, amount // 4))
                        yield (benefit_id, period, force_id, value)

        started = time.perf_counter()
        counts["measurements"] = insert(
            Measurement, ["benefit_id", "period", "force_id", "value"], actual_rows()
        )
        stdout(f"  measurements: {counts['measurements']:,} ({time.perf_counter() - started:.1f}s)")
    started = time.perf_counter()
    from realise.benefits import totals

    kept = totals.compact()
    stdout(f"  monthly totals compacted: {kept:,} rows ({time.perf_counter() - started:.1f}s)")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum does after a bulk load: besides the statistics, the visibility
            # map that lets the covering period indexes answer without reading the tables,
            # and the per-benefit totals cleared of the row versions the load left behind.
            cursor.execute(
                "VACUUM (ANALYZE) benefits_plannedvalue, benefits_measurement, "
                "benefits_benefittotal"
            )
        cursor.execute("ANALYZE")
    stdout(f"  statistics refreshed ({time.perf_counter() - started:.1f}s)")
    from realise.reports.dashboards import forget_cached_figures

    forget_cached_figures()
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--scale", type=float, default=1.0, help="fraction of full size (1.0)")
    size.add_argument("--benefits", type=int, help="number of benefits (30000 at full size)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--replace", action="store_true", help="remove an earlier register")
    args = parser.parse_args(argv)
    benefits = size_for(args)
    if Collaboration.objects.filter(slug__startswith=PREFIX).exists():
        if not args.replace:
            print("A synthetic register is already there; pass --replace to rebuild it.")
            return 1
        replace_existing()
    print(f"Generating {benefits:,} benefits on {connection.vendor}...")
    counts = generate(benefits, seed=args.seed)
    print(counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
