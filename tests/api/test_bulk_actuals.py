"""Recording many actuals in one request: all of them, or none with every problem named."""

import datetime
from decimal import Decimal

from realise.benefits.models import Evidence, Measurement
from realise.core.models import AuditRecord
from tests.factories import force

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
MONTH_BEFORE = (LAST_MONTH - datetime.timedelta(days=1)).replace(day=1)
NEXT_YEAR = datetime.date.today().replace(day=1).replace(year=datetime.date.today().year + 1)


def item(world, period, force_name, value, note="Finance ledger extract"):
    return {
        "benefit": world.benefit.pk,
        "period": period.strftime("%Y-%m"),
        "force": force(force_name).pk if force_name else None,
        "value": value,
        "evidence_note": note,
    }


def test_programme_team_records_a_batch_in_one_go(world, as_user):
    batch = [
        item(world, MONTH_BEFORE, "Essex", "1000.50"),
        item(world, MONTH_BEFORE, "Kent", "1100.25"),
        item(world, LAST_MONTH, "Essex", "900"),
    ]
    response = as_user(world.alice).post(
        "/api/v1/measurements/bulk/", {"measurements": batch}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["recorded"] == 3
    assert Measurement.objects.count() == 3
    assert Evidence.objects.count() == 3
    essex = Measurement.objects.get(period=MONTH_BEFORE, force__name="Essex")
    assert essex.value == Decimal("1000.50")
    assert essex.entered_by == world.alice
    assert AuditRecord.objects.filter(model="benefits.measurement", via="api").count() == 3


def test_one_bad_item_records_nothing_and_each_problem_is_named(world, as_user):
    batch = [
        item(world, MONTH_BEFORE, "Essex", "1000"),
        item(world, MONTH_BEFORE, "Kent", "not a number"),
        item(world, NEXT_YEAR, "Essex", "5"),
        item(world, LAST_MONTH, "Essex", "7", note=""),
    ]
    response = as_user(world.alice).post(
        "/api/v1/measurements/bulk/", {"measurements": batch}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {(e["index"], e["field"]) for e in errors} == {
        (1, "value"),
        (2, "period"),
        (3, "evidence_note"),
    }
    assert "months that have begun" in next(e["message"] for e in errors if e["index"] == 2)
    assert not Measurement.objects.exists()
    assert not Evidence.objects.exists()


def test_a_force_lead_cannot_slip_another_forces_actual_into_a_batch(world, as_user):
    batch = [item(world, MONTH_BEFORE, "Essex", "10"), item(world, MONTH_BEFORE, "Kent", "20")]
    response = as_user(world.bob).post(
        "/api/v1/measurements/bulk/", {"measurements": batch}, format="json"
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["index"] == 1 and error["field"] == "force" and "Kent" in error["message"]
    assert not Measurement.objects.exists()


def test_the_same_month_and_force_twice_is_refused(world, as_user):
    batch = [item(world, MONTH_BEFORE, "Essex", "10"), item(world, MONTH_BEFORE, "Essex", "11")]
    response = as_user(world.alice).post(
        "/api/v1/measurements/bulk/", {"measurements": batch}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["index"] == 1
    assert not Measurement.objects.exists()


def test_an_empty_or_missing_batch_is_refused(world, as_user):
    alice = as_user(world.alice)
    for body in ({}, {"measurements": []}, [1, 2]):
        response = alice.post("/api/v1/measurements/bulk/", body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "measurements"


def test_a_hidden_benefit_is_refused_as_if_it_did_not_exist(world, as_user):
    response = as_user(world.nora).post(
        "/api/v1/measurements/bulk/",
        {"measurements": [item(world, MONTH_BEFORE, "Norfolk", "1")]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "benefit"
