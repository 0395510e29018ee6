"""Crawl the demo as a signed-in programme team member and check every page with axe-core."""

from urllib.parse import urldefrag, urlparse

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from tests.crawl import crawlable
from tests.e2e.conftest import axe_violations, sign_in

pytestmark = pytest.mark.e2e

MAX_PAGES = 200  # a bound on the walk: the demo has about a hundred kinds of page


def kind_of_page(path: str) -> str:
    """The route a path is answered by: a page of another record, order or period through
    the same view is the same template with other figures."""
    try:
        return resolve(path).route
    except Resolver404:
        return path


def test_every_kind_of_page_reached_from_home_has_no_axe_violations(
    page, committed_demo, live_server
):
    sign_in(page, "programme", settings.REALISE_DEMO_PASSWORD)
    queue, seen, failures = ["/"], set(), {}
    kinds: set[str] = set()
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        kind = kind_of_page(urlparse(path).path)
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
    assert len(seen) < MAX_PAGES, "the walk stopped at its bound: raise MAX_PAGES"
    # The walk reaches the pages of each part of the product, through their own links.
    reached = {kind.split("/")[0] for kind in kinds}
    assert {
        "collaborations",
        "initiatives",
        "benefits",
        "dashboards",
        "governance",
        "repository",
        "access",
    } <= reached, sorted(reached)
    assert len(seen) >= 80, sorted(seen)
    # The footer's pages are reached from every page.
    assert {"/accessibility/", "/privacy/", "/cookies/"} <= seen
    assert failures == {}
