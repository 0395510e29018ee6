"""The demo's business cases: each can be appraised, and procurement's has actuals for an
ex post appraisal."""

from realise.appraisal import services
from realise.collaborations.models import Initiative


def test_the_demo_cases_can_be_appraised_and_procurement_has_actuals(demo_data, db):
    for slug in ("7f-procurement", "7f-vetting-transformation", "dams"):
        comparison = services.compare_options(Initiative.objects.get(slug=slug))
        assert len(comparison.appraisals) == 3
        assert comparison.appraisals[0].option.is_business_as_usual
        assert all(a.error is None for a in comparison.appraisals), slug
    evaluation = services.ex_post(Initiative.objects.get(slug="7f-procurement"))
    assert evaluation.has_actuals
