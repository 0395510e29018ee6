"""Verifying actuals in a real browser, without JavaScript needed: axe-clean throughout."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from realise.benefits.models import Measurement
from realise.benefits.services import record_measurement
from tests.e2e.conftest import axe_violations, sign_in
from tests.factories import force

pytestmark = pytest.mark.e2e

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def test_programme_team_verifies_the_chosen_actuals_and_returns_one(page, world):
    months = [LAST_MONTH, (LAST_MONTH - datetime.timedelta(days=1)).replace(day=1)]
    for period in months:
        record_measurement(
            world.benefit,
            period,
            user=world.bob,
            force=force("Essex"),
            value=Decimal("1000"),
            evidence_note=f"Ledger extract {period:%B}",
        )
    sign_in(page, "alice")
    page.goto("/")
    page.get_by_role("link", name="Verify actuals", exact=True).click()
    expect(page.get_by_role("heading", name="Actuals awaiting verification")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name=f"Return {world.benefit.reference}").first.click()
    assert axe_violations(page) == []
    page.get_by_label("Why are you returning it?").fill("The ledger shows 950.")
    page.get_by_role("button", name="Return the actual").click()
    assert "Returned the actual" in page.get_by_role("alert").inner_text()

    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Verify the chosen actuals").click()
    assert "Verified 1 actual." in page.get_by_role("alert").inner_text()
    assert "No actuals are awaiting your verification." in page.content()
    assert axe_violations(page) == []
    states = sorted(
        (m.verified_by_id is not None, m.returned_at is not None) for m in Measurement.objects.all()
    )
    assert states == [(False, True), (True, False)]
