"""Like for like: the percentage of plan compares only benefits that have a plan.

Today is 15 July 2025, so "to date" runs to the end of June 2025. The Essex-Kent saving
(Essex 47.3%, Kent 52.7%) planned £1,000 a month from April and realised £900, £1,000 and
£950: £2,850 against £3,000, 95%. Two benefits of another initiative of the same
collaboration have actuals but no plan at all: a saving the business case never
identified (£600 in May, £300 in June, £200 in July, not over yet) and an identified cost
avoidance not profiled yet (£100 in June). Their £1,000 is "realised outside the plan":
counted in the actuals, never divided by the plan of others. Added in, the headline would
have read (2,850 + 1,000) / 3,000 = 128.33%.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from realise.benefits.realisation import RealisationFilter, breakdown, realisation
from realise.organisations.models import Force
from tests.factories import BenefitFactory, InitiativeFactory, actual, plan

D = Decimal
TODAY = datetime.date(2025, 7, 15)


def month(number):
    return datetime.date(2025, number, 1)


@pytest.fixture
def register(world):
    planned = world.benefit
    plan(planned, month(4), ["1000"] * 6)
    for number, value in ((4, "900"), (5, "1000"), (6, "950")):
        actual(planned, month(number), value)
    found = InitiativeFactory(collaboration=world.collab, name="Found savings", slug="found")
    world.unidentified = BenefitFactory(
        initiative=found, reference="EK-X1", identified_in_business_case=False
    )
    for number, value in ((5, "600"), (6, "300"), (7, "200")):
        actual(world.unidentified, month(number), value)
    world.unprofiled = BenefitFactory(initiative=found, reference="EK-X2", subcategory="1c")
    actual(world.unprofiled, month(6), "100")
    world.found = found
    return world


def test_the_nation_compares_planned_benefits_only(register):
    money = realisation(today=TODAY).money
    assert money.planned_to_date == D("3000.00")
    assert money.actual_to_date == D("3850.00")  # everything realised: 2,850 + 1,000
    assert money.outside_plan == D("1000.00")  # 600 + 300 + 100; July is not over
    assert money.percent_of_plan_to_date == D("95.00")  # 2,850 / 3,000, not 128.33
    assert money.rag == "green"
    assert money.not_identified.actual_to_date == D("900.00")


def test_the_json_shows_the_outside_plan_figure_apart(register):
    data = realisation(today=TODAY).as_dict()
    assert data["money"]["outside_plan"] == {"actual_to_date": "1000.00"}
    assert data["money"]["percent_of_plan_to_date"] == "95.00"
    assert data["hours"]["outside_plan"] == {"actual_to_date": "0.00"}


def test_a_collaboration_cut_read_from_rows_follows_the_same_rule(register):
    money = realisation(RealisationFilter(collaboration=register.collab), today=TODAY).money
    assert (money.actual_to_date, money.outside_plan) == (D("3850.00"), D("1000.00"))
    assert money.percent_of_plan_to_date == D("95.00")


def test_a_cut_of_unplanned_benefits_only_has_no_percentage(register):
    money = realisation(RealisationFilter(initiative=register.found), today=TODAY).money
    assert money.outside_plan == money.actual_to_date == D("1000.00")
    assert money.percent_of_plan_to_date is None
    assert money.rag == "none"


def test_a_force_sees_its_share_outside_the_plan(register):
    essex = Force.objects.get(name="Essex")
    money = realisation(RealisationFilter(force=essex), today=TODAY).money
    # Essex 47.3%: plan 1,419.00; planned actuals 1,348.05; outside 425.70 + 47.30.
    assert money.planned_to_date == D("1419.00")
    assert money.outside_plan == D("473.00")
    assert money.actual_to_date == D("1821.05")
    assert money.percent_of_plan_to_date == D("95.00")


def test_each_force_of_the_national_breakdown_compares_like_for_like(register):
    forces = realisation(today=TODAY).money.forces
    essex = forces.totals("E23000028")
    assert essex.outside_plan == D("473.00")
    assert essex.percent_of_plan_to_date == D("95.00")
    kent = forces.totals("E23000032")
    assert kent.outside_plan == D("527.00")  # 900 x 52.7% = 474.30; 100 x 52.7% = 52.70
    assert kent.percent_of_plan_to_date == D("95.00")  # 1,501.95 / 1,581.00


def test_the_breakdown_by_initiative_keeps_unplanned_actuals_apart(register):
    rows = {row.slug: row.money for row in breakdown("initiative", today=TODAY)}
    assert rows["joint-vetting"].percent_of_plan_to_date == D("95.00")
    found = rows["found"]
    assert (found.actual_to_date, found.outside_plan) == (D("1000.00"), D("1000.00"))
    assert found.percent_of_plan_to_date is None


def test_a_plan_brings_the_benefit_back_into_the_percentage(register):
    plan(register.unprofiled, month(6), ["100"])
    money = realisation(today=TODAY).money
    assert money.outside_plan == D("900.00")
    # (2,850 + 100) / (3,000 + 100) = 95.16%
    assert money.percent_of_plan_to_date == D("95.16")


def test_the_command_prints_the_outside_plan_figure(register, capsys):
    call_command("realisation", "--today", "2025-07-15", "--format", "csv")
    lines = capsys.readouterr().out.splitlines()
    assert "money,outside_plan.actual_to_date,1000.00" in lines
    assert "money,percent_of_plan_to_date,95.00" in lines


def test_the_api_gives_the_same_json(register, client):
    # Counted to the last complete month before today: every month of 2025's plan is over.
    client.force_login(register.alice)
    money = client.get("/api/v1/realisation/?collaboration=ek").json()["money"]
    # 900 + 1,000 + 950 planned benefits; 600 + 300 + 200 + 100 outside the plan.
    assert money["actual_to_date"] == "4050.00"
    assert money["outside_plan"] == {"actual_to_date": "1200.00"}
    assert money["planned_to_date"] == "6000.00"
    assert money["percent_of_plan_to_date"] == "47.50"  # 2,850 / 6,000
