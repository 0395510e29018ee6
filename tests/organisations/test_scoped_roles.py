"""A role granted within named collaborations reaches only them (and those nested in them):
so a programme team, granting within its own collaborations, cannot reach further.

ek (private) has Essex and Kent; kent-only (private) has Kent alone.
"""

import pytest
from rest_framework.test import APIClient

from realise.core.permissions import access_for
from realise.organisations import services
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    InitiativeFactory,
    UserFactory,
    force,
    share,
)


@pytest.fixture
def kent_only(world):
    collab = CollaborationFactory(name="Kent only", slug="kent-only", visibility="private")
    share(collab, "Kent", "100")
    initiative = InitiativeFactory(collaboration=collab, slug="kent-work")
    collab.benefit = BenefitFactory(initiative=initiative, reference="K-1")
    return collab


def record(user, benefit):
    api = APIClient()
    api.force_authenticate(user)
    return api.post(
        "/api/v1/measurements/",
        {
            "benefit": benefit.pk,
            "period": "2026-01",
            "force": force("Kent").pk,
            "value": "5",
            "evidence_note": "Ledger",
        },
        format="json",
    )


def test_a_force_lead_within_a_collaboration_leads_only_there(world, kent_only):
    sam = UserFactory(username="sam")
    services.grant(
        user=sam,
        role="force_lead",
        force=force("Kent"),
        collaboration=world.collab,
        by=world.alice,
    )
    assert record(sam, world.benefit).status_code == 201
    assert record(sam, kent_only.benefit).status_code == 400  # a benefit he cannot see
    # Granted for Kent as a whole (by an administrator), the lead reaches both.
    carol = world.carol
    assert record(carol, kent_only.benefit).status_code == 201


def test_a_viewer_within_a_collaboration_does_not_see_the_forces_other_private_ones(
    world, kent_only
):
    sam = UserFactory(username="sam")
    services.grant(
        user=sam, role="viewer", force=force("Kent"), collaboration=world.collab, by=world.alice
    )
    access = access_for(sam)
    assert world.collab.pk in access.collaborations
    api = APIClient()
    api.force_authenticate(sam)
    assert api.get("/api/v1/collaborations/ek/").status_code == 200
    assert api.get("/api/v1/collaborations/kent-only/").status_code == 404


def test_a_programme_team_grants_the_programme_role_without_a_force(world):
    sam = UserFactory(username="sam")
    with pytest.raises(services.PermissionDenied) as refusal:
        services.grant(
            user=sam,
            role="programme_team",
            force=force("Essex"),
            collaboration=world.collab,
            by=world.alice,
        )
    assert "without a force" in str(refusal.value)
    services.grant(user=sam, role="programme_team", collaboration=world.collab, by=world.alice)
    assert access_for(sam).programme_collaborations == {world.collab.pk}


def test_granting_takes_effect_on_the_users_next_request(world, kent_only):
    api = APIClient()
    sam = UserFactory(username="sam")
    api.force_authenticate(sam)
    assert api.get("/api/v1/collaborations/kent-only/").status_code == 404
    services.grant(user=sam, role="viewer", force=force("Kent"))
    assert api.get("/api/v1/collaborations/kent-only/").status_code == 200
