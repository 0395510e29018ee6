"""An opportunity's estimates are read as the pages show amounts, as the actuals forms read
them: a pound sign and commas between thousands ("£40,000"); a comma anywhere else is
refused naming the field rather than read as another amount."""

from decimal import Decimal

from realise.pipeline.models import Opportunity
from tests.pipeline.test_pages import form

NEW = "/collaborations/ek/pipeline/new/"


def test_estimates_typed_with_a_pound_sign_and_thousands_are_read(world, client):
    client.force_login(world.alice)
    response = client.post(NEW, form(low="£40,000", most_likely="£55,000.50", high="80,000"))
    assert response.status_code == 302
    added = Opportunity.objects.get(title="Shared tyre contract")
    assert (added.low, added.most_likely, added.high) == (
        Decimal("40000.00"),
        Decimal("55000.50"),
        Decimal("80000.00"),
    )


def test_a_misplaced_comma_is_refused_naming_the_field(world, client):
    client.force_login(world.alice)
    response = client.post(NEW, form(low="40,00"))
    assert response.status_code == 200
    assert response.context["form"].errors["low"] == [
        "'40,00' is not an amount: use commas only between thousands and a full stop for "
        "decimals, e.g. 1,250.50."
    ]
    assert not Opportunity.objects.exists()


def test_the_estimate_boxes_take_a_pound_sign(world, client):
    """A number box (type="number") would not let the browser send "£40,000" at all."""
    client.force_login(world.alice)
    page = client.get(NEW).content.decode()
    for name in ("low", "most_likely", "high"):
        assert f'type="text" name="{name}"' in page, name
        assert f'type="number" name="{name}"' not in page, name
