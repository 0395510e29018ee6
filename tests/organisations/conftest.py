"""Fixtures of the access tests: ivy, an inspector from no force."""

import pytest

from realise.organisations.models import Membership
from tests.factories import UserFactory


@pytest.fixture
def ivy(world):
    ivy = UserFactory(username="ivy")
    Membership.objects.create(user=ivy, role="inspector")
    return ivy
