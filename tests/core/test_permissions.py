"""Who may see and change what, told through the people in tests/conftest.py."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from realise.benefits.models import Benefit, Measurement
from realise.benefits.services import record_measurement
from realise.collaborations.models import Collaboration
from tests.factories import force

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def record(world, user, force_name, value="1200"):
    return record_measurement(
        world.benefit,
        LAST_MONTH,
        user=user,
        force=force(force_name) if force_name else None,
        value=Decimal(value),
        evidence_note="Ledger extract",
    )


def test_essex_lead_records_essex_actuals(world):
    measurement = record(world, world.bob, "Essex")
    assert measurement.force.name == "Essex"
    assert measurement.entered_by == world.bob


def test_essex_lead_cannot_record_kents_actuals(world):
    with pytest.raises(PermissionDenied, match="Kent"):
        record(world, world.bob, "Kent")
    assert not Measurement.objects.exists()


def test_force_lead_cannot_record_for_the_whole_collaboration(world):
    with pytest.raises(PermissionDenied):
        record(world, world.carol, None)


def test_force_lead_outside_the_collaboration_cannot_record_even_their_own_force(world):
    with pytest.raises(PermissionDenied):
        record(world, world.nora, "Norfolk")


def test_programme_team_records_for_the_collaboration(world):
    assert record(world, world.alice, None).force is None


def test_benefit_owner_edits_own_benefit_only(world):
    assert world.erin.has_perm("benefits.change_benefit", world.benefit)
    other = type(world.benefit).objects.create(
        initiative=world.initiative, reference="OTHER-1", title="Someone else's"
    )
    assert not world.erin.has_perm("benefits.change_benefit", other)


@pytest.mark.parametrize("who", ["dave", "bob", "carol"])
def test_viewers_and_force_leads_cannot_edit_structure(world, who):
    user = getattr(world, who)
    assert not user.has_perm("collaborations.change_collaboration", world.collab)
    assert not user.has_perm("collaborations.change_initiative", world.initiative)
    assert not user.has_perm("benefits.change_benefit", world.benefit)


def test_viewer_gets_403_on_every_edit_page(client, world):
    client.force_login(world.dave)
    benefit = world.benefit
    for url in [
        f"/collaborations/{world.collab.slug}/edit/",
        f"/initiatives/{world.initiative.slug}/edit/",
        f"/benefits/{benefit.pk}/edit/",
        f"/benefits/{benefit.pk}/plan/",
        f"/initiatives/{world.initiative.slug}/benefits/new/",
    ]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


def test_viewer_cannot_record_an_actual_through_the_page(client, world):
    client.force_login(world.dave)
    url = f"/benefits/{world.benefit.pk}/actuals/new/"
    response = client.post(
        url, {"period": LAST_MONTH.strftime("%Y-%m"), "value": "5", "evidence_note": "x"}
    )
    assert response.status_code == 403
    assert not Measurement.objects.exists()


def test_private_collaboration_is_hidden_from_other_forces(client, world):
    assert world.collab not in Collaboration.objects.visible_to(world.nora)
    assert not Benefit.objects.visible_to(world.nora).exists()
    client.force_login(world.nora)
    assert client.get(f"/collaborations/{world.collab.slug}/").status_code == 404
    assert client.get(f"/benefits/{world.benefit.pk}/").status_code == 404
    assert world.collab.name not in client.get("/collaborations/").content.decode()


def test_policing_collaboration_is_visible_to_any_signed_in_user(client, world):
    world.collab.visibility = "policing"
    world.collab.save()
    client.force_login(world.nora)
    assert client.get(f"/collaborations/{world.collab.slug}/").status_code == 200


def test_anonymous_users_are_sent_to_sign_in(client, world):
    from realise.collaborations.models import Collaboration

    Collaboration.objects.create(name="Open", slug="open", purpose="p", visibility="policing")
    response = client.get("/collaborations/open/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    # a private one answers as a collaboration that does not exist
    assert client.get(f"/collaborations/{world.collab.slug}/").status_code == 404
