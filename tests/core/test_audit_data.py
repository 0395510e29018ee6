"""`realise audit verify --data`: live rows changed behind the audit trail's back are named.

Each test changes the database with plain SQL, as someone with database access but not
the application would, and expects the check to name the row and what differs.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from realise.benefits.models import Measurement, PlannedValue
from realise.benefits.services import record_measurement
from realise.core.audit import verify_data
from tests.factories import force

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def audit(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def sql_insert(instance) -> int:
    """Insert an unsaved model instance with plain SQL (no history, no audit record)."""
    model = type(instance)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(instance, add=True), connection) for f in fields]
    table = model._meta.db_table
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608
    return model.objects.order_by("-pk").values_list("pk", flat=True).first()


def record(world, period, value, force_name="Essex"):
    user = world.bob if force_name == "Essex" else world.carol
    return record_measurement(
        world.benefit,
        period,
        user=user,
        force=force(force_name),
        value=Decimal(value),
        evidence_note="Monthly return",
    )


@pytest.fixture
def actual(world):
    """An actual and a planned value, written through the application."""
    measurement = record(world, LAST_MONTH, "10.00")
    planned = PlannedValue(benefit=world.benefit, period=LAST_MONTH, value=Decimal("12.50"))
    planned._history_user = world.alice
    planned.save()
    return measurement, planned


def test_rows_written_changed_and_deleted_through_the_application_match_the_trail(world, actual):
    measurement, planned = actual
    record(world, LAST_MONTH, "11.25")
    planned.value = Decimal("13")
    planned.save()
    extra = PlannedValue.objects.create(
        benefit=world.benefit, period=LAST_MONTH.replace(year=LAST_MONTH.year - 1), value=1
    )
    extra.delete()

    verdict = verify_data()
    assert verdict.ok, [d.message() for d in verdict.discrepancies]
    assert verdict.rows >= 2 and verdict.models >= 10
    code, out, err = audit("verify", "--data")
    assert (code, err) == (0, "")
    assert "Audit trail intact" in out and "Live data matches the audit trail" in out


def test_an_sql_update_of_an_actual_is_named_with_the_recorded_and_found_values(world, actual):
    measurement, _ = actual
    sql("UPDATE benefits_measurement SET value = %s WHERE id = %s", ["99.00", measurement.pk])

    code, out, err = audit("verify", "--data")
    assert code == 1
    assert "Audit trail intact" in out  # the trail itself is untouched
    assert (
        f"benefits.measurement {measurement.pk}: changed outside the application since "
        f"audit record " in err
    )
    assert 'value recorded "10.00", found "99.00"' in err
    assert "1 row of" in err


def test_an_sql_update_of_another_kind_of_record_is_named(world, actual):
    sql(
        "UPDATE benefits_benefit SET title = %s WHERE id = %s", ["Quietly better", world.benefit.pk]
    )
    [discrepancy] = verify_data().discrepancies
    assert (discrepancy.model, discrepancy.object_id, discrepancy.kind) == (
        "benefits.benefit",
        str(world.benefit.pk),
        "changed",
    )
    assert discrepancy.fields == {"title": ("Reduced vetting backlog", "Quietly better")}


@pytest.mark.parametrize("table", ["benefits_measurement", "benefits_plannedvalue"])
def test_an_sql_delete_is_named(world, actual, table):
    row = actual[0] if table == "benefits_measurement" else actual[1]
    if table == "benefits_measurement":  # its evidence goes with it
        sql("DELETE FROM benefits_evidence WHERE measurement_id = %s", [row.pk])
    sql(f"DELETE FROM {table} WHERE id = %s", [row.pk])  # noqa: S608 - a fixed table name

    code, _, err = audit("verify", "--data")
    assert code == 1
    label = row._meta.label_lower
    assert f"{label} {row.pk}: deleted outside the application (audit record " in err


def test_an_sql_insert_of_an_actual_and_of_a_planned_value_is_named(world, actual):
    earlier = LAST_MONTH.replace(year=LAST_MONTH.year - 1)
    measurement_pk = sql_insert(
        Measurement(benefit=world.benefit, period=earlier, force=force("Kent"), value=Decimal("5"))
    )
    planned_pk = sql_insert(PlannedValue(benefit=world.benefit, period=earlier, value=7))

    code, _, err = audit("verify", "--data")
    assert code == 1
    assert (
        f"benefits.measurement {measurement_pk}: inserted outside the application "
        "(no audit record)." in err
    )
    assert (
        f"benefits.plannedvalue {planned_pk}: inserted outside the application "
        "(no audit record)." in err
    )
    assert "2 rows of" in err


def test_a_row_put_back_by_sql_after_the_application_deleted_it_is_named(world, actual):
    _, planned = actual
    kept = PlannedValue.objects.filter(pk=planned.pk).values().get()
    planned.delete()
    columns = ", ".join(kept)
    sql(
        f"INSERT INTO benefits_plannedvalue ({columns}) VALUES ({', '.join(['%s'] * len(kept))})",  # noqa: S608
        list(kept.values()),
    )
    [discrepancy] = verify_data().discrepancies
    assert discrepancy.kind == "inserted" and discrepancy.object_id == str(kept["id"])
    assert "says it was deleted" in discrepancy.message()


def test_the_forces_loaded_by_a_migration_are_in_the_trail(forces):
    assert verify_data().ok


def test_the_check_reads_each_kind_of_record_in_a_fixed_number_of_queries(
    world, actual, django_assert_num_queries
):
    """No query per row: ten times the rows take the same queries."""
    with CaptureQueriesContext(connection) as few:
        verify_data()
    start = LAST_MONTH.replace(year=LAST_MONTH.year - 2, month=1)
    for month in range(20):
        record(world, start + datetime.timedelta(days=31 * month), month, "Kent")
    with django_assert_num_queries(len(few.captured_queries)):
        assert verify_data().ok


def test_a_field_changed_on_a_timestamp_alone_is_not_a_difference(world, actual):
    measurement, _ = actual
    Measurement.objects.filter(pk=measurement.pk).update(updated_at=timezone.now())
    assert verify_data().ok
