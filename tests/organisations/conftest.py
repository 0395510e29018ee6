"""Fixtures of the access tests: ada, an administrator of Essex; ivy, an inspector from no
force; Norfolk Fleet, a private collaboration of Norfolk's that alice neither runs nor sees."""

import pytest

from realise.organisations.models import Membership
from tests.factories import CollaborationFactory, UserFactory, member, share


@pytest.fixture
def ada(world):
    return member("ada", "Essex", "administrator")


@pytest.fixture
def fleet(world):
    fleet = CollaborationFactory(name="Norfolk Fleet", slug="norfolk-fleet", visibility="private")
    share(fleet, "Norfolk", "100")
    return fleet


@pytest.fixture
def ivy(world):
    ivy = UserFactory(username="ivy")
    Membership.objects.create(user=ivy, role="inspector")
    return ivy
