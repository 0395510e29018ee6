"""The verification page's form, sent with choices the page never offers (an edited page, a
script): refused with the page's own message, never an error page; nothing is verified."""

import datetime

import pytest

from realise.benefits.models import Measurement
from tests.factories import actual

MONTH = datetime.date(2026, 3, 1)


@pytest.mark.parametrize(
    "chosen", ["99999999999999999999999:1", "1:99999999999999999999999", "abc", "1:x"]
)
def test_a_choice_that_names_no_actual_is_refused_with_a_message(client, world, chosen):
    actual(world.benefit, MONTH, "5")
    client.force_login(world.alice)

    response = client.post("/benefits/verification/", {"chosen": chosen})

    assert response.status_code == 200
    assert "Choose actuals from the list to verify." in response.content.decode()
    assert not Measurement.objects.filter(verified_at__isnull=False).exists()


def test_verifying_one_with_a_number_too_large_for_any_actual_is_refused(client, world):
    client.force_login(world.alice)
    response = client.post("/benefits/verification/", {"one": "99999999999999999999999:1"})
    assert response.status_code == 200
    assert "Choose actuals from the list to verify." in response.content.decode()
