"""The demo, built once per test process and copied into each module that reads it.

Building the demo takes tens of seconds; copying its rows back takes a fraction of one. A
snapshot holds, for each table the demo changed, its rows after the demo was built, and
for every table its rows before (the empty register the other tests start from). A module
gets the copy only when its database is in that same starting state; otherwise (a
transactional test's flush gave the 43 forces new ids, say) the demo is built again.

Rows are copied as the database returned them, with their ids, hashes and timestamps, so
the audit chain and every figure are those of the demo as built. Totals the database keeps
with triggers (`MonthlyTotal`, `BenefitTotal`) are replaced by the snapshot's after the
other rows are in, whatever the triggers added while they went in. Foreign keys are
checked at commit (Django makes them deferrable), so tables can go in in any order.
"""

from __future__ import annotations

import datetime
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models

from realise.benefits.models import BenefitTotal, MonthlyTotal

Rows = list[tuple[Any, ...]]
# Totals the database's triggers write as the register's rows go in or out.
KEPT_BY_TRIGGERS = frozenset({MonthlyTotal._meta.db_table, BenefitTotal._meta.db_table})


def _models() -> list[type[models.Model]]:
    seen, found = set(), []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        found.append(model)
    return found


def _columns(model: type[models.Model]) -> list[str]:
    return [field.column for field in model._meta.concrete_fields]


def _rows(model: type[models.Model]) -> Rows:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in _columns(model))
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} ORDER BY {pk}")  # noqa: S608
        return [tuple(row) for row in cursor.fetchall()]


def table_rows() -> dict[str, Rows]:
    return {model._meta.db_table: _rows(model) for model in _models()}


@dataclass
class Snapshot:
    before: dict[str, Rows]
    after: dict[str, Rows]  # only the tables the demo changed
    media: Path


def take(before: dict[str, Rows], media: Path) -> Snapshot:
    """What the demo changed, once it has been built on top of `before`."""
    after = {table: rows for table, rows in table_rows().items() if rows != before.get(table, [])}
    return Snapshot(before, after, media)


def _adapted(model: type[models.Model], rows: Rows) -> Rows:
    """Values as the database gave them, put back as it takes them: PostgreSQL gives JSON
    back as Python values, SQLite a time of day as a `time` it cannot take in."""
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        def back(value: Any) -> Any:
            return Jsonb(value) if isinstance(value, dict | list) else value

        wanted = [isinstance(f, models.JSONField) for f in model._meta.concrete_fields]
    else:

        def back(value: Any) -> Any:
            return value.isoformat() if isinstance(value, datetime.time) else value

        wanted = [isinstance(f, models.TimeField) for f in model._meta.concrete_fields]
    if not any(wanted):
        return rows
    return [
        tuple(back(v) if w and v is not None else v for v, w in zip(row, wanted, strict=True))
        for row in rows
    ]


def _write(model: type[models.Model], rows: Rows, *, replace: bool) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = _columns(model)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        if replace:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        if rows:
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
                f"VALUES ({marks})",
                _adapted(model, rows),
            )


def write_back(rows_by_table: dict[str, Rows]) -> None:
    """Insert each table's rows as they were read (`table_rows`), into tables emptied, and
    move each table's sequence past them (a flush that restarted it may have gone before)."""
    by_table = {model._meta.db_table: model for model in _models()}
    written = [by_table[table] for table, rows in rows_by_table.items() if rows]
    for model in written:
        _write(model, rows_by_table[model._meta.db_table], replace=False)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), written):
            cursor.execute(statement)


def restore(snapshot: Snapshot, media: Path) -> bool:
    """Copy the demo in; False (nothing done) when the database is not in the state the
    snapshot was taken from."""
    if table_rows() != snapshot.before:
        return False
    by_table = {model._meta.db_table: model for model in _models()}
    for table, rows in snapshot.after.items():
        if table not in KEPT_BY_TRIGGERS:
            _write(by_table[table], rows, replace=bool(snapshot.before.get(table)))
    for table in KEPT_BY_TRIGGERS & snapshot.after.keys():
        _write(by_table[table], snapshot.after[table], replace=True)
    changed = [by_table[table] for table in snapshot.after]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), changed):
            cursor.execute(statement)
    shutil.copytree(snapshot.media, media, dirs_exist_ok=True)
    return True
