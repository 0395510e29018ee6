"""The interactive API documentation works under the Content Security Policy."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_api_docs_render_without_breaking_the_content_security_policy(page, world):
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    sign_in(page, "alice")
    page.goto("/api/v1/docs/")
    page.get_by_text("/api/v1/benefits/", exact=True).first.wait_for()
    expect(page.get_by_text("Realise API").first).to_be_visible()
    assert problems == []


def test_pages_are_served_with_a_content_security_policy(page, world):
    response = page.goto("/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_pages_break_no_rule_of_the_content_security_policy(page, world):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.goto("/accounts/login/")
    sign_in(page, "dave")
    for url in ["/", "/account/", "/audit/", f"/benefits/{world.benefit.pk}/"]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert violations == []
