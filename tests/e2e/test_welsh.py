"""In a real browser: switch to Cymraeg, record an actual, read the Welsh confirmation; axe
passes on the Welsh pages."""

import datetime

import pytest
from playwright.sync_api import expect

from realise.benefits.models import Measurement
from tests.e2e.conftest import axe_violations, sign_in

pytestmark = pytest.mark.e2e

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
WELSH_MONTHS = [
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
]


def test_a_lead_switches_to_cymraeg_and_records_an_actual_in_welsh(page, world):
    sign_in(page, "bob")
    page.get_by_role("button", name="Cymraeg").click()
    page.wait_for_selector("html[lang=cy]")
    expect(page.get_by_role("heading", name="Eich gwaith")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"/benefits/{world.benefit.pk}/actuals/new/")
    assert page.locator("html").get_attribute("lang") == "cy"
    page.get_by_label("Mis", exact=True).fill(str(LAST_MONTH.month))
    page.get_by_label("Blwyddyn", exact=True).fill(str(LAST_MONTH.year))
    page.get_by_label("Gwerth", exact=False).fill("4321.09")
    page.get_by_label("Nodyn tystiolaeth").fill("Darn o gyfriflyfr cyllid Essex")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Cofnodi’r gwerth gwirioneddol").click()
    page.wait_for_url(f"**/benefits/{world.benefit.pk}/")
    month = f"{WELSH_MONTHS[LAST_MONTH.month - 1]} {LAST_MONTH.year}"
    confirmation = page.get_by_role("alert").inner_text()
    assert f"Wedi cofnodi’r gwerth gwirioneddol ar gyfer {month}." in confirmation
    assert Measurement.objects.get().entered_by == world.bob
    # Back to English from the same switcher, on the same page.
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en-GB]")
    assert page.url.endswith(f"/benefits/{world.benefit.pk}/")


def test_the_welsh_sign_in_page_passes_axe(page, world):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Cymraeg").click()
    page.wait_for_selector("html[lang=cy]")
    expect(page.get_by_role("heading", name="Mewngofnodi")).to_be_visible()
    assert axe_violations(page) == []
