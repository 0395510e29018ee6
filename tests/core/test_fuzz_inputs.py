"""No request of any shape gives a 500: generated query strings for the list and dashboard
pages and generated JSON bodies for the API (hypothesis), bounded to well under a minute.

tests/api/test_schemathesis.py drives the API from its schema; this drives what a schema
does not describe: the pages' query strings, and bodies of any shape (NUL characters,
far-out months and numbers, digits other than 0 to 9, deep nesting).
"""

import datetime
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from realise.benefits.models import Measurement, PlannedValue

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

AWKWARD = st.sampled_from(
    [
        "\x00",
        "a\x00b",
        "9999-12",
        "0001-01",
        "99999-01",
        "2025-13",
        "2025-00",
        "9999-12-31",
        "0000-00-00",
        "1e999",
        "-1e999",
        "NaN",
        "Infinity",
        "9" * 40,
        "-" + "9" * 40,
        "２０２５-０１",
        "١٢٥٠",
        "[]",
        "%",
        "'; --",
        "",
    ]
)
VALUES = st.one_of(
    AWKWARD,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.isoformat()),
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: f"{d.year:04d}-{d.month:02d}"),
    st.text(max_size=12),
)
PARAMS = [
    "q",
    "page",
    "sort",
    "period_from",
    "period_to",
    "period",
    "by",
    "collaboration",
    "initiative",
    "force",
    "subcategory",
    "stage",
    "status",
    "cashable",
    "identified",
    "theme",
    "kind",
    "function",
    "region",
    "date_from",
    "date_to",
    "model",
    "action",
    "user",
    "section",
    "table",
    "_export",
    "month",
    "from",
    "to",
    "search",
    "ordering",
    "benefit",
    "period__gte",
    "period__lte",
]
QUERIES = st.dictionaries(st.sampled_from(PARAMS), VALUES, max_size=4)


@pytest.fixture
def pages(world):
    PlannedValue.objects.create(benefit=world.benefit, period=datetime.date(2025, 1, 1), value=10)
    # A row written before months were checked: readers must survive it.
    PlannedValue.objects.bulk_create(
        [PlannedValue(benefit=world.benefit, period=datetime.date(9999, 12, 1), value=5)]
    )
    return [
        "/collaborations/",
        "/governance/",
        "/repository/lessons/",
        "/repository/documents/",
        "/search/",
        "/public/",
        "/audit/",
        "/register/",
        "/benefits/links/",
        "/dashboards/",
        f"/dashboards/collaborations/{world.collab.slug}/",
        f"/initiatives/{world.initiative.slug}/highlight/",
        "/api/v1/benefits/",
        "/api/v1/planned-values/",
        "/api/v1/measurements/",
        "/api/v1/realisation/",
        "/api/v1/search/",
    ]


@pytest.mark.fuzz
def test_page_and_list_query_strings_never_give_a_server_error(client, world, pages):
    client.force_login(world.alice)

    @SETTINGS
    @given(url=st.sampled_from(pages), query=QUERIES)
    def check(url, query):
        response = client.get(url, query)
        assert response.status_code < 500, (url, query)

    check()


def nested(depth: int) -> st.SearchStrategy:
    return st.recursive(
        st.one_of(VALUES, st.integers(), st.floats(allow_nan=True), st.none(), st.booleans()),
        lambda children: st.one_of(
            st.lists(children, max_size=3), st.dictionaries(st.text(max_size=5), children)
        ),
        max_leaves=depth,
    )


FIELDS = ["benefit", "period", "value", "force", "evidence_note", "assessment", "version"]
BODIES = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), st.one_of(VALUES, nested(6)), max_size=6),
    nested(12),
    st.integers(min_value=20, max_value=5000).map(lambda n: "[" * n + "]" * n),
)


@pytest.mark.fuzz
def test_api_bodies_of_any_shape_never_give_a_server_error(world, pages):
    client = APIClient()
    client.force_authenticate(world.alice)
    actual = Measurement.objects.create(
        benefit=world.benefit, period=datetime.date(2025, 1, 1), value=1
    )
    targets = [
        ("post", "/api/v1/planned-values/"),
        ("post", "/api/v1/measurements/"),
        ("post", "/api/v1/measurements/bulk/"),
        ("put", f"/api/v1/measurements/{actual.pk}/"),
        ("patch", f"/api/v1/benefits/{world.benefit.pk}/"),
    ]

    @SETTINGS
    @given(target=st.sampled_from(targets), body=BODIES)
    def check(target, body):
        method, url = target
        text = body if isinstance(body, str) else json.dumps(body)
        response = client.generic(method.upper(), url, text, content_type="application/json")
        assert response.status_code < 500, (method, url, text[:200])

    check()
