"""API tests: the people of tests/conftest.py, plus an administrator, each with a client."""

import pytest
from rest_framework.test import APIClient

from tests.factories import member

ROLES = [
    "administrator",
    "programme_team",
    "force_lead",
    "benefit_owner",
    "viewer",
    "outsider",
    "anonymous",
]


@pytest.fixture
def people(world):
    """Who plays each role: ada administers; alice, bob, erin, dave and nora as in the world."""
    world.ada = member("ada", "Essex", "administrator")
    return {
        "administrator": world.ada,
        "programme_team": world.alice,
        "force_lead": world.bob,
        "benefit_owner": world.erin,
        "viewer": world.dave,
        "outsider": world.nora,
        "anonymous": None,
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
