"""Crawl the demo as a signed-in programme team member and check every page with axe-core."""

from urllib.parse import parse_qs, urldefrag, urlparse

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from tests.crawl import crawlable
from tests.e2e.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.long]

MAX_PAGES = 250  # a bound on the walk: the demo has about 120 kinds of page
# Query parameters that only order or page a list: the same markup with other rows (a
# benefit's actuals, a body's coming and past meetings, the shared claims are paged lists).
ORDER_ONLY = {"sort", "order", "page", "actuals", "upcoming", "past", "claims"}


def kind_of_page(url: str) -> tuple[str, tuple[str, ...]]:
    """The route a URL is answered by and the query parameters it names (not their values,
    nor those that only order or page a list): a page of another record, order or period
    through the same view is the same template with other figures."""
    parsed = urlparse(url)
    try:
        route = resolve(parsed.path).route
    except Resolver404:
        route = parsed.path
    names = set(parse_qs(parsed.query, keep_blank_values=True)) - ORDER_ONLY
    return route, tuple(sorted(names))


def test_every_kind_of_page_reached_from_home_has_no_axe_violations(
    page, committed_demo, live_server
):
    sign_in(page, "programme", settings.REALISE_DEMO_PASSWORD)
    queue, seen, failures = ["/"], set(), {}
    kinds: set[tuple[str, tuple[str, ...]]] = set()
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        kind = kind_of_page(path)
        if kind in kinds:
            continue
        kinds.add(kind)
        seen.add(path)
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
    left = {kind_of_page(path) for path in queue} - kinds
    assert not left, f"the walk stopped at its bound with {len(left)} kinds unchecked"
    # The walk reaches the pages of each part of the product, through their own links.
    reached = {route.split("/")[0] for route, _ in kinds}
    assert {
        "collaborations",
        "initiatives",
        "benefits",
        "dashboards",
        "governance",
        "repository",
        "access",
    } <= reached, sorted(reached)
    assert len(seen) >= 100, sorted(seen)
    # The footer's pages are reached from every page.
    assert {"/accessibility/", "/privacy/", "/cookies/"} <= seen
    assert failures == {}
