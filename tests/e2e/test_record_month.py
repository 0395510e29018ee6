"""A force lead records a month's actuals in one form in a real browser, with JavaScript
off as well as on, and the page passes axe."""

import datetime

import pytest

from realise.benefits.models import Measurement
from tests.e2e.conftest import axe_violations, sign_in
from tests.factories import plan

pytestmark = pytest.mark.e2e

MONTH = datetime.date(2026, 3, 1)


@pytest.mark.parametrize("javascript", [True, False])
def test_force_lead_records_the_month_in_one_form(browser, live_server, world, javascript):
    plan(world.benefit, MONTH, ["120"])
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        sign_in(page, "bob")
        page.goto("/")
        page.get_by_role("link", name="Record this month's actuals").click()
        page.get_by_label("Month", exact=True).fill("3")
        page.get_by_label("Year").fill("2026")
        page.get_by_role("button", name="Show this month").click()
        assert "Record actuals for Mar 2026" in page.locator("h1").inner_text()
        row = page.locator("#lines tbody tr").first
        assert "£56.76" in row.inner_text()  # Essex's 47.3% of the month's £120 plan
        if javascript:
            assert axe_violations(page) == []
        page.get_by_label(f"Actual for {world.benefit.reference}, Essex").fill("118.50")
        page.get_by_label("Evidence for every line").fill("Essex payroll extract, March")
        page.get_by_role("button", name="Save the actuals").click()
        assert "Recorded 1 actual for March 2026" in page.locator("body").inner_text()
    finally:
        context.close()
    actual = Measurement.objects.get(period=MONTH)
    assert (actual.force.name, str(actual.value), actual.entered_by) == (
        "Essex",
        "118.50",
        world.bob,
    )
