"""The API's front door: what it offers, where its docs, schema and tokens are; and the
schema shown in a browser rather than downloaded."""

import pytest


@pytest.fixture
def signed_in(client, world):
    client.force_login(world.dave)
    return client


def test_the_landing_lists_resources_docs_schema_and_tokens(signed_in):
    data = signed_in.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    assert data["name"] == "Realise API" and data["version"] == "1"
    assert data["documentation"].endswith("/api/v1/docs/")
    assert data["schema"].endswith("/api/v1/schema/")
    assert data["tokens"].endswith("/account/")
    names = {r["name"]: r for r in data["resources"]}
    assert names["benefits"]["url"].endswith("/api/v1/benefits/")
    assert names["benefits"]["description"] == "The benefits register."
    assert "search" in names and "realisation" in names


def test_a_browser_gets_the_landing_as_a_page(signed_in):
    response = signed_in.get("/api/v1/", HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Realise API</h1>' in page
    assert 'href="http://testserver/api/v1/docs/"' in page


def test_a_browser_is_shown_the_schema(signed_in):
    response = signed_in.get("/api/v1/schema/", HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"openapi:")


def test_programs_still_get_the_openapi_schema(signed_in):
    response = signed_in.get("/api/v1/schema/")
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert signed_in.get("/api/v1/schema/?format=json").json()["info"]["title"] == "Realise API"


def test_anonymous_callers_are_refused_at_the_door(client, world):
    assert client.get("/api/v1/", HTTP_ACCEPT="application/json").status_code in (401, 403)
