"""API: verify and return actuals (four eyes), with versions and the usual 403/404."""

import datetime
from decimal import Decimal

import pytest

from realise.benefits.models import Measurement
from realise.benefits.services import VERIFY_OWN, record_measurement
from realise.governance.models import Notification
from tests.factories import PersonFactory, force, member

pytestmark = pytest.mark.django_db
LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@pytest.fixture
def frank(world):
    user = member("frank", "Kent", "viewer")
    world.benefit.measurement_owner = PersonFactory(name="Frank Measurer", user=user)
    world.benefit.save()
    return user


@pytest.fixture
def actual(world):
    return record_measurement(
        world.benefit,
        LAST_MONTH,
        user=world.bob,
        force=force("Essex"),
        value=Decimal("1000.00"),
        evidence_note="Ledger extract",
    )


def test_the_measurement_owner_verifies(as_user, world, frank, actual):
    response = as_user(frank).post(
        f"/api/v1/measurements/{actual.pk}/verify/", {"version": actual.version}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["verified_by"] == frank.pk and body["verified_at"]
    assert response["ETag"] == f'"{actual.version + 1}"'


def test_the_enterer_gets_403_saying_why(as_user, world, actual):
    response = as_user(world.bob).post(f"/api/v1/measurements/{actual.pk}/verify/")
    assert response.status_code == 403
    assert response.json()["detail"] == VERIFY_OWN
    response = as_user(world.bob).post(
        f"/api/v1/measurements/{actual.pk}/return/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 403


def test_a_viewer_who_may_not_verify_gets_403(as_user, world, actual):
    response = as_user(world.dave).post(f"/api/v1/measurements/{actual.pk}/verify/")
    assert response.status_code == 403
    assert "Only the measurement owner" in response.json()["detail"]


def test_an_outsider_gets_404(as_user, world, actual):
    for path in ("verify", "return"):
        response = as_user(world.nora).post(f"/api/v1/measurements/{actual.pk}/{path}/")
        assert response.status_code == 404


@pytest.mark.parametrize("how", ["body", "if-match"])
def test_a_stale_version_gets_409(as_user, world, frank, actual, how):
    read_at = actual.version
    record_measurement(
        world.benefit,
        LAST_MONTH,
        user=world.bob,
        force=force("Essex"),
        value=Decimal("1100.00"),
        evidence_note="Revised",
    )
    client = as_user(frank)
    if how == "body":
        response = client.post(
            f"/api/v1/measurements/{actual.pk}/verify/", {"version": read_at}, format="json"
        )
    else:
        response = client.post(
            f"/api/v1/measurements/{actual.pk}/verify/", HTTP_IF_MATCH=f'"{read_at}"'
        )
    assert response.status_code == 409
    assert response.json()["version"] == read_at + 1
    assert Measurement.objects.get().verified_at is None


def test_return_with_a_reason_notifies_the_enterer(as_user, world, frank, actual):
    response = as_user(frank).post(
        f"/api/v1/measurements/{actual.pk}/return/", {"reason": ""}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"reason": ["Give the reason for returning the actual."]}
    response = as_user(frank).post(
        f"/api/v1/measurements/{actual.pk}/return/",
        {"reason": "Figure is for October, not November"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["return_reason"] == "Figure is for October, not November"
    assert Notification.objects.filter(user=world.bob).count() == 1


def test_a_verified_actual_changed_through_the_api_loses_its_verification(
    as_user, world, frank, actual
):
    as_user(frank).post(f"/api/v1/measurements/{actual.pk}/verify/")
    current = Measurement.objects.get()
    response = as_user(world.bob).patch(
        f"/api/v1/measurements/{actual.pk}/",
        {"value": "1250.00", "evidence_note": "Revised ledger", "version": current.version},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["verification_cleared"] is True
    assert (body["verified_by"], body["verified_at"]) == (None, None)
    assert body["value"] == "1250.00"


def test_adding_evidence_through_the_api_clears_verification(as_user, world, frank, actual):
    as_user(frank).post(f"/api/v1/measurements/{actual.pk}/verify/")
    response = as_user(world.bob).post(
        "/api/v1/evidence/", {"measurement": actual.pk, "note": "More"}, format="json"
    )
    assert response.status_code == 201, response.json()
    current = Measurement.objects.get()
    assert current.verified_at is None and current.changed_by == world.bob


def test_verification_fields_cannot_be_written(as_user, world, frank, actual):
    response = as_user(world.alice).patch(
        f"/api/v1/measurements/{actual.pk}/",
        {
            "verified_by": world.alice.pk,
            "evidence_note": "x",
            "value": "1000.00",
            "version": actual.version,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert Measurement.objects.get().verified_by is None


@pytest.mark.parametrize("given", ["latest", 0, "0", "\u0663", 1.0, True, [1]])
def test_a_version_that_is_not_a_number_is_a_400_naming_the_field(as_user, frank, actual, given):
    """Checked as every other change checks a version: no version is 0, nor a float, a
    yes, a list or digits of another script; none is taken for a stale version (409)."""
    for action in ("verify", "return"):
        response = as_user(frank).post(
            f"/api/v1/measurements/{actual.pk}/{action}/",
            {"version": given, "reason": "Ledger does not match"},
            format="json",
        )
        assert response.status_code == 400, (action, given)
        assert list(response.json()) == ["version"]
    actual.refresh_from_db()
    assert actual.verified_at is None
