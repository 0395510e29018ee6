"""Planned, actual and forecast figures for a cut of the register (worked examples).

Today is 15 July 2025 throughout, so "to date" runs to the end of June 2025.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from realise.benefits.models import Benefit
from realise.benefits.realisation import (
    RealisationFilter,
    breakdown,
    filter_benefits,
    financial_quarter,
    financial_year_label,
    last_complete_month,
    measure_summaries,
    parse_month,
    realisation,
)
from tests.factories import BenefitFactory, CollaborationFactory, InitiativeFactory, actual, plan

D = Decimal
TODAY = datetime.date(2025, 7, 15)


def month(year, number):
    return datetime.date(year, number, 1)


@pytest.fixture
def savings(world):
    """The Essex-Kent cashable saving: £1,000 a month planned from April to September."""
    benefit = world.benefit
    benefit.cashable = True
    benefit.save()
    plan(benefit, month(2025, 4), ["1000"] * 6)
    actual(benefit, month(2025, 4), "900")
    actual(benefit, month(2025, 5), "1000")
    actual(benefit, month(2025, 6), "950")
    actual(benefit, month(2025, 7), "500")  # July is not over: not counted yet
    return benefit


def test_to_date_is_the_last_complete_month():
    assert last_complete_month(datetime.date(2025, 7, 15)) == month(2025, 6)
    assert last_complete_month(datetime.date(2025, 7, 1)) == month(2025, 6)
    assert last_complete_month(datetime.date(2025, 1, 31)) == month(2024, 12)


def test_financial_years_run_april_to_march():
    assert financial_year_label(2024) == "2024/25"
    assert financial_year_label(1999) == "1999/00"
    assert [financial_quarter(month(2025, m)) for m in (4, 6, 7, 12, 1, 3)] == [1, 1, 2, 3, 4, 4]


def test_months_are_written_year_dash_month():
    assert parse_month("2025-04") == month(2025, 4)
    for bad in ("2025-13", "2025-4", "April", "2025/04", ""):
        with pytest.raises(ValueError):
            parse_month(bad)


def test_plan_actual_forecast_and_percent_to_date(savings):
    money = realisation(today=TODAY).money
    assert money.planned_total == D("6000.00")
    assert money.planned_to_date == D("3000.00")
    assert money.actual_to_date == D("2850.00")  # 900 + 1000 + 950; July's 500 not yet
    assert money.percent_of_plan_to_date == D("95.00")
    assert money.forecast_total == D("5850.00")  # 2850 + the plan for July to September
    # Trend: the last 3 months averaged £950, over the 3 planned months still to come.
    assert money.trend_forecast_total == D("5700.00")
    assert money.rag == "green"


def test_monthly_quarterly_and_financial_year_series(savings):
    money = realisation(today=TODAY).money
    assert [m.label for m in money.months] == [f"2025-{n:02d}" for n in range(4, 10)]
    june, july = money.months[2], money.months[3]
    assert (june.planned, june.actual, june.forecast) == (D("1000"), D("950"), D("950"))
    assert june.cumulative_actual == D("2850") and june.complete
    assert july.actual is None and july.forecast == D("1000") and not july.complete
    q1, q2 = money.quarters
    assert (q1.label, q1.planned, q1.actual, q1.complete) == (
        "2025/26 Q1",
        D("3000"),
        D("2850"),
        True,
    )
    assert (q2.label, q2.planned, q2.actual, q2.forecast) == (
        "2025/26 Q2",
        D("3000"),
        None,
        D("3000"),
    )
    (year,) = money.years
    assert (year.label, year.planned, year.actual, year.forecast) == (
        "2025/26",
        D("6000"),
        D("2850"),
        D("5850"),
    )


def test_a_year_that_straddles_two_financial_years(world):
    plan(world.benefit, month(2025, 2), ["100", "100", "100", "100"])  # Feb to May 2025
    actual(world.benefit, month(2025, 3), "80")
    actual(world.benefit, month(2025, 4), "120")
    years = realisation(today=TODAY).money.years
    assert [(y.label, y.planned, y.actual) for y in years] == [
        ("2024/25", D("200"), D("80")),
        ("2025/26", D("200"), D("120")),
    ]
    assert years[1].cumulative_planned == D("400") and years[1].cumulative_actual == D("200")


def test_money_and_hours_are_never_mixed_and_levels_are_not_summed(world, savings):
    hours = BenefitFactory(initiative=world.initiative, subcategory="1b", unit="hours")
    plan(hours, month(2025, 4), ["200", "200"])
    actual(hours, month(2025, 4), "150")
    backlog = BenefitFactory(initiative=world.initiative, subcategory="2a", unit="count")
    plan(backlog, month(2025, 4), ["1500"])
    actual(backlog, month(2025, 4), "1400")
    result = realisation(today=TODAY)
    assert result.money.planned_total == D("6000.00")
    assert result.hours.planned_total == D("400.00")
    assert result.hours.actual_to_date == D("150.00")
    assert set(result.money.by_subcategory) == {"1a", "1c"}
    assert set(result.hours.by_subcategory) == {"1b"}


def test_identified_cashable_and_subcategory_slices(world, savings):
    found_later = BenefitFactory(
        initiative=world.initiative, subcategory="1c", identified_in_business_case=False
    )
    actual(found_later, month(2025, 5), "400")
    money = realisation(today=TODAY).money
    assert money.identified.planned_total == D("6000") and money.identified.actual_to_date == D(
        "2850"
    )
    assert money.not_identified.planned_total == D("0")
    assert money.not_identified.actual_to_date == D("400")
    assert money.cashable.actual_to_date == D("2850")
    assert money.non_cashable.actual_to_date == D("400")
    assert money.by_subcategory["1c"].actual_to_date == D("400")
    assert money.actual_to_date == D("3250")


def test_dis_benefits_count_against_the_net_totals(world, savings):
    extra_cost = BenefitFactory(initiative=world.initiative, is_disbenefit=True)
    plan(extra_cost, month(2025, 4), ["100", "100"])
    actual(extra_cost, month(2025, 4), "130")
    money = realisation(today=TODAY).money
    assert money.planned_total == D("5800")  # 6000 - 200
    assert money.actual_to_date == D("2720")  # 2850 - 130


def test_a_period_range_limits_every_figure(savings):
    cut = RealisationFilter(period_from=month(2025, 5), period_to=month(2025, 8))
    money = realisation(cut, today=TODAY).money
    assert money.planned_total == D("4000")
    assert money.planned_to_date == D("2000")
    assert money.actual_to_date == D("1950")
    assert money.forecast_total == D("3950")
    assert [m.label for m in money.months] == ["2025-05", "2025-06", "2025-07", "2025-08"]


def test_a_collaboration_includes_the_collaborations_nested_in_it(world, savings):
    child = CollaborationFactory(parent=world.collab)
    nested = BenefitFactory(initiative=InitiativeFactory(collaboration=child))
    actual(nested, month(2025, 6), "50")
    elsewhere = BenefitFactory()
    actual(elsewhere, month(2025, 6), "7000")
    assert realisation(
        RealisationFilter(collaboration=world.collab), today=TODAY
    ).money.actual_to_date == D("2900")
    assert realisation(
        RealisationFilter(collaboration=child), today=TODAY
    ).money.actual_to_date == D("50")
    assert realisation(today=TODAY).money.actual_to_date == D("9900")


def test_filters_by_initiative_subcategory_stage_status_and_flags(world, savings):
    other = BenefitFactory(subcategory="1c", cashable=True, status="proposed")
    actual(other, month(2025, 6), "10")
    assert set(filter_benefits(RealisationFilter(initiative=world.initiative))) == {savings}
    assert set(filter_benefits(RealisationFilter(subcategories=("1c",)))) == {other}
    assert set(filter_benefits(RealisationFilter(stages=(2,)))) == {savings}
    assert set(filter_benefits(RealisationFilter(statuses=("proposed",)))) == {other}
    assert set(filter_benefits(RealisationFilter(cashable=False))) == set()
    assert set(filter_benefits(RealisationFilter(identified=True))) == {savings, other}
    money = realisation(RealisationFilter(subcategories=("1c",)), today=TODAY).money
    assert money.actual_to_date == D("10")


def test_a_users_scope_limits_the_figures(world, savings):
    assert realisation(
        base=Benefit.objects.visible_to(world.alice), today=TODAY
    ).money.actual_to_date == D("2850")
    # Nora (Norfolk) cannot see the private Essex-Kent collaboration.
    assert realisation(
        base=Benefit.objects.visible_to(world.nora), today=TODAY
    ).money.actual_to_date == D("0")


def test_breakdown_by_initiative(world, savings):
    other = BenefitFactory(initiative=InitiativeFactory(name="Another", collaboration=world.collab))
    plan(other, month(2025, 6), ["300"])
    rows = breakdown("initiative", today=TODAY)
    assert [(r.name, r.money.planned_total, r.money.actual_to_date) for r in rows] == [
        ("Another", D("300"), D("0")),
        ("Joint vetting", D("6000"), D("2850")),
    ]
    assert rows[1].stage == 2
    assert rows[1].money.forecast_total == D("5850")


def test_the_national_totals_are_read_from_monthly_totals_in_a_few_queries(savings):
    def queries(call) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            call()
        return [query["sql"] for query in captured.captured_queries]

    def add_benefits(count: int) -> None:
        for n in range(count):
            extra = BenefitFactory(initiative=savings.initiative)
            plan(extra, month(2025, 1), ["10"] * 12)
            actual(extra, month(2025, 1 + n % 6), "9")

    add_benefits(20)
    headline = queries(lambda: measure_summaries(today=TODAY, include_trend=False))
    everything = queries(lambda: realisation(today=TODAY))
    # Neither the headline figures nor their number of queries grow with the register:
    # nothing linked and every benefit planned, so no planned value or measurement is
    # read for the headline. The one query of the per-benefit totals lists the benefits
    # with actuals but no plan (one index probe per benefit, never a scan of the months).
    reads = [
        sql for sql in headline if "benefits_plannedvalue" in sql or "benefits_measurement" in sql
    ]
    assert reads == []
    unplanned = [sql for sql in headline if "benefits_benefittotal" in sql]
    assert len(unplanned) == 1
    assert unplanned[0].startswith('SELECT "benefits_benefit"."id"')
    assert "SUM(" not in unplanned[0].upper()
    assert len(headline) <= 5
    add_benefits(20)
    assert len(queries(lambda: measure_summaries(today=TODAY, include_trend=False))) == len(
        headline
    )
    assert len(queries(lambda: realisation(today=TODAY))) == len(everything)


def test_as_dict_has_the_documented_keys_with_two_decimal_strings(savings):
    data = realisation(today=TODAY).as_dict()
    money = data["money"]
    for key in (
        "planned_total",
        "planned_to_date",
        "actual_to_date",
        "forecast_total",
        "percent_of_plan_to_date",
        "identified",
        "not_identified",
        "cashable",
        "non_cashable",
        "by_force",
        "by_subcategory",
    ):
        assert key in money
    assert money["planned_total"] == "6000.00"
    assert money["identified"] == {"planned_total": "6000.00", "actual_to_date": "2850.00"}
    assert money["by_subcategory"]["1a"] == {
        "planned_total": "6000.00",
        "actual_to_date": "2850.00",
    }
    assert data["hours"]["planned_total"] == "0.00"
    assert data["hours"]["percent_of_plan_to_date"] is None
    assert data["rag"]["overall"] == "green"
    assert data["to_date"] == "2025-06"
