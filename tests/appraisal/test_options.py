"""Options of an economic case, their lines, and benefit lines linked to the register."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from realise.appraisal import services
from realise.appraisal.models import BenefitValue, CostLine, CostValue, Option
from realise.benefits.services import replace_plan
from tests.factories import BenefitFactory, InitiativeFactory, plan

D = Decimal


def option(world, name="Joint vetting unit", **fields):
    fields.setdefault("first_year", 2024)
    return services.save_option(world.initiative, user=world.alice, name=name, **fields)


def linked_values(line_option):
    _, benefits = services.line_figures(line_option)
    return benefits[0].values


def test_a_plan_spanning_march_and_april_splits_across_financial_years(world):
    # Feb and Mar 2025 are in 2024/25; Apr and May 2025 in 2025/26; Mar 2026 too; Apr 2026 not.
    plan(world.benefit, datetime.date(2025, 2, 1), ["100", "200", "300", "400"])
    plan(world.benefit, datetime.date(2026, 3, 1), ["50", "60"])
    case = option(world)
    services.save_benefit_line(case, user=world.alice, name="Savings", benefit=world.benefit)

    assert linked_values(case) == {2024: D("300"), 2025: D("750"), 2026: D("60")}


def test_hours_are_valued_at_the_lines_cost_per_hour(world):
    hours = BenefitFactory(initiative=world.initiative, subcategory="1b", unit="hours")
    plan(hours, datetime.date(2025, 4, 1), ["10", "10", "10.5"])
    plan(hours, datetime.date(2026, 4, 1), ["5"])
    case = option(world)
    services.save_benefit_line(
        case, user=world.alice, name="Hours released", benefit=hours, cost_per_hour=D("40.50")
    )

    # 30.5 hours x £40.50 = £1,235.25; 5 hours x £40.50 = £202.50
    assert linked_values(case) == {2025: D("1235.25"), 2026: D("202.50")}


def test_a_dis_benefit_counts_against_the_option(world):
    disbenefit = BenefitFactory(initiative=world.initiative, is_disbenefit=True)
    plan(disbenefit, datetime.date(2025, 4, 1), ["250"])
    case = option(world)
    services.save_benefit_line(case, user=world.alice, name="Extra cost", benefit=disbenefit)

    assert linked_values(case) == {2025: D("-250")}


def test_only_money_and_hours_benefits_of_the_initiative_can_be_linked(world):
    case = option(world)
    backlog = BenefitFactory(
        initiative=world.initiative, subcategory="2a", unit="count", title="Backlog"
    )
    with pytest.raises(ValidationError, match="measured as count, which has no value in pounds"):
        services.save_benefit_line(case, user=world.alice, name="Backlog", benefit=backlog)

    hours = BenefitFactory(initiative=world.initiative, subcategory="1b", unit="hours")
    with pytest.raises(ValidationError, match="give the value of one hour"):
        services.save_benefit_line(case, user=world.alice, name="Hours", benefit=hours)

    elsewhere = BenefitFactory(initiative=InitiativeFactory())
    with pytest.raises(ValidationError, match="benefit of this initiative"):
        services.save_benefit_line(case, user=world.alice, name="Other", benefit=elsewhere)

    with pytest.raises(ValidationError, match="takes its values from the benefit"):
        services.save_benefit_line(
            case, user=world.alice, name="Both", benefit=world.benefit, values={2025: D("1")}
        )


def test_linked_lines_follow_changes_to_the_plan(world):
    plan(world.benefit, datetime.date(2024, 4, 1), ["1000"])
    case = option(world)
    services.save_benefit_line(case, user=world.alice, name="Savings", benefit=world.benefit)
    assert services.appraise_option(case).result.pv_benefits == D("1000")

    replace_plan(
        world.benefit,
        {datetime.date(2024, 4, 1): D("1000"), datetime.date(2025, 6, 1): D("2070")},
        user=world.alice,
    )

    # 2,070 in year 1 is worth 2,070 / 1.035 = 2,000 today.
    assert services.appraise_option(case).result.pv_benefits == D("3000")
    assert not BenefitValue.objects.exists()  # the case keeps no copy of the register's values


def test_every_initiative_has_exactly_one_business_as_usual_option(world):
    # Read by someone who may not change the case: shown, never written.
    assert [o.name for o in services.options_of(world.initiative)] == ["Business as usual"]
    assert not Option.objects.filter(initiative=world.initiative).exists()
    first = services.options_of(world.initiative, user=world.alice)
    again = services.options_of(world.initiative, user=world.alice)

    assert [o.name for o in first] == ["Business as usual"]
    assert first[0].pk == again[0].pk
    assert (
        Option.objects.filter(initiative=world.initiative, is_business_as_usual=True).count() == 1
    )


def test_business_as_usual_cannot_be_deleted_but_other_options_can(world):
    baseline = services.business_as_usual(world.initiative)
    with pytest.raises(ValidationError, match="cannot be deleted"):
        services.delete_option(baseline, user=world.alice)

    case = option(world)
    services.save_cost_line(
        case, user=world.alice, name="Build", kind="capex", values={2024: D("5000")}
    )
    services.delete_option(case, user=world.alice)

    assert list(Option.objects.values_list("name", flat=True)) == ["Business as usual"]
    assert not CostLine.objects.exists() and not CostValue.objects.exists()
    assert CostLine.history.filter(history_type="-", history_user=world.alice).count() == 1


def test_npsv_is_compared_with_business_as_usual(world):
    baseline = services.business_as_usual(world.initiative)
    services.save_option(world.initiative, user=world.alice, option=baseline, first_year=2024)
    services.save_cost_line(
        baseline, user=world.alice, name="Old servers", kind="opex", values={2024: D("500")}
    )
    case = option(world, optimism_bias_capex="0.2")
    services.save_cost_line(
        case, user=world.alice, name="Build", kind="capex", values={2024: D("1000")}
    )
    services.save_benefit_line(case, user=world.alice, name="Savings", values={2025: D("2070")})

    comparison = services.compare_options(world.initiative)
    by_name = {a.option.name: a for a in comparison.appraisals}
    ours, bau = by_name["Joint vetting unit"], by_name["Business as usual"]

    # Costs 1,000 + 20% bias = 1,200; benefits 2,070 / 1.035 = 2,000; NPSV 800.
    assert ours.result.pv_costs == D("1200")
    assert ours.result.optimism_bias_pv == D("200")
    assert ours.result.npsv == D("800")
    assert ours.result.vfm_category == "medium"  # BCR 2,000 / 1,200 = 1.67
    assert bau.result.npsv == D("-500")
    assert ours.relative_npsv == D("1300")
    assert bau.relative_npsv == D("0")
    assert comparison.comparable


def test_an_options_deflators_override_the_initiatives(world):
    case = option(world, first_year=2025)
    services.save_cost_line(
        case,
        user=world.alice,
        name="Contract",
        kind="opex",
        prices="nominal",
        values={2025: D("1000"), 2026: D("1050")},
    )
    services.replace_deflators(world.initiative, {2025: D("100"), 2026: D("105")}, user=world.alice)
    # 1,050 in 2026 prices is 1,000 in 2025 prices, discounted by 1.035.
    expected = D("1000") + D("1000") / D("1.035")  # 1,966.18
    assert round(services.appraise_option(case).result.pv_costs, 2) == round(expected, 2)

    services.replace_deflators(world.initiative, {2026: D("110")}, user=world.alice, option=case)
    assert services.deflators_for(case) == {2025: D("100"), 2026: D("110")}


def test_values_before_the_first_year_are_refused(world):
    case = option(world, first_year=2025)
    with pytest.raises(ValidationError, match="2024/25 is before the option's first year"):
        services.save_cost_line(
            case, user=world.alice, name="Early", kind="capex", values={2024: D("1")}
        )

    services.save_cost_line(
        case, user=world.alice, name="Build", kind="capex", values={2025: D("1")}
    )
    with pytest.raises(ValidationError, match="Some lines have values before this year"):
        services.save_option(world.initiative, user=world.alice, option=case, first_year=2026)

    plan(world.benefit, datetime.date(2025, 1, 1), ["100"])  # in 2024/25
    services.save_benefit_line(case, user=world.alice, name="Savings", benefit=world.benefit)
    appraisal = services.appraise_option(case)
    assert appraisal.result is None
    assert "Line 'Savings' has a value in 2024/25" in appraisal.error


def test_only_the_programme_team_changes_the_case(world):
    with pytest.raises(PermissionDenied):
        services.save_option(world.initiative, user=world.dave, name="Mine", first_year=2025)
    case = option(world)
    with pytest.raises(PermissionDenied):
        services.save_cost_line(case, user=world.bob, name="X", kind="capex", values={})
    assert Option.history.filter(name="Joint vetting unit").get().history_user == world.alice
