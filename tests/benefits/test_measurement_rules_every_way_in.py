"""One rule, one place: each refused measurement action, tried through the page, the API
and the Excel import, is refused in the same words.

The story: the vetting benefit of the Essex and Kent collaboration. bob leads Essex,
carol leads Kent, alice is on the programme team; Norfolk is not a member.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from rest_framework.test import APIClient

from realise.benefits.models import Measurement
from realise.benefits.services import (
    FUTURE_MONTH,
    NO_EVIDENCE,
    NO_VALUE,
    VERIFY_OWN,
    record_measurement,
)
from realise.reports.register.importing import VERIFICATION_READ_ONLY, import_register
from realise.reports.register.xlsx import ACTUALS, write_register
from tests.factories import force

pytestmark = pytest.mark.django_db

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
NEXT_MONTH = (datetime.date.today().replace(day=28) + datetime.timedelta(days=5)).replace(day=1)

# (case, who, month, force, value, evidence note, the message every way in gives)
REFUSED = [
    ("a month not yet begun", "alice", NEXT_MONTH, "Essex", "10", "Ledger", FUTURE_MONTH),
    ("no evidence", "alice", LAST_MONTH, "Essex", "10", "", NO_EVIDENCE),
    ("no value", "alice", LAST_MONTH, "Essex", "", "Ledger", NO_VALUE),
    (
        "a force outside the collaboration",
        "alice",
        LAST_MONTH,
        "Norfolk",
        "10",
        "Ledger",
        "Norfolk is not a member of this collaboration.",
    ),
    (
        "another force's actual",
        "carol",
        LAST_MONTH,
        "Essex",
        "10",
        "Ledger",
        "You may not record actuals for Essex on benefit {reference}.",
    ),
]


def by_page(client, world, user, month, force_name, value, note) -> list[str]:
    client.force_login(user)
    response = client.post(
        f"/benefits/{world.benefit.pk}/actuals/new/",
        {
            "period": month.strftime("%Y-%m"),
            "force": force(force_name).pk,
            "value": value,
            "evidence_note": note,
        },
    )
    assert response.status_code == 200
    return [m for errors in response.context["form"].errors.values() for m in errors]


def by_api(world, user, month, force_name, value, note) -> list[str]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(
        "/api/v1/measurements/",
        {
            "benefit": world.benefit.pk,
            "period": month.strftime("%Y-%m"),
            "force": force(force_name).pk,
            "value": value or None,
            "evidence_note": note,
        },
        format="json",
    )
    assert response.status_code in (400, 403), response.json()
    body = response.json()
    if "detail" in body:
        return [body["detail"]]
    return [m for errors in body.values() for m in errors]


def by_import(tmp_path, world, user, month, force_name, value, note) -> list[str]:
    path = tmp_path / "register.xlsx"
    write_register(path)
    workbook = load_workbook(path)
    workbook[ACTUALS].append(
        [
            world.benefit.reference,
            month.strftime("%Y-%m"),
            force(force_name).ons_code,
            Decimal(value) if value else None,
            None,
            note,
        ]
    )
    workbook.save(path)
    result = import_register(path, user=user)
    assert not result.ok
    return [error.reason for error in result.errors]


@pytest.mark.parametrize(
    ("who", "month", "force_name", "value", "note", "message"),
    [case[1:] for case in REFUSED],
    ids=[case[0] for case in REFUSED],
)
def test_a_refused_actual_reads_the_same_every_way_in(
    client, tmp_path, world, who, month, force_name, value, note, message
):
    user = getattr(world, who)
    expected = [message.format(reference=world.benefit.reference)]

    assert by_page(client, world, user, month, force_name, value, note) == expected
    assert by_api(world, user, month, force_name, value, note) == expected
    assert by_import(tmp_path, world, user, month, force_name, value, note) == expected
    assert not Measurement.objects.exists()


def test_an_enterer_cannot_verify_their_own_actual_any_way_in(client, tmp_path, world):
    world.benefit.measurement_owner = world.erin_person
    world.benefit.save()
    actual = record_measurement(
        world.benefit,
        LAST_MONTH,
        user=world.alice,  # programme team: a verifier, but she entered it
        force=force("Essex"),
        value=Decimal("10"),
        evidence_note="Ledger",
    )

    client.force_login(world.alice)
    page = client.post("/benefits/verification/", {"one": f"{actual.pk}:{actual.version}"})
    assert [error.split(": ", 1)[1] for error in page.context["errors"]] == [VERIFY_OWN]

    api = APIClient()
    api.force_authenticate(world.alice)
    response = api.post(f"/api/v1/measurements/{actual.pk}/verify/")
    assert (response.status_code, response.json()["detail"]) == (403, VERIFY_OWN)

    path = tmp_path / "register.xlsx"
    write_register(path)
    workbook = load_workbook(path)
    workbook[ACTUALS]["G2"] = "alice"  # the Verified by column
    workbook.save(path)
    result = import_register(path, user=world.alice)
    assert [error.reason for error in result.errors] == [VERIFICATION_READ_ONLY]

    assert Measurement.objects.get().verified_at is None


@pytest.mark.parametrize("value", ["1.234", "1" + "0" * 16], ids=["beyond pennies", "too large"])
def test_a_value_the_register_cannot_hold_is_refused_and_nothing_is_written(world, value):
    with pytest.raises(ValidationError) as refused:
        record_measurement(
            world.benefit,
            LAST_MONTH,
            user=world.alice,
            force=force("Essex"),
            value=Decimal(value),
            evidence_note="Ledger",
        )
    assert list(refused.value.message_dict) == ["value"]
    assert not Measurement.objects.exists()
