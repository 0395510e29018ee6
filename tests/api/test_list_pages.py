"""API: a page of a list reads the rows it shows, not what only one record read alone needs
(the rules check one record against its collaboration, which is read with it)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from realise.benefits.services import record_measurement
from tests.factories import force

pytestmark = pytest.mark.django_db
LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _page(queries, table: str) -> str:
    """The query that read the page's rows of `table`."""
    (sql,) = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'SELECT "{table}"."id"')
    ]
    return sql


def test_a_page_of_actuals_reads_the_actuals_alone(as_user, world):
    actual = record_measurement(
        world.benefit,
        LAST_MONTH,
        user=world.bob,
        force=force("Essex"),
        value=Decimal("100.00"),
        evidence_note="Ledger",
    )
    client = as_user(world.bob)
    with CaptureQueriesContext(connection) as read:
        listed = client.get(f"/api/v1/measurements/?benefit={world.benefit.pk}").json()
    row = next(row for row in listed["results"] if row["id"] == actual.pk)
    assert (row["benefit"], row["force"]) == (world.benefit.pk, force("Essex").pk)
    page = _page(read, "benefits_measurement")
    for column in ('"benefits_benefit"."title"', '"collaborations_initiative"."name"'):
        assert column not in page
    assert '"collaborations_collaboration"."name"' not in page
    assert '"organisations_force"."name"' not in page
    detail = client.get(f"/api/v1/measurements/{actual.pk}/")
    assert detail.status_code == 200 and detail.json()["benefit"] == world.benefit.pk


def test_a_page_of_benefits_reads_their_initiatives_but_not_their_collaborations(as_user, world):
    client = as_user(world.bob)
    with CaptureQueriesContext(connection) as read:
        listed = client.get("/api/v1/benefits/").json()
    row = next(row for row in listed["results"] if row["id"] == world.benefit.pk)
    assert row["initiative"] == world.initiative.pk
    assert row["minimum_standard"]["stage"] == world.initiative.stage
    page = _page(read, "benefits_benefit")
    assert '"collaborations_initiative"."stage"' in page
    assert '"collaborations_collaboration"."name"' not in page
    detail = client.get(f"/api/v1/benefits/{world.benefit.pk}/")
    assert detail.status_code == 200 and detail.json()["initiative"] == world.initiative.pk
