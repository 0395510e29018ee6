"""API tests: the people of tests/conftest.py, plus an administrator, each with a client."""

import datetime

import pytest
from rest_framework.test import APIClient

from realise.organisations.models import Cover, Membership
from tests.factories import UserFactory, member

ROLES = [
    "administrator",
    "programme_team",
    "force_lead",
    "benefit_owner",
    "viewer",
    "outsider",
    "anonymous",
    "inspector",
    "deputy",
]


@pytest.fixture
def people(world):
    """Who plays each role: ada administers; alice, bob, erin, dave and nora as in the world;
    ivy inspects (no force); dan, a Kent viewer, is erin's deputy while she is away today."""
    world.ada = member("ada", "Essex", "administrator")
    world.ivy = UserFactory(username="ivy")
    Membership.objects.create(user=world.ivy, role="inspector")
    world.dan = member("dan", "Kent", "viewer")
    today = datetime.date.today()
    Cover.objects.create(
        person=world.erin_person,
        deputy=world.dan,
        starts=today - datetime.timedelta(days=3),
        ends=today + datetime.timedelta(days=3),
    )
    return {
        "administrator": world.ada,
        "programme_team": world.alice,
        "force_lead": world.bob,
        "benefit_owner": world.erin,
        "viewer": world.dave,
        "outsider": world.nora,
        "anonymous": None,
        "inspector": world.ivy,
        "deputy": world.dan,
    }


@pytest.fixture
def as_user():
    """`as_user(user)`: an API client signed in as that user (None: nobody)."""

    def client_for(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for
