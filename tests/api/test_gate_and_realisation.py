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


# Every filter given is applied, or refused naming it --------------------------------------------


@pytest.fixture
def cuts(world):
    """£1,000 planned last month in 1a (cashable), £300 in 1c (not), £200 in 1b hours."""
    plan(world.benefit, LAST_MONTH, ["1000"])
    world.benefit.cashable = True
    world.benefit.save()
    plan(BenefitFactory(initiative=world.initiative, subcategory="1c"), LAST_MONTH, ["300"])
    plan(
        BenefitFactory(initiative=world.initiative, subcategory="1b", unit="hours"),
        LAST_MONTH,
        ["200"],
    )
    return world


def planned(as_user, world, query: str) -> Decimal:
    response = as_user(world.alice).get(f"/api/v1/realisation/?collaboration=ek&{query}")
    assert response.status_code == 200, response.content
    return Decimal(response.json()["money"]["planned_total"])


def test_realisation_takes_several_subcategories(cuts, as_user):
    assert planned(as_user, cuts, "subcategory=1a&subcategory=1c") == Decimal("1300")
    response = as_user(cuts.alice).get("/api/v1/realisation/?subcategory=1a&subcategory=1c")
    assert response.json()["filters"]["subcategories"] == ["1a", "1c"]
    assert planned(as_user, cuts, "subcategory=1c") == Decimal("300")


def test_realisation_filters_by_cashable_and_echoes_it(cuts, as_user):
    assert planned(as_user, cuts, "cashable=true") == Decimal("1000")
    assert planned(as_user, cuts, "cashable=false") == Decimal("300")
    response = as_user(cuts.alice).get("/api/v1/realisation/?cashable=true")
    assert response.json()["filters"]["cashable"] is True
    assert planned(as_user, cuts, "identified=false") == Decimal("0")


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("cashable=maybe", {"cashable": ["Give true or false."]}),
        ("subcategory=9z", {"subcategory": {"0": ['"9z" is not a valid choice.']}}),
        ("force=E23000028&force=E23000032", {"force": ["Give it once."]}),
        (
            "stage=3",
            {
                "stage": [
                    "Not a filter of the figures; use collaboration, initiative, force, "
                    "subcategory, cashable, identified, from, to."
                ]
            },
        ),
    ],
    ids=["cashable maybe", "unknown sub-category", "force twice", "unknown parameter"],
)
def test_realisation_refuses_what_it_cannot_apply_naming_the_parameter(
    world, as_user, query, errors
):
    response = as_user(world.alice).get(f"/api/v1/realisation/?{query}")
    assert response.status_code == 400
    assert response.json() == errors


def test_realisation_keeps_its_keys(cuts, as_user):
    response = as_user(cuts.alice).get("/api/v1/realisation/?collaboration=ek")
    assert set(response.json()["filters"]) == {
        "collaboration",
        "initiative",
        "force",
        "subcategories",
        "stages",
        "statuses",
        "initiative_statuses",
        "cashable",
        "identified",
        "from",
        "to",
    }
