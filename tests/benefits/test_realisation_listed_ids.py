"""A narrow cut (a collaboration, an initiative, a force, a reader's scope) lists its
benefits' ids once and tests "id in (...)" in the engine's queries. The figures are the same
as when the cut's conditions are put in each query, as they are past `_ID_LIST_LIMIT`
benefits."""

import datetime
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from realise.benefits.models import Benefit
from realise.benefits.realisation import RealisationFilter, realisation
from realise.benefits.realisation import cut as cut_module
from realise.collaborations.models import Collaboration, Initiative
from realise.organisations.models import Force


def _cuts():
    cuts = [RealisationFilter()]
    cuts += [RealisationFilter(initiative=i) for i in Initiative.objects.order_by("pk")]
    cuts += [RealisationFilter(collaboration=c) for c in Collaboration.objects.order_by("pk")]
    cuts += [RealisationFilter(force=f) for f in Force.objects.filter(slug__in=["essex", "kent"])]
    cuts.append(
        RealisationFilter(
            collaboration=Collaboration.objects.get(slug="7f"),
            period_from=datetime.date(2024, 4, 1),
            period_to=datetime.date(2025, 3, 1),
        )
    )
    return cuts


@pytest.mark.parametrize("username", ["admin", "programme", "essex-lead", "viewer"])
def test_the_figures_are_the_same_with_the_ids_listed_or_not(demo_data, db, username):
    # Two collaborations private, so that some readers see only part of the register.
    Collaboration.objects.filter(slug__in=["bch", "norfolk-suffolk"]).update(visibility="private")
    cache.clear()
    user = get_user_model().objects.get(username=username)
    base = None if username == "admin" else Benefit.objects.visible_to(user)
    if username == "essex-lead":
        assert 0 < base.count() < Benefit.objects.count()
    listed_somewhere = False
    for cut in _cuts():
        listed = realisation(cut, base=base)
        as_listed = listed.as_dict()
        with mock.patch.object(cut_module, "_ID_LIST_LIMIT", 0):
            whole = realisation(cut, base=base).as_dict()
        assert as_listed == whole, cut.as_dict()
        listed_somewhere |= bool(as_listed["rag"]["benefits"])
    assert listed_somewhere


def test_a_narrow_cut_reads_its_benefits_once(demo_data, db):
    procurement = Initiative.objects.get(slug="7f-procurement")
    made = cut_module._Cut.make(RealisationFilter(initiative=procurement), None, None)
    ids = made._counted_ids()
    assert ids and set(ids) <= set(procurement.benefits.values_list("pk", flat=True))
    assert made.rows_q().children == [("benefit_id__in", ids)]
    # The whole register is never listed: its queries have no condition to save.
    national = cut_module._Cut.make(RealisationFilter(), None, None)
    assert national._counted_ids() is None
