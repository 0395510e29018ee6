"""Decisions at meetings: the log, actions, and stage gates decided there."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from realise.collaborations.models import StageDecision
from realise.collaborations.services import GateRefused
from realise.governance.models import Decision, Meeting
from realise.governance.services import ActionSpec, complete_action, record_decision

D = datetime.date


@pytest.fixture
def meeting(world):
    return Meeting.objects.create(body=world.board, date=D(2026, 3, 10))


def test_a_stage_gate_decided_at_a_meeting_is_linked_to_it(world, meeting):
    decision = record_decision(
        meeting,
        text="Approve the full business case",
        initiative=world.initiative,
        to_stage=3,
        user=world.alice,
    )
    world.initiative.refresh_from_db()
    assert world.initiative.stage == 3
    gate = StageDecision.objects.get()
    assert (gate.from_stage, gate.to_stage, gate.body, gate.decided_on) == (
        2,
        3,
        world.board,
        meeting.date,
    )
    assert decision.stage_decision == gate
    assert decision.meeting == meeting
    meeting.refresh_from_db()
    assert meeting.status == "held"


def test_a_refused_gate_records_no_decision(world, meeting):
    world.benefit.owner = None
    world.benefit.save()
    with pytest.raises(GateRefused):
        record_decision(
            meeting, text="Approve FBC", initiative=world.initiative, to_stage=3, user=world.alice
        )
    assert not Decision.objects.exists()
    assert not StageDecision.objects.exists()


def test_a_decision_is_actioned_when_its_last_action_is_done(world, meeting):
    decision = record_decision(
        meeting,
        text="Merge the vetting units",
        user=world.alice,
        actions=[
            ActionSpec("Draft the plan", world.erin_person, D(2026, 4, 1)),
            ActionSpec("Tell staff"),
        ],
    )
    first, second = decision.actions.order_by("pk")
    assert decision.status == "open"
    complete_action(first, user=world.erin, on=D(2026, 3, 20))  # erin owns it
    decision.refresh_from_db()
    assert decision.status == "open"
    complete_action(second, user=world.alice)
    decision.refresh_from_db()
    assert decision.status == "actioned"


def test_a_decision_is_never_more_visible_than_its_body(world, meeting):
    with pytest.raises(ValidationError):
        record_decision(meeting, text="Publish", visibility="public", user=world.alice)
    assert record_decision(meeting, text="Noted", user=world.alice).visibility == "private"


def test_recording_a_decision_through_the_page(client, world, meeting):
    client.force_login(world.alice)
    data = {
        "text": "Adopt the regional vetting policy",
        "rationale": "One policy for both forces",
        "initiative": world.initiative.pk,
        "to_stage": "",
        "visibility": "private",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "20",
        "actions-0-text": "Publish the policy on both intranets",
        "actions-0-owner": world.erin_person.pk,
        "actions-0-due_on": "2026-04-01",
    }
    response = client.post(f"/governance/meetings/{meeting.pk}/decisions/new/", data)
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert [(a.text, a.owner) for a in decision.actions.all()] == [
        ("Publish the policy on both intranets", world.erin_person)
    ]
    assert decision.history.first().history_user == world.alice


def test_the_page_shows_every_unmet_gate_rule(client, world, meeting):
    world.benefit.measurement_owner = None
    world.benefit.save()
    client.force_login(world.alice)
    data = {
        "text": "Approve FBC",
        "initiative": world.initiative.pk,
        "to_stage": "3",
        "visibility": "private",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
    }
    page = client.post(f"/governance/meetings/{meeting.pk}/decisions/new/", data).content.decode()
    # The refusal is on the stage field (the error summary links to it); each benefit that
    # falls short is listed with its rules and a link to put it right.
    assert (
        '<a href="#id_to_stage">1 benefit does not meet the rules of 3 Full business case (FBC): '
        "it is listed below with what it lacks.</a>"
    ) in page
    assert "Benefit 'Reduced vetting backlog': no measurement owner" in page
    assert f'href="/benefits/{world.benefit.pk}/edit/"' in page
    assert not Decision.objects.exists()


def decision_data(world, **changes):
    return {
        "text": "Approve the full business case",
        "initiative": world.initiative.pk,
        "to_stage": "3",
        "visibility": "private",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        **changes,
    }


def test_no_decision_for_a_meeting_that_has_not_taken_place(client, world):
    ahead = timezone.localdate() + datetime.timedelta(days=10)
    upcoming = Meeting.objects.create(body=world.board, date=ahead)
    message = (
        f"The meeting is on {ahead.day} {ahead:%B %Y} and has not taken place yet: record its "
        "decisions once it has."
    )
    with pytest.raises(ValidationError) as refused:
        record_decision(
            upcoming, text="Approve", initiative=world.initiative, to_stage=3, user=world.alice
        )
    assert refused.value.messages == [message]
    client.force_login(world.alice)
    response = client.post(
        f"/governance/meetings/{upcoming.pk}/decisions/new/", decision_data(world)
    )
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not Decision.objects.exists()
    assert not StageDecision.objects.exists()
    world.initiative.refresh_from_db()
    assert world.initiative.stage == 2
    # Its page offers no "Record a decision" yet; a meeting held offers it.
    page = client.get(f"/governance/meetings/{upcoming.pk}/").content.decode()
    assert f"/governance/meetings/{upcoming.pk}/decisions/new/" not in page
    held = Meeting.objects.create(body=world.board, date=timezone.localdate())
    page = client.get(f"/governance/meetings/{held.pk}/").content.decode()
    assert f"/governance/meetings/{held.pk}/decisions/new/" in page


def test_a_meeting_with_decisions_is_neither_moved_nor_cancelled(client, world, meeting):
    """Its decisions are dated its day: moving it or calling it cancelled would leave the log
    and the meeting saying different things. Its time, place and notes may still change."""
    record_decision(meeting, text="Merge the vetting units", user=world.alice)
    client.force_login(world.alice)
    edit = {"date": "2026-03-10", "status": "held", "start_time": "", "location": "", "notes": ""}

    response = client.post(
        f"/governance/meetings/{meeting.pk}/edit/", {**edit, "date": "2026-04-10"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        "Decisions were recorded at this meeting on 10 March 2026, and are dated that day: "
        "the meeting stays on it."
    ]
    response = client.post(
        f"/governance/meetings/{meeting.pk}/edit/", {**edit, "status": "cancelled"}
    )
    assert response.context["form"].errors["status"] == [
        "Decisions were recorded at this meeting on 10 March 2026: it cannot be cancelled."
    ]
    meeting.refresh_from_db()
    assert (meeting.date, meeting.status) == (D(2026, 3, 10), "held")

    response = client.post(
        f"/governance/meetings/{meeting.pk}/edit/", {**edit, "location": "Kent HQ"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Kent HQ"


def test_an_action_due_before_the_decision_is_refused(client, world, meeting):
    message = "The due date cannot be before the decision, taken on 10 March 2026."
    with pytest.raises(ValidationError) as refused:
        record_decision(
            meeting,
            text="Merge the vetting units",
            user=world.alice,
            actions=[ActionSpec("Tell staff"), ActionSpec("Draft the plan", None, D(2026, 3, 9))],
        )
    assert refused.value.message_dict == {"due_on": [f"Action 2: {message}"]}
    client.force_login(world.alice)
    data = decision_data(
        world,
        to_stage="",
        **{"actions-0-text": "Draft the plan", "actions-0-due_on": "2026-03-09"},
    )
    response = client.post(f"/governance/meetings/{meeting.pk}/decisions/new/", data)
    text = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert f"Action 1: {message}" in text  # in the summary
    box = text.split('id="id_actions-0-due_on_1_error"')[1].split("</span>", 2)[1]
    assert message in box  # beside the due date
    assert "govuk-input--error" in text.split('name="actions-0-due_on"')[1].split(">")[0]
    assert not Decision.objects.exists()
    # Due on the day of the decision is fine.
    data["actions-0-due_on"] = "2026-03-10"
    assert client.post(f"/governance/meetings/{meeting.pk}/decisions/new/", data).status_code == 302
    assert Decision.objects.get().actions.get().due_on == D(2026, 3, 10)


def test_the_decision_form_is_govuk_styled(client, world, meeting):
    client.force_login(world.alice)
    page = client.get(f"/governance/meetings/{meeting.pk}/decisions/new/").content.decode()
    form = page.split('<form method="post" novalidate>')[1].split("</form>")[0]
    assert form.count("csrfmiddlewaretoken") == 1
    for index in range(3):
        due = form.split(f'name="actions-{index}-due_on"')[1].split(">")[0]
        assert "govuk-input" in due
    initiative = form.split('name="initiative"')[1].split("</select>")[0]
    assert '<option value="" selected>No initiative</option>' in initiative
    assert ">None<" not in form


def test_the_decisions_log_is_searchable(client, world, meeting):
    record_decision(
        meeting,
        text="Merge the vetting units",
        user=world.alice,
        actions=[ActionSpec("Consult unions")],
    )
    record_decision(meeting, text="Buy body armour together", user=world.alice)
    client.force_login(world.dave)
    page = client.get("/governance/decisions/", {"q": "unions"}).content.decode()
    assert "Merge the vetting units" in page
    assert "Buy body armour together" not in page
    page = client.get(
        "/governance/decisions/", {"body": world.board.slug, "status": "actioned"}
    ).content.decode()
    assert "Buy body armour together" in page
    assert "Merge the vetting units" not in page


def test_a_meeting_yet_to_come_is_not_marked_held(client, world):
    coming = Meeting.objects.create(
        body=world.board, date=timezone.localdate() + datetime.timedelta(days=1)
    )
    client.force_login(world.alice)
    edit = {"date": coming.date.isoformat(), "start_time": "", "location": "", "notes": ""}

    response = client.post(f"/governance/meetings/{coming.pk}/edit/", {**edit, "status": "held"})

    assert response.status_code == 200
    assert response.context["form"].errors["status"] == [
        "A meeting is held on its day: this one is yet to come."
    ]
    coming.refresh_from_db()
    assert coming.status == "scheduled"
