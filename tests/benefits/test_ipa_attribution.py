"""Several initiatives share one measured outcome; each claims its stated share.

Fewer recruits withdrawing saves £1,000 a month (April to June 2025 planned and realised).
Joint vetting claims 60%, a recruitment initiative 30%; 10% is claimed by nobody.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from realise.benefits.contributions import replace_attributions
from realise.benefits.realisation import RealisationFilter, breakdown, measure_summaries
from tests.factories import BenefitFactory, InitiativeFactory, actual, plan

D = Decimal
TODAY = datetime.date(2025, 7, 15)


def money(**cut):
    return measure_summaries(RealisationFilter(**cut), today=TODAY, include_trend=False)["money"]


@pytest.fixture
def shared(world):
    world.recruitment = InitiativeFactory(collaboration=world.collab, name="Recruitment")
    outcome = BenefitFactory(
        initiative=world.initiative, subcategory="1c", title="Recruitment costs avoided"
    )
    plan(outcome, datetime.date(2025, 4, 1), ["1000"] * 3)
    for month in (4, 5, 6):
        actual(outcome, datetime.date(2025, month, 1), "1000")
    replace_attributions(
        outcome, {world.initiative: D("60"), world.recruitment: D("30")}, user=world.alice
    )
    world.outcome = outcome
    return world


def test_each_initiative_counts_its_share(shared):
    assert money(initiative=shared.initiative).planned_total == D("1800.00")
    assert money(initiative=shared.recruitment).planned_total == D("900.00")
    assert money(initiative=shared.recruitment).actual_to_date == D("900.00")


def test_the_collaboration_counts_the_shares_claimed_not_the_whole(shared):
    assert money(collaboration=shared.collab).planned_total == D("2700.00")
    assert money().actual_to_date == D("2700.00")


def test_the_breakdown_gives_each_initiative_its_share(shared):
    rows = breakdown("initiative", today=TODAY)
    assert [(row.name, row.money.planned_total) for row in rows] == [
        ("Joint vetting", D("1800.00")),
        ("Recruitment", D("900.00")),
    ]


def test_a_forces_view_uses_the_shares_too(shared):
    from tests.factories import force

    essex = money(force=force("Essex"))
    assert essex.planned_total == D("1277.10")  # 47.3% of the 2,700 claimed


def test_shares_above_100_percent_are_refused(shared):
    with pytest.raises(ValidationError, match="at most 100%"):
        replace_attributions(
            shared.outcome,
            {shared.initiative: D("70"), shared.recruitment: D("40")},
            user=shared.alice,
        )
    assert money().planned_total == D("2700.00")  # unchanged


def test_exactly_100_percent_is_allowed(shared):
    replace_attributions(
        shared.outcome, {shared.initiative: D("55"), shared.recruitment: D("45")}, user=shared.alice
    )
    assert money().planned_total == D("3000.00")


def test_clearing_the_shares_gives_the_benefit_back_to_its_initiative(shared):
    replace_attributions(shared.outcome, {}, user=shared.alice)
    assert money(initiative=shared.initiative).planned_total == D("3000.00")
    assert money(initiative=shared.recruitment).planned_total == D("0.00")


def test_only_the_programme_team_sets_shares(shared):
    with pytest.raises(PermissionDenied):
        replace_attributions(shared.outcome, {shared.initiative: D("50")}, user=shared.dave)
