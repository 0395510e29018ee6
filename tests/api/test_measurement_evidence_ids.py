"""API: each actual lists its evidence by id, oldest first, on the list, the detail and
after a correction; the list reads the ids of a page's evidence in one query."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from realise.benefits.models import Evidence
from realise.benefits.services import record_measurement
from tests.factories import force

pytestmark = pytest.mark.django_db
LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _record(world, month, note):
    return record_measurement(
        world.benefit,
        month,
        user=world.bob,
        force=force("Essex"),
        value=Decimal("100.00"),
        evidence_note=note,
    )


def _evidence_ids(measurement):
    return list(
        Evidence.objects.filter(measurement=measurement)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def test_list_detail_and_correction_give_the_evidence_ids_oldest_first(as_user, world):
    actual = _record(world, LAST_MONTH, "Ledger extract")
    extra = Evidence.objects.create(measurement=actual, note="Invoice")
    client = as_user(world.bob)
    listed = client.get(f"/api/v1/measurements/?benefit={world.benefit.pk}").json()["results"]
    assert [row["evidence"] for row in listed if row["id"] == actual.pk] == [_evidence_ids(actual)]
    assert _evidence_ids(actual)[-1] == extra.pk and len(_evidence_ids(actual)) == 2
    detail = client.get(f"/api/v1/measurements/{actual.pk}/").json()
    assert detail["evidence"] == _evidence_ids(actual)
    corrected = client.post(
        "/api/v1/measurements/",
        {
            "benefit": world.benefit.pk,
            "period": LAST_MONTH.strftime("%Y-%m"),
            "force": force("Essex").pk,
            "value": "120.00",
            "evidence_note": "Corrected ledger",
        },
        format="json",
    )
    assert corrected.status_code == 201, corrected.json()
    assert corrected.json()["evidence"] == _evidence_ids(actual)
    assert len(corrected.json()["evidence"]) == 3


def test_more_evidence_costs_the_list_no_more_queries(as_user, world):
    months = [LAST_MONTH.replace(year=LAST_MONTH.year - 1, month=m) for m in (1, 2, 3)]
    actuals = [_record(world, month, "Ledger") for month in months]
    client = as_user(world.bob)
    url = f"/api/v1/measurements/?benefit={world.benefit.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        first = client.get(url).json()["results"]
    for actual in actuals:
        Evidence.objects.bulk_create(
            Evidence(measurement=actual, note=f"Note {i}") for i in range(5)
        )
    with CaptureQueriesContext(connection) as many:
        second = client.get(url).json()["results"]
    assert len(many.captured_queries) == len(few.captured_queries)
    assert sorted(len(row["evidence"]) for row in second) == sorted(
        len(row["evidence"]) + 5 for row in first
    )
