"""Each sub-category's plan to date and what its benefits with no plan realised come from
the same pass as the headline, and equal the figures of the cut narrowed to that
sub-category: nationally, for a collaboration and for one force."""

import dataclasses

import pytest

from realise.benefits.realisation import RealisationFilter, measure_summaries
from realise.collaborations.models import Collaboration
from realise.organisations.models import Force

CUTS = {
    "national": {},
    "a collaboration": {"collaboration": "7f"},
    "a force": {"force": "essex"},
}


@pytest.mark.parametrize("cut", list(CUTS))
def test_each_sub_category_equals_the_cut_narrowed_to_it(demo_data, db, cut):
    named = CUTS[cut]
    filters = RealisationFilter(
        collaboration=Collaboration.objects.get(slug=named["collaboration"])
        if "collaboration" in named
        else None,
        force=Force.objects.get(slug=named["force"]) if "force" in named else None,
    )
    whole = measure_summaries(filters, include_trend=False)
    checked = 0
    for measure, summary in whole.items():
        pairs = summary.by_subcategory
        # The parts add up to the headline.
        assert sum(p.planned_to_date for p in pairs.values()) == summary.planned_to_date
        assert sum(p.outside_plan for p in pairs.values()) == summary.outside_plan
        for code, pair in pairs.items():
            narrowed = dataclasses.replace(filters, subcategories=(code,))
            alone = measure_summaries(narrowed, include_trend=False)[measure].totals
            assert pair.totals() == dataclasses.replace(alone, verified_actual_to_date=0), code
            checked += bool(pair.planned_to_date or pair.outside_plan)
    assert checked >= 2  # the demo has planned and unplanned sub-categories
