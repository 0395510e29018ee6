"""A benefit's page narrowed to one force (`?force=`) puts that force's actuals beside that
force's part of the plan, split exactly as the force's own dashboard view and the month form
split it (docs/realisation.md, "Each force's share"); levels are never split. The page of
the whole collaboration is unchanged."""

import datetime
from decimal import Decimal

import pytest

from realise.benefits import baselines
from realise.benefits.profile import monthly_series
from realise.benefits.realisation import RealisationFilter, realisation
from realise.benefits.services import replace_benefit_shares
from realise.collaborations.services import move_stage
from tests.factories import BenefitFactory, actual, force, plan

D = Decimal
JAN = datetime.date(2025, 1, 1)
TODAY = datetime.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def forces(world):
    world.essex = force("Essex")
    world.kent = force("Kent")


def page(client, user, benefit, who=None):
    client.force_login(user)
    query = f"?force={who.pk}" if who else ""
    response = client.get(f"/benefits/{benefit.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def years_table(html: str) -> str:
    return html[
        html.index('id="caption-years"') : html.index("</table>", html.index('id="caption-years"'))
    ]


def running_table(html: str) -> str:
    start = html.index('id="caption-running"')
    return html[start : html.index("</table>", start)]


def test_a_force_on_its_share_reads_on_plan_not_a_fraction_of_the_whole(client, world):
    """£100.01 planned: Kent's 52.7% is £52.71; Kent realising exactly that is on plan."""
    plan(world.benefit, JAN, ["100.01"])
    actual(world.benefit, JAN, "52.71", world.kent)
    html = page(client, world.carol, world.benefit, world.kent)
    years = years_table(html)
    assert "£52.71" in years and "£100.01" not in years
    assert "£0.00" in years and "-£47.30" not in years
    assert "£52.71" in running_table(html) and "£100.01" not in running_table(html)
    assert "Kent's part of the plan" in html
    assert "against the benefit's whole plan" not in html


def test_each_month_and_running_total_is_the_forces_dashboard_figure(world):
    """Month by month the force's part is the change in its penny-exact split of the running
    total: the page's months are the force's own dashboard view's, to the penny."""
    plan(world.benefit, JAN, ["33.33", "33.33", "33.35", "0.01"])
    figures = realisation(
        RealisationFilter(force=world.essex, initiative=world.initiative),
        today=TODAY,
        include_benefits=False,
        include_trend=False,
    )
    dashboard = {p.start: p.planned for p in figures.money.months}
    series = monthly_series(world.benefit, force=world.essex)
    assert {m["period"]: m["planned"] for m in series["months"]} == dashboard
    # Essex's 47.3% of the running total 33.33, 66.66, 100.01, 100.02 is 15.77, 31.53,
    # 47.30, 47.31 to the penny (the odd penny to the larger remainder).
    assert [m["planned"] for m in series["months"]] == [
        D("15.77"),
        D("15.76"),
        D("15.77"),
        D("0.01"),
    ]
    assert series["months"][-1]["planned_to_date"] == figures.money.planned_total == D("47.31")
    assert series["totals"]["planned"] == D("47.31")


def test_the_forces_parts_add_up_to_the_whole_every_month(world):
    plan(world.benefit, JAN, ["100.01", "0.03", "-0.01", "999.99"])
    whole = monthly_series(world.benefit)
    essex = monthly_series(world.benefit, force=world.essex)
    kent = monthly_series(world.benefit, force=world.kent)
    for w, e, k in zip(whole["months"], essex["months"], kent["months"], strict=True):
        assert e["planned"] + k["planned"] == w["planned"]
        assert e["planned_to_date"] + k["planned_to_date"] == w["planned_to_date"]
    assert essex["totals"]["planned"] + kent["totals"]["planned"] == whole["totals"]["planned"]


def test_the_forces_part_of_collaboration_wide_actuals_counts_as_its_own_view_does(client, world):
    plan(world.benefit, JAN, ["100.00", "100.00"])
    actual(world.benefit, JAN, "100.00")  # for the whole collaboration
    actual(world.benefit, datetime.date(2025, 2, 1), "47.30", world.essex)
    series = monthly_series(world.benefit, force=world.essex)
    assert [m["actual"] for m in series["months"]] == [D("47.30"), D("47.30")]
    assert [m["variance"] for m in series["months"]] == [D("0.00"), D("0.00")]
    figures = realisation(
        RealisationFilter(force=world.essex, initiative=world.initiative),
        today=TODAY,
        include_benefits=False,
        include_trend=False,
    )
    assert series["totals"]["actual"] == figures.money.actual_to_date == D("94.60")
    html = page(client, world.bob, world.benefit, world.essex)
    assert "its part of the actuals recorded for the whole collaboration" in html


def test_a_benefits_own_split_decides_and_a_force_outside_it_has_no_part(world):
    plan(world.benefit, JAN, ["1000.00"])
    replace_benefit_shares(world.benefit, {world.kent: D("100")}, user=world.alice)
    assert monthly_series(world.benefit, force=world.kent)["totals"]["planned"] == D("1000.00")
    assert monthly_series(world.benefit, force=world.essex)["totals"]["planned"] == D("0.00")


def test_a_baseline_and_an_approved_change_are_split_too(client, world):
    plan(world.benefit, JAN, ["100.01", "200.00"])
    move_stage(
        world.initiative,
        3,
        body=world.board,
        decided_on=datetime.date(2024, 12, 1),
        user=world.alice,
    )
    request = baselines.raise_change_request(
        world.benefit,
        {JAN: D("50.00"), datetime.date(2025, 2, 1): D("50.00")},
        reason="Slipped.",
        user=world.alice,
        body=world.board,
    )
    baselines.decide_change_request(
        request, approve=True, decided_on=datetime.date(2025, 1, 15), user=world.alice
    )
    whole = baselines.compare(world.benefit)
    kent = baselines.compare(world.benefit, force=world.kent)
    essex = baselines.compare(world.benefit, force=world.essex)
    assert kent.rebaselined
    # Original 300.01: Kent 158.11 (52.71 then 105.40); current 100.00: Kent 52.70.
    assert [r.original for r in kent.rows] == [D("52.71"), D("105.40")]
    assert [r.baseline for r in kent.rows] == [D("26.35"), D("26.35")]
    assert [r.planned for r in kent.rows] == [D("26.35"), D("26.35")]
    assert kent.totals.original == D("158.11") and kent.totals.baseline == D("52.70")
    for name in ("original", "baseline", "planned"):
        assert getattr(kent.totals, name) + getattr(essex.totals, name) == getattr(
            whole.totals, name
        )
    years = years_table(page(client, world.carol, world.benefit, world.kent))
    assert "£158.11" in years and "£52.70" in years and "£300.01" not in years


def test_a_level_is_never_split_and_says_it_is_the_collaborations(client, world):
    level = BenefitFactory(
        initiative=world.initiative,
        subcategory="2a",
        direction="increase",
        unit="percent",
        baseline_value=D("60"),
        target_value=D("80"),
    )
    plan(level, JAN, ["75"])
    actual(level, JAN, "74", world.essex)
    series = monthly_series(level, force=world.essex)
    assert series["months"][0]["planned"] == D("75.00")
    assert series["months"][0]["actual"] == D("74.00")
    html = page(client, world.bob, level, world.essex)
    assert "so the plan is the whole collaboration's level" in html
    assert "part of the plan" not in html


def test_the_whole_collaborations_page_is_unchanged(client, world):
    plan(world.benefit, JAN, ["100.01"])
    actual(world.benefit, JAN, "52.71", world.kent)
    years = years_table(page(client, world.alice, world.benefit))
    assert "£100.01" in years and "-£47.30" in years
