"""The demo tells one story: 7F Procurement's savings and the published 7F Collaborative
Procurement figures are one programme counted once, and the data-quality check finds only
the problems the demo describes."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from realise.benefits.models import Benefit, Contribution
from realise.benefits.realisation import RealisationFilter, realisation
from realise.collaborations.models import Collaboration, Initiative, Stage
from realise.demo import DELIBERATE_PROBLEMS
from realise.reports.data_quality import check

D = Decimal


@pytest.fixture
def demo(demo_data, db):
    pass


def test_each_pound_counts_once_nationally(demo):
    money = realisation().money
    # The £1,150,000 found after the business case, once (not twice).
    assert money.not_identified.actual_to_date == D("1150000.00")
    assert money.outside_plan == D("1150000.00")
    # Like for like and counted once: a plausible percentage, not 181%.
    assert D("80") <= money.percent_of_plan_to_date <= D("110")
    published = Benefit.objects.filter(initiative__slug="7f-contracts-and-frameworks")
    linked = dict(
        Contribution.objects.filter(child__in=published).values_list(
            "child__reference", "parent__reference"
        )
    )
    assert linked == {
        "7FCP-B01": "7FP-B01",
        "7FCP-B02": "7FP-B02",
        "7FCP-B03": "7FP-B03",
        "7FCP-B04": "7FP-B04",
        "7FCP-B07": "7FP-B06",
    }
    # The published collaboration still shows its own figures on its own.
    public = Collaboration.objects.get(slug="7f-collaborative-procurement")
    own = realisation(RealisationFilter(collaboration=public)).money
    # 1,118,600 + 1,664,300 + 1,958,900 + 1,150,000 + 291,400 + 338,900 + 402,100
    assert own.actual_to_date == D("6924200.00")


def test_every_initiative_at_implementation_or_later_has_its_plan(demo):
    for initiative in Initiative.objects.filter(stage__gte=Stage.IMPLEMENTATION):
        unplanned = initiative.benefits.filter(
            identified_in_business_case=True, nature="quantitative", planned_values__isnull=True
        )
        assert not unplanned.exists(), initiative.slug


def test_the_data_quality_check_finds_only_the_described_problems(demo, capsys):
    report = check()
    found = sorted((issue.rule, issue.reference) for issue in report.issues)
    assert found == [
        ("no-evidence", "PEQF-B04"),
        ("overdue", "7FP-B02"),
        ("overdue", "DAMS-B01"),
        ("overdue", "DAMS-B03"),
    ]
    described = " ".join(DELIBERATE_PROBLEMS)
    for rule, reference in found:
        assert reference in described and rule in described
    call_command("demo")
    printed = capsys.readouterr().out
    assert all(problem in printed for problem in DELIBERATE_PROBLEMS)
