"""The documents' pages in a real browser: no axe-core violations, and closing an
initiative works with the form alone (no JavaScript is needed)."""

import pytest

from realise.organisations.services import name_person
from tests.e2e import conftest as e2e
from tests.e2e.conftest import axe_violations, sign_in

pytestmark = pytest.mark.e2e

# The browser fixtures of tests/e2e, for these pages.
browser = e2e.browser
page = e2e.page


def test_the_pages_have_no_axe_violations(page, vetting):
    sign_in(page, "alice")
    for path in [
        f"/initiatives/{vetting.initiative.slug}/highlight/?month=2026-10",
        f"/governance/bodies/{vetting.board.slug}/pack/",
        f"/initiatives/{vetting.initiative.slug}/close/",
    ]:
        page.goto(path)
        assert axe_violations(page) == [], path


def test_closing_in_the_browser_names_what_is_missing_then_closes(page, vetting):
    # Named by the programme team (on the people page), so theirs to choose.
    name_person(name="Bea Usual", role_title="Benefits lead", by=vetting.alice)
    sign_in(page, "alice")
    page.goto(f"/initiatives/{vetting.initiative.slug}/close/")
    page.get_by_role("button", name="Close the initiative").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Add at least one lesson learned." in summary
    assert "V-MONEY Cheaper vetting checks: name its owner in business as usual." in summary
    assert axe_violations(page) == []

    page.get_by_label("I confirm these figures as the level of benefits realised").check()
    page.locator("#id_lessons-0-what_happened").fill("Two queues ran for a year.")
    page.locator("#id_lessons-0-what_to_avoid").fill("Two queues.")
    page.locator("#id_lessons-0-theme").select_option("workforce")
    for benefit in (vetting.money, vetting.hours, vetting.benefit):
        page.locator(f"#id_handover-{benefit.pk}-bau_owner").select_option(
            label="Bea Usual, Benefits lead"
        )
        page.locator(f"#id_handover-{benefit.pk}-continuing_measures").fill("Monthly figure")
    page.locator("#id_review_date").fill("2027-05-01")
    page.get_by_role("button", name="Close the initiative").click()
    page.wait_for_url(f"**/initiatives/{vetting.initiative.slug}/closure/")
    assert "is closed" in page.content()
    assert axe_violations(page) == []
