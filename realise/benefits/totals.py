"""Monthly totals of the register, for national figures without scanning every month.

Database triggers (migrations `0006_monthlytotal`, and `0007` for verified actuals) add a
`MonthlyTotal` row for every write to planned values and measurements (and verifications),
and move a benefit's months when its sub-category, unit, sign, cashable or identified flags
change. The rows of one kind of benefit and month
therefore always add up to the register's own totals, in the same transaction as the
write. Writers only ever insert, so they never wait on each other here; `compact()` folds
the rows into one per kind and month, and readers compact when the rows pile up.

`realise totals --check` compares the totals with the register; `--rebuild` recomputes
them (after a `flush` on SQLite, say, which deletes tables in no set order).
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from decimal import Decimal

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q, Sum

from realise.benefits.models import Measurement, MonthlyTotal, PlannedValue, TotalKind

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
    """Recompute every total from the register; returns the rows written."""
    MonthlyTotal.objects.all().delete()
    with connection.cursor() as cursor:
        for kind, table, where in _SOURCES:
            cursor.execute(_REBUILD_SQL.format(table=table, where=where), [kind.value])
    return MonthlyTotal.objects.count()


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


def differences() -> list[str]:
    """Each kind of benefit and month whose kept total differs from the register's."""
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
    return out


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
