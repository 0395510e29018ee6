"""The OpenAPI 3 schema and the interactive documentation."""

import yaml
from drf_spectacular.validation import validate_schema

RESOURCES = [
    "forces",
    "people",
    "memberships",
    "collaborations",
    "shares",
    "agreements",
    "initiatives",
    "stage-decisions",
    "benefits",
    "planned-values",
    "measurements",
    "evidence",
    "governance-bodies",
    "meetings",
    "decisions",
    "lessons",
    "documents",
    "options",
]


def test_schema_is_valid_openapi_3_naming_every_resource(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    paths = schema["paths"]
    for resource in RESOURCES:
        assert f"/api/v1/{resource}/" in paths, resource
        assert f"/api/v1/{resource}/{{id}}/" in paths, resource
    assert "post" in paths["/api/v1/measurements/bulk/"]
    assert "post" in paths["/api/v1/initiatives/{id}/gate-check/"]
    assert "get" in paths["/api/v1/realisation/"]


def test_schema_documents_version_conflicts(client, db):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    update = schema["paths"]["/api/v1/benefits/{id}/"]["patch"]["responses"]
    assert {"409", "412"} <= set(update)
    assert "version" in schema["components"]["schemas"]["Benefit"]["properties"]


def test_docs_page_loads_its_script_from_this_site(client, world):
    client.force_login(world.dave)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>" not in page and "<style>" not in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


def test_the_navigation_links_to_the_api(client, world):
    client.force_login(world.dave)
    assert 'href="/api/v1/docs/">API</a>' in client.get("/").content.decode()
