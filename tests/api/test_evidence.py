"""Evidence behind an actual: added, never changed; never the actual's last one removed;
notes kept to 2,000 characters whichever way they come; and adding evidence to a verified
actual says that its verification was cleared."""

import datetime

import pytest
import yaml
from django.utils import timezone

from realise.benefits.models import Evidence, Measurement
from tests.factories import actual, force

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
EARLIER = (LAST_MONTH - datetime.timedelta(days=1)).replace(day=1)


@pytest.fixture
def ledger(world):
    """Essex's actual for last month, with one evidence note."""
    measurement = actual(world.benefit, LAST_MONTH, "250", force("Essex"))
    return Evidence.objects.create(measurement=measurement, note="Essex ledger")


def notes(measurement):
    return list(Evidence.objects.filter(measurement=measurement).values_list("note", flat=True))


def test_an_actuals_last_evidence_is_not_removed(world, as_user, ledger):
    response = as_user(world.alice).delete(f"/api/v1/evidence/{ledger.pk}/")
    assert response.status_code == 409
    assert response.json()["detail"].startswith(
        f"This is the only evidence for the actual {world.benefit.reference} "
    )
    assert "every actual needs evidence" in response.json()["detail"]
    assert notes(ledger.measurement) == ["Essex ledger"]


def test_other_evidence_goes_leaving_the_actual_evidenced(world, as_user, ledger):
    invoice = Evidence.objects.create(measurement=ledger.measurement, note="Invoice 42")
    # Evidence is never changed, so a removal names no version.
    assert as_user(world.alice).delete(f"/api/v1/evidence/{invoice.pk}/").status_code == 204
    assert notes(ledger.measurement) == ["Essex ledger"]
    assert as_user(world.alice).delete(f"/api/v1/evidence/{ledger.pk}/").status_code == 409


@pytest.mark.parametrize("method", ["patch", "put"])
def test_evidence_is_not_changed_once_attached(world, as_user, ledger, method):
    response = getattr(as_user(world.alice), method)(
        f"/api/v1/evidence/{ledger.pk}/",
        {"measurement": ledger.measurement_id, "note": "Rewritten"},
        format="json",
    )
    assert response.status_code == 405
    assert response.json()["detail"].startswith("Evidence is not changed once attached")
    assert "add another evidence note or file" in response.json()["detail"]
    assert notes(ledger.measurement) == ["Essex ledger"]


def test_the_schema_offers_no_change_to_evidence(client, db):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    assert set(schema["paths"]["/api/v1/evidence/{id}/"]) == {"get", "delete"}


def test_an_evidence_note_is_kept_to_2000_characters_through_the_api(world, as_user, ledger):
    bob = as_user(world.bob)
    response = bob.post(
        "/api/v1/evidence/", {"measurement": ledger.measurement_id, "note": "x" * 200_000}
    )
    assert response.status_code == 400
    assert response.json() == {
        "note": [
            "Keep the evidence note to 2000 characters (it has 200000); attach a file for more."
        ]
    }
    response = bob.post(
        "/api/v1/measurements/",
        {
            "benefit": world.benefit.pk,
            "period": EARLIER.strftime("%Y-%m"),
            "force": force("Essex").pk,
            "value": "10",
            "evidence_note": "y" * 2001,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["evidence_note"] == [
        "Keep the evidence note to 2000 characters (it has 2001); attach a file for more."
    ]
    assert not Measurement.objects.filter(period=EARLIER).exists()
    assert notes(ledger.measurement) == ["Essex ledger"]
    response = bob.post(
        "/api/v1/evidence/", {"measurement": ledger.measurement_id, "note": "z" * 2000}
    )
    assert response.status_code == 201


def test_an_evidence_note_is_kept_to_2000_characters_on_the_page(client, world):
    client.force_login(world.bob)
    response = client.post(
        f"/benefits/{world.benefit.pk}/actuals/new/",
        {
            "period": LAST_MONTH.strftime("%Y-%m"),
            "force": force("Essex").pk,
            "value": "10",
            "evidence_note": "y" * 2001,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence_note"]
    assert not Measurement.objects.exists()


def test_evidence_added_to_a_verified_actual_says_it_cleared_the_verification(
    world, as_user, ledger
):
    Measurement.objects.filter(pk=ledger.measurement_id).update(
        verified_by=world.alice, verified_at=timezone.now()
    )
    response = as_user(world.bob).post(
        "/api/v1/evidence/", {"measurement": ledger.measurement_id, "note": "Invoice 42"}
    )
    assert response.status_code == 201
    assert response.json()["verification_cleared"] is True
    assert Measurement.objects.get(pk=ledger.measurement_id).verified_at is None
    again = as_user(world.bob).post(
        "/api/v1/evidence/", {"measurement": ledger.measurement_id, "note": "Invoice 43"}
    )
    assert again.json()["verification_cleared"] is False
