"""The API answers alike everywhere: anonymous callers are asked to sign in (401 with
`WWW-Authenticate`) on every path, and a change must say which version it changes (428)."""

import datetime
import re

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from realise.benefits.models import PlannedValue
from tests.factories import plan

# Documentation of the API, not data: readable by anyone.
OPEN_PATHS = ("/api/v1/schema/", "/api/v1/docs/")


def _api_paths() -> list[str]:
    """Every address under /api/v1/, from the URL resolver, with 1 for each parameter."""
    paths = []

    def walk(patterns, prefix):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                paths.append(route)

    walk(get_resolver().url_patterns, "/")
    out = set()
    for route in paths:
        if not route.startswith("/api/v1/"):
            continue
        if "format>" in route:  # the same views, answering as .json
            continue
        route = route.replace("^", "").replace("$", "").replace("\\.", ".")
        route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", route)
        route = re.sub(r"<[^>]+>", "1", route)
        if "(" in route or "?" in route or "\\" in route:
            continue
        out.add(route)
    return sorted(out)


def test_anonymous_callers_are_asked_to_sign_in_on_every_api_path(world):
    paths = _api_paths()
    assert "/api/v1/search/" in paths and "/api/v1/benefits/1/" in paths
    assert len(paths) > 40
    client = APIClient()
    wrong = []
    for path in paths:
        if path in OPEN_PATHS:
            continue
        for method in ("get", "post", "put", "patch", "delete"):
            response = getattr(client, method)(path, {}, format="json")
            if response.status_code != 401 or response.get("WWW-Authenticate") != "Token":
                wrong.append(f"{method.upper()} {path}: {response.status_code}")
    assert wrong == []


def test_search_asks_anonymous_callers_to_sign_in(world):
    response = APIClient().get("/api/v1/search/", {"q": "vetting"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_update_that_names_no_version_is_refused_with_428(world, as_user):
    alice = as_user(world.alice)
    url = f"/api/v1/benefits/{world.benefit.pk}/"
    response = alice.patch(url, {"title": "Blind write"}, format="json")
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"] and "version" in response.json()["detail"]
    assert response.json()["version"] == 1
    assert response["ETag"] == '"1"'
    world.benefit.refresh_from_db()
    assert world.benefit.title == "Reduced vetting backlog"
    body = alice.get(url).json()
    del body["version"]
    assert alice.put(url, body, format="json").status_code == 428
    # Either way of saying the version is enough.
    assert alice.patch(url, {"title": "Seen", "version": 1}, format="json").status_code == 200
    assert (
        alice.patch(url, {"title": "Seen again"}, format="json", HTTP_IF_MATCH='"2"').status_code
        == 200
    )


def test_a_delete_that_names_no_version_is_refused_with_428(world, as_user):
    plan(world.benefit, datetime.date(2026, 4, 1), ["10"])
    row = PlannedValue.objects.get(benefit=world.benefit)
    alice = as_user(world.alice)
    assert alice.delete(f"/api/v1/planned-values/{row.pk}/").status_code == 428
    assert PlannedValue.objects.filter(pk=row.pk).exists()


def test_a_deployment_may_accept_updates_without_a_version(world, as_user, settings):
    settings.REALISE_API_REQUIRE_VERSION = False
    alice = as_user(world.alice)
    response = alice.patch(
        f"/api/v1/benefits/{world.benefit.pk}/", {"title": "Blind"}, format="json"
    )
    assert response.status_code == 200
    world.benefit.refresh_from_db()
    assert world.benefit.title == "Blind"


def test_a_reader_who_may_not_change_gets_403_before_any_version_talk(world, as_user):
    response = as_user(world.dave).patch(
        f"/api/v1/benefits/{world.benefit.pk}/", {"title": "x"}, format="json"
    )
    assert response.status_code == 403
