"""The month form's evidence notes, too long: the refusal stands beside the note that is too
long (the note for every line, or one line's own), in the summary and at the field, and
nothing is saved."""

import re
from html import unescape

import pytest

from realise.benefits.models import Measurement
from tests.factories import BenefitFactory

URL = "/actuals/month/?month=3&year=2026"


@pytest.fixture
def lines(world):
    world.essex = world.collab.shares.get(force__name="Essex").force
    world.benefit.reference = "EK-1"
    world.benefit.save()
    world.other = BenefitFactory(initiative=world.initiative, reference="EK-2")
    return world


def key(benefit, force):
    return f"{benefit.pk}-{force.pk}"


def inline_errors(page: str, field_id: str) -> list[str]:
    """The error messages shown in the form group of the field with this id."""
    group = page.split(f'id="{field_id}"')[0].rsplit('class="govuk-form-group', 1)[1]
    found = re.findall(r'govuk-error-message"[^>]*>(?:<span[^>]*>[^<]*</span>)?(.*?)</p>', group)
    return [" ".join(m.split()) for m in found]


def test_a_batch_note_too_long_is_refused_at_the_batch_note_not_on_every_line(client, lines):
    client.force_login(lines.bob)
    response = client.post(
        URL,
        {
            f"value-{key(lines.benefit, lines.essex)}": "5",
            f"value-{key(lines.other, lines.essex)}": "6",
            "batch_note": "x" * 2500,
        },
    )
    assert response.status_code == 400
    page = unescape(response.content.decode())
    message = "Keep the evidence note to 2000 characters (it has 2500); attach a file for more."
    summary = page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert summary.count(message) == 1
    assert 'href="#id_batch_note"' in summary
    assert "EK-1, Essex:" not in summary and "EK-2, Essex:" not in summary
    assert inline_errors(page, "id_batch_note") == [message]
    assert not Measurement.objects.exists()


def test_a_line_note_too_long_is_shown_beside_that_lines_note(client, lines):
    client.force_login(lines.bob)
    note = f"note-{key(lines.benefit, lines.essex)}"
    response = client.post(
        URL,
        {f"value-{key(lines.benefit, lines.essex)}": "5", note: "y" * 2500, "batch_note": "Ledger"},
    )
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert inline_errors(page, f"id_{note}") == [
        "Ensure this value has at most 2000 characters (it has 2500)."
    ]
    assert f'id="id_{note}"' in page and 'govuk-input--error" id="id_' + note in page
    assert not Measurement.objects.exists()
