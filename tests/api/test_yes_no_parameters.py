"""A yes-or-no query parameter takes the same words on every path: the list filters
(`?cashable=`), the realisation figures (`cashable`, `identified`) and the economic case
(`ex_post`). A word one of them refuses, the others refuse too, with the same message."""

import pytest
from rest_framework.test import APIClient

from tests.factories import BenefitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(world):
    api = APIClient()
    api.force_authenticate(world.alice)
    return api


def _slug(world):
    return world.initiative.slug


@pytest.mark.parametrize("word", ["yes", "on", "y", "t", "null", "True!", "2"])
def test_a_word_the_filters_refuse_the_figures_and_the_case_refuse_too(client, world, word):
    paths = [
        ("/api/v1/benefits/", "cashable"),
        (f"/api/v1/realisation/?initiative={_slug(world)}", "cashable"),
        (f"/api/v1/realisation/?initiative={_slug(world)}", "identified"),
        (f"/api/v1/initiatives/{_slug(world)}/appraisal/", "ex_post"),
    ]
    for path, name in paths:
        joiner = "&" if "?" in path else "?"
        response = client.get(f"{path}{joiner}{name}={word}")
        assert response.status_code == 400, (path, name, response.content)
        assert response.json()[name] == ["Give true or false."], (path, name)


@pytest.mark.parametrize(
    ("word", "meaning"),
    [("true", True), ("TRUE", True), ("1", True), ("false", False), (" 0 ", False)],
)
def test_the_words_they_take_mean_the_same_on_every_path(client, world, word, meaning):
    BenefitFactory(initiative=world.initiative, reference="EK-CASH", cashable=True)
    BenefitFactory(initiative=world.initiative, reference="EK-NONCASH", cashable=False)
    base = f"/api/v1/realisation/?initiative={_slug(world)}"
    got = client.get(f"{base}&cashable={word}")
    expected = client.get(f"{base}&cashable={'true' if meaning else 'false'}")
    assert got.status_code == 200
    assert got.json() == expected.json()
    listed = client.get(f"/api/v1/benefits/?cashable={word}")
    assert listed.status_code == 200
    rows = listed.json()["results"]
    assert rows and all(row["cashable"] is meaning for row in rows)
