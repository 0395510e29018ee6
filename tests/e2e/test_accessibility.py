"""Every page type passes axe-core with no violations, in a real browser."""

import pytest

from tests.e2e.conftest import axe_violations, sign_in

pytestmark = pytest.mark.e2e


def test_public_pages_have_no_axe_violations(page, world):
    for path in ["/", "/accounts/login/"]:
        page.goto(path)
        assert axe_violations(page) == [], path


def test_signed_in_pages_have_no_axe_violations(page, world):
    world.benefit.measurement_owner = None
    world.benefit.save()
    sign_in(page, "alice")
    benefit = world.benefit.pk
    paths = [
        "/",
        "/collaborations/",
        f"/collaborations/{world.collab.slug}/",
        f"/collaborations/{world.collab.slug}/edit/",
        f"/initiatives/{world.initiative.slug}/",
        f"/initiatives/{world.initiative.slug}/stage/?to_stage=3",
        f"/benefits/{benefit}/",
        f"/benefits/{benefit}/edit/",
        f"/benefits/{benefit}/plan/",
        f"/benefits/{benefit}/actuals/new/",
        f"/benefits/{benefit}/history/",
    ]
    for path in paths:
        page.goto(path)
        assert axe_violations(page) == [], path


def test_form_errors_have_no_axe_violations(page, world):
    sign_in(page, "alice")
    page.goto(f"/benefits/{world.benefit.pk}/actuals/new/")
    page.get_by_role("button", name="Record the actual").click()
    assert "There is a problem" in page.content()
    assert axe_violations(page) == []


def test_the_axe_check_does_catch_violations(page):
    page.set_content("<html><body><img src='chart.png'><input type='text'></body></html>")
    ids = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "label"} <= ids
