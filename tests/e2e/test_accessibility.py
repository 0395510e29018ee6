"""Every page type passes axe-core with no violations, in a real browser."""

import pytest
from django.test import RequestFactory
from playwright.sync_api import expect

from realise.core.errors import server_error
from tests.e2e.conftest import axe_violations, sign_in

pytestmark = pytest.mark.e2e


def test_public_pages_have_no_axe_violations(page, world):
    for path in ["/", "/accounts/login/", "/accessibility/", "/privacy/", "/cookies/"]:
        page.goto(path)
        assert axe_violations(page) == [], path


def test_error_pages_have_no_axe_violations(page, world):
    assert page.goto("/no-such-page/").status == 404
    assert axe_violations(page) == []
    sign_in(page, "dave")  # a viewer: may see the collaboration, not change it
    assert page.goto(f"/collaborations/{world.collab.slug}/edit/").status == 403
    assert "granted by its programme team" in page.content()
    assert axe_violations(page) == []
    # The 500 page as the server would send it, served at a path of the live site.
    body = server_error(RequestFactory().get("/", HTTP_X_REQUEST_ID="req-42")).content
    page.route(
        "**/boom/",
        lambda route: route.fulfill(status=500, body=body, content_type="text/html"),
    )
    assert page.goto("/boom/").status == 500
    assert "req-42" in page.content()
    assert axe_violations(page) == []


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
    # Waits for the answer to the post: read at once, the page may still be loading.
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert axe_violations(page) == []


def test_the_axe_check_does_catch_violations(page):
    page.set_content("<html><body><img src='chart.png'><input type='text'></body></html>")
    ids = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "label"} <= ids
