"""The forms that link benefits offer only what the editor may see.

The Eastern region holds two collaborations: Essex and Kent Serious Crime (private, with
its "Joint vetting" initiative and the benefit "Hidden saving", EK-SECRET) and Norfolk and
Suffolk, whose programme team member pete may not see the private one. Pete links his own
benefit: neither the benefit it may contribute to nor the initiatives that may claim it
name anything of the private collaboration, and a claim he cannot see is kept as it was.
"""

from decimal import Decimal
from html import unescape

import pytest

from realise.benefits.contributions import replace_attributions
from realise.benefits.models import Attribution, Contribution
from tests.benefits.eastern import eastern_region
from tests.factories import UserFactory


@pytest.fixture
def region(world):
    return eastern_region(world)


def test_the_benefit_to_contribute_to_is_chosen_among_those_the_editor_may_see(client, region):
    client.force_login(region.pete)
    assert client.get(region.benefit.get_absolute_url()).status_code == 404

    page = unescape(client.get(f"/benefits/{region.mine.pk}/contributes-to/").content.decode())

    assert "R-1 Regional saving" in page
    assert "EK-SECRET" not in page and "Hidden saving" not in page
    assert "Joint vetting" not in page


def test_a_hidden_benefit_sent_as_the_parent_is_refused_as_no_choice(client, region):
    client.force_login(region.pete)
    response = client.post(
        f"/benefits/{region.mine.pk}/contributes-to/", {"parent": region.benefit.pk, "note": ""}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in unescape(response.content.decode())
    assert not Contribution.objects.exists()


def test_the_initiatives_that_may_claim_a_benefit_are_those_the_editor_may_see(client, region):
    client.force_login(region.pete)

    page = unescape(client.get(f"/benefits/{region.mine.pk}/attribution/").content.decode())

    assert "Shared custody (percent)" in page
    assert "Regional procurement (percent)" in page
    assert "Joint vetting" not in page


def test_a_claim_the_editor_cannot_see_is_kept_when_they_save_the_shares(client, region):
    replace_attributions(
        region.mine,
        {region.initiative: Decimal("40")},
        user=UserFactory(is_superuser=True),
    )
    client.force_login(region.pete)
    page = unescape(client.get(f"/benefits/{region.mine.pk}/attribution/").content.decode())
    assert "Joint vetting" not in page

    response = client.post(
        f"/benefits/{region.mine.pk}/attribution/",
        {f"share_{region.ns_initiative.pk}": "50", "basis": "Agreed at the board"},
    )

    assert response.status_code == 302
    claims = dict(
        Attribution.objects.filter(benefit=region.mine).values_list("initiative__name", "percent")
    )
    assert claims == {"Shared custody": Decimal("50"), "Joint vetting": Decimal("40")}
