"""Benefits added or changed after a gate are held to the standard of their initiative's
stage; each benefit says whether it meets it and what it lacks."""

import datetime
from decimal import Decimal

from rest_framework.test import APIClient

from realise.benefits.models import Benefit
from realise.benefits.services import record_measurement
from realise.benefits.standard import benefit_standard
from realise.collaborations.services import gate_check
from tests.factories import plan

OWNER = (
    "Below the minimum standard of an initiative at 2 Outline business case (OBC): "
    "no benefit owner."
)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def new_benefit(world, **changes):
    data = {
        "initiative": world.initiative.pk,
        "reference": "EK-B9",
        "title": "Fewer re-vets",
        "subcategory": "1b",
        "direction": "decrease",
        "measure": "Hours spent re-vetting",
        "nature": "quantitative",
        "unit": "hours",
        "baseline_value": "400",
        "target_value": "250",
        "owner": world.erin_person.pk,
        "measurement_owner": world.erin_person.pk,
        "identified_in_business_case": True,
        "status": "proposed",
    }
    data.update(changes)
    return data


def test_the_api_refuses_a_new_benefit_below_the_obc_standard_with_field_errors(world):
    response = api(world.alice).post(
        "/api/v1/benefits/", new_benefit(world, owner=None, direction=""), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "direction": [
            "Below the minimum standard of an initiative at 2 Outline business case (OBC): "
            "no direction of travel."
        ],
        "owner": [OWNER],
    }
    assert not Benefit.objects.filter(reference="EK-B9").exists()


def test_before_obc_a_sketchy_benefit_is_accepted(world):
    world.initiative.stage = 1
    world.initiative.save()
    response = api(world.alice).post(
        "/api/v1/benefits/", new_benefit(world, owner=None, direction=""), format="json"
    )
    assert response.status_code == 201
    assert response.json()["minimum_standard"] == {
        "stage": 1,
        "applies": False,
        "meets": True,
        "lacks": [],
    }


def test_the_page_refuses_a_new_benefit_below_the_standard_on_the_field(client, world):
    client.force_login(world.alice)
    data = new_benefit(world, owner="")
    data.pop("initiative")
    data["identified_in_business_case"] = "on"
    page = client.post(f"/initiatives/{world.initiative.slug}/benefits/new/", data)
    assert page.status_code == 200
    # In the error summary and on the field itself.
    assert page.content.decode().count(OWNER) == 2
    assert not Benefit.objects.filter(reference="EK-B9").exists()


def test_from_fbc_a_new_benefit_must_be_agreed(world):
    world.initiative.stage = 3
    world.initiative.save()
    response = api(world.alice).post("/api/v1/benefits/", new_benefit(world), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "status": [
            "Below the minimum standard of an initiative at 3 Full business case (FBC): not agreed."
        ]
    }


def test_each_benefit_shows_what_it_lacks_on_its_page_and_in_the_api(client, world):
    world.initiative.stage = 4
    world.initiative.save()
    world.benefit.measurement_owner = None
    world.benefit.save()
    assert benefit_standard(world.benefit).lacks == ["no measurement owner", "no planned profile"]
    client.force_login(world.dave)
    page = client.get(f"/benefits/{world.benefit.pk}/").content.decode()
    assert "Below the minimum standard of an initiative at 4 Implementation." in page
    assert "<li>no measurement owner</li>" in page and "<li>no planned profile</li>" in page
    body = api(world.dave).get(f"/api/v1/benefits/{world.benefit.pk}/").json()
    assert body["minimum_standard"] == {
        "stage": 4,
        "applies": True,
        "meets": False,
        "lacks": ["no measurement owner", "no planned profile"],
    }


def test_a_benefit_beyond_the_business_case_needs_evidence_but_no_plan(world):
    """7F Procurement's kind of benefit: delivered though the business case never named it."""
    plan(world.benefit, datetime.date(2026, 4, 1), ["1000"])
    world.initiative.stage = 4
    world.initiative.save()
    response = api(world.alice).post(
        "/api/v1/benefits/",
        new_benefit(
            world,
            identified_in_business_case=False,
            baseline_value=None,
            target_value=None,
            status="realising",
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    benefit = Benefit.objects.get(reference="EK-B9")
    assert response.json()["minimum_standard"]["lacks"] == ["no actual recorded with evidence"]
    world.initiative.stage = 3
    world.initiative.save()
    assert [f.rules for f in gate_check(world.initiative, 4).failures] == [
        ["no actual recorded with evidence"]
    ]
    record_measurement(
        benefit,
        datetime.date(2026, 4, 1),
        user=world.alice,
        value=Decimal("120"),
        evidence_note="Duty rosters, April",
    )
    assert benefit_standard(benefit).meets
    assert gate_check(world.initiative, 4).passes


def test_a_benefit_beyond_the_business_case_still_needs_an_owner_and_a_measure(world):
    response = api(world.alice).post(
        "/api/v1/benefits/",
        new_benefit(world, identified_in_business_case=False, owner=None, measure=""),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"owner", "measure"}
