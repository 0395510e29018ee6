"""Stage gates that cannot be walked round: one step at a time, moves back with a reason by
the programme team, deciding bodies held to their remit."""

import datetime

import pytest
from django.core.management import call_command
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
    assert problems[0].startswith(
        "EK Programme Board does not decide the gate into 2 Outline business case (OBC)"
    )


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
