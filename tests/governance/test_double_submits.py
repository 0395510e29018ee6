"""A form sent twice (a double click, the browser's back button and send again) records
one meeting, one decision and one escalation, and says why the second is refused."""

import datetime

import pytest

from realise.governance.models import Decision, Escalation, Meeting
from tests.factories import GovernanceBodyFactory

D = datetime.date

ACTIONS = {
    "actions-TOTAL_FORMS": "1",
    "actions-INITIAL_FORMS": "0",
    "actions-MIN_NUM_FORMS": "0",
    "actions-MAX_NUM_FORMS": "20",
}


def test_a_meeting_added_twice_is_added_once(client, world):
    client.force_login(world.alice)
    url = f"/governance/bodies/{world.board.slug}/meetings/new/"
    data = {"date": "2026-03-31", "status": "scheduled", "notes": "Year end"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200
    assert "EK Programme Board already has a meeting on 31 March 2026." in (
        response.content.decode()
    )
    assert world.board.meetings.count() == 1


def test_a_meeting_moved_onto_the_day_of_another_is_refused(client, world):
    Meeting.objects.create(body=world.board, date=D(2026, 3, 31))
    other = Meeting.objects.create(body=world.board, date=D(2026, 4, 30))
    client.force_login(world.alice)
    response = client.post(
        f"/governance/meetings/{other.pk}/edit/", {"date": "2026-03-31", "status": "scheduled"}
    )
    assert response.status_code == 200
    assert "already has a meeting on 31 March 2026" in response.content.decode()
    other.refresh_from_db()
    assert other.date == D(2026, 4, 30)


def test_a_meeting_may_be_arranged_on_the_day_of_a_cancelled_one(client, world):
    Meeting.objects.create(body=world.board, date=D(2026, 3, 31), status="cancelled")
    client.force_login(world.alice)
    url = f"/governance/bodies/{world.board.slug}/meetings/new/"
    response = client.post(url, {"date": "2026-03-31", "status": "scheduled"})
    assert response.status_code == 302
    assert world.board.meetings.filter(date=D(2026, 3, 31)).count() == 2


def test_an_extraordinary_session_the_same_day_at_another_time_is_added(client, world):
    Meeting.objects.create(body=world.board, date=D(2026, 3, 31), start_time=datetime.time(10))
    client.force_login(world.alice)
    url = f"/governance/bodies/{world.board.slug}/meetings/new/"
    same_time = {"date": "2026-03-31", "start_time": "10:00", "status": "scheduled"}
    response = client.post(url, same_time)
    assert response.status_code == 200
    assert "already has a meeting on 31 March 2026" in response.content.decode()
    later = {**same_time, "start_time": "15:00"}
    assert client.post(url, later).status_code == 302
    assert world.board.meetings.filter(date=D(2026, 3, 31)).count() == 2


def test_a_decision_recorded_twice_is_recorded_once(client, world):
    meeting = Meeting.objects.create(body=world.board, date=D(2026, 3, 31))
    client.force_login(world.alice)
    url = f"/governance/meetings/{meeting.pk}/decisions/new/"
    data = {
        **ACTIONS,
        "text": "Adopt O’Brien’s plan for the vetting units",
        "visibility": "private",
        "actions-0-text": "Tell staff",
    }
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200
    assert "This decision is already recorded at this meeting." in response.content.decode()
    assert Decision.objects.count() == 1
    assert Decision.objects.get().actions.count() == 1


@pytest.fixture
def summit(world):
    summit = GovernanceBodyFactory(collaboration=world.collab, name="EK Summit", slug="ek-summit")
    world.board.escalates_to = summit
    world.board.save()
    return summit


def test_an_escalation_sent_twice_is_raised_once(client, world, summit):
    client.force_login(world.alice)
    url = f"/governance/bodies/{world.board.slug}/escalate/"
    data = {"kind": "risk", "summary": "The supplier may fail.", "benefit": "", "initiative": ""}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200
    assert "This was escalated to EK Summit on " in response.content.decode()
    assert Escalation.objects.count() == 1


def test_the_same_words_with_other_actions_are_another_decision(client, world):
    meeting = Meeting.objects.create(body=world.board, date=D(2026, 3, 31))
    client.force_login(world.alice)
    url = f"/governance/meetings/{meeting.pk}/decisions/new/"
    data = {**ACTIONS, "text": "Noted.", "visibility": "private", "actions-0-text": "Tell staff"}
    assert client.post(url, data).status_code == 302
    other = {**data, "actions-0-text": "Write to the PCC"}
    assert client.post(url, other).status_code == 302
    assert Decision.objects.filter(meeting=meeting, text="Noted.").count() == 2
