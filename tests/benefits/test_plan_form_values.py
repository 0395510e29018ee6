"""The planned profile and a change request's proposed profile, typed line by line: a
value no amount could be (too large to store, 'NaN', 'inf', '1e400') is refused naming its
line, never stored and never an error page."""

import datetime
from html import unescape

import pytest

from realise.benefits.models import ChangeRequest, PlannedValue
from realise.collaborations.services import move_stage
from tests.factories import plan


def errors_of(response) -> str:
    return unescape(response.content.decode())


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "99999999999999999999",
            "Line 2: '99999999999999999999' is too large: a planned value has at most 16 "
            "digits before the decimal point.",
        ),
        (
            "1e400",
            "Line 2: '1e400' is too large: a planned value has at most 16 digits before the "
            "decimal point.",
        ),
        ("NaN", "Line 2: 'NaN' is not a number."),
        ("inf", "Line 2: 'inf' is not a number."),
        ("-Infinity", "Line 2: '-Infinity' is not a number."),
    ],
)
def test_a_value_no_amount_could_be_is_refused_naming_its_line(client, world, typed, message):
    client.force_login(world.alice)
    response = client.post(
        f"/benefits/{world.benefit.pk}/plan/", {"profile": f"2026-04 100\n2026-05 {typed}"}
    )
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not PlannedValue.objects.exists()


def test_a_large_value_within_the_limit_is_kept_to_the_penny(client, world):
    client.force_login(world.alice)
    response = client.post(
        f"/benefits/{world.benefit.pk}/plan/", {"profile": "2026-04 123,456,789,012.34"}
    )
    assert response.status_code == 302
    assert str(PlannedValue.objects.get().value) == "123456789012.34"


def test_a_change_request_refuses_the_same_values(client, world):
    plan(world.benefit, datetime.date(2025, 4, 1), ["100"])
    move_stage(
        world.initiative,
        3,
        body=world.board,
        decided_on=datetime.date(2025, 3, 20),
        user=world.alice,
    )
    client.force_login(world.alice)
    response = client.post(
        f"/benefits/{world.benefit.pk}/change-requests/new/",
        {"reason": "Slipped", "body": world.board.pk, "profile": "2025-04 1e400"},
    )
    assert response.status_code == 200
    assert (
        "Line 1: '1e400' is too large: a planned value has at most 16 digits before the "
        "decimal point."
    ) in errors_of(response)
    assert not ChangeRequest.objects.exists()
