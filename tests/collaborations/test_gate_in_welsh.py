"""The stage gate and the benefit minimum standard in Welsh (#20): a Welsh page reads every
rule and refusal in Welsh; the API, `realise gate-check` and the exception's own text keep
the English they always gave."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import translation
from rest_framework.test import APIClient

from realise.collaborations.services import GateRefused, gate_check, move_stage
from realise.governance.models import GovernanceBody
from tests.factories import CollaborationFactory

TODAY = datetime.date(2026, 11, 20)
GATE_ENGLISH = "Benefit 'Reduced vetting backlog': no measurement owner"
GATE_WELSH = "Budd ‘Reduced vetting backlog’: dim perchennog y mesur"


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en-gb")


def welsh(client, user):
    client.force_login(user)
    client.post("/language/", {"language": "cy", "next": "/"})
    return client


@pytest.fixture
def unowned(world):
    world.benefit.measurement_owner = None
    world.benefit.save()
    return world


def test_the_stage_gate_refuses_in_welsh_on_a_welsh_page(client, unowned):
    world = unowned
    other = GovernanceBody.objects.create(
        collaboration=CollaborationFactory(name="Elsewhere", slug="elsewhere"),
        name="Far Board",
        slug="far-board",
        body_type="programme_board",
    )
    welsh(client, world.alice)
    url = f"/initiatives/{world.initiative.slug}/stage/"
    form = {"to_stage": "3", "body": world.board.pk, "decided_on": "2026-11-20", "notes": ""}
    page = client.post(url, form).content.decode()
    assert GATE_WELSH in page
    assert "no measurement owner" not in page

    # The gate's own problems: a skipped stage, named by the stages' Welsh names.
    page = client.get(f"{url}?to_stage=4").content.decode()
    assert "Mae camau’n symud un ar y tro: o 2 Achos Busnes Amlinellol (OBC)" in page
    assert "Stages move one at a time" not in page
    result = gate_check(world.initiative, 3, body=other)
    with translation.override("cy"):
        assert result.messages()[0] == (
            "Nid yw Far Board yn gorff llywodraethu i’r cydweithrediad hwn."
        )
    with translation.override("en-gb"):
        assert result.messages()[0] == "Far Board is not a governance body of this collaboration."


def test_the_same_result_reads_in_the_language_of_whoever_reads_it(unowned):
    result = gate_check(unowned.initiative, 3)
    with translation.override("cy"):
        assert result.messages() == [GATE_WELSH]
    assert result.messages() == [GATE_ENGLISH]


def test_the_refusal_keeps_english_for_the_api_the_command_and_the_exception(
    client, unowned, capsys
):
    world = unowned
    api = APIClient()
    api.force_authenticate(world.alice)
    path = f"/api/v1/initiatives/{world.initiative.slug}/gate-check/"
    english = api.post(path, {"to_stage": 3}, format="json").json()
    welsh_session = welsh(client, world.alice)
    welsh_answer = welsh_session.post(
        path, {"to_stage": 3}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="cy"
    ).json()
    assert welsh_answer == english
    assert english["failures"] == [
        {"benefit": "Reduced vetting backlog", "rules": ["no measurement owner"]}
    ]

    # A refused decision through the API: `detail` and `gate` in English.
    refused = welsh_session.post(
        "/api/v1/stage-decisions/",
        {
            "initiative": world.initiative.pk,
            "to_stage": 4,
            "body": world.board.pk,
            "decided_on": "2026-11-20",
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="cy",
    ).json()
    assert "Stages move one at a time: from 2 Outline business case (OBC)" in refused["detail"]
    assert "no measurement owner" in refused["gate"]["failures"][0]["rules"]

    # The command, run while Welsh is active, writes English as text and as JSON.
    with translation.override("cy"):
        with pytest.raises(SystemExit):
            call_command("gate-check", initiative="joint-vetting", to_stage=3)
        text = capsys.readouterr().out
        with pytest.raises(SystemExit):
            call_command("gate-check", initiative="joint-vetting", to_stage=4, format="json")
        payload = json.loads(capsys.readouterr().out)
        with pytest.raises(GateRefused) as error:
            move_stage(world.initiative, 3, body=world.board, decided_on=TODAY, user=world.alice)
    assert f"  {GATE_ENGLISH}" in text and "dim perchennog" not in text
    assert payload["problems"] == [
        "Stages move one at a time: from 2 Outline business case (OBC) the next stage is "
        "3 Full business case (FBC). Moving to 4 Implementation would skip "
        "3 Full business case (FBC)."
    ]
    assert str(error.value) == GATE_ENGLISH
    # The result itself still speaks the reader's language.
    with translation.override("cy"):
        assert error.value.result.messages() == [GATE_WELSH]


def test_a_benefit_below_the_standard_says_so_in_welsh(client, unowned):
    world = unowned
    welsh(client, world.alice)
    page = client.get(f"/benefits/{world.benefit.pk}/").content.decode()
    assert "<li>dim perchennog y mesur</li>" in page
    assert "no measurement owner" not in page

    # The API keeps the English rule, for the same benefit, from the same Welsh session.
    answer = client.get(f"/api/v1/benefits/{world.benefit.pk}/", HTTP_ACCEPT_LANGUAGE="cy")
    assert answer.json()["minimum_standard"]["lacks"] == ["no measurement owner"]


def test_the_benefit_form_refuses_below_the_standard_in_welsh(client, world):
    welsh(client, world.alice)
    data = {
        "reference": "EK-B9",
        "title": "Fewer re-vets",
        "subcategory": "1b",
        "direction": "decrease",
        "measure": "Hours spent re-vetting",
        "nature": "quantitative",
        "unit": "hours",
        "baseline_value": "400",
        "target_value": "250",
        "owner": "",
        "measurement_owner": world.erin_person.pk,
        "identified_in_business_case": "on",
        "status": "proposed",
    }
    page = client.post(f"/initiatives/{world.initiative.slug}/benefits/new/", data)
    assert page.status_code == 200
    welsh_refusal = (
        "Islaw’r safon ofynnol ar gyfer menter yn 2 Achos Busnes Amlinellol (OBC): "
        "dim perchennog y budd."
    )
    assert page.content.decode().count(welsh_refusal) == 2  # the summary and the field
