"""Handling invitations and memberships stays within the reader's scope, and a refusal says
no more than the reader may know.

alice runs the private Essex and Kent collaboration (ek); ada is an administrator; Norfolk
Fleet is a private collaboration of Norfolk's that alice neither runs nor sees.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from realise.organisations import services
from realise.organisations.models import Invitation, Membership
from tests.factories import CollaborationFactory, PersonFactory, force, member, share
from tests.organisations.inviting import SAM, invite_sam, link_in, signed_in


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def send_again(client, invitation, **kwargs):
    return client.post(f"/access/invitations/{invitation.pk}/resend/", **kwargs)


def sam() -> object:
    return get_user_model().objects.get(username="sam")


# Sending an invitation again ------------------------------------------------------------------


def test_an_invitation_outside_a_programme_teams_scope_is_not_found(world, ada, fleet):
    services.invite(email=SAM, role="force_lead", force=force("Norfolk"), collaborations=[fleet])
    invitation = Invitation.objects.get()
    alice = signed_in(world.alice)

    assert SAM not in alice.get("/access/invitations/").content.decode()
    assert send_again(alice, invitation).status_code == 404
    assert alice.post(f"/access/invitations/{invitation.pk}/withdraw/").status_code == 404
    assert len(mail.outbox) == 1
    with pytest.raises(services.PermissionDenied):
        services.resend(invitation, by=world.alice)
    assert len(mail.outbox) == 1


def test_an_invitation_with_no_roles_is_sent_again_only_by_whoever_sees_it(world, ada):
    services.invite(email=SAM, role="viewer", by=ada)
    services.remove(sam().memberships.get(), by=ada, reason="Not needed after all")
    invitation = Invitation.objects.get()

    with pytest.raises(services.PermissionDenied):
        services.resend(invitation, by=world.alice)
    assert len(mail.outbox) == 1
    services.resend(invitation, by=ada)
    assert len(mail.outbox) == 2


def test_the_inviter_cannot_send_again_once_the_invitee_holds_roles_beyond_hers(world, ada, fleet):
    alice = signed_in(world.alice)
    invite_sam(alice, collaborations=[world.collab.pk])
    link = link_in(mail.outbox[0])
    services.grant(
        user=sam(), role="force_lead", force=force("Norfolk"), collaboration=fleet, by=ada
    )
    invitation = Invitation.objects.get()

    refused = send_again(alice, invitation, follow=True)
    page = refused.content.decode()
    assert "sam holds roles you do not manage" in page
    assert "Force benefits lead, Norfolk, 1 other collaboration" in page
    assert "Norfolk Fleet" not in page
    assert "sent again" not in page
    assert len(mail.outbox) == 1
    assert Client().get(link).status_code == 200  # the link she sent still works

    done = send_again(signed_in(ada), invitation, follow=True)
    assert f"Invitation to {SAM} sent again." in done.content.decode()
    assert len(mail.outbox) == 2
    assert Client().get(link).status_code == 410


def test_an_inviter_no_longer_running_the_collaboration_cannot_send_it_again(world, ada):
    alice = signed_in(world.alice)
    invite_sam(alice, collaborations=[world.collab.pk])
    other = CollaborationFactory(name="Essex Roads", slug="essex-roads", visibility="private")
    share(other, "Essex", "100")
    services.grant(user=world.alice, role="programme_team", collaboration=other, by=ada)
    services.remove(
        world.alice.memberships.get(collaborations=world.collab), by=ada, reason="Moved on"
    )
    invitation = Invitation.objects.get()

    refused = send_again(alice, invitation, follow=True)
    assert "sam holds roles you do not manage" in refused.content.decode()
    assert len(mail.outbox) == 1


def test_a_programme_team_sends_again_an_invitation_within_its_collaborations(world):
    alice = signed_in(world.alice)
    invite_sam(alice, collaborations=[world.collab.pk])
    first = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()

    done = send_again(alice, invitation, follow=True)
    assert f"Invitation to {SAM} sent again." in done.content.decode()
    assert len(mail.outbox) == 2
    assert Client().get(first).status_code == 410
    assert Client().get(link_in(mail.outbox[1])).status_code == 200

    # Another member of the programme team, who did not send it, may too.
    pat = member("pat", "Kent", "programme_team", world.collab)
    pat.memberships.update(force=None)
    done = send_again(signed_in(pat), invitation, follow=True)
    assert f"Invitation to {SAM} sent again." in done.content.decode()
    assert len(mail.outbox) == 3


# Inviting an address that already has an account ---------------------------------------------


def invite_bob(client, world):
    return client.post(
        "/access/invite/",
        {"email": "BOB@example.org", "role": "viewer", "collaborations": [world.collab.pk]},
    )


def test_a_programme_team_is_not_told_of_an_account_it_cannot_see(world):
    refused = invite_bob(signed_in(world.alice), world)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "You cannot invite BOB@example.org: ask an administrator to invite them." in page
    assert "account" not in page.split('id="main-content"')[-1].lower()
    assert mail.outbox == []
    assert list(world.bob.memberships.values_list("role", flat=True)) == ["force_lead"]


def test_a_programme_team_is_told_of_an_account_whose_role_it_manages(world, ada):
    services.grant(user=world.bob, role="viewer", collaboration=world.collab, by=ada)
    refused = invite_bob(signed_in(world.alice), world)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Someone already has an account with this email address" in page
    assert mail.outbox == []


def test_a_programme_team_is_told_of_an_account_the_people_page_shows(world):
    PersonFactory(name="Bob Lead", email="bob@example.org", user=world.bob)
    refused = invite_bob(signed_in(world.alice), world)
    assert "Someone already has an account with this email address" in refused.content.decode()


def test_a_named_person_the_reader_cannot_find_does_not_reveal_their_account(world):
    """Every invitation names a person linked to the account: only one the reader may find in
    the directory tells them the account exists (a viewer's is not listed there)."""
    PersonFactory(name="Dave Viewer", email=world.dave.email, user=world.dave)
    refused = signed_in(world.alice).post(
        "/access/invite/",
        {"email": world.dave.email, "role": "viewer", "collaborations": [world.collab.pk]},
    )
    page = refused.content.decode()
    assert f"You cannot invite {world.dave.email}: ask an administrator" in page
    assert "Someone already has an account" not in page


# Revoking through the API -------------------------------------------------------------------


def test_the_api_says_why_a_membership_beyond_the_callers_scope_is_not_revoked(world, ada, fleet):
    dave = world.dave.memberships.get()
    dave.force = None
    dave.save()
    dave.collaborations.set([world.collab, fleet])
    api = api_for(world.alice)

    assert api.get(f"/api/v1/memberships/{dave.pk}/").status_code == 200
    refused = api.delete(f"/api/v1/memberships/{dave.pk}/", {"reason": "Left"}, format="json")
    assert refused.status_code == 403
    detail = refused.json()["detail"]
    assert "You are not on the programme team of 1 other collaboration" in detail
    assert "Norfolk Fleet" not in detail
    assert Membership.objects.filter(pk=dave.pk).exists()


def test_the_api_answers_404_for_a_membership_the_caller_may_not_see(world, fleet):
    nora = world.nora.memberships.get()
    nora.collaborations.set([fleet])
    api = api_for(world.alice)

    assert api.get(f"/api/v1/memberships/{nora.pk}/").status_code == 404
    gone = api.delete(f"/api/v1/memberships/{nora.pk}/", {"reason": "Left"}, format="json")
    assert gone.status_code == 404
    assert Membership.objects.filter(pk=nora.pk).exists()


def test_the_api_revokes_a_membership_within_the_callers_scope(world):
    dave = world.dave.memberships.get()
    dave.force = None
    dave.save()
    dave.collaborations.set([world.collab])
    done = api_for(world.alice).delete(
        f"/api/v1/memberships/{dave.pk}/", {"reason": "Left"}, format="json"
    )
    assert done.status_code == 204
    assert not Membership.objects.filter(pk=dave.pk).exists()
