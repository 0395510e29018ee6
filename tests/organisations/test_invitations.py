"""Invitations: an administrator (or a programme team, within its collaborations) invites
someone by email with a role; the link lets them choose a password, once, for
REALISE_INVITATION_DAYS days; it can be sent again (the old link stops) or withdrawn."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client

from realise.organisations import services
from realise.organisations.models import Invitation, Membership
from tests.factories import force
from tests.organisations.inviting import invite_sam, link_in, signed_in

PASSWORD = "Plover-Ledger-42-Quay"


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


def test_deactivating_someone_yet_to_accept_ends_their_link(world, ada):
    admin = signed_in(ada)
    invite_sam(admin)
    link = link_in(mail.outbox[0])
    done = admin.post("/access/users/sam/", {"action": "deactivate"}, follow=True)
    assert "sam is deactivated" in done.content.decode()
    assert Client().get(link).status_code == 410
    refused = Client().post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert refused.status_code == 410
    sam = get_user_model().objects.get(username="sam")
    assert not sam.is_active and not sam.has_usable_password()
    assert Invitation.objects.get(user=sam).status == "withdrawn"
    assert sam.memberships.exists()  # deactivating keeps the roles


def test_deactivating_at_the_command_line_ends_a_link_not_yet_used(world, ada):
    invite_sam(signed_in(ada))
    link = link_in(mail.outbox[0])
    out = io.StringIO()
    call_command("deactivate", "--user", "sam", stdout=out)
    assert "sam is deactivated" in out.getvalue()
    assert Client().get(link).status_code == 410
    out = io.StringIO()
    call_command("deactivate", "--user", "sam", stdout=out)
    assert "already deactivated: nothing changed" in out.getvalue()


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


@pytest.mark.parametrize(
    "email, username",
    [("Sean.O'Brien@kent.police.example", "sean.o-brien"), ("x#1@kent.police.example", "x-1")],
)
def test_an_awkward_address_gives_a_valid_user_name(world, ada, email, username):
    response = signed_in(ada).post("/access/invite/", {"email": email, "role": "viewer"})
    assert response.status_code == 302
    invited = get_user_model().objects.get(email=email)
    assert invited.username == username
    invited.full_clean()  # as the admin checks it when the account is next edited
    assert signed_in(ada).get(f"/access/users/{username}/").status_code == 200


def test_an_address_invited_and_withdrawn_can_be_invited_again(world, ada):
    admin = signed_in(ada)
    invite_sam(admin)
    first = link_in(mail.outbox[0])
    admin.post(f"/access/invitations/{Invitation.objects.get().pk}/withdraw/")

    again = invite_sam(
        admin, email="Sam@Kent.police.example", role="force_lead", force=force("Kent").pk
    )
    assert again.status_code == 302
    sam = get_user_model().objects.get(email__iexact="sam@kent.police.example")
    assert sam.username == "sam"
    assert list(sam.memberships.values_list("role", "force__slug")) == [("force_lead", "kent")]
    assert Invitation.objects.get().status == "pending"
    second = link_in(mail.outbox[1])
    assert Client().get(first).status_code == 410
    done = Client().post(second, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302
    sam.refresh_from_db()
    assert sam.is_active and sam.check_password(PASSWORD)


def test_an_address_already_invited_is_sent_to_the_invitation(world, ada):
    admin = signed_in(ada)
    invite_sam(admin)
    again = invite_sam(admin, email="SAM@kent.police.example")
    assert again.status_code == 200
    assert "is already invited: send the invitation again" in again.content.decode()
    assert get_user_model().objects.filter(email__iexact="sam@kent.police.example").count() == 1
    assert len(mail.outbox) == 1


def test_a_made_up_link_is_refused(world):
    assert Client().get("/invitation/MQ/abc-123/").status_code == 410
    assert Client().get("/invitation/not-base64/x/").status_code == 410


def test_someone_invited_can_be_named_an_owner_or_sro_before_they_accept(world):
    alice = signed_in(world.alice)
    invite_sam(
        alice,
        last_name="Jones",
        role="benefit_owner",
        force=force("Kent").pk,
        collaborations=[world.collab.pk],
    )
    sam = get_user_model().objects.get(email="sam@kent.police.example")
    assert (sam.person.name, sam.person.email, sam.person.force.slug) == (
        "Sam Jones",
        "sam@kent.police.example",
        "kent",
    )
    form = alice.get(f"/collaborations/{world.collab.slug}/initiatives/new/")
    assert f'<option value="{sam.person.pk}">Sam Jones</option>' in form.content.decode()
    assert sam.person.history.get().history_user == world.alice


def test_inviting_someone_already_named_links_them_rather_than_naming_them_twice(world):
    from realise.organisations.models import Person

    named = Person.objects.create(name="Sam Jones (Kent)", email="Sam@Kent.Police.Example")
    invite_sam(
        signed_in(world.alice),
        last_name="Jones",
        role="benefit_owner",
        force=force("Kent").pk,
        collaborations=[world.collab.pk],
    )
    sam = get_user_model().objects.get(email="sam@kent.police.example")
    assert sam.person == named
    assert Person.objects.filter(email__iexact="sam@kent.police.example").count() == 1
