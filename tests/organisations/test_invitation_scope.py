"""Invitations handled by a programme team stay within the collaborations it runs.

alice runs the Essex and Kent collaboration (ek); ada is an administrator. An invitation
alice sent may, by the time she withdraws it, carry roles an administrator granted
elsewhere: withdrawing it would end those too, so she is refused, told which roles, and
nothing changes. An address invited by someone else is refused without pointing her to an
invitation she cannot see.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from realise.organisations import services
from realise.organisations.models import Invitation, Membership
from tests.factories import force
from tests.organisations.inviting import invite_sam, link_in, signed_in


def roles_of(username: str) -> set[tuple]:
    return {
        (m.role, m.force.slug if m.force else None, c)
        for m in Membership.objects.filter(user__username=username)
        for c in (sorted(m.collaborations.values_list("slug", flat=True)) or [None])
    }


def sam_also_leads_in_norfolk(ada, fleet):
    """alice invites sam within ek; an administrator then makes sam a Norfolk lead."""
    sam = get_user_model().objects.get(username="sam")
    services.grant(user=sam, role="force_lead", force=force("Norfolk"), collaboration=fleet, by=ada)
    return sam


def test_a_programme_team_withdraws_its_own_invitation_and_its_roles_go(world):
    alice = signed_in(world.alice)
    invite_sam(alice, collaborations=[world.collab.pk])
    link = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()

    done = alice.post(f"/access/invitations/{invitation.pk}/withdraw/", follow=True)
    assert "Invitation to sam@kent.police.example withdrawn." in done.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"
    assert roles_of("sam") == set()
    assert Client().get(link).status_code == 410


def test_a_programme_team_cannot_withdraw_roles_granted_outside_its_collaborations(
    world, ada, fleet
):
    alice = signed_in(world.alice)
    invite_sam(alice, collaborations=[world.collab.pk])
    link = link_in(mail.outbox[0])
    sam_also_leads_in_norfolk(ada, fleet)
    before = roles_of("sam")
    assert before == {("viewer", None, "ek"), ("force_lead", "norfolk", "norfolk-fleet")}
    invitation = Invitation.objects.get()

    refused = alice.post(f"/access/invitations/{invitation.pk}/withdraw/", follow=True)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "sam also holds roles you do not manage" in page
    assert "Force benefits lead, Norfolk, 1 other collaboration" in page
    assert "Norfolk Fleet" not in page  # a private collaboration she may not see
    assert "withdrawn." not in page
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert roles_of("sam") == before
    assert Client().get(link).status_code == 200


def test_the_refusal_reads_the_same_through_the_service(world, ada, fleet):
    invite_sam(signed_in(world.alice), collaborations=[world.collab.pk])
    sam_also_leads_in_norfolk(ada, fleet)
    with pytest.raises(services.PermissionDenied) as refusal:
        services.withdraw(Invitation.objects.get(), by=world.alice)
    assert "sam also holds roles you do not manage" in str(refusal.value)
    assert len(roles_of("sam")) == 2


def test_an_administrator_withdraws_the_invitation_with_every_role(world, ada, fleet):
    invite_sam(signed_in(world.alice), collaborations=[world.collab.pk])
    link = link_in(mail.outbox[0])
    sam_also_leads_in_norfolk(ada, fleet)
    invitation = Invitation.objects.get()

    done = signed_in(ada).post(f"/access/invitations/{invitation.pk}/withdraw/", follow=True)
    assert "Invitation to sam@kent.police.example withdrawn." in done.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"
    assert roles_of("sam") == set()
    assert Client().get(link).status_code == 410


def test_a_programme_team_is_not_sent_to_an_invitation_it_cannot_see(world, ada):
    invite_sam(signed_in(ada))  # a viewer for no collaboration: not alice's to see
    alice = signed_in(world.alice)
    listed = alice.get("/access/invitations/").content.decode()
    assert "sam@kent.police.example" not in listed

    refused = invite_sam(alice, collaborations=[world.collab.pk])
    assert refused.status_code == 200
    page = refused.content.decode()
    # Nor told that the address has an account or an invitation: only what to do.
    assert "You cannot invite sam@kent.police.example: ask an administrator to invite them." in page
    assert "already invited" not in page and "account" not in page.split('id="main-content"')[-1]
    assert len(mail.outbox) == 1
    assert roles_of("sam") == {("viewer", None, None)}


def test_a_programme_team_is_sent_to_an_invitation_it_sent(world):
    alice = signed_in(world.alice)
    invite_sam(alice, collaborations=[world.collab.pk])
    again = invite_sam(alice, collaborations=[world.collab.pk])
    assert again.status_code == 200
    assert "is already invited: send the invitation again" in again.content.decode()
