"""A level benefit's page (a count, a percentage, a score) shows levels as levels: each
month's planned and actual level, each financial year's latest level, and the latest actual
against the plan for that month in place of a total, as the engine's RAG counts it
(docs/realisation.md, "RAG"). Levels are never added up: no "228%" plan, no running total
of percentages. Pounds and hours keep their sums and running totals."""

import datetime
from decimal import Decimal

import pytest

from realise.benefits.models import Benefit
from realise.benefits.profile import monthly_series, profile_context, render_profile_html
from realise.benefits.realisation import benefit_rag
from tests.benefits.page_tables import row, table
from tests.factories import BenefitFactory, actual, force, plan

D = Decimal
APRIL = datetime.date(2025, 4, 1)
MAY = datetime.date(2025, 5, 1)
JUNE = datetime.date(2025, 6, 1)


@pytest.fixture
def percent(world):
    """Vetting cleared within 30 days: planned at 75%, 76% and 77% from April 2025; 74% in
    April (Essex 70%, Kent 78%, averaged) and 76% in May (recorded for the collaboration)."""
    benefit = BenefitFactory(
        initiative=world.initiative,
        reference="EK-P",
        subcategory="2a",
        direction="increase",
        unit="percent",
        baseline_value=D("70"),
        target_value=D("80"),
    )
    plan(benefit, APRIL, ["75", "76", "77"])
    actual(benefit, APRIL, "70", force("Essex"))
    actual(benefit, APRIL, "78", force("Kent"))
    actual(benefit, MAY, "76")
    return benefit


@pytest.fixture
def count(world):
    """A vetting backlog planned to fall 100, 90, 80; the forces' counts add up (40 + 55 in
    April), and May's 85 was recorded for the whole collaboration beside Kent's 50."""
    benefit = BenefitFactory(
        initiative=world.initiative,
        reference="EK-C",
        subcategory="2b",
        direction="decrease",
        unit="count",
        baseline_value=D("110"),
        target_value=D("80"),
    )
    plan(benefit, APRIL, ["100", "90", "80"])
    actual(benefit, APRIL, "40", force("Essex"))
    actual(benefit, APRIL, "55", force("Kent"))
    actual(benefit, MAY, "85")
    actual(benefit, MAY, "50", force("Kent"))
    return benefit


def page(client, world, benefit, query=""):
    client.force_login(world.alice)
    response = client.get(f"/benefits/{benefit.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_percentages_months_are_levels_and_forces_are_averaged(percent):
    series = monthly_series(percent)
    assert series["level"]
    months = series["months"]
    assert [m["planned"] for m in months] == [D("75.00"), D("76.00"), D("77.00")]
    # April: Essex 70% and Kent 78% average 74%, not 148%; May: the collaboration's 76%.
    assert [m["actual"] for m in months] == [D("74.00"), D("76.00"), None]
    assert [m["variance"] for m in months] == [D("-1.00"), D("0.00"), None]
    assert all(m["planned_to_date"] is None and m["actual_to_date"] is None for m in months)


def test_a_percentages_year_and_total_are_levels_not_sums(client, world, percent):
    series = monthly_series(percent)
    (year,) = series["years"]
    # The year's latest plan (June's 77%) and latest actual (May's 76%), never 228% or 150%.
    assert year["planned"] == D("77.00")
    assert year["actual"] == D("76.00")
    assert year["actual_period"] == MAY
    assert year["variance"] == D("0.00")
    # The Total row is the engine's RAG: the latest actual against the plan for that month.
    (rag,) = benefit_rag(base=Benefit.objects.filter(pk=percent.pk))
    totals = series["totals"]
    assert (totals["period"], totals["planned"], totals["actual"]) == (MAY, D("76.00"), D("76.00"))
    assert (totals["planned"], totals["actual"]) == (rag.planned, rag.actual)
    assert totals["rag"] == rag.rag == "green"
    html = page(client, world, percent)
    years = table(html, "caption-years")
    assert "the latest level in the year, never a sum" in years
    assert row(years, "2025/26") == ["77.0%", "76.0%", "0.0 percentage points"]
    assert row(years, "Latest, May 2025") == ["76.0%", "76.0%", "0.0 percentage points"]
    # Sums of levels, as the page would write them (a bare "228" may be in a token or id).
    sums = ("228.0%", "228%", "150.0%", "148.0%", "148%")
    assert not [text for text in sums if text in html]
    assert ">Total</th>" not in years
    assert "Running totals" not in html and "Actual to date" not in html
    levels = table(html, "caption-running")
    assert "Levels month by month" in levels
    assert row(levels, "Apr 2025") == ["75.0%", "74.0%"]


def test_a_counts_year_and_total_are_levels_and_the_collaborations_count_wins(client, world, count):
    series = monthly_series(count)
    # April: the forces' counts add up (95); May: the collaboration's 85, not 85 + 50.
    assert [m["actual"] for m in series["months"]] == [D("95.00"), D("85.00"), None]
    (year,) = series["years"]
    assert (year["planned"], year["actual"], year["variance"]) == (
        D("80.00"),
        D("85.00"),
        D("-5.00"),
    )
    totals = series["totals"]
    assert (totals["planned"], totals["actual"], totals["variance"]) == (
        D("90.00"),
        D("85.00"),
        D("-5.00"),
    )
    years = table(page(client, world, count), "caption-years")
    assert row(years, "2025/26") == ["80", "85", "-5"]
    assert "270" not in years and "180" not in years


def test_a_baselined_levels_baseline_is_a_level_too(world, percent):
    from realise.benefits.baselines import freeze_baseline

    freeze_baseline(world.initiative, approved_on=datetime.date(2025, 3, 1), user=world.alice)
    series = monthly_series(percent)
    (year,) = series["years"]
    assert year["baseline"] == D("77.00")
    assert year["against_baseline"] == D("0.00")
    assert series["totals"]["baseline"] == D("76.00")


def test_one_forces_level_is_its_own_against_the_collaborations_plan(client, world, percent):
    kent = force("Kent")
    series = monthly_series(percent, force=kent)
    assert [m["actual"] for m in series["months"]] == [D("78.00"), None, None]
    totals = series["totals"]
    assert (totals["period"], totals["planned"], totals["actual"]) == (
        APRIL,
        D("75.00"),
        D("78.00"),
    )
    years = table(page(client, world, percent, f"?force={kent.pk}"), "caption-years")
    assert row(years, "Latest, Apr 2025") == ["75.0%", "78.0%", "3.0 percentage points"]


def test_a_levels_chart_draws_levels_not_running_totals(client, world, percent):
    client.force_login(world.alice)
    svg = client.get(f"/benefits/{percent.pk}/chart.svg")
    assert svg.status_code == 200
    assert b"levels month by month" in svg.content
    assert b"running totals" not in svg.content and b"To date" not in svg.content
    html = page(client, world, percent)
    assert "Levels of the current plan and the actuals" in html


def test_a_levels_profile_pdf_shows_levels_not_sums(world, percent):
    context = profile_context(percent, today=datetime.date(2026, 12, 6))
    (year,) = context["years"]
    assert (year["planned"], year["actual"], year["variance"]) == (
        "77.0%",
        "76.0%",
        "0.0 percentage points",
    )
    assert context["level"]
    assert (context["totals"]["planned"], context["totals"]["actual"]) == ("76.0%", "76.0%")
    html = render_profile_html(percent, today=datetime.date(2026, 12, 6))
    assert "Latest, May 2025" in html and "A level is never added up" in html
    assert "228.0%" not in html and "228%" not in html and ">Total<" not in html


def test_a_money_benefit_keeps_its_sums_and_running_totals(client, world):
    plan(world.benefit, APRIL, ["100", "200", "300"])
    actual(world.benefit, APRIL, "90", force("Essex"))
    actual(world.benefit, APRIL, "20", force("Kent"))
    series = monthly_series(world.benefit)
    assert not series["level"]
    assert series["years"][0]["planned"] == D("600.00")
    assert series["totals"]["actual"] == D("110.00")
    assert [m["planned_to_date"] for m in series["months"]] == [
        D("100.00"),
        D("300.00"),
        D("600.00"),
    ]
    html = page(client, world, world.benefit)
    # The actual to date less the plan to date (April to June): 110 - 600.
    assert row(table(html, "caption-years"), ">Total</th>") == ["£600.00", "£110.00", "-£490.00"]
    assert "Running totals, as drawn in the chart" in html
    context = profile_context(world.benefit, today=datetime.date(2026, 12, 6))
    assert context["years"][0]["planned"] == "£600.00"
    assert context["totals"]["planned"] == "£600.00"
