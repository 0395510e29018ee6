"""The month form shows a force's line its share of the month's plan, split exactly as every
other figure of Realise splits a plan between forces (docs/realisation.md, "Each force's
share"); the whole collaboration's line shows the whole plan."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from realise.benefits.realisation import RealisationFilter, realisation
from realise.benefits.services import replace_benefit_shares
from tests.factories import BenefitFactory, member, plan

MONTH = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def forces(world):
    world.essex = world.collab.shares.get(force__name="Essex").force
    world.kent = world.collab.shares.get(force__name="Kent").force


def url(month=MONTH):
    return f"/actuals/month/?month={month.month}&year={month.year}"


def plans_shown(client, user, benefit):
    """{whose: plan} of the benefit's lines on the user's month form, and the page."""
    client.force_login(user)
    response = client.get(url())
    assert response.status_code == 200
    lines = [line for line in response.context["form"].lines if line.benefit == benefit]
    return {line.whose: line.plan for line in lines}, response.content.decode()


def row_of(html: str, reference: str) -> str:
    table = html.split('id="lines"')[1]
    return table.split(f">{reference}</a>")[1].split("</tr>")[0]


def test_each_force_lead_sees_their_share_to_the_penny_and_the_parts_add_up(client, world):
    """£100.01 planned: Essex (47.3%) £47.30, Kent (52.7%) £52.71, the whole £100.01."""
    world.benefit.reference = "EK-1"
    world.benefit.save()
    plan(world.benefit, MONTH, ["100.01"])
    essex, html = plans_shown(client, world.bob, world.benefit)
    assert essex == {"Essex": Decimal("47.30")}
    assert "£47.30" in row_of(html, "EK-1") and "£100.01" not in row_of(html, "EK-1")
    kent, _ = plans_shown(client, world.carol, world.benefit)
    assert kent == {"Kent": Decimal("52.71")}
    whole, _ = plans_shown(client, world.alice, world.benefit)
    assert whole == {"Whole collaboration": Decimal("100.01")}
    assert essex["Essex"] + kent["Kent"] == whole["Whole collaboration"]


def test_a_forces_month_agrees_with_its_own_view_of_the_plan(client, world):
    """Month by month a force's part is the change in its penny-exact split of the running
    total, as the force's own dashboard counts it: the form shows the same figure."""
    plan(world.benefit, datetime.date(2026, 1, 1), ["33.33", "33.33", "33.35"])
    shown, _ = plans_shown(client, world.bob, world.benefit)
    figures = realisation(
        RealisationFilter(force=world.essex, initiative=world.initiative),
        today=datetime.date(2026, 12, 6),
        include_benefits=False,
        include_trend=False,
    )
    march = next(p for p in figures.money.months if p.start == MONTH)
    assert shown == {"Essex": march.planned}
    # 99.99 to March is £47.30 for Essex, 66.66 to February £31.53: March's part is £15.77.
    assert march.planned == Decimal("15.77")


def test_a_benefit_with_its_own_split_is_shown_by_that_split(client, world):
    plan(world.benefit, MONTH, ["1000.00"])
    replace_benefit_shares(
        world.benefit, {world.essex: Decimal("10"), world.kent: Decimal("90")}, user=world.alice
    )
    assert plans_shown(client, world.bob, world.benefit)[0] == {"Essex": Decimal("100.00")}
    assert plans_shown(client, world.carol, world.benefit)[0] == {"Kent": Decimal("900.00")}


def test_hours_are_split_like_money(client, world):
    hours = BenefitFactory(
        initiative=world.initiative, reference="EK-H", subcategory="1b", unit="hours"
    )
    plan(hours, MONTH, ["10.00"])
    assert plans_shown(client, world.bob, hours)[0] == {"Essex": Decimal("4.73")}


def test_a_level_is_not_split_and_says_it_is_the_collaborations(client, world):
    """A percentage (or a count or score) is a level, never split between forces: the line
    shows the collaboration's planned level, and says so."""
    level = BenefitFactory(
        initiative=world.initiative,
        reference="EK-L",
        subcategory="2a",
        direction="increase",
        unit="percent",
        baseline_value=Decimal("60"),
        target_value=Decimal("80"),
    )
    plan(level, MONTH, ["75"])
    shown, html = plans_shown(client, world.bob, level)
    assert shown == {"Essex": Decimal("75.00")}
    assert "whole collaboration" in row_of(html, "EK-L")


def test_a_force_lead_within_one_collaboration_sees_the_same_share(client, world):
    plan(world.benefit, MONTH, ["100.01"])
    fay = member("fay", "Kent", "force_lead", world.collab)
    assert plans_shown(client, fay, world.benefit)[0] == {"Kent": Decimal("52.71")}


def test_the_single_actual_form_shows_a_force_lead_their_forces_share(client, world):
    """The form starts on the force lead's own force: the plan beside it is that force's."""
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    plan(world.benefit, last_month, ["100.01"])
    client.force_login(world.bob)
    page = client.get(f"/benefits/{world.benefit.pk}/actuals/new/").content.decode()
    beside = page.split('id="beside-the-input"')[1].split("</dl>")[0]
    assert f"Plan for {last_month:%b %Y} (Essex)" in beside and "£47.30" in beside
    assert "100.01" not in beside
    client.force_login(world.alice)  # may record the whole collaboration: the whole plan
    page = client.get(f"/benefits/{world.benefit.pk}/actuals/new/").content.decode()
    beside = page.split('id="beside-the-input"')[1].split("</dl>")[0]
    assert "£100.01" in beside and "(Essex)" not in beside
