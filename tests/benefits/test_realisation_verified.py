"""How much of each total is verified: `verified_actual_to_date` beside `actual_to_date`.

Worked example (today 15 July 2025, so "to date" ends with June): the Essex-Kent cashable
saving has actuals of £900 (April, whole collaboration), £1,000 (May, whole
collaboration) and £950 (June, Essex); an hours benefit has 10.25 hours in April and
12.50 in May. Verified: April's £900, June's £950 and May's 12.50 hours. So money verified
to date is £1,850 of £2,850 and hours 12.50 of 22.75. Essex's share (47.3% of the
collaboration-wide values, its own in full): verified £900 x 47.3% = £425.70 + £950 =
£1,375.70.
"""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Q
from django.utils import timezone

from realise.benefits import totals
from realise.benefits.models import Measurement
from realise.benefits.realisation import RealisationFilter, breakdown, realisation
from tests.factories import BenefitFactory, actual, force

D = Decimal
TODAY = datetime.date(2025, 7, 15)


def month(number):
    return datetime.date(2025, number, 1)


def verify(measurement):
    Measurement.objects.filter(pk=measurement.pk).update(verified_at=timezone.now())


@pytest.fixture
def figures(world):
    saving = world.benefit
    saving.cashable = True
    saving.save()
    april = actual(saving, month(4), "900")
    actual(saving, month(5), "1000")
    june = actual(saving, month(6), "950", force("Essex"))
    hours = BenefitFactory(initiative=world.initiative, subcategory="1b", unit="hours")
    actual(hours, month(4), "10.25")
    may_hours = actual(hours, month(5), "12.50")
    for measurement in (april, june, may_hours):
        verify(measurement)
    world.hours = hours
    return world


def test_the_national_figures_say_how_much_is_verified(figures):
    data = realisation(today=TODAY).as_dict()
    assert (data["money"]["actual_to_date"], data["money"]["verified_actual_to_date"]) == (
        "2850.00",
        "1850.00",
    )
    assert (data["hours"]["actual_to_date"], data["hours"]["verified_actual_to_date"]) == (
        "22.75",
        "12.50",
    )


def test_the_monthly_totals_keep_verified_actuals_and_follow_a_cleared_verification(figures):
    def verified(subcategory):
        rows = totals.read(Q(kind="v", subcategory=subcategory))
        return sum((r.amount for r in rows), D("0"))

    assert verified("1a") == D("1850.00")
    Measurement.objects.filter(period=month(6)).update(verified_at=None)
    assert verified("1a") == D("900.00")
    assert totals.differences() == []
    totals.rebuild()
    assert verified("1a") == D("900.00")


def test_a_collaboration_and_a_force_cut_say_how_much_is_verified(figures):
    by_collaboration = realisation(
        RealisationFilter(collaboration=figures.collab), today=TODAY
    ).as_dict()
    assert by_collaboration["money"]["verified_actual_to_date"] == "1850.00"
    essex = realisation(RealisationFilter(force=force("Essex")), today=TODAY).as_dict()
    assert essex["money"]["verified_actual_to_date"] == "1375.70"
    [joint] = breakdown("initiative", today=TODAY)
    assert (joint.money.actual_to_date, joint.money.verified_actual_to_date) == (
        D("2850.00"),
        D("1850.00"),
    )


def test_the_api_and_cli_json_carry_it(figures, client):
    client.force_login(figures.alice)
    response = client.get("/api/v1/realisation/")
    assert response.status_code == 200
    assert "verified_actual_to_date" in response.json()["money"]


def test_the_dashboard_and_highlight_report_show_the_verified_part(figures, client):
    from realise.benefits.realisation import measure_summaries
    from realise.documents.highlight import _headline

    client.force_login(figures.alice)
    page = client.get("/dashboards/collaborations/ek/").content.decode()
    assert "Realised to date: verified" in page
    table = _headline(measure_summaries(today=TODAY, include_trend=False))
    header = [column["label"] for column in table["columns"]]
    money = table["rows"][0]
    assert money[header.index("Of which verified")] == "£1,850.00"
