"""Property: no roll-up ever exceeds the sum of its distinct leaves.

Benefits are generated in a random forest of contributions across nested collaborations,
built from the leaves up: each benefit has an amount of its own (a leaf of pounds) and its
plan is that amount plus its children's plans. Some benefits are shared between initiatives
(attribution). Whatever the cut (everything, a collaboration, an initiative, a force), the
planned total never exceeds the own amounts of the benefits the cut takes in and of every
benefit within them, each counted once; without shared claims it equals that sum exactly.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realise.benefits.contributions import rebuild_paths
from realise.benefits.models import Attribution, Benefit, Contribution, PlannedValue
from realise.benefits.realisation import RealisationFilter, measure_summaries
from realise.collaborations.models import Collaboration, Initiative
from tests.factories import force

MONTH = datetime.date(2025, 4, 1)
TODAY = datetime.date(2025, 7, 15)

benefit_specs = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=3),  # initiative
        st.integers(min_value=0, max_value=500_000),  # own amount in pennies
        st.one_of(st.none(), st.integers(min_value=0, max_value=20)),  # parent (earlier one)
        st.one_of(  # shared between initiatives: (initiative, percent) pairs
            st.none(),
            st.lists(
                st.tuples(st.integers(0, 3), st.integers(1, 50)),  # two add up to <= 100
                min_size=1,
                max_size=2,
                unique_by=lambda pair: pair[0],
            ),
        ),
    ),
    min_size=1,
    max_size=7,
)


def _world(forces_loaded):
    region = Collaboration.objects.create(name="Region", slug="p-region", purpose="x")
    east = Collaboration.objects.create(name="East", slug="p-east", purpose="x", parent=region)
    north = Collaboration.objects.create(name="North", slug="p-north", purpose="x", parent=east)
    for collaboration, shares in (
        (region, {"Essex": "40", "Kent": "35", "Norfolk": "25"}),
        (east, {"Essex": "47.3", "Kent": "52.7"}),
        (north, {"Essex": "100"}),
    ):
        for name, percent in shares.items():
            collaboration.shares.create(force=force(name), percent=Decimal(percent))
    homes = [region, east, north, east]
    return [
        Initiative.objects.create(collaboration=home, name=f"I{n}", slug=f"p-i{n}")
        for n, home in enumerate(homes)
    ]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=benefit_specs)
def test_no_roll_up_exceeds_the_sum_of_its_distinct_leaves(forces, specs):
    with transaction.atomic():
        initiatives = _world(forces)
        parents = [None if p is None or p >= i else p for i, (_, _, p, _) in enumerate(specs)]
        plans = [Decimal(own) / 100 for _, own, _, _ in specs]
        for i in reversed(range(len(specs))):  # children come after their parents
            if parents[i] is not None:
                plans[parents[i]] += plans[i]
        benefits = [
            Benefit.objects.create(
                initiative=initiatives[home],
                reference=f"P{i}",
                title=f"Benefit {i}",
                subcategory="1a",
                unit="GBP",
            )
            for i, (home, _, _, _) in enumerate(specs)
        ]
        for benefit, amount in zip(benefits, plans, strict=True):
            PlannedValue.objects.create(benefit=benefit, period=MONTH, value=amount)
        for i, parent in enumerate(parents):
            if parent is not None:
                Contribution.objects.create(child=benefits[i], parent=benefits[parent])
        rebuild_paths()
        claims = {}
        for i, (_, _, _, shared) in enumerate(specs):
            for initiative, percent in shared or ():
                Attribution.objects.create(
                    benefit=benefits[i], initiative=initiatives[initiative], percent=percent
                )
                claims.setdefault(i, set()).add(initiative)

        def subtree(i):
            found = {i}
            for j, parent in enumerate(parents):
                if parent == i:
                    found |= subtree(j)
            return found

        def distinct_leaves(taken):
            within = set().union(*(subtree(i) for i in taken)) if taken else set()
            return sum((Decimal(specs[j][1]) / 100 for j in within), Decimal(0))

        def taken_in(initiative_ids):
            out = set()
            for i, (home, _, _, _) in enumerate(specs):
                if i in claims:
                    if claims[i] & initiative_ids:
                        out.add(i)
                elif home in initiative_ids:
                    out.add(i)
            return out

        everything = {0, 1, 2, 3}
        region, east, north = (i.collaboration for i in initiatives[:3])
        cuts = [
            (RealisationFilter(), everything),
            (RealisationFilter(collaboration=region), everything),
            (RealisationFilter(collaboration=east), {1, 2, 3}),
            (RealisationFilter(collaboration=north), {2}),
            *((RealisationFilter(initiative=initiatives[n]), {n}) for n in range(4)),
        ]
        for filters, initiative_ids in cuts:
            taken = taken_in(initiative_ids)
            rolled_up = measure_summaries(filters, today=TODAY, include_trend=False)["money"]
            leaves = distinct_leaves(taken)
            assert rolled_up.planned_total <= leaves, (filters, specs)
            if not claims:
                assert rolled_up.planned_total == leaves, (filters, specs)
        for name in ("Essex", "Kent", "Norfolk"):
            seen = measure_summaries(
                RealisationFilter(force=force(name)), today=TODAY, include_trend=False
            )["money"]
            assert seen.planned_total <= distinct_leaves(taken_in(everything))
        transaction.set_rollback(True)
