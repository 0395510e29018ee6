"""The value box of an actual is a GOV.UK text input: styled as one, and with the error
border when its value is refused, as every other text box is."""

import datetime
import re

from realise.benefits.models import Measurement
from tests.factories import force

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def value_box(page: str) -> str:
    (box,) = re.findall(r'<input type="text" name="value"[^>]*>', page)
    return box


def classes(box: str) -> list[str]:
    (found,) = re.findall(r'class="([^"]*)"', box)
    return found.split()


def test_the_value_box_is_a_govuk_input(client, world):
    client.force_login(world.bob)
    page = client.get(f"/benefits/{world.benefit.pk}/actuals/new/").content.decode()
    assert '<div class="govuk-input__prefix" aria-hidden="true">£</div>' in page
    assert classes(value_box(page)) == ["govuk-input", "govuk-input--width-10"]


def test_a_refused_value_has_the_error_border(client, world):
    client.force_login(world.bob)
    response = client.post(
        f"/benefits/{world.benefit.pk}/actuals/new/",
        {
            "period_month": str(LAST_MONTH.month),
            "period_year": str(LAST_MONTH.year),
            "force": force("Essex").pk,
            "value": "12,50",
            "evidence_note": "Ledger",
        },
    )
    assert response.status_code == 200
    box = value_box(response.content.decode())
    assert classes(box) == ["govuk-input", "govuk-input--width-10", "govuk-input--error"]
    assert 'value="12,50"' in box
    assert not Measurement.objects.exists()
