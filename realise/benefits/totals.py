"""Monthly totals of the register, for national figures without scanning every month.

Database triggers (migrations `0006_monthlytotal`, and `0007` for verified actuals) add a
`MonthlyTotal` row for every write to planned values and measurements (and verifications),
and move a benefit's months when its sub-category, unit, sign, cashable or identified flags
change. The rows of one kind of benefit and month
therefore always add up to the register's own totals, in the same transaction as the
write. Writers only ever insert, so they never wait on each other here; `compact()` folds
the rows into one per kind and month, and readers compact when the rows pile up.

Per-benefit totals (`BenefitTotal`, migration `0011_benefittotal`) are kept the same way,
one row per benefit (and, for actuals, per force measured for): each write adds itself to
its row's total, and to its total to date when its month is not after the anchor month
(`BenefitTotalAnchor`). They let a national cut split each benefit's totals between forces
without summing every month of the register (`realisation.forces`). When "to date" moves
on (once a month), the first reader moves the anchor with it (`reanchor`), counting the
per-benefit totals again; until then, and for cuts as of another day, readers add or take
away the months between.

`realise totals --check` compares both kinds of totals with the register; `--rebuild`
recomputes them (after a `flush` on SQLite, say, which deletes tables in no set order). A
flush empties the anchor's table too; it is put back as the flush ends (`post_migrate`).
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from realise.benefits.models import (
    BenefitTotal,
    BenefitTotalAnchor,
    Measurement,
    MonthlyTotal,
    PlannedValue,
    TotalKind,
)
from realise.benefits.realisation.periods import last_complete_month

logger = logging.getLogger(__name__)

# Key columns of a total, in MonthlyTotal and on Benefit.
KEY = ("subcategory", "unit", "is_disbenefit", "identified", "cashable", "period")
_BENEFIT_COLUMNS = {"identified": "identified_in_business_case"}
# Readers fold the rows into one per kind and month once there are more than this.
COMPACT_AFTER = 20_000
_TABLE = MonthlyTotal._meta.db_table

# Table and column names below are this module's constants, never input.
_REBUILD_SQL = f"""
INSERT INTO {_TABLE} (kind, subcategory, unit, is_disbenefit, identified, cashable, period,
                      rows, pennies)
SELECT %s, b.subcategory, b.unit, b.is_disbenefit, b.identified_in_business_case, b.cashable,
       c.period, COUNT(*), SUM(CAST(ROUND(c.value * 100) AS BIGINT))
FROM {{table}} AS c JOIN benefits_benefit AS b ON b.id = c.benefit_id
WHERE c.value IS NOT NULL {{where}}
GROUP BY b.subcategory, b.unit, b.is_disbenefit, b.identified_in_business_case, b.cashable,
         c.period
"""  # noqa: S608
_SOURCES = (
    (TotalKind.PLANNED, PlannedValue._meta.db_table, ""),
    (TotalKind.ACTUAL, Measurement._meta.db_table, ""),
    (TotalKind.VERIFIED, Measurement._meta.db_table, "AND c.verified_at IS NOT NULL"),
)
# Each kind's rows in the register: (kind, model, filter).
_REGISTER = (
    (TotalKind.PLANNED, PlannedValue, Q()),
    (TotalKind.ACTUAL, Measurement, Q()),
    (TotalKind.VERIFIED, Measurement, Q(verified_at__isnull=False)),
)
_COLUMNS = ", ".join(KEY)
_BENEFIT_TABLE = BenefitTotal._meta.db_table
_BENEFIT_REBUILD_SQL = f"""
INSERT INTO {_BENEFIT_TABLE} (kind, benefit_id, force_id, rows, pennies, pennies_to_date)
SELECT %s, c.benefit_id, {{force}}, COUNT(*), SUM(CAST(ROUND(c.value * 100) AS BIGINT)),
       SUM(CASE WHEN c.period <= %s THEN CAST(ROUND(c.value * 100) AS BIGINT) ELSE 0 END)
FROM {{table}} AS c WHERE c.value IS NOT NULL
GROUP BY 2, 3
"""  # noqa: S608
# Per-benefit totals: (kind, model, the force column in SQL, the force field).
_BENEFIT_SOURCES = (
    (TotalKind.PLANNED, PlannedValue, "0", None),
    (TotalKind.ACTUAL, Measurement, "COALESCE(c.force_id, 0)", "force_id"),
)
_FOLD_SQL = {
    "postgresql": f"""
        WITH gone AS (DELETE FROM {_TABLE} RETURNING kind, {_COLUMNS}, rows, pennies)
        INSERT INTO {_TABLE} (kind, {_COLUMNS}, rows, pennies)
        SELECT kind, {_COLUMNS}, SUM(rows), SUM(pennies) FROM gone
        GROUP BY kind, {_COLUMNS}
        HAVING SUM(rows) <> 0 OR SUM(pennies) <> 0
    """,  # noqa: S608
}


@transaction.atomic
def rebuild() -> int:
    """Recompute every total from the register; returns the monthly rows written."""
    MonthlyTotal.objects.all().delete()
    with connection.cursor() as cursor:
        for kind, table, where in _SOURCES:
            cursor.execute(_REBUILD_SQL.format(table=table, where=where), [kind.value])
    reanchor(anchor() or _todays_to_date())
    return MonthlyTotal.objects.count()


def _todays_to_date() -> datetime.date:
    return last_complete_month(timezone.localdate())


def anchor() -> datetime.date | None:
    """The month the per-benefit totals to date count up to (None once the table has
    been emptied, as a flush does)."""
    return BenefitTotalAnchor.objects.values_list("to_date", flat=True).first()


def anchor_for(to_date: datetime.date) -> datetime.date | None:
    """The anchor a reader of figures to `to_date` should use. When `to_date` is today's
    and the anchor's is not (or there is none), the anchor is moved to it first; a write
    holding it leaves it where it is for the next reader. None when there is no anchor
    and it cannot be set now."""
    current = anchor()
    today = _todays_to_date()
    stale = current != to_date and (current is None or to_date == today)
    if stale and reanchor(today, wait=False):
        return today
    return current


def reanchor(to_date: datetime.date, wait: bool = True) -> bool:
    """Move the anchor to `to_date` and count the per-benefit totals again from the
    register. Holds the anchor while it counts, so no write is missed: writes wait, and
    with `wait` False nothing is done (False) while a write holds it."""
    try:
        with transaction.atomic():
            BenefitTotalAnchor.objects.get_or_create(pk=1, defaults={"to_date": to_date})
            held = BenefitTotalAnchor.objects.select_for_update(nowait=not wait).get(pk=1)
            held.to_date = to_date
            held.save(update_fields=["to_date"])
            BenefitTotal.objects.all().delete()
            with connection.cursor() as cursor:
                for kind, model, force, _ in _BENEFIT_SOURCES:
                    sql = _BENEFIT_REBUILD_SQL.format(table=model._meta.db_table, force=force)
                    cursor.execute(sql, [kind.value, to_date])
    except DatabaseError:
        if wait:
            raise
        logger.info("Per-benefit totals not moved to %s this time.", to_date, exc_info=True)
        return False
    return True


def anchor_after_migrate(*, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """`post_migrate` (which Django sends after `flush` as well): where the anchor is gone,
    put it back at the last whole month, counting the per-benefit totals to it, so the
    totals' check and the triggers find it as migrating left it."""
    if using != DEFAULT_DB_ALIAS:
        return
    if BenefitTotalAnchor._meta.db_table not in connection.introspection.table_names():
        return  # migrated back to before the per-benefit totals
    if anchor() is None:
        reanchor(_todays_to_date())


def _summed(*names: str):
    """The totals grouped by `names`, their rows and pennies summed."""
    return (
        MonthlyTotal.objects.values(*names)
        .annotate(sum_rows=Sum("rows"), sum_pennies=Sum("pennies"))
        .order_by()
    )


def compact() -> int:
    """Fold the rows into one per kind of benefit and month; returns the rows left."""
    with transaction.atomic():
        if connection.vendor in _FOLD_SQL:
            # One statement: rows added meanwhile by other transactions are not touched.
            with connection.cursor() as cursor:
                cursor.execute(_FOLD_SQL[connection.vendor])
        else:
            # SQLite has one writer at a time: read, replace, in one transaction.
            folded = list(_summed("kind", *KEY).exclude(sum_rows=0, sum_pennies=0))
            MonthlyTotal.objects.all().delete()
            MonthlyTotal.objects.bulk_create(
                MonthlyTotal(rows=row.pop("sum_rows"), pennies=row.pop("sum_pennies"), **row)
                for row in folded
            )
    return MonthlyTotal.objects.count()


def try_compact() -> bool:
    """Compact, unless another writer holds the database (SQLite): the rows add up either
    way, so a reader or the import worker carries on."""
    try:
        compact()
    except DatabaseError:
        logger.info("Monthly totals not compacted this time.", exc_info=True)
        return False
    return True


def _register_totals() -> dict[tuple, tuple[int, int]]:
    out = {}
    for kind, model, where in _REGISTER:
        names = [f"benefit__{_BENEFIT_COLUMNS.get(name, name)}" for name in KEY[:-1]]
        rows = (
            model.objects.filter(where, value__isnull=False)
            .values(*names, "period")
            .annotate(rows=Count("pk"), total=Sum("value"))
            .order_by()
        )
        for row in rows:
            key = (kind.value, *(row[name] for name in names), row["period"])
            out[key] = (row["rows"], _pennies(row["total"]))
    return out


def _pennies(value) -> int:
    return int((Decimal(str(value)) * 100).to_integral_value())


def _kept_totals() -> dict[tuple, tuple[int, int]]:
    return {
        (row["kind"], *(row[name] for name in KEY)): (row["sum_rows"], row["sum_pennies"])
        for row in _summed("kind", *KEY)
        if row["sum_rows"] or row["sum_pennies"]
    }


def _register_benefit_totals(to_date: datetime.date) -> dict[tuple, tuple[int, int, int]]:
    out = {}
    for kind, model, _, force in _BENEFIT_SOURCES:
        names = ["benefit_id"] + ([force] if force else [])
        rows = (
            model.objects.filter(value__isnull=False)
            .values(*names)
            .annotate(
                rows=Count("pk"),
                total=Sum("value"),
                to_date=Sum("value", filter=Q(period__lte=to_date)),
            )
            .order_by()
        )
        for row in rows:
            key = (kind.value, row["benefit_id"], row.get(force or "", None) or 0)
            out[key] = (row["rows"], _pennies(row["total"]), _pennies(row["to_date"] or 0))
    return out


def _kept_benefit_totals() -> dict[tuple, tuple[int, int, int]]:
    rows = BenefitTotal.objects.exclude(rows=0, pennies=0, pennies_to_date=0).values_list(
        "kind", "benefit_id", "force_id", "rows", "pennies", "pennies_to_date"
    )
    return {
        (kind, benefit, force): (count, pennies, to_date)
        for kind, benefit, force, count, pennies, to_date in rows
    }


def _benefit_differences() -> list[str]:
    to_date = anchor()
    if to_date is None:
        return ["Per-benefit totals: no month to count to date to (run --rebuild)."]
    register, kept = _register_benefit_totals(to_date), _kept_benefit_totals()
    out = []
    for key in sorted(set(register) | set(kept)):
        want, have = register.get(key, (0, 0, 0)), kept.get(key, (0, 0, 0))
        if want != have:
            kind, benefit_id, force_id = key
            force = f" for force {force_id}" if force_id else ""
            out.append(
                f"{TotalKind(kind).label} of benefit {benefit_id}{force}: "
                f"register {want[0]} rows, {Decimal(want[1]) / 100:.2f}, "
                f"{Decimal(want[2]) / 100:.2f} to {to_date:%Y-%m}; "
                f"kept {have[0]} rows, {Decimal(have[1]) / 100:.2f}, "
                f"{Decimal(have[2]) / 100:.2f}"
            )
    return out


def differences() -> list[str]:
    """Each kind of benefit and month, and each benefit, whose kept total differs from the
    register's."""
    register, kept = _register_totals(), _kept_totals()
    out = []
    for key in sorted(set(register) | set(kept), key=str):
        want, have = register.get(key, (0, 0)), kept.get(key, (0, 0))
        if want != have:
            kind, *dims, period = key
            out.append(
                f"{TotalKind(kind).label} {'/'.join(map(str, dims))} {period:%Y-%m}: "
                f"register {want[0]} rows, {Decimal(want[1]) / 100:.2f}; "
                f"kept {have[0]} rows, {Decimal(have[1]) / 100:.2f}"
            )
    return out + _benefit_differences()


# Reading ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Row:
    """Rows and amount of one kind of benefit and month (amount unsigned, as recorded)."""

    kind: str
    subcategory: str
    is_disbenefit: bool
    identified: bool
    cashable: bool
    period: datetime.date
    rows: int
    amount: Decimal


def read(q: Q) -> list[Row]:
    """The totals selected by `q` over MonthlyTotal's own columns (one query, after
    compacting when the rows have piled up)."""
    if MonthlyTotal.objects.all()[COMPACT_AFTER : COMPACT_AFTER + 1].exists():
        try_compact()
    names = ("kind", "subcategory", "is_disbenefit", "identified", "cashable", "period")
    rows = _summed(*names).filter(q).exclude(sum_rows=0)
    return [
        Row(
            kind=row["kind"],
            subcategory=row["subcategory"],
            is_disbenefit=row["is_disbenefit"],
            identified=row["identified"],
            cashable=row["cashable"],
            period=row["period"],
            rows=row["sum_rows"],
            amount=Decimal(row["sum_pennies"]).scaleb(-2),
        )
        for row in rows
    ]
