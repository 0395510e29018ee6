"""A benefit's page, its profile PDF and its RAG rating count the same figures to date: the
plan of every month up to the last complete month, whether an actual was recorded for it or
not, against the actuals of the same months (docs/realisation.md, "Months, 'to date'").
The running month's actual is shown in its month, marked, and counted once the month is
over. Two percentages differ by percentage points, never by a percentage.

Every figure below is worked out by hand, on 15 July 2025: "to date" is April to June 2025,
and July 2025 is the running month."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from realise.benefits.models import Benefit
from realise.benefits.profile import monthly_series, profile_context
from realise.benefits.realisation import RealisationFilter, benefit_rag, realisation
from tests.benefits.page_tables import row, table
from tests.benefits.test_ipa_profile import pdf_text
from tests.factories import BenefitFactory, actual, force, plan

D = Decimal
TODAY = datetime.date(2025, 7, 15)
APRIL, MAY, JUNE, JULY = (datetime.date(2025, month, 1) for month in (4, 5, 6, 7))


@pytest.fixture(autouse=True)
def mid_july(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def saving(world):
    """£1,000 a month planned from April to September 2025 (£6,000; £3,000 to June).
    April: £900 for the whole collaboration; May: nothing recorded; June: Essex £500 and
    Kent £600; July (not over): £400 for the whole collaboration."""
    plan(world.benefit, APRIL, ["1000"] * 6)
    actual(world.benefit, APRIL, "900")
    actual(world.benefit, JUNE, "500", force("Essex"))
    actual(world.benefit, JUNE, "600", force("Kent"))
    actual(world.benefit, JULY, "400")
    return world.benefit


@pytest.fixture
def percent(world):
    """Vetting cleared within 30 days, from a baseline of 70%: planned at 75%, 76%, 77% and
    78% from April 2025. April: Essex 70% and Kent 78% (averaged, 74%); May: 75% for the
    collaboration; June: nothing recorded; July (not over): 80%."""
    benefit = BenefitFactory(
        initiative=world.initiative,
        reference="EK-P",
        subcategory="2a",
        direction="increase",
        unit="percent",
        baseline_value=D("70"),
        target_value=D("80"),
    )
    plan(benefit, APRIL, ["75", "76", "77", "78"])
    actual(benefit, APRIL, "70", force("Essex"))
    actual(benefit, APRIL, "78", force("Kent"))
    actual(benefit, MAY, "75")
    actual(benefit, JULY, "80")
    return benefit


def page(client, world, benefit, query=""):
    client.force_login(world.alice)
    response = client.get(f"/benefits/{benefit.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def pdf(client, world, benefit) -> str:
    client.force_login(world.alice)
    response = client.get(reverse("benefit-profile-pdf", args=[benefit.pk]))
    assert response.status_code == 200
    _pages, text = pdf_text(response.content)
    return " ".join(text.split())


def the_rag(benefit):
    (rag,) = benefit_rag(base=Benefit.objects.filter(pk=benefit.pk), today=TODAY)
    return rag


def test_the_variance_is_the_actual_to_date_less_the_plan_to_date(client, world, saving):
    """Plan to date £3,000 (April, May and June, May's too though nothing was recorded);
    actual to date £900 + £1,100 = £2,000 (July's £400 is not counted yet): -£1,000. Not
    -£600, the variances of the months with an actual (July's included)."""
    rag = the_rag(saving)
    assert (rag.planned, rag.actual, rag.rag) == (D("3000.00"), D("2000.00"), "red")
    series = monthly_series(saving)
    totals = series["totals"]
    assert totals["variance"] == rag.actual - rag.planned == D("-1000.00")
    assert totals["planned"] == D("6000.00")
    assert (totals["planned_to_date"], totals["actual"]) == (rag.planned, rag.actual)
    (year,) = series["years"]
    assert (year["planned"], year["actual"], year["variance"]) == (
        D("6000.00"),
        D("2000.00"),
        D("-1000.00"),
    )
    # Each complete month's actual less its plan (May's nothing less £1,000); the running
    # month and those after it have none yet. The months add up to the year.
    assert [m["variance"] for m in series["months"]] == [
        D("-100.00"),
        D("-1000.00"),
        D("100.00"),
        None,
        None,
        None,
    ]
    html = page(client, world, saving)
    years = table(html, "caption-years")
    assert "Actual less plan to date" in years
    assert row(years, "2025/26") == ["£6,000.00", "£2,000.00", "-£1,000.00"]
    assert row(years, ">Total</th>") == ["£6,000.00", "£2,000.00", "-£1,000.00"]
    assert "planned £3,000.00, actual £2,000.00" in html
    assert "to the end of June 2025" in html


def test_the_running_months_actual_is_shown_but_not_counted(client, world, saving):
    series = monthly_series(saving)
    # The running totals (and the chart) stop counting actuals at June: £2,000, not £2,400.
    assert [m["actual_to_date"] for m in series["months"]] == [
        D("900.00"),
        D("900.00"),
        D("2000.00"),
        D("2000.00"),
        D("2000.00"),
        D("2000.00"),
    ]
    july = series["months"][3]
    assert (july["period"], july["actual"], july["counted"]) == (JULY, D("400.00"), False)
    html = page(client, world, saving)
    assert row(table(html, "caption-running"), "Jul 2025") == ["£4,000.00", "£2,000.00"]
    months = table(html, "caption-months-2025")
    shown = row(months, "Jul 2025")
    assert shown[1].startswith("£400.00") and "not counted until the month is over" in shown[1]
    assert shown[2] == "–"  # no variance for a month that is not over
    assert "not counted" not in "".join(row(months, "Jun 2025"))
    assert "£2,400.00" not in html


def test_the_profile_pdf_shows_the_pages_figures(client, world, saving):
    html = page(client, world, saving)
    text = pdf(client, world, saving)
    # Year: baseline (none), current plan, actual to date, actual less plan to date.
    assert "2025/26 – £6,000.00 £2,000.00 -£1,000.00" in text
    assert "Total – £6,000.00 £2,000.00 -£1,000.00" in text
    assert row(table(html, "caption-years"), ">Total</th>") == [
        "£6,000.00",
        "£2,000.00",
        "-£1,000.00",
    ]
    assert "£2,400.00" not in text
    assert "Actuals count the complete months to the end of June 2025" in text


def test_one_forces_figures_to_date_are_its_own_views(client, world, saving):
    """Essex (47.3%): its part of the plan is £473 a month, £1,419 to June and £2,838 in
    all. Its actual to date is its part of April's £900 for the collaboration, £425.70, and
    its own £500 in June: £925.70, -£493.30 against its plan to date. July's £400 (of which
    its part is £189.20) is not counted yet."""
    essex = force("Essex")
    figures = realisation(
        RealisationFilter(force=essex, initiative=world.initiative),
        today=TODAY,
        include_benefits=False,
        include_trend=False,
    )
    assert (figures.money.planned_to_date, figures.money.actual_to_date) == (
        D("1419.00"),
        D("925.70"),
    )
    series = monthly_series(saving, force=essex)
    totals = series["totals"]
    assert totals["actual"] == figures.money.actual_to_date
    assert totals["variance"] == D("-493.30")
    assert totals["planned"] == D("2838.00")
    assert totals["planned_to_date"] == figures.money.planned_to_date
    assert series["months"][3]["actual"] == D("189.20")
    years = table(page(client, world, saving, f"?force={essex.pk}"), "caption-years")
    assert row(years, "2025/26") == ["£2,838.00", "£925.70", "-£493.30"]
    assert row(years, ">Total</th>") == ["£2,838.00", "£925.70", "-£493.30"]


def test_a_dis_benefits_costs_to_date_are_its_rags(client, world):
    """A cost planned at £100 a month from April: £300 to June. Incurred £150 in April,
    nothing in May, £120 in June (£270), and £80 in July, not over: £30 less than planned
    to date, which is green for a cost. Not +£50, the months with an actual."""
    cost = BenefitFactory(initiative=world.initiative, is_disbenefit=True, reference="EK-D")
    plan(cost, APRIL, ["100"] * 4)
    actual(cost, APRIL, "150")
    actual(cost, JUNE, "120")
    actual(cost, JULY, "80")
    rag = the_rag(cost)
    assert (rag.planned, rag.actual, rag.rag) == (D("300.00"), D("270.00"), "green")
    totals = monthly_series(cost)["totals"]
    assert (totals["actual"], totals["variance"]) == (rag.actual, D("-30.00"))
    assert totals["planned_to_date"] == rag.planned
    html = page(client, world, cost)
    assert row(table(html, "caption-years"), ">Total</th>") == ["£400.00", "£270.00", "-£30.00"]
    context = profile_context(cost, today=TODAY)
    assert (context["totals"]["actual"], context["totals"]["variance"]) == ("£270.00", "-£30.00")
    assert context["years"][0]["variance"] == "-£30.00"


def test_a_percentages_variance_is_in_percentage_points(client, world, percent):
    """The latest level to June is May's 75% against May's plan of 76%: -1.0 percentage
    points, amber ((75 - 70) / (76 - 70) = 83%). July's 80% is not counted yet, so the
    year's latest actual is May's too, against the year's latest plan of 78%."""
    rag = the_rag(percent)
    assert (rag.planned, rag.actual, rag.rag) == (D("76"), D("75"), "amber")
    series = monthly_series(percent)
    (year,) = series["years"]
    assert (year["planned"], year["actual"], year["actual_period"], year["variance"]) == (
        D("78.00"),
        D("75.00"),
        MAY,
        D("-1.00"),
    )
    totals = series["totals"]
    assert (totals["period"], totals["planned"], totals["actual"], totals["variance"]) == (
        MAY,
        D("76.00"),
        D("75.00"),
        D("-1.00"),
    )
    assert [m["variance"] for m in series["months"]] == [D("-1.00"), D("-1.00"), None, None]
    html = page(client, world, percent)
    years = table(html, "caption-years")
    assert row(years, "2025/26") == ["78.0%", "75.0%", "-1.0 percentage points"]
    assert row(years, "Latest, May 2025") == ["76.0%", "75.0%", "-1.0 percentage points"]
    months = table(html, "caption-months-2025")
    assert row(months, "Apr 2025") == ["75.0%", "74.0%", "-1.0 percentage points"]
    assert "not counted until the month is over" in row(months, "Jul 2025")[1]
    assert "-1.0%" not in html and "2.0%" not in html
    text = pdf(client, world, percent)
    assert "2025/26 – 78.0% 75.0% -1.0 percentage points" in text
    assert "Latest, May 2025 – 76.0% 75.0% -1.0 percentage points" in text
    assert "-1.0%" not in text


def test_one_forces_level_differs_in_points_too(client, world, percent):
    """Essex's own latest level to June is April's 70% against the collaboration's plan of
    75%: -5.0 percentage points."""
    essex = force("Essex")
    totals = monthly_series(percent, force=essex)["totals"]
    assert (totals["period"], totals["actual"], totals["variance"]) == (
        APRIL,
        D("70.00"),
        D("-5.00"),
    )
    years = table(page(client, world, percent, f"?force={essex.pk}"), "caption-years")
    assert row(years, "Latest, Apr 2025") == ["75.0%", "70.0%", "-5.0 percentage points"]
