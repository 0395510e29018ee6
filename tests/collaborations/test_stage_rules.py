"""Stage gates that cannot be walked round: one step at a time, moves back with a reason by
the programme team, deciding bodies held to their remit."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from realise.collaborations.models import StageDecision
from realise.collaborations.services import GateRefused, gate_check, move_stage
from realise.governance.models import Meeting
from realise.governance.services import record_decision
from tests.factories import GovernanceBodyFactory, member, plan

TODAY = datetime.date(2026, 11, 20)
SKIP_1_TO_3 = (
    "Stages move one at a time: from 1 Strategic outline case (SOC) the next stage is "
    "2 Outline business case (OBC). Moving to 3 Full business case (FBC) would skip "
    "2 Outline business case (OBC)."
)
NO_REASON = (
    "Moving back from 2 Outline business case (OBC) to 1 Strategic outline case (SOC) needs a "
    "reason: give it in the notes."
)


def at_stage(initiative, stage):
    initiative.stage = stage
    initiative.save()
    return initiative


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_skip_from_stage_1_to_3_is_refused_naming_the_stage_between(world):
    at_stage(world.initiative, 1)
    with pytest.raises(GateRefused) as refused:
        move_stage(world.initiative, 3, body=world.board, decided_on=TODAY, user=world.alice)
    assert refused.value.result.problems == [SKIP_1_TO_3]
    world.initiative.refresh_from_db()
    assert world.initiative.stage == 1
    assert not StageDecision.objects.exists()


def test_a_skip_of_two_stages_names_both(world):
    at_stage(world.initiative, 1)
    problems = gate_check(world.initiative, 4).problems
    assert problems[0].endswith(
        "would skip 2 Outline business case (OBC), 3 Full business case (FBC)."
    )


def test_a_skip_is_refused_on_the_page_the_api_and_the_cli(world, client, capsys):
    at_stage(world.initiative, 1)
    client.force_login(world.alice)
    page = client.post(
        f"/initiatives/{world.initiative.slug}/stage/",
        {"to_stage": "3", "body": world.board.pk, "decided_on": "2026-11-20"},
    )
    assert page.status_code == 200
    assert SKIP_1_TO_3 in page.content.decode()
    response = api(world.alice).post(
        "/api/v1/stage-decisions/",
        {
            "initiative": world.initiative.pk,
            "to_stage": 3,
            "body": world.board.pk,
            "decided_on": "2026-11-20",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["gate"]["problems"] == [SKIP_1_TO_3]
    assert not StageDecision.objects.exists()


def test_one_step_forward_is_allowed(world):
    at_stage(world.initiative, 1)
    decision = move_stage(world.initiative, 2, body=world.board, decided_on=TODAY, user=world.alice)
    assert (decision.from_stage, decision.to_stage, decision.move_back) == (1, 2, False)


def test_a_move_back_without_a_reason_is_refused(world):
    with pytest.raises(GateRefused) as refused:
        move_stage(
            world.initiative, 1, body=world.board, decided_on=TODAY, user=world.alice, notes="  "
        )
    assert refused.value.result.problems == [NO_REASON]
    world.initiative.refresh_from_db()
    assert world.initiative.stage == 2


def test_a_move_back_is_recorded_as_such_and_the_gate_then_applies_again(world):
    decision = move_stage(
        world.initiative,
        1,
        body=world.board,
        decided_on=TODAY,
        user=world.alice,
        notes="The costs doubled: the outline case must be redone.",
    )
    assert (decision.from_stage, decision.to_stage, decision.move_back) == (2, 1, True)
    assert decision.notes == "The costs doubled: the outline case must be redone."
    world.initiative.refresh_from_db()
    assert world.initiative.stage == 1
    # Forward again through the normal gate: the OBC standard holds the benefit again.
    world.benefit.owner = None
    world.benefit.save()
    with pytest.raises(GateRefused) as refused:
        move_stage(world.initiative, 2, body=world.board, decided_on=TODAY, user=world.alice)
    assert refused.value.result.messages() == [
        "Benefit 'Reduced vetting backlog': no benefit owner"
    ]
    world.benefit.owner = world.erin_person
    world.benefit.save()
    again = move_stage(world.initiative, 2, body=world.board, decided_on=TODAY, user=world.alice)
    assert (again.from_stage, again.to_stage, again.move_back) == (1, 2, False)


def test_a_move_back_may_go_back_several_stages(world):
    at_stage(world.initiative, 4)
    decision = move_stage(
        world.initiative, 2, body=world.board, decided_on=TODAY, user=world.alice, notes="Rework"
    )
    assert (decision.from_stage, decision.to_stage, decision.move_back) == (4, 2, True)


def test_only_an_administrator_or_the_programme_team_moves_back(world):
    with pytest.raises(GateRefused) as refused:
        move_stage(
            world.initiative, 1, body=world.board, decided_on=TODAY, user=world.bob, notes="Why"
        )
    assert refused.value.result.problems == [
        "Only an administrator or the programme team of Essex and Kent Serious Crime may move "
        "an initiative back."
    ]
    ada = member("ada", "Essex", "administrator")
    decision = move_stage(
        world.initiative, 1, body=world.board, decided_on=TODAY, user=ada, notes="Why"
    )
    assert decision.move_back


def test_a_move_back_without_a_reason_is_refused_on_the_page_and_the_api(world, client):
    client.force_login(world.alice)
    page = client.post(
        f"/initiatives/{world.initiative.slug}/stage/",
        {"to_stage": "1", "body": world.board.pk, "decided_on": "2026-11-20", "notes": ""},
    )
    assert page.status_code == 200
    assert NO_REASON in page.content.decode()
    response = api(world.alice).post(
        "/api/v1/stage-decisions/",
        {
            "initiative": world.initiative.pk,
            "to_stage": 1,
            "body": world.board.pk,
            "decided_on": "2026-11-20",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["gate"]["problems"] == [NO_REASON]
    done = api(world.alice).post(
        "/api/v1/stage-decisions/",
        {
            "initiative": world.initiative.pk,
            "to_stage": 1,
            "body": world.board.pk,
            "decided_on": "2026-11-20",
            "notes": "Scope changed",
        },
        format="json",
    )
    assert done.status_code == 201
    assert done.json()["move_back"] is True


def test_the_deciding_body_must_have_the_gate_in_its_remit(world, capsys):
    GovernanceBodyFactory(
        collaboration=world.collab, name="EK Summit", slug="ek-summit", decides_stages=[3]
    )
    finance = GovernanceBodyFactory(
        collaboration=world.collab, name="EK Finance Group", slug="ek-finance", decides_stages=[4]
    )
    with pytest.raises(GateRefused) as refused:
        move_stage(world.initiative, 3, body=finance, decided_on=TODAY, user=world.alice)
    message = (
        "EK Finance Group does not decide the gate into 3 Full business case (FBC); "
        "the bodies that may decide it: EK Programme Board, EK Summit."
    )
    assert refused.value.result.problems == [message]
    # The same refusal from the API's check and `realise gate-check --body`.
    response = api(world.alice).post(
        f"/api/v1/initiatives/{world.initiative.slug}/gate-check/",
        {"to_stage": 3, "body": finance.pk},
        format="json",
    )
    assert response.json()["problems"] == [message]
    with pytest.raises(SystemExit) as exit_info:
        call_command("gate-check", initiative="joint-vetting", to_stage=3, body="ek-finance")
    assert exit_info.value.code == 1
    assert message in capsys.readouterr().out


def test_when_no_body_decides_a_gate_the_refusal_says_so(world):
    world.board.decides_stages = [1, 2]
    world.board.save()
    problems = gate_check(world.initiative, 3, body=world.board).problems
    assert problems == [
        "EK Programme Board does not decide the gate into 3 Full business case (FBC), and no "
        "governance body of Essex and Kent Serious Crime does: add the stage to a body's stage "
        "gates decided."
    ]


def test_a_body_of_another_collaboration_is_refused(world):
    stranger = GovernanceBodyFactory(name="Elsewhere Board", decides_stages=[3])
    problems = gate_check(world.initiative, 3, body=stranger).problems
    assert problems == ["Elsewhere Board is not a governance body of this collaboration."]


def test_a_move_back_is_decided_by_a_body_deciding_the_stage_left(world):
    world.board.decides_stages = [3]
    world.board.save()
    problems = gate_check(world.initiative, 1, body=world.board).problems
    assert problems == [
        "A move back from 2 Outline business case (OBC) is decided by a body that decides the "
        "gate into 2 Outline business case (OBC); EK Programme Board does not, and no "
        "governance body of Essex and Kent Serious Crime does: add the stage to a body's stage "
        "gates decided."
    ]


def test_a_move_back_from_4_to_3_says_the_move_back_rule_on_the_page(world, client):
    """Not the forward rule of the gate into 4: the rule of moving back, its reason and the
    body, each on the stage field so that the error summary links to it."""
    at_stage(world.initiative, 4)
    finance = GovernanceBodyFactory(
        collaboration=world.collab, name="EK Finance Group", slug="ek-finance", decides_stages=[3]
    )
    client.force_login(world.alice)
    page = client.post(
        f"/initiatives/{world.initiative.slug}/stage/",
        {"to_stage": "3", "body": finance.pk, "decided_on": "2026-11-20", "notes": ""},
    )
    text = html.unescape(page.content.decode())
    body_rule = (
        "A move back from 4 Implementation is decided by a body that decides the gate into "
        "4 Implementation; EK Finance Group does not. The bodies that may decide it: "
        "EK Programme Board."
    )
    reason = (
        "Moving back from 4 Implementation to 3 Full business case (FBC) needs a reason: give "
        "it in the notes."
    )
    for message in (body_rule, reason):
        assert f'<a href="#id_to_stage">{message}</a>' in text
        assert text.count(message) == 2  # the summary and beside the field
    assert "does not decide the gate into 4" not in text
    world.initiative.refresh_from_db()
    assert world.initiative.stage == 4
    assert not StageDecision.objects.exists()


def test_the_gate_check_reports_a_move_back_as_the_move_would(world, capsys):
    """`realise gate-check` to an earlier stage: refused without a reason, as the move is."""
    with pytest.raises(SystemExit) as exit_info:
        call_command("gate-check", initiative="joint-vetting", to_stage=1)
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "to stage 1: refuses" in out
    assert f"  {NO_REASON}" in out
    call_command("gate-check", initiative="joint-vetting", to_stage=1, notes="Costs doubled")
    assert "to stage 1: passes" in capsys.readouterr().out


def test_the_api_gate_check_takes_the_body_by_slug_or_number(world):
    world.board.decides_stages = [1, 2]
    world.board.save()
    url = f"/api/v1/initiatives/{world.initiative.slug}/gate-check/"
    by_slug = api(world.alice).post(url, {"to_stage": 3, "body": "ek-board"}, format="json")
    by_number = api(world.alice).post(url, {"to_stage": 3, "body": world.board.pk}, format="json")
    by_text_number = api(world.alice).post(
        url, {"to_stage": 3, "body": str(world.board.pk)}, format="json"
    )
    assert by_slug.status_code == by_number.status_code == by_text_number.status_code == 200
    assert by_slug.json() == by_number.json() == by_text_number.json()
    assert by_slug.json()["problems"][0].startswith(
        "EK Programme Board does not decide the gate into 3 Full business case (FBC)"
    )
    unknown = api(world.alice).post(url, {"to_stage": 3, "body": "no-such-board"}, format="json")
    assert unknown.status_code == 400
    assert unknown.json() == {"body": ["No governance body with slug 'no-such-board'."]}
    # A body the reader may not see is as unknown by slug as by number.
    hidden = GovernanceBodyFactory(name="Hidden Board", slug="hidden-board", visibility="private")
    for value in ("hidden-board", hidden.pk):
        refused = api(world.alice).post(url, {"to_stage": 3, "body": value}, format="json")
        assert refused.status_code == 400
        assert list(refused.json()) == ["body"]


def test_the_api_gate_check_says_who_may_move_back(world):
    url = f"/api/v1/initiatives/{world.initiative.slug}/gate-check/"
    answer = api(world.bob).post(url, {"to_stage": 1, "notes": "Why"}, format="json").json()
    assert answer["passes"] is False
    assert answer["problems"] == [
        "Only an administrator or the programme team of Essex and Kent Serious Crime may move "
        "an initiative back."
    ]
    assert (
        api(world.alice).post(url, {"to_stage": 1, "notes": "Why"}, format="json").json()["passes"]
    )


# The date of a stage decision ----------------------------------------------------------------


def decided(world, day, from_stage=1, to_stage=2):
    return StageDecision.objects.create(
        initiative=world.initiative,
        from_stage=from_stage,
        to_stage=to_stage,
        body=world.board,
        decided_on=day,
    )


def test_a_stage_decision_in_the_future_is_refused(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        move_stage(world.initiative, 3, body=world.board, decided_on=tomorrow, user=world.alice)
    assert refused.value.message_dict == {
        "decided_on": [
            f"A stage decision is recorded once it has been taken: "
            f"{tomorrow.day} {tomorrow:%B %Y} is in the future."
        ]
    }
    world.initiative.refresh_from_db()
    assert world.initiative.stage == 2
    assert not StageDecision.objects.exists()
    today = move_stage(
        world.initiative, 3, body=world.board, decided_on=timezone.localdate(), user=world.alice
    )
    assert today.to_stage == 3


def test_a_stage_decision_before_the_previous_one_is_refused(world):
    decided(world, datetime.date(2026, 6, 1))
    with pytest.raises(ValidationError) as refused:
        move_stage(
            world.initiative,
            3,
            body=world.board,
            decided_on=datetime.date(2026, 5, 31),
            user=world.alice,
        )
    assert refused.value.message_dict == {
        "decided_on": [
            "The decision cannot be dated 31 May 2026, before the initiative's previous stage "
            "decision, on 1 June 2026."
        ]
    }
    assert StageDecision.objects.count() == 1
    # The same day as the previous decision is allowed (two gates at one meeting).
    same_day = move_stage(
        world.initiative,
        3,
        body=world.board,
        decided_on=datetime.date(2026, 6, 1),
        user=world.alice,
    )
    assert (same_day.from_stage, same_day.to_stage) == (2, 3)


def test_a_stage_decision_dated_1900_is_refused_on_the_page_and_the_api(world, client):
    decided(world, datetime.date(2026, 6, 1))
    message = (
        "The decision cannot be dated 1 January 1900, before the initiative's previous stage "
        "decision, on 1 June 2026."
    )
    client.force_login(world.alice)
    page = client.post(
        f"/initiatives/{world.initiative.slug}/stage/",
        {"to_stage": "3", "body": world.board.pk, "decided_on": "1900-01-01"},
    )
    text = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert f'<a href="#id_decided_on">{message}</a>' in text
    assert "govuk-input--error" in text.split('name="decided_on"')[1].split(">")[0]
    response = api(world.alice).post(
        "/api/v1/stage-decisions/",
        {
            "initiative": world.initiative.pk,
            "to_stage": 3,
            "body": world.board.pk,
            "decided_on": "1900-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"decided_on": [message]}
    future = api(world.alice).post(
        "/api/v1/stage-decisions/",
        {
            "initiative": world.initiative.pk,
            "to_stage": 3,
            "body": world.board.pk,
            "decided_on": "2999-01-01",
        },
        format="json",
    )
    assert future.status_code == 400
    assert future.json() == {
        "decided_on": [
            "A stage decision is recorded once it has been taken: 1 January 2999 is in the future."
        ]
    }
    world.initiative.refresh_from_db()
    assert world.initiative.stage == 2
    assert StageDecision.objects.count() == 1


def test_a_decision_at_a_meeting_keeps_the_same_rules(world):
    at_stage(world.initiative, 1)
    meeting = Meeting.objects.create(body=world.board, date=TODAY)
    with pytest.raises(GateRefused) as refused:
        record_decision(
            meeting, text="Approve FBC", initiative=world.initiative, to_stage=3, user=world.alice
        )
    assert refused.value.result.problems == [SKIP_1_TO_3]


def test_dis_benefits_need_a_planned_profile_like_benefits(world):
    world.benefit.is_disbenefit = True
    world.benefit.save()
    at_stage(world.initiative, 3)
    assert [f.rules for f in gate_check(world.initiative, 4).failures] == [["no planned profile"]]
    plan(world.benefit, datetime.date(2026, 4, 1), ["10"])
    assert gate_check(world.initiative, 4).passes
