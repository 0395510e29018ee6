import datetime

import pytest

from realise.benefits.models import Measurement
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def test_force_lead_signs_in_records_an_actual_and_sees_it(page, world):
    sign_in(page, "bob")
    page.goto(f"/benefits/{world.benefit.pk}/")
    page.get_by_role("button", name="Record an actual").click()
    # The GOV.UK month input: a month box and a year box; money is written after a '£'.
    page.get_by_label("Month", exact=True).fill(str(LAST_MONTH.month))
    page.get_by_label("Year", exact=True).fill(str(LAST_MONTH.year))
    # The lead's own force is chosen already.
    assert page.get_by_label("Force").locator("option:checked").inner_text() == "Essex"
    assert page.locator(".govuk-input__prefix").inner_text() == "£"
    page.get_by_label("Value").fill("4321.09")
    page.get_by_label("Evidence note").fill("Essex finance ledger extract, cost centre 4410")
    page.get_by_role("button", name="Record the actual").click()
    page.wait_for_url(f"**/benefits/{world.benefit.pk}/")
    assert "Recorded the actual" in page.get_by_role("alert").inner_text()
    actuals = page.locator("table", has_text="Entered by").inner_text()
    assert "£4,321.09" in actuals and "Essex" in actuals
    assert Measurement.objects.get().entered_by == world.bob


def test_wrong_password_is_refused_with_an_error_summary(page, world):
    sign_in_page = page.goto("/accounts/login/")
    assert sign_in_page.ok
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
