"""The same pound claimed by a force, its collaboration and its region is counted once.

The Eastern region programme holds the Essex-Kent collaboration. A regional procurement
saving (£1,000 a month) includes the Essex-Kent saving (£600 a month), which includes
Essex's own saving (£250 a month). Twelve months are planned, April 2025 to March 2026.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from realise.benefits.contributions import (
    remove_contribution,
    replace_attributions,
    set_contribution,
)
from realise.benefits.models import BenefitShare, Contribution
from realise.benefits.realisation import (
    RealisationFilter,
    benefit_rag,
    breakdown,
    measure_summaries,
)
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    InitiativeFactory,
    UserFactory,
    actual,
    force,
    plan,
    share,
)

D = Decimal
TODAY = datetime.date(2025, 7, 15)
APRIL = datetime.date(2025, 4, 1)


def money(**cut):
    return measure_summaries(RealisationFilter(**cut), today=TODAY, include_trend=False)["money"]


@pytest.fixture
def chain(world):
    region = CollaborationFactory(name="Eastern region", slug="eastern")
    share(region, "Essex", "30")
    share(region, "Kent", "30")
    share(region, "Norfolk", "40")
    world.collab.parent = region
    world.collab.save()
    regional = BenefitFactory(
        initiative=InitiativeFactory(collaboration=region, name="Regional procurement"),
        reference="R-1",
        title="Regional procurement saving",
    )
    pair = BenefitFactory(
        initiative=world.initiative, reference="EK-1", title="Essex-Kent contract saving"
    )
    essex = BenefitFactory(
        initiative=InitiativeFactory(collaboration=world.collab, name="Essex adoption"),
        reference="ESX-1",
        title="Essex's own contract saving",
    )
    BenefitShare.objects.create(benefit=essex, force=force("Essex"), percent=D("100"))
    plan(regional, APRIL, ["1000"] * 12)
    plan(pair, APRIL, ["600"] * 12)
    plan(essex, APRIL, ["250"] * 12)
    for month in (4, 5, 6):
        actual(regional, datetime.date(2025, month, 1), "900")
        actual(pair, datetime.date(2025, month, 1), "550")
        actual(essex, datetime.date(2025, month, 1), "240")
    set_contribution(pair, regional, user=world.alice)
    set_contribution(essex, pair, user=world.alice)
    world.region, world.regional, world.pair, world.essex = region, regional, pair, essex
    return world


def test_the_region_counts_the_regional_saving_once(chain):
    seen = money(collaboration=chain.region)
    assert seen.planned_total == D("12000.00")  # not 12,000 + 7,200 + 3,000
    assert seen.actual_to_date == D("2700.00")  # 3 x 900


def test_the_collaboration_counts_its_own_saving_once(chain):
    seen = money(collaboration=chain.collab)
    assert seen.planned_total == D("7200.00")  # not 7,200 + 3,000
    assert seen.actual_to_date == D("1650.00")


def test_the_force_sees_its_share_of_the_top_saving_once(chain):
    seen = money(force=force("Essex"))
    assert seen.planned_total == D("3600.00")  # Essex's 30% of the regional 12,000
    assert seen.actual_to_date == D("810.00")


def test_the_nation_counts_the_pound_once(chain):
    assert money().planned_total == D("12000.00")


def test_a_saving_alone_is_counted_whole(chain):
    assert money(initiative=chain.essex.initiative).planned_total == D("3000.00")


def test_a_cut_without_the_parent_counts_the_child(chain):
    # Only the Essex-Kent benefits that are "realising": the regional one is not in the cut.
    chain.pair.status = "realising"
    chain.pair.save()
    chain.essex.status = "realising"
    chain.essex.save()
    assert money(statuses=("realising",)).planned_total == D("7200.00")


def test_breakdown_rows_add_up_to_the_total_without_the_children(chain):
    rows = breakdown("initiative", RealisationFilter(collaboration=chain.region), today=TODAY)
    assert [(row.name, row.money.planned_total) for row in rows] == [
        ("Regional procurement", D("12000.00"))
    ]


def test_every_benefit_keeps_its_own_rag(chain):
    rows = benefit_rag(RealisationFilter(collaboration=chain.region), today=TODAY)
    assert {row.reference for row in rows} == {"R-1", "EK-1", "ESX-1", chain.benefit.reference}


def test_unlinking_counts_the_child_again(chain):
    remove_contribution(chain.essex, user=chain.alice)
    assert money(collaboration=chain.collab).planned_total == D("10200.00")


def test_a_cycle_is_refused_naming_both(chain):
    admin = UserFactory(username="ada", is_superuser=True)
    with pytest.raises(ValidationError) as refused:
        set_contribution(chain.regional, chain.essex, user=admin)
    message = " ".join(refused.value.messages)
    assert "Regional procurement saving" in message
    assert "Essex's own contract saving" in message
    assert "cycle" in message


def test_a_benefit_cannot_contribute_to_itself(chain):
    with pytest.raises(ValidationError, match="itself"):
        set_contribution(chain.pair, chain.pair, user=chain.alice)


def test_a_child_bigger_than_its_parent_is_refused_naming_both(chain):
    big = BenefitFactory(initiative=chain.initiative, title="Kent fleet saving")
    plan(big, APRIL, ["2000"] * 12)  # 24,000 > the Essex-Kent 7,200
    with pytest.raises(ValidationError) as refused:
        set_contribution(big, chain.pair, user=chain.alice)
    message = " ".join(refused.value.messages)
    assert "Kent fleet saving" in message and "Essex-Kent contract saving" in message
    assert "24,000.00" in message and "7,200.00" in message


def test_children_together_bigger_than_their_parent_are_refused(chain):
    kent = BenefitFactory(initiative=chain.initiative, title="Kent's own contract saving")
    plan(kent, APRIL, ["400"] * 12)  # 4,800 + Essex's 3,000 > 7,200
    with pytest.raises(ValidationError) as refused:
        set_contribution(kent, chain.pair, user=chain.alice)
    assert "7,800.00" in " ".join(refused.value.messages)


def test_hours_cannot_contribute_to_pounds(chain):
    hours = BenefitFactory(
        initiative=chain.initiative, subcategory="1b", unit="hours", title="Hours released"
    )
    with pytest.raises(ValidationError, match="measured the same way"):
        set_contribution(hours, chain.pair, user=chain.alice)


def test_only_the_programme_team_links_benefits(chain):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        set_contribution(chain.benefit, chain.pair, user=chain.bob)


# A link only between benefits counted in the same cut -----------------------------------------


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ({"subcategory": "1c"}, "is in sub-category 1c and 'Essex-Kent contract saving' in 1a"),
        ({"cashable": True}, "is cashable and 'Essex-Kent contract saving' is not"),
        (
            {"identified_in_business_case": False},
            "was not identified in the business case and 'Essex-Kent contract saving' was",
        ),
    ],
    ids=["sub-category", "cashable", "identified"],
)
def test_a_link_across_cuts_is_refused_naming_both(chain, kind, words):
    other = BenefitFactory(initiative=chain.initiative, title="Kent tender savings", **kind)
    with pytest.raises(ValidationError) as refused:
        set_contribution(other, chain.pair, user=chain.alice)
    (message,) = refused.value.messages
    assert message.startswith(f"'Kent tender savings' {words}")
    assert not Contribution.objects.filter(child=other).exists()


def test_the_page_refuses_a_link_across_sub_categories(client, chain):
    avoided = BenefitFactory(
        initiative=chain.initiative, title="Tender costs avoided", subcategory="1c"
    )
    plan(avoided, APRIL, ["100"] * 12)
    client.force_login(chain.alice)
    response = client.post(
        f"/benefits/{avoided.pk}/contributes-to/", {"parent": chain.pair.pk, "note": ""}
    )
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert "'Tender costs avoided' is in sub-category 1c and 'Essex-Kent contract saving'" in page
    assert not Contribution.objects.filter(child=avoided).exists()
    # The 1a and 1c cuts together still hold the nation's total.
    apart = money(subcategories=("1a",)).planned_total + money(subcategories=("1c",)).planned_total
    assert apart == money().planned_total


def test_a_linked_benefit_cannot_move_to_another_cut(chain):
    client = APIClient()
    client.force_authenticate(chain.alice)
    response = client.patch(
        f"/api/v1/benefits/{chain.essex.pk}/",
        {"subcategory": "1c", "version": chain.essex.version},
        format="json",
    )
    assert response.status_code == 400
    (message,) = response.json()["subcategory"]
    assert message.startswith(
        "'Essex's own contract saving' is in sub-category 1c and 'Essex-Kent contract saving' in 1a"
    )
    chain.essex.refresh_from_db()
    assert chain.essex.subcategory == "1a"


def test_a_page_names_no_linked_benefit_or_claim_of_a_private_collaboration(client, chain):
    replace_attributions(
        chain.regional,
        {
            chain.regional.initiative: D("60"),
            InitiativeFactory(collaboration=chain.collab, name="Secret sharing"): D("40"),
        },
        user=UserFactory(is_superuser=True),
    )
    client.force_login(chain.nora)
    page = client.get(chain.regional.get_absolute_url()).content.decode()
    assert client.get(chain.pair.get_absolute_url()).status_code == 404
    assert "Essex-Kent contract saving" not in page and "EK-1" not in page
    assert "Secret sharing" not in page
    assert "Regional procurement (60%)" in page
    # Those who may see the private collaboration still follow the link down.
    client.force_login(chain.alice)
    page = client.get(chain.regional.get_absolute_url()).content.decode()
    assert "EK-1 Essex-Kent contract saving" in page and "Secret sharing" in page
