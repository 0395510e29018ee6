"""The people and access pages pass axe-core in a real browser, forms with errors included."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from realise.organisations.models import Invitation
from realise.organisations.services import invitation_link, invite
from tests.e2e.conftest import axe_violations, sign_in
from tests.factories import member

pytestmark = pytest.mark.e2e


def test_access_pages_have_no_axe_violations(page, world):
    member("ada", "Essex", "administrator")
    invite(email="sam@kent.police.example", role="viewer")
    sign_in(page, "ada")
    paths = [
        "/access/",
        "/access/?role=force_lead",
        "/access/grant/",
        f"/access/{world.dave.memberships.get().pk}/change/",
        f"/access/{world.dave.memberships.get().pk}/revoke/",
        "/access/users/bob/",
        "/access/invite/",
        "/access/invitations/",
        "/access/cover/",
        "/access/cover/new/",
        "/account/",
        "/account/password/",
    ]
    for path in paths:
        page.goto(path)
        assert axe_violations(page) == [], path
    page.goto("/access/grant/")
    page.get_by_role("button", name="Grant the role").click()
    # The click sends the form: wait for the page that answers it, not the one left.
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert axe_violations(page) == []


def test_password_and_invitation_pages_have_no_axe_violations(page, world):
    invitation = invite(email="sam@kent.police.example", role="viewer")
    link = invitation_link(Invitation.objects.get(pk=invitation.pk))
    for path in [
        "/accounts/password-reset/",
        urlparse(link).path,
        "/invitation/MQ/nothing-here/",
    ]:
        page.goto(path)
        assert axe_violations(page) == [], path
