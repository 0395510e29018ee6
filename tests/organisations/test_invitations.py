"""Invitations: an administrator (or a programme team, within its collaborations) invites
someone by email with a role; the link lets them choose a password, once, for
REALISE_INVITATION_DAYS days; it can be sent again (the old link stops) or withdrawn."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from realise.organisations import services
from realise.organisations.models import Invitation, Membership
from tests.factories import member

PASSWORD = "Plover-Ledger-42-Quay"


@pytest.fixture
def ada(world):
    return member("ada", "Essex", "administrator")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/invitation/\S+/)", message.body).group(1)


def invite_sam(client, **extra):
    return client.post(
        "/access/invite/",
        {"email": "sam@kent.police.example", "first_name": "Sam", "role": "viewer", **extra},
    )


def test_the_invitee_chooses_a_password_once_and_holds_the_role(world, ada):
    response = invite_sam(signed_in(ada), force=world.carol.memberships.get().force.pk)
    assert response.status_code == 302
    sam = get_user_model().objects.get(email="sam@kent.police.example")
    assert (sam.username, sam.is_active, sam.has_usable_password()) == ("sam", False, False)
    assert list(sam.memberships.values_list("role", "force__slug")) == [("viewer", "kent")]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@kent.police.example"]
    link = link_in(mail.outbox[0])

    visitor = Client()
    assert visitor.get(link).status_code == 200
    weak = visitor.post(link, {"new_password1": "password123", "new_password2": "password123"})
    assert weak.status_code == 200
    assert "too common" in weak.content.decode()
    done = visitor.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302
    sam.refresh_from_db()
    assert sam.is_active and sam.check_password(PASSWORD)
    assert Invitation.objects.get(user=sam).status == "accepted"

    used = visitor.get(link)
    assert used.status_code == 410
    assert "no longer works" in used.content.decode()


def test_an_invitation_expires_after_the_set_number_of_days(world, ada, settings, monkeypatch):
    settings.REALISE_INVITATION_DAYS = 2
    invite_sam(signed_in(ada))
    link = link_in(mail.outbox[0])
    sam = get_user_model().objects.get(email="sam@kent.police.example")
    sent = datetime.datetime.now()
    later = {"now": sent + datetime.timedelta(days=1, hours=23)}
    monkeypatch.setattr(services.InvitationTokens, "_now", lambda self: later["now"])
    assert Client().get(link).status_code == 200
    later["now"] = sent + datetime.timedelta(days=2, hours=1)
    assert Client().get(link).status_code == 410
    refused = Client().post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert refused.status_code == 410
    sam.refresh_from_db()
    assert not sam.is_active


def test_sending_again_replaces_the_link_and_withdrawing_ends_it(world, ada):
    admin = signed_in(ada)
    invite_sam(admin)
    first = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()
    assert admin.post(f"/access/invitations/{invitation.pk}/resend/").status_code == 302
    assert len(mail.outbox) == 2
    second = link_in(mail.outbox[1])
    assert first != second
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 200

    assert admin.post(f"/access/invitations/{invitation.pk}/withdraw/").status_code == 302
    assert Client().get(second).status_code == 410
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"
    assert not Membership.objects.filter(user=invitation.user).exists()


def test_a_programme_team_invites_only_within_its_collaborations(world):
    alice = signed_in(world.alice)
    refused = invite_sam(alice)  # no collaboration named
    assert refused.status_code == 200
    assert "Name a collaboration" in refused.content.decode()
    assert not get_user_model().objects.filter(email="sam@kent.police.example").exists()
    assert mail.outbox == []
    granted = invite_sam(alice, collaborations=[world.collab.pk])
    assert granted.status_code == 302
    sam = get_user_model().objects.get(email="sam@kent.police.example")
    assert list(sam.memberships.values_list("collaborations__slug", flat=True)) == ["ek"]


def test_someone_with_an_account_is_not_invited(world, ada):
    response = signed_in(ada).post(
        "/access/invite/", {"email": "BOB@example.org", "role": "viewer"}
    )
    assert response.status_code == 200
    assert "already has an account" in response.content.decode()
    assert mail.outbox == []


def test_a_made_up_link_is_refused(world):
    assert Client().get("/invitation/MQ/abc-123/").status_code == 410
    assert Client().get("/invitation/not-base64/x/").status_code == 410
