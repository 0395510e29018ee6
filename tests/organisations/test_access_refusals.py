"""What a refusal to grant, change or revoke a role says: it names the force and the
collaboration it is about, never a collaboration the reader may not see, and the last
administrator is never removed, whichever way in.

alice runs the private Essex and Kent collaboration (ek); nina runs the private Norfolk and
Suffolk one (ns); vic views within both; ada administers.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from realise.organisations.models import Membership
from tests.factories import CollaborationFactory, UserFactory, force, member, share


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def summary(response) -> str:
    """The error summary of a form page."""
    page = response.content.decode()
    start = page.index("govuk-error-summary")
    return page[start : page.index("</div>", page.index("govuk-error-summary__body"))]


@pytest.fixture
def ns(world):
    ns = CollaborationFactory(name="Norfolk and Suffolk", slug="ns", visibility="private")
    share(ns, "Norfolk", "50")
    share(ns, "Suffolk", "50")
    return ns


def test_refusing_a_role_also_within_a_hidden_collaboration_does_not_name_it(world, ns):
    vic = member("vic", "Essex", "viewer", ns, world.collab)
    nina = client_for(member("nina", "Norfolk", "programme_team", ns))
    membership = vic.memberships.get()
    hidden = world.collab.name

    revoked = nina.post(f"/access/{membership.pk}/revoke/", {"reason": "Left the board"})
    assert revoked.status_code == 200
    assert "You are not on the programme team of" in summary(revoked)
    assert hidden not in revoked.content.decode()
    changed = nina.post(
        f"/access/{membership.pk}/change/",
        {"role": "viewer", "collaborations": [ns.pk], "reason": "Only ours"},
    )
    assert changed.status_code == 200
    assert "You are not on the programme team of" in summary(changed)
    assert hidden not in changed.content.decode()
    assert set(membership.collaborations.all()) == {ns, world.collab}
    assert "1 other collaboration" in summary(revoked)
    # Alice is refused the same way, without the name of Norfolk and Suffolk.
    refused = client_for(world.alice).post(
        f"/access/{membership.pk}/revoke/", {"reason": "Left the board"}
    )
    assert "You are not on the programme team of 1 other collaboration" in summary(refused)
    assert "Norfolk and Suffolk" not in refused.content.decode()
    # A collaboration the reader may see is named.
    open_one = CollaborationFactory(name="Eastern Region", slug="eastern")
    share(open_one, "Norfolk", "100")
    membership.collaborations.add(open_one)
    refused = client_for(world.alice).post(
        f"/access/{membership.pk}/revoke/", {"reason": "Left the board"}
    )
    assert "Eastern Region, 1 other collaboration" in summary(refused)


def test_a_force_outside_the_collaboration_is_named_in_the_refusal(world):
    UserFactory(username="sam")
    response = client_for(world.alice).post(
        "/access/grant/",
        {
            "user": "sam",
            "role": "force_lead",
            "force": force("Norfolk").pk,
            "collaborations": [world.collab.pk],
            "reason": "New lead",
        },
    )
    assert response.status_code == 200
    refusal = summary(response)
    assert "Norfolk" in refusal and world.collab.name in refusal
    assert not Membership.objects.filter(user__username="sam").exists()


def test_a_programme_team_is_told_which_role_needs_a_collaboration(world):
    UserFactory(username="sam")
    response = client_for(world.alice).post(
        "/access/grant/", {"user": "sam", "role": "viewer", "reason": "Board member"}
    )
    assert "Name a collaboration for the viewer role" in summary(response)


# The last administrator ----------------------------------------------------------------------


def test_the_only_administrator_cannot_revoke_their_own_role(world, ada):
    membership = ada.memberships.get()
    response = client_for(ada).post(f"/access/{membership.pk}/revoke/", {"reason": "Oops"})
    assert response.status_code == 200
    assert "ada is the only administrator" in summary(response)
    assert Membership.objects.filter(pk=membership.pk).exists()

    response = client_for(ada).post(
        f"/access/{membership.pk}/change/",
        {"role": "viewer", "force": membership.force_id, "reason": "Stepping down"},
    )
    assert response.status_code == 200
    assert "ada is the only administrator" in summary(response)
    assert Membership.objects.get(pk=membership.pk).role == "administrator"

    api = APIClient()
    api.force_authenticate(ada)
    refused = api.delete(f"/api/v1/memberships/{membership.pk}/", {"reason": "x"}, format="json")
    assert refused.status_code in (400, 403)
    assert "ada is the only administrator" in str(refused.json())
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_second_administrator_may_step_down(world, ada):
    member("abe", "Kent", "administrator")
    membership = ada.memberships.get()
    response = client_for(ada).post(f"/access/{membership.pk}/revoke/", {"reason": "Moving on"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_an_inactive_administrator_does_not_count(world, ada):
    abe = member("abe", "Kent", "administrator")
    abe.is_active = False
    abe.save()
    membership = ada.memberships.get()
    response = client_for(ada).post(f"/access/{membership.pk}/revoke/", {"reason": "Moving on"})
    assert response.status_code == 200
    assert "ada is the only administrator" in summary(response)


def test_the_command_line_keeps_the_last_administrator(world, ada):
    with pytest.raises(CommandError) as refused:
        call_command("revoke", "--user", "ada", "--role", "administrator", "--force", "essex")
    assert refused.value.returncode == 2
    assert "ada is the only administrator" in str(refused.value)
    with pytest.raises(CommandError) as refused:
        call_command("deactivate", "--user", "ada", stdout=io.StringIO())
    assert refused.value.returncode == 2
    assert "ada is the only administrator" in str(refused.value)
    ada.refresh_from_db()
    assert ada.is_active and ada.memberships.filter(role="administrator").exists()
