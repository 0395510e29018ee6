"""The stage-gate check and the realisation figures give the API the CLI's answers."""

import contextlib
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.factories import BenefitFactory, actual, force, plan

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def cli_json(*args) -> dict:
    out = io.StringIO()
    with contextlib.suppress(SystemExit):  # gate-check exits 1 when the gate refuses
        call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_gate_check_answers_as_the_cli_does(world, as_user):
    BenefitFactory(initiative=world.initiative, title="Vague benefit", direction="", owner=None)
    response = as_user(world.dave).post(
        f"/api/v1/initiatives/{world.initiative.slug}/gate-check/", {"to_stage": 3}, format="json"
    )
    assert response.status_code == 200
    expected = cli_json(
        "gate-check", "--initiative", world.initiative.slug, "--to-stage", "3", "--format", "json"
    )
    assert response.json() == expected
    assert response.json()["passes"] is False
    assert response.json()["failures"] == [
        {"benefit": "Vague benefit", "rules": ["no direction of travel", "no benefit owner"]}
    ]


def test_gate_check_by_id_changes_nothing(world, as_user):
    response = as_user(world.alice).post(
        f"/api/v1/initiatives/{world.initiative.pk}/gate-check/", {"to_stage": 3}, format="json"
    )
    assert response.json() == {
        "initiative": "joint-vetting",
        "to_stage": 3,
        "passes": True,
        "problems": [],
        "failures": [],
    }
    world.initiative.refresh_from_db()
    assert world.initiative.stage == 2


@pytest.mark.parametrize("to_stage", [6, -1, "three"])
def test_gate_check_refuses_a_stage_that_does_not_exist(world, as_user, to_stage):
    response = as_user(world.alice).post(
        f"/api/v1/initiatives/{world.initiative.slug}/gate-check/",
        {"to_stage": to_stage},
        format="json",
    )
    assert response.status_code == 400
    assert "to_stage" in response.json()


def test_realisation_gives_the_cli_figures_for_the_same_cut(world, as_user):
    plan(world.benefit, LAST_MONTH, ["1000"])
    actual(world.benefit, LAST_MONTH, "400", force("Essex"))
    actual(world.benefit, LAST_MONTH, "500", force("Kent"))
    period = LAST_MONTH.strftime("%Y-%m")
    response = as_user(world.alice).get(
        f"/api/v1/realisation/?collaboration=ek&subcategory=1a&from={period}&to={period}"
    )
    assert response.status_code == 200
    expected = cli_json(
        "realisation",
        "--collaboration",
        "ek",
        "--subcategory",
        "1a",
        "--from",
        period,
        "--to",
        period,
    )
    assert response.json() == expected
    money = response.json()["money"]
    assert Decimal(money["actual_to_date"]) == Decimal("900")
    assert Decimal(money["planned_total"]) == Decimal("1000")


def test_realisation_refuses_a_collaboration_the_user_cannot_see(world, as_user):
    response = as_user(world.nora).get("/api/v1/realisation/?collaboration=ek")
    assert response.status_code == 400
    assert "collaboration" in response.json()


def test_realisation_names_a_bad_month(world, as_user):
    response = as_user(world.alice).get("/api/v1/realisation/?from=2026-13")
    assert response.status_code == 400
    assert "from" in response.json()
