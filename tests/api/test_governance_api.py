"""Actions and escalations through the API: read as the pages show them, marked done and
resolved through the same services, refused with the same reasons."""

import datetime

import pytest

from realise.governance.models import Meeting
from realise.governance.services import ActionSpec, escalate, record_decision
from tests.factories import GovernanceBodyFactory

D = datetime.date


@pytest.fixture
def governed(world):
    meeting = Meeting.objects.create(body=world.board, date=D(2026, 3, 10))
    decision = record_decision(
        meeting,
        text="Merge the vetting units",
        user=world.alice,
        actions=[ActionSpec("Draft the plan", world.erin_person, D(2026, 4, 1))],
    )
    world.action = decision.actions.get()
    world.decision = decision
    summit = GovernanceBodyFactory(
        collaboration=world.collab, name="EK Summit", slug="ek-summit", body_type="summit"
    )
    world.board.escalates_to = summit
    world.board.save()
    world.escalation = escalate(
        world.board, kind="risk", summary="Supplier may fail", user=world.alice
    )
    return world


def test_actions_and_escalations_are_listed_for_those_who_see_them(governed, as_user):
    actions = as_user(governed.dave).get("/api/v1/actions/").json()
    assert [row["text"] for row in actions["results"]] == ["Draft the plan"]
    escalations = as_user(governed.dave).get("/api/v1/escalations/?resolved_at__isnull=true")
    assert [row["summary"] for row in escalations.json()["results"]] == ["Supplier may fail"]
    # Norfolk's lead sees neither: the collaboration is private to Essex and Kent.
    assert as_user(governed.nora).get("/api/v1/actions/").json()["count"] == 0
    assert (
        as_user(governed.nora).get(f"/api/v1/escalations/{governed.escalation.pk}/").status_code
        == 404
    )
    assert as_user(None).get("/api/v1/actions/").status_code == 401


def test_the_owner_marks_an_action_done_and_the_decision_is_actioned(governed, as_user):
    url = f"/api/v1/actions/{governed.action.pk}/done/"
    assert as_user(governed.dave).post(url).status_code == 403  # a viewer may not
    response = as_user(governed.erin).post(url)
    assert response.status_code == 200
    assert response.json()["done"] is True
    governed.decision.refresh_from_db()
    assert governed.decision.status == "actioned"
    assert governed.action.history.latest().history_user == governed.erin
    assert as_user(governed.erin).post(url).status_code == 200  # again: nothing changes


def test_an_escalation_is_resolved_once_with_a_reason(governed, as_user):
    url = f"/api/v1/escalations/{governed.escalation.pk}/resolve/"
    assert (
        as_user(governed.carol).post(url, {"resolution": "Accepted"}, format="json").status_code
        == 403
    )
    response = as_user(governed.alice).post(url, {"resolution": "  "}, format="json")
    assert response.status_code == 400
    response = as_user(governed.alice).post(url, {"resolution": "Accepted"}, format="json")
    assert response.status_code == 200
    assert response.json()["resolution"] == "Accepted"
    again = as_user(governed.alice).post(url, {"resolution": "Again"}, format="json")
    assert again.status_code == 400
    assert "already been resolved" in str(again.json())


def test_actions_and_escalations_cannot_be_created_or_deleted_through_the_api(governed, as_user):
    client = as_user(governed.alice)
    assert client.post("/api/v1/actions/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/escalations/{governed.escalation.pk}/").status_code == 405
