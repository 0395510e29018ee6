"""A benefit's baseline and target dates lie within the months Realise records (2000 to
fifty years ahead), the target date is not before the baseline date, and the target agrees
with the direction of travel. The page and the API refuse otherwise, naming the field."""

import datetime

import pytest
from rest_framework.test import APIClient

from realise.benefits.models import Benefit
from realise.core import inputs
from tests.factories import BenefitFactory

LAST_DAY = (inputs.last_month() + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(
    days=1
)


def patch(world, changes, benefit=None):
    benefit = Benefit.objects.get(pk=(benefit or world.benefit).pk)
    client = APIClient()
    client.force_authenticate(world.alice)
    return client.patch(
        f"/api/v1/benefits/{benefit.pk}/", {**changes, "version": benefit.version}, format="json"
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"baseline_date": "1000-01-01"},
            "baseline_date",
            f"The baseline date must be from 2000-01-01 to {LAST_DAY.isoformat()}.",
        ),
        (
            {"target_date": "9999-12-31"},
            "target_date",
            f"The target date must be from 2000-01-01 to {LAST_DAY.isoformat()}.",
        ),
        (
            {"baseline_date": "2026-01-01", "target_date": "2020-01-01"},
            "target_date",
            "The target date cannot be before the baseline date (2026-01-01).",
        ),
    ],
    ids=["baseline in the year 1000", "target in 9999", "target before baseline"],
)
def test_the_api_refuses_dates_out_of_range_or_order(world, changes, field, message):
    response = patch(world, changes)
    assert response.status_code == 400
    assert response.json() == {field: [message]}
    benefit = Benefit.objects.get(pk=world.benefit.pk)
    assert (benefit.baseline_date, benefit.target_date) == (None, None)


def test_the_api_takes_dates_in_range_and_order(world):
    changes = {"baseline_date": "2000-01-01", "target_date": LAST_DAY.isoformat()}
    assert patch(world, changes).status_code == 200
    changes = {"baseline_date": "2026-04-01", "target_date": "2026-04-01"}
    assert patch(world, changes).status_code == 200


def level(world, direction):
    return BenefitFactory(
        initiative=world.initiative,
        subcategory="2b",
        unit="count",
        direction=direction,
        baseline_value=0,
        target_value=10 if direction == "increase" else 0,
    )


def test_a_target_against_an_increase_is_refused(world):
    benefit = level(world, "increase")
    response = patch(world, {"target_value": "-5"}, benefit)
    assert response.status_code == 400
    assert response.json() == {
        "target_value": [
            "The direction of travel is increase, so the target must be above the baseline (0.00)."
        ]
    }
    assert patch(world, {"target_value": "0"}, benefit).status_code == 400
    assert Benefit.objects.get(pk=benefit.pk).target_value == 10


def test_a_target_against_a_decrease_is_refused(world):
    complaints = BenefitFactory(
        initiative=world.initiative,
        subcategory="2b",
        unit="count",
        direction="decrease",
        baseline_value=21,
        target_value=5,
    )
    response = patch(world, {"target_value": "30"}, complaints)
    assert response.status_code == 400
    assert response.json() == {
        "target_value": [
            "The direction of travel is decrease, so the target must be below the baseline (21.00)."
        ]
    }
    assert patch(world, {"target_value": "12"}, complaints).status_code == 200


def test_savings_record_amounts_delivered_so_never_below_zero(world):
    """A 1a, 1b or 1c benefit records what it saved, whatever its direction (a 'decrease'
    in spend from 0 to £1.5m saved is allowed), but not a negative amount."""
    saving = BenefitFactory(
        initiative=world.initiative, direction="decrease", baseline_value=0, target_value=0
    )
    assert patch(world, {"target_value": "1500000"}, saving).status_code == 200
    response = patch(world, {"target_value": "-5"}, saving)
    assert response.status_code == 400
    assert response.json() == {
        "target_value": [
            "Savings record the amount delivered, so the target value cannot be below zero."
        ]
    }


def test_a_dis_benefit_or_a_maintained_level_is_not_held_to_a_direction(world):
    harm = BenefitFactory(
        initiative=world.initiative,
        subcategory="2a",
        unit="count",
        direction="decrease",
        is_disbenefit=True,
        baseline_value=3,
        target_value=3,
    )
    assert patch(world, {"target_value": "4"}, harm).status_code == 200
    kept = level(world, "maintain")
    assert patch(world, {"target_value": "2"}, kept).status_code == 200


def test_the_page_refuses_a_target_date_before_the_baseline_date(client, world):
    client.force_login(world.alice)
    url = f"/benefits/{world.benefit.pk}/edit/"
    form = client.get(url).context["form"]
    posted = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    posted.update(baseline_date="2026-01-01", target_date="2020-01-01")
    response = client.post(url, posted)
    assert response.status_code == 200
    assert response.context["form"].errors["target_date"] == [
        "The target date cannot be before the baseline date (2026-01-01)."
    ]
    posted.update(baseline_date="1999-12-31", target_date="2027-03-31")
    response = client.post(url, posted)
    assert response.context["form"].errors["baseline_date"] == [
        f"The baseline date must be from 2000-01-01 to {LAST_DAY.isoformat()}."
    ]
    assert Benefit.objects.get(pk=world.benefit.pk).baseline_date is None
