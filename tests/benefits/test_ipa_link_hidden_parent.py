"""A benefit linked to a parent its editor may not see: the link is neither shown nor undone.

The Eastern region holds Essex and Kent Serious Crime (private: its benefit "Hidden saving",
EK-SECRET) and Norfolk and Suffolk, whose programme team member pete may not see the
private one. An administrator has recorded that pete's benefit NS-1 contributes to
EK-SECRET. Pete opens "What ... contributes to" for NS-1: nothing of the hidden link is
shown, saving keeps it, and choosing another parent is refused, naming the field, since it
would remove a link he cannot see. Someone who may see both changes it.
"""

from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError

from realise.benefits.contributions import (
    remove_contribution,
    replace_attributions,
    set_contribution,
)
from realise.benefits.ipa.models import Attribution
from realise.benefits.models import Contribution
from realise.benefits.profile import render_profile_html
from tests.benefits.eastern import eastern_region
from tests.factories import UserFactory

SECRET_NOTE = "Counted inside the EK vetting saving, per the EK board minute 14"


@pytest.fixture
def region(world):
    world = eastern_region(world)
    world.admin = UserFactory(username="ada", is_superuser=True)
    set_contribution(world.mine, world.benefit, user=world.admin, note=SECRET_NOTE)
    return world


def url(region):
    return f"/benefits/{region.mine.pk}/contributes-to/"


def the_link(region):
    return Contribution.objects.filter(child=region.mine).values_list("parent_id", "note").get()


def test_the_form_shows_nothing_of_a_link_the_editor_cannot_see(client, region):
    client.force_login(region.pete)

    page = unescape(client.get(url(region)).content.decode())

    assert SECRET_NOTE not in page
    assert "EK-SECRET" not in page and "Hidden saving" not in page
    assert "Nothing: it is not part of another benefit" not in page
    assert "No change: keep the link to a benefit you may not see" in page
    assert 'name="note"' not in page  # the note is the hidden link's


def test_saving_without_a_choice_keeps_the_hidden_link(client, region):
    client.force_login(region.pete)

    response = client.post(url(region), {"parent": "", "note": ""}, follow=True)

    assert response.redirect_chain[-1][0] == region.mine.get_absolute_url()
    assert the_link(region) == (region.benefit.pk, SECRET_NOTE)
    page = unescape(response.content.decode())
    assert "The benefit no longer contributes to another." not in page
    assert "Nothing changed" in page


def test_choosing_another_parent_is_refused_naming_the_field(client, region):
    client.force_login(region.pete)

    response = client.post(url(region), {"parent": region.regional.pk, "note": "Mine"})

    assert response.status_code == 200
    assert the_link(region) == (region.benefit.pk, SECRET_NOTE)
    form = response.context["form"]
    assert list(form.errors) == ["parent"]
    page = unescape(response.content.decode())
    assert 'href="#id_parent"' in page
    assert "already contributes to a benefit you may not see" in page
    assert "EK-SECRET" not in page and SECRET_NOTE not in page


def test_the_service_refuses_to_replace_or_remove_a_link_the_user_cannot_see(region):
    """Wherever a link is asked for (the form, the data-quality check), one the user cannot
    see is not replaced or removed."""
    with pytest.raises(ValidationError) as refused:
        set_contribution(region.mine, region.regional, user=region.pete)
    assert list(refused.value.message_dict) == ["parent"]
    with pytest.raises(ValidationError):
        remove_contribution(region.mine, user=region.pete)
    assert the_link(region) == (region.benefit.pk, SECRET_NOTE)


def test_someone_who_may_see_both_still_changes_it(client, region):
    client.force_login(region.admin)
    page = unescape(client.get(url(region)).content.decode())
    assert SECRET_NOTE in page and "Nothing: it is not part of another benefit" in page

    response = client.post(url(region), {"parent": region.regional.pk, "note": "Regional"})

    assert response.status_code == 302
    assert the_link(region) == (region.regional.pk, "Regional")
    assert client.post(url(region), {"parent": "", "note": ""}).status_code == 302
    assert not Contribution.objects.filter(child=region.mine).exists()


def test_a_visible_link_is_still_changed_by_its_editor(client, region):
    set_contribution(region.mine, region.regional, user=region.admin, note="Regional part")
    client.force_login(region.pete)
    page = unescape(client.get(url(region)).content.decode())
    assert "Regional part" in page

    assert client.post(url(region), {"parent": "", "note": ""}).status_code == 302
    assert not Contribution.objects.filter(child=region.mine).exists()


def test_the_profile_pdf_shows_no_link_into_a_collaboration_the_reader_may_not_see(region, client):
    """The benefit's profile PDF leaves out what the benefit's page leaves out: the
    parent benefit, and the claim of an initiative, in a collaboration the reader may not
    see."""
    Attribution.objects.create(benefit=region.mine, initiative=region.initiative, percent=40)
    hidden = render_profile_html(region.mine, reader=region.pete)
    assert "EK-SECRET" not in hidden and "Hidden saving" not in hidden
    assert region.initiative.name not in hidden
    seen = render_profile_html(region.mine, reader=region.admin)
    assert "EK-SECRET" in seen and region.initiative.name in seen
    client.force_login(region.pete)
    assert client.get(f"/benefits/{region.mine.pk}/profile.pdf").status_code == 200


def test_a_total_over_100_does_not_tell_the_size_of_a_claim_the_editor_may_not_see(region):
    """A private initiative claims 30% of NS-1; pete gives his own initiative 80%: refused
    without the sum (110%), which would tell him the hidden claim's size."""
    Attribution.objects.create(benefit=region.mine, initiative=region.initiative, percent=30)
    shares = {region.initiative: Decimal("30"), region.mine.initiative: Decimal("80")}
    with pytest.raises(ValidationError) as refused:
        replace_attributions(region.mine, shares, user=region.pete)
    text = " ".join(refused.value.messages)
    assert "110" not in text and "30" not in text
    assert "Initiatives you may not see also claim part of" in text
    # Someone who sees every claim is told the sum.
    with pytest.raises(ValidationError) as told:
        replace_attributions(region.mine, shares, user=region.admin)
    assert "add up to 110%" in " ".join(told.value.messages)
