"""The demo's 7F procurement function carries its further opportunities, "in excess of £5m"."""

from decimal import Decimal

import pytest

from realise.pipeline.models import Opportunity, OpportunityStatus
from realise.pipeline.services import money_and_hours


@pytest.fixture
def demo(demo_data, db):
    pass


def test_in_excess_of_five_million_with_one_already_an_initiative(demo):
    pipeline = Opportunity.objects.filter(collaboration__slug="7f")
    found = money_and_hours(pipeline)
    assert 4 <= found["money"].count <= 6
    # 1,450,000 + 1,300,000 + 900,000 + 750,000 + 620,000
    assert found["money"].most_likely_total == Decimal("5020000.00")
    # 870,000 + 520,000 + 405,000 + 262,500 + 310,000
    assert found["money"].risk_weighted_total == Decimal("2367500.00")
    taken = pipeline.get(status=OpportunityStatus.INITIATIVE)
    assert taken.initiative.stage == 0 and taken.initiative.collaboration.slug == "7f"
    from_lesson = pipeline.get(lesson__isnull=False)
    assert from_lesson.unit == "hours" and from_lesson.source == "lesson"
