"""Published pounds are pounds and published hours are hours: a money or time sub-category
measured in another unit (a register loaded before the unit rules, or written around them)
is never added into the public totals, which agree with the monthly file's months."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from realise.benefits.models import Benefit, Measurement
from tests.factories import BenefitFactory, CollaborationFactory, InitiativeFactory, actual, share

D = Decimal


@pytest.fixture
def published(world):
    collab = CollaborationFactory(name="Open Roads", slug="open-roads", visibility="public")
    share(collab, "Essex", "100")
    initiative = InitiativeFactory(collaboration=collab, name="Joint patrols", stage=4)
    pounds = BenefitFactory(initiative=initiative, reference="OR-1", subcategory="1a")
    hours = BenefitFactory(initiative=initiative, reference="OR-2", subcategory="1b", unit="hours")
    counted = BenefitFactory(initiative=initiative, reference="OR-3", subcategory="1c")
    timed = BenefitFactory(initiative=initiative, reference="OR-4", subcategory="1b", unit="hours")
    actual(pounds, datetime.date(2025, 4, 1), "1200.40")
    actual(hours, datetime.date(2025, 4, 1), "75.5")
    actual(counted, datetime.date(2025, 4, 1), "40")
    actual(timed, datetime.date(2025, 4, 1), "650.00")
    # Units the forms refuse for these sub-categories, written around them.
    Benefit.objects.filter(pk=counted.pk).update(unit="count")
    Benefit.objects.filter(pk=timed.pk).update(unit="GBP")
    Measurement.objects.filter(benefit__initiative=initiative).update(verified_at=timezone.now())
    return collab


def test_the_collaborations_file_counts_pounds_and_hours_only(published, client):
    data = json.loads(client.get("/open-data/collaborations.json").content)
    record = next(r for r in data["collaborations"] if r["slug"] == "open-roads")
    assert record["realised_money_gbp"] == "1200.40"
    assert record["net_money_gbp"] == "1200.40"
    assert record["realised_hours"] == "75.50"
    assert record["net_hours"] == "75.50"


def test_the_collaborations_file_agrees_with_the_monthly_file(published, client):
    response = client.get("/open-data/collaborations.csv")
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    record = next(r for r in csv.DictReader(io.StringIO(raw)) if r["slug"] == "open-roads")
    months = json.loads(client.get("/open-data/monthly.json").content)["months"]
    ours = [m for m in months if m["collaboration"] == "open-roads" and m["actual"]]
    pounds = sum((D(m["actual"]) for m in ours if m["unit"] == "GBP"), D("0"))
    hours = sum((D(m["actual"]) for m in ours if m["unit"] == "hours"), D("0"))
    assert (D(record["realised_money_gbp"]), D(record["realised_hours"])) == (pounds, hours)


def test_the_public_list_leads_with_the_pounds(published, client):
    page = client.get("/public/").content.decode()
    assert ">£1,200.40<" in page and ">75.5 hours<" in page
    assert "£1,240.40" not in page and "725.5 hours" not in page
