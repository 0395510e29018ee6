"""API filters: each view's filter set is built once, and each request is still filtered by
its own query string."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from realise.benefits.api import BenefitViewSet
from realise.benefits.models import PlannedValue
from realise.core.filtersets import FilterBackend
from tests.factories import BenefitFactory, InitiativeFactory, actual, force


def references(response):
    assert response.status_code == 200, response.content
    return sorted(row["reference"] for row in response.json()["results"])


def test_each_request_is_filtered_by_its_own_query_with_one_filter_set_class(world):
    other = InitiativeFactory(collaboration=world.collab, slug="shared-hr", stage=2)
    BenefitFactory(initiative=world.initiative, reference="EK-1")
    BenefitFactory(initiative=other, reference="HR-1")
    client = APIClient()
    client.force_authenticate(world.alice)

    first = references(client.get(f"/api/v1/benefits/?initiative={world.initiative.pk}"))
    second = references(client.get(f"/api/v1/benefits/?initiative={other.pk}"))
    everything = references(client.get("/api/v1/benefits/"))

    assert "EK-1" in first and "HR-1" not in first
    assert second == ["HR-1"]
    assert {"EK-1", "HR-1"} <= set(everything)
    built = [key for key in FilterBackend._classes if key[0] is BenefitViewSet]
    assert len(built) == 1


def test_a_bad_filter_value_is_still_refused_naming_the_field(world):
    client = APIClient()
    client.force_authenticate(world.alice)
    response = client.get("/api/v1/benefits/?initiative=not-a-number")
    assert response.status_code == 400
    assert "initiative" in response.json()


# Periods filtered as the API writes them: a month, YYYY-MM ------------------------------------


def periods(response):
    assert response.status_code == 200, response.content
    return sorted(row["period"] for row in response.json()["results"])


@pytest.fixture
def months(world):
    for month in (1, 2, 3):
        period = datetime.date(2026, month, 1)
        PlannedValue.objects.create(benefit=world.benefit, period=period, value=Decimal("10"))
        actual(world.benefit, period, "9", force("Essex"))
    client = APIClient()
    client.force_authenticate(world.alice)
    return client


@pytest.mark.parametrize("resource", ["measurements", "planned-values"])
def test_periods_are_filtered_by_month(world, months, resource):
    base = f"/api/v1/{resource}/?benefit={world.benefit.pk}"
    assert periods(months.get(f"{base}&period=2026-02")) == ["2026-02"]
    assert periods(months.get(f"{base}&period__lte=2026-02")) == ["2026-01", "2026-02"]
    assert periods(months.get(f"{base}&period__gte=2026-02")) == ["2026-02", "2026-03"]
    # A day, as before, is taken as its month.
    assert periods(months.get(f"{base}&period=2026-02-01")) == ["2026-02"]
    assert periods(months.get(f"{base}&period__gte=2026-02-15")) == ["2026-02", "2026-03"]


@pytest.mark.parametrize("value", ["2026-13", "2026-1", "1000-01", "March"])
def test_a_period_that_is_not_a_month_is_refused_naming_it(world, months, value):
    response = months.get(f"/api/v1/measurements/?benefit={world.benefit.pk}&period__lte={value}")
    assert response.status_code == 400
    assert list(response.json()) == ["period__lte"]


# Values a list cannot use are refused, naming the parameter -----------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("ordering=nonsense", "ordering"),
        ("ordering=-title,owner__email", "ordering"),
        ("cashable=yes", "cashable"),
        ("is_disbenefit=maybe", "is_disbenefit"),
        ("status__in=agreed,agred", "status__in"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page_size=abc", "page_size"),
        ("page_size=-1", "page_size"),
    ],
)
def test_a_list_refuses_a_value_it_cannot_use_naming_the_parameter(world, query, parameter):
    """Not ignored: a client asking for cashable benefits in title order must not be
    answered with every benefit in another order."""
    client = APIClient()
    client.force_authenticate(world.alice)
    response = client.get(f"/api/v1/benefits/?{query}")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [parameter]


def test_yes_or_no_filters_choices_ordering_and_pages_work_as_documented(world):
    BenefitFactory(initiative=world.initiative, reference="EK-2", title="A", cashable=True)
    BenefitFactory(initiative=world.initiative, reference="EK-3", title="B", cashable=False)
    client = APIClient()
    client.force_authenticate(world.alice)
    base = f"/api/v1/benefits/?initiative={world.initiative.pk}"

    assert "EK-2" in references(client.get(f"{base}&cashable=true"))
    assert "EK-2" not in references(client.get(f"{base}&cashable=0"))
    assert references(client.get(f"{base}&status__in=proposed,agreed")) == references(
        client.get(base)
    )
    titles = [r["title"] for r in client.get(f"{base}&ordering=-title").json()["results"]]
    assert titles == sorted(titles, reverse=True)
    assert client.get(f"{base}&ordering=title,").status_code == 200
    last = client.get(f"{base}&page_size=1&page=last").json()
    assert last["next"] is None and len(last["results"]) == 1
    assert client.get(f"{base}&page=999").status_code == 404  # past the end
    assert len(client.get(f"{base}&page_size=100000").json()["results"]) == 3  # at most 500


def test_the_schema_says_what_a_list_may_be_ordered_by(world):
    client = APIClient()
    schema = client.get("/api/v1/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/benefits/"]["get"]["parameters"]}
    assert "reference, target_date, title, updated_at" in parameters["ordering"]["description"]
    assert parameters["status__in"]["schema"]["items"]["enum"]
    assert "1 to 500" in parameters["page_size"]["description"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/initiatives/?collaboration={collab}", "/api/v1/benefits/?initiative={initiative}"],
)
def test_a_filter_naming_a_private_record_answers_as_one_that_does_not_exist(world, path):
    """An outsider cannot tell a private collaboration's id from one never used."""
    client = APIClient()
    client.force_authenticate(world.nora)
    private = client.get(path.format(collab=world.collab.pk, initiative=world.initiative.pk))
    missing = client.get(path.format(collab=99999, initiative=99999))
    assert private.status_code == missing.status_code == 400
    assert private.json() == missing.json()

    client.force_authenticate(world.alice)  # a member filters by it
    assert client.get(path.format(collab=world.collab.pk, initiative=world.initiative.pk)).json()[
        "results"
    ]
