"""The flush that ends a test whose rows are committed: quick, and back to the database as
migrating left it.

A test with a live server or a task worker in another process commits its rows, and Django
ends it with a flush of every table (about 150). On PostgreSQL that is one `TRUNCATE` of
them all, and PostgreSQL gives each table and each index a new file: 0.6 s with the tables
empty and 1 s after the demo on a quiet machine, several seconds with both cores busy. And
a flush empties the tables migrations load rows into as well (the 43 forces, their audit
records, the month the per-benefit totals count to), so the next test loaded the forces
again, with new ids, and the demo's snapshot (tests/demo_snapshot.py), taken on the
database as migrated, no longer fitted it.

While `restoring_migrated_rows` is open, a flush (PostgreSQL or SQLite):

* deletes the rows of the tables that hold any, found with one query, with the foreign
  keys (Django makes them deferrable) checked as it commits: 0.01 to 0.2 s. The kept
  totals, which the register's triggers write as its rows are deleted, are deleted last,
  so none is left behind;
* then, in the same transaction, puts back every row the database held as the test process
  started (`migrated`: read just after it was copied from the migrated template), with its
  id, so the database is again exactly as migrating left it.

A flush that resets sequences or cascades (one a test asks for itself) is Django's own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from unittest import mock

from django.db import transaction

from tests import demo_snapshot


class _Deletes(list):
    """The statements of a flush made here: `execute_sql_flush` puts the rows back after."""


def _tables_with_rows(ops, tables: list[str]) -> list[str]:
    """The tables of `tables` holding at least one row, in their order, in one query."""
    quote = ops.quote_name  # the names are Django's own tables, quoted
    query = " UNION ALL ".join(
        f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})"  # noqa: S608
        for table in tables
    )
    with ops.connection.cursor() as cursor:
        cursor.execute(query, tables)
        holding = {row[0] for row in cursor.fetchall()}
    return [table for table in tables if table in holding]


@contextlib.contextmanager
def restoring_migrated_rows(connection, migrated: dict[str, demo_snapshot.Rows]) -> Iterator[None]:
    """While open, a flush of `connection`'s database leaves it holding `migrated` alone."""
    operations = type(connection.ops)
    django_flush, django_execute = operations.sql_flush, operations.execute_sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return django_flush(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        last = demo_snapshot.KEPT_BY_TRIGGERS
        order = sorted(tables, key=lambda table: (table in last, table))
        return _Deletes(
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
            for table in _tables_with_rows(self, order)
        )

    def execute_sql_flush(self, sql_list):
        if not isinstance(sql_list, _Deletes):
            return django_execute(self, sql_list)
        with transaction.atomic(using=self.connection.alias):
            with self.connection.cursor() as cursor:
                for sql in sql_list:
                    cursor.execute(sql)
            demo_snapshot.write_back(migrated)
        return None

    with (
        mock.patch.object(operations, "sql_flush", sql_flush),
        mock.patch.object(operations, "execute_sql_flush", execute_sql_flush),
    ):
        yield
