"""The month form as a force lead fills it in: amounts written as the page shows them
(£1,250.00), a dis-benefit's sign, a month not yet over."""

import datetime
from decimal import Decimal
from html import unescape

import pytest
from django.utils import timezone

from realise.benefits.models import Measurement
from tests.factories import BenefitFactory

MONTH = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def forces(world):
    world.essex = world.collab.shares.get(force__name="Essex").force
    world.benefit.reference = "EK-1"
    world.benefit.save()


def url(month=MONTH):
    return f"/actuals/month/?month={month.month}&year={month.year}"


def line(benefit, force):
    return f"value-{benefit.pk}-{force.pk}"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1,250.50", Decimal("1250.50")),
        ("£1,250", Decimal("1250.00")),
        ("12,345,678.9", Decimal("12345678.90")),
        (" 1250 ", Decimal("1250.00")),
    ],
)
def test_an_amount_written_with_thousands_separators_is_read(client, world, typed, stored):
    client.force_login(world.bob)
    response = client.post(
        url(), {line(world.benefit, world.essex): typed, "batch_note": "Finance ledger"}
    )
    assert response.status_code == 302
    assert Measurement.objects.get(period=MONTH).value == stored


@pytest.mark.parametrize("typed", ["12,50", "1,25,000", "1,2345", ",250"])
def test_a_comma_that_is_not_a_thousands_separator_is_refused_naming_the_line(client, world, typed):
    """Never read as another amount: 12,50 is not taken as £1,250."""
    client.force_login(world.bob)
    response = client.post(
        url(), {line(world.benefit, world.essex): typed, "batch_note": "Finance ledger"}
    )
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert (
        f"EK-1, Essex: '{typed}' is not an amount: use commas only between thousands and a "
        "full stop for decimals, e.g. 1,250.50."
    ) in html
    assert not Measurement.objects.exists()


def test_the_single_actual_form_reads_thousands_separators_too(client, world):
    client.force_login(world.bob)
    response = client.post(
        f"/benefits/{world.benefit.pk}/actuals/new/",
        {
            "period_month": "3",
            "period_year": "2026",
            "force": world.essex.pk,
            "value": "£2,500.75",
            "evidence_note": "Ledger",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Measurement.objects.get(period=MONTH).value == Decimal("2500.75")


def test_a_dis_benefit_line_says_to_enter_the_cost_as_a_positive_amount(client, world):
    """A dis-benefit is recorded as the cost it caused, a positive amount, and counted as
    negative in every total: the line says so, so that nobody types a minus sign for it."""
    cost = BenefitFactory(
        initiative=world.initiative, reference="EK-D", title="Extra travel", is_disbenefit=True
    )
    client.force_login(world.bob)
    page = unescape(client.get(url()).content.decode())
    row = page.split('id="lines"')[1].split(">EK-D</a>")[1].split("</tr>")[0]
    assert "Dis-benefit: enter the cost or time it caused as a positive amount." in row
    other = page.split('id="lines"')[1].split(">EK-1</a>")[1].split("</tr>")[0]
    assert "Dis-benefit" not in other
    response = client.post(url(), {line(cost, world.essex): "1,200", "batch_note": "Ledger"})
    assert response.status_code == 302
    assert Measurement.objects.get().value == Decimal("1200.00")


def test_a_month_not_yet_over_says_its_actuals_count_once_it_is(client, world):
    client.force_login(world.bob)
    this_month = timezone.localdate().replace(day=1)
    page = unescape(client.get(url(this_month)).content.decode())
    assert "has not ended yet" in page
    assert "has not ended yet" not in unescape(client.get(url()).content.decode())


def test_emptying_a_line_already_recorded_is_refused_rather_than_ignored(client, world):
    """The form comes back filled with what is recorded; a line emptied would otherwise be
    left as it was while the page said the month was saved."""
    other = BenefitFactory(initiative=world.initiative, reference="EK-2")
    client.force_login(world.bob)
    first, second = line(world.benefit, world.essex), line(other, world.essex)
    client.post(url(), {first: "110", second: "45", "batch_note": "Ledger"})
    response = client.post(url(), {first: "", second: "46", "batch_note": "Corrected"})
    assert response.status_code == 400
    assert (
        "EK-1, Essex: 110.00 is already recorded for this line and cannot be removed here: "
        "enter the corrected value, or leave 110.00 to keep it."
    ) in unescape(response.content.decode())
    stored = dict(Measurement.objects.filter(period=MONTH).values_list("benefit", "value"))
    assert stored == {world.benefit.pk: Decimal("110.00"), other.pk: Decimal("45.00")}
    # A line never given (an older page, a script) is left alone as before.
    assert client.post(url(), {second: "46", "batch_note": "Corrected"}).status_code == 302
