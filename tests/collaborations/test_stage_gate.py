import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from realise.collaborations.models import StageDecision
from realise.collaborations.services import GateRefused, gate_check, move_stage
from tests.factories import BenefitFactory, plan

TODAY = datetime.date(2026, 11, 20)


def test_obc_gate_names_each_benefit_and_rule(world):
    world.benefit.measurement_owner = None
    world.benefit.direction = ""
    world.benefit.save()
    result = gate_check(world.initiative, 3)
    assert not result.passes
    assert "Benefit 'Reduced vetting backlog': no measurement owner" in result.messages()
    assert "Benefit 'Reduced vetting backlog': no direction of travel" in result.messages()


def at_stage(initiative, stage):
    initiative.stage = stage
    initiative.save()
    return initiative


def test_rules_grow_with_the_stage(world):
    world.benefit.status = "proposed"
    world.benefit.save()
    # SOC asks nothing of benefits; OBC the minimum standard; FBC agreement;
    # implementation a planned profile.
    assert gate_check(at_stage(world.initiative, 0), 1).failures == []
    assert [f.rules for f in gate_check(at_stage(world.initiative, 2), 3).failures] == [
        ["not agreed"]
    ]
    world.benefit.status = "agreed"
    world.benefit.save()
    at_stage(world.initiative, 3)
    assert [f.rules for f in gate_check(world.initiative, 4).failures] == [["no planned profile"]]
    plan(world.benefit, datetime.date(2026, 4, 1), ["1000", "1000"])
    assert gate_check(world.initiative, 4).passes


def test_quantitative_benefits_need_baseline_and_target_but_qualitative_do_not(world):
    BenefitFactory(
        initiative=world.initiative,
        title="Public confidence",
        subcategory="2b",
        nature="qualitative",
        unit="text",
        baseline_value=None,
        target_value=None,
    )
    world.benefit.baseline_value = None
    world.benefit.save()
    result = gate_check(world.initiative, 3)
    assert [(f.benefit, f.rules) for f in result.failures] == [
        ("Reduced vetting backlog", ["no baseline"])
    ]


def test_an_initiative_without_benefits_cannot_reach_obc(world):
    world.benefit.delete()
    world.initiative.stage = 1
    world.initiative.save()
    result = gate_check(world.initiative, 2)
    assert not result.passes
    assert "no benefits" in result.problems[0]


def test_move_stage_records_the_decision(world):
    decision = move_stage(
        world.initiative,
        3,
        body=world.board,
        decided_on=TODAY,
        user=world.alice,
        notes="FBC approved",
    )
    world.initiative.refresh_from_db()
    assert world.initiative.stage == 3
    assert (decision.from_stage, decision.to_stage, decision.body, decision.decided_by) == (
        2,
        3,
        world.board,
        world.alice,
    )
    assert world.initiative.history.first().history_user == world.alice


def test_refused_move_changes_nothing(world):
    world.benefit.owner = None
    world.benefit.save()
    with pytest.raises(GateRefused) as refused:
        move_stage(world.initiative, 3, body=world.board, decided_on=TODAY, user=world.alice)
    assert "Benefit 'Reduced vetting backlog': no benefit owner" in str(refused.value)
    world.initiative.refresh_from_db()
    assert world.initiative.stage == 2
    assert not StageDecision.objects.exists()


def test_stage_page_refuses_with_every_rule_then_records(client, world):
    world.benefit.measurement_owner = None
    world.benefit.save()
    client.force_login(world.alice)
    url = f"/initiatives/{world.initiative.slug}/stage/"
    form = {"to_stage": "3", "body": world.board.pk, "decided_on": "2026-11-20", "notes": ""}
    page = client.post(url, form)
    assert page.status_code == 200
    assert "Benefit 'Reduced vetting backlog': no measurement owner" in page.content.decode()
    world.benefit.measurement_owner = world.erin_person
    world.benefit.save()
    done = client.post(url, form)
    assert done.status_code == 302
    assert StageDecision.objects.get().to_stage == 3


def test_viewer_cannot_move_a_stage(client, world):
    client.force_login(world.dave)
    url = f"/initiatives/{world.initiative.slug}/stage/"
    assert (
        client.post(
            url, {"to_stage": "3", "body": world.board.pk, "decided_on": "2026-11-20"}
        ).status_code
        == 403
    )


def test_gate_check_command_json_and_exit_status(world, capsys):
    world.benefit.measurement_owner = None
    world.benefit.save()
    with pytest.raises(SystemExit) as exit_info:
        call_command("gate-check", initiative="joint-vetting", to_stage=3, format="json")
    assert exit_info.value.code == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload == {
        "initiative": "joint-vetting",
        "to_stage": 3,
        "passes": False,
        "problems": [],
        "failures": [{"benefit": "Reduced vetting backlog", "rules": ["no measurement owner"]}],
    }


def test_gate_check_command_passes_with_exit_zero(world, capsys):
    call_command("gate-check", initiative="joint-vetting", to_stage=3)
    assert "passes" in capsys.readouterr().out


def test_gate_check_unknown_initiative_is_a_usage_error(db):
    with pytest.raises(CommandError) as error:
        call_command("gate-check", initiative="nope", to_stage=3)
    assert error.value.returncode == 2
    assert "--initiative: no initiative with slug 'nope'" in str(error.value)


def test_a_benefit_refused_for_its_profile_links_to_the_profile(world, client):
    world.benefit.status = "agreed"
    world.benefit.save()
    at_stage(world.initiative, 3)
    client.force_login(world.alice)
    url = f"/initiatives/{world.initiative.slug}/stage/"
    refused = client.post(
        url, {"to_stage": "4", "body": world.board.pk, "decided_on": "2026-11-20", "notes": ""}
    )
    asked = client.get(f"{url}?to_stage=4")
    plan_link = f'href="/benefits/{world.benefit.pk}/plan/"'
    for page in (refused, asked):
        assert "no planned profile" in page.content.decode()
        assert plan_link in page.content.decode()
