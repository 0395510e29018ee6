"""Public pages and open data: published collaborations and what they delivered, no sign-in."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from realise.benefits.models import Measurement
from tests.factories import BenefitFactory, CollaborationFactory, InitiativeFactory, actual, share


@pytest.fixture
def published(world):
    """A public collaboration whose money, hours and service benefits are known."""
    collab = CollaborationFactory(
        name="Eastern Roads Policing",
        slug="eastern-roads",
        visibility="public",
        purpose="Three forces patrol the A12 and A14 together to cut serious collisions.",
        objectives="Fewer people killed or seriously injured\nOne patrol rota",
        function="roads_policing",
    )
    share(collab, "Essex", "50")
    share(collab, "Suffolk", "30")
    share(collab, "Norfolk", "20")
    initiative = InitiativeFactory(collaboration=collab, name="Joint A12 patrols", stage=4)
    money = BenefitFactory(
        initiative=initiative, reference="ER-1", title="Fewer hire cars", subcategory="1a"
    )
    avoided = BenefitFactory(
        initiative=initiative, reference="ER-2", title="Avoided overtime", subcategory="1c"
    )
    hours = BenefitFactory(
        initiative=initiative,
        reference="ER-3",
        title="Hours released",
        subcategory="1b",
        unit="hours",
    )
    harm = BenefitFactory(
        initiative=initiative,
        reference="ER-4",
        title="Longer travel",
        subcategory="1a",
        is_disbenefit=True,
    )
    service = BenefitFactory(
        initiative=initiative,
        reference="ER-5",
        title="Fewer serious collisions",
        subcategory="2b",
        unit="count",
        measure="Killed or seriously injured on the A12",
    )
    actual(money, datetime.date(2025, 4, 1), "1000.50")
    actual(money, datetime.date(2025, 5, 1), "2000.25")
    actual(avoided, datetime.date(2025, 5, 1), "500.00")
    actual(hours, datetime.date(2025, 4, 1), "120")
    actual(hours, datetime.date(2025, 5, 1), "80")
    actual(harm, datetime.date(2025, 5, 1), "999")
    actual(service, datetime.date(2025, 4, 1), "14")
    actual(service, datetime.date(2025, 5, 1), "11")
    # Published figures count verified actuals only: these are verified; June's is not.
    Measurement.objects.filter(benefit__initiative=initiative).update(verified_at=timezone.now())
    actual(money, datetime.date(2025, 6, 1), "50000")
    actual(hours, datetime.date(2025, 6, 1), "900")
    # A policing collaboration's benefits are never published.
    hidden = InitiativeFactory(
        collaboration=CollaborationFactory(name="Hidden unit", visibility="policing")
    )
    actual(
        BenefitFactory(initiative=hidden, reference="H-1", subcategory="1a"),
        datetime.date(2025, 4, 1),
        "7777",
    )
    return collab


def test_the_public_list_needs_no_sign_in_and_shows_published_only(published, client):
    page = client.get("/public/").content.decode()
    assert "Eastern Roads Policing" in page
    assert "Hidden unit" not in page and "Essex and Kent Serious Crime" not in page
    # money 1000.50 + 2000.25 + 500.00 = 3500.75 (the dis-benefit is not netted off)
    assert "£3,501" in page
    assert "How benefits are measured" in page


def test_a_published_collaboration_in_plain_english(published, client):
    page = client.get("/public/collaborations/eastern-roads/").content.decode()
    assert "Three forces patrol the A12 and A14" in page
    assert "Essex, Norfolk, Suffolk" in page
    assert "£3,501" in page and ">200<" in page  # hours: 120 + 80
    assert "11 in May 2025" in page  # the latest collision count
    assert "Longer travel" in page  # dis-benefits listed on their own
    assert client.get("/public/how-benefits-are-measured/").status_code == 200


def test_an_unpublished_collaboration_has_no_public_page(world, published, client):
    assert client.get("/public/collaborations/ek/").status_code == 404


def test_open_data_collaborations_json(published, client):
    response = client.get("/open-data/collaborations.json")
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["licence"] == "Open Government Licence v3.0"
    assert data["count"] == 1
    (record,) = data["collaborations"]
    assert record["slug"] == "eastern-roads"
    assert record["objectives"] == ["Fewer people killed or seriously injured", "One patrol rota"]
    assert record["function"] == "roads_policing"
    assert [f["name"] for f in record["member_forces"]] == ["Essex", "Norfolk", "Suffolk"]
    assert record["member_forces"][0]["share_percent"] == "50.0000"
    assert record["realised_money_gbp"] == "3500.75"
    assert record["realised_hours"] == "200.00"
    assert record["initiatives"] == [{"name": "Joint A12 patrols", "stage": 4, "status": "active"}]
    assert record["url"] == "http://testserver/public/collaborations/eastern-roads/"


def test_open_data_benefits_json_and_csv_agree(published, client):
    records = client.get("/open-data/benefits.json").json()["benefits"]
    by_reference = {r["reference"]: r for r in records}
    assert set(by_reference) == {"ER-1", "ER-2", "ER-3", "ER-4", "ER-5"}
    assert by_reference["ER-1"]["realised_total"] == "3000.75"
    assert by_reference["ER-1"]["first_period"] == "2025-04"
    assert by_reference["ER-4"]["is_disbenefit"] is True
    response = client.get("/open-data/benefits.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["reference"] for r in rows] == [r["reference"] for r in records]
    assert Decimal(rows[0]["realised_total"]) == Decimal("3000.75")
    assert rows[3]["is_disbenefit"] == "true"


def test_open_data_collaborations_csv(published, client):
    text = b"".join(client.get("/open-data/collaborations.csv").streaming_content).decode(
        "utf-8-sig"
    )
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["member_forces"] == "Essex; Norfolk; Suffolk"
    assert row["realised_money_gbp"] == "3500.75"
    assert row["initiatives"] == "Joint A12 patrols (stage 4, active)"


def test_public_pages_and_open_data_say_they_count_verified_actuals_only(published, client):
    for address in ("/public/", "/public/collaborations/eastern-roads/", "/open-data/"):
        page = client.get(address).content.decode()
        assert "count verified actuals only" in page, address
    data = client.get("/open-data/benefits.json").json()
    assert "verified actuals only" in data["figures"]
    fewer = next(b for b in data["benefits"] if b["reference"] == "ER-1")
    assert (fewer["realised_total"], fewer["last_period"]) == ("3000.75", "2025-05")
