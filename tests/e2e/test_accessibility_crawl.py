"""Crawl the demo as a signed-in programme team member and check every page with axe-core."""

from urllib.parse import parse_qs, urldefrag, urlparse

import pytest
from django.conf import settings

from tests.crawl import crawlable
from tests.e2e.conftest import axe_violations, sign_in

pytestmark = pytest.mark.e2e

MAX_PAGES = 70


def test_every_page_reached_from_home_has_no_axe_violations(page, committed_demo, live_server):
    sign_in(page, "programme", settings.REALISE_DEMO_PASSWORD)
    queue, seen, failures = ["/"], set(), {}
    # A page in another order or period (the same query parameters with other values) is
    # the same markup: each page is checked once with each set of parameters.
    shapes: set[tuple[str, tuple[str, ...]]] = set()
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        parsed = urlparse(path)
        shape = (parsed.path, tuple(sorted(parse_qs(parsed.query, keep_blank_values=True))))
        if path in seen or shape in shapes:
            continue
        seen.add(path)
        shapes.add(shape)
        response = page.goto(path)
        assert response is not None and response.status < 500, (
            f"{path}: {response and response.status}"
        )
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        violations = axe_violations(page)
        if violations:
            failures[path] = violations
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url = urldefrag(href).url
            if crawlable(url, live_server.url):
                parsed = urlparse(url)
                queue.append(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
    assert len(seen) >= 20, sorted(seen)
    # The footer's pages are reached from every page.
    assert {"/accessibility/", "/privacy/", "/cookies/"} <= seen
    assert failures == {}
