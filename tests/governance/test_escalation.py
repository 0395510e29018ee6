"""An item escalated by one body lands on the next agenda of the body it escalates to."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from realise.governance.models import Escalation, Meeting
from realise.governance.services import build_agenda, escalate, resolve
from tests.factories import GovernanceBodyFactory

D = datetime.date


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def summit(world):
    summit = GovernanceBodyFactory(
        collaboration=world.collab, name="EK Summit", slug="ek-summit", body_type="summit"
    )
    world.board.escalates_to = summit
    world.board.save()
    summit.before = Meeting.objects.create(body=summit, date=D(2026, 3, 10))
    summit.cancelled = Meeting.objects.create(body=summit, date=D(2026, 4, 10), status="cancelled")
    summit.next = Meeting.objects.create(body=summit, date=D(2026, 5, 10))
    summit.after = Meeting.objects.create(body=summit, date=D(2026, 8, 10))
    return summit


def test_an_escalation_lands_on_the_next_meeting_and_stays_until_resolved(world, summit):
    escalation = escalate(
        world.board,
        kind="benefit_off_track",
        summary="Vetting backlog is growing; we ask the summit for two more vetting officers.",
        benefit=world.benefit,
        user=world.alice,
        now=at(D(2026, 3, 20)),
    )
    assert escalation.to_body == summit
    assert escalation.meeting == summit.next  # the cancelled April meeting is skipped
    assert escalation.initiative == world.initiative
    assert build_agenda(summit.before).escalations == []  # raised after that meeting
    assert build_agenda(summit.next).escalations == [escalation]
    assert build_agenda(summit.after).escalations == [escalation]  # still open

    resolve(
        escalation,
        resolution="Two officers seconded from Kent for six months.",
        user=world.alice,
        now=at(D(2026, 5, 10), 15),
    )

    escalation.refresh_from_db()
    assert escalation.is_resolved
    assert escalation.resolved_by == world.alice
    assert escalation.resolution == "Two officers seconded from Kent for six months."
    assert build_agenda(summit.next).escalations == [escalation]  # resolved at this meeting
    assert build_agenda(summit.after).escalations == []
    assert escalation.history.first().history_user == world.alice


def test_a_body_escalates_only_to_its_own_escalation_body(world, summit):
    with pytest.raises(ValidationError):
        escalate(summit, kind="risk", summary="Nobody above us", user=world.alice)


def test_only_the_programme_team_escalates_and_resolves(world, summit):
    with pytest.raises(PermissionDenied):
        escalate(world.board, kind="risk", summary="Supplier failure", user=world.dave)
    escalation = escalate(world.board, kind="risk", summary="Supplier failure", user=world.alice)
    with pytest.raises(PermissionDenied):
        resolve(escalation, resolution="Accepted", user=world.carol)
    resolve(escalation, resolution="Accepted", user=world.alice)
    with pytest.raises(ValidationError):
        resolve(escalation, resolution="Again", user=world.alice)


def test_escalating_and_resolving_through_the_pages(client, world, summit):
    summit.next.date = timezone.localdate() + datetime.timedelta(days=10)
    summit.next.save()
    client.force_login(world.alice)
    response = client.post(
        f"/governance/bodies/{world.board.slug}/escalate/",
        {
            "kind": "decision_needed",
            "summary": "Choose the case management supplier.",
            "benefit": "",
            "initiative": world.initiative.pk,
        },
    )
    escalation = Escalation.objects.get()
    assert response.status_code == 302
    assert escalation.meeting == summit.next
    agenda_page = client.get(summit.next.get_absolute_url()).content.decode()
    assert "Choose the case management supplier." in agenda_page

    client.post(
        f"/governance/escalations/{escalation.pk}/resolve/",
        {"resolution": "Framework supplier chosen."},
    )
    escalation.refresh_from_db()
    assert escalation.resolution == "Framework supplier chosen."
    assert (
        "Framework supplier chosen." in client.get(escalation.get_absolute_url()).content.decode()
    )


def test_an_off_track_escalation_must_name_the_benefit(client, world, summit):
    client.force_login(world.alice)
    response = client.post(
        f"/governance/bodies/{world.board.slug}/escalate/",
        {"kind": "benefit_off_track", "summary": "Behind plan", "benefit": "", "initiative": ""},
    )
    assert response.status_code == 200
    assert "Choose the benefit that is off track." in response.content.decode()
    assert not Escalation.objects.exists()


def test_an_escalation_whose_meeting_is_cancelled_moves_to_the_next_meeting(
    client, world, summit, monkeypatch
):
    # On 20 April 2026: the May meeting is still to come.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: D(2026, 4, 20))
    escalation = escalate(
        world.board,
        kind="risk",
        summary="Supplier failure",
        user=world.alice,
        now=at(D(2026, 4, 20)),
    )
    assert escalation.meeting == summit.next
    client.force_login(world.alice)
    response = client.post(
        f"/governance/meetings/{summit.next.pk}/edit/",
        {"date": "2026-05-10", "status": "cancelled", "notes": "Chair unavailable."},
    )
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.meeting == summit.after
    page = client.get(escalation.get_absolute_url()).content.decode()
    assert "the meeting on 10 August 2026" in page
    assert client.get(f"/api/v1/escalations/{escalation.pk}/").json()["meeting"] == summit.after.pk
