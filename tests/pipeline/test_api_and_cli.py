"""The opportunities API (visibility, create, versions) and `realise pipeline`."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from realise.pipeline.models import Opportunity, OpportunityStatus
from tests.factories import CollaborationFactory, share
from tests.pipeline.makers import idea_from_a_private_lesson, opportunity

URL = "/api/v1/opportunities/"


@pytest.fixture
def as_user():
    """`as_user(user)`: an API client signed in as that user (None: nobody)."""

    def client_for(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def idea(world):
    return opportunity(
        world.collab,
        "Joint fleet insurance",
        "250000.00",
        60,
        low=Decimal("150000"),
        high=Decimal("400000"),
    )


def body(world, **fields):
    values = {
        "collaboration": world.collab.pk,
        "title": "Shared tyre contract",
        "source": "force_proposal",
        "unit": "GBP",
        "low": "40000.00",
        "most_likely": "55000.50",
        "high": "80000.00",
        "years": 4,
        "confidence": 35,
    }
    values.update(fields)
    return values


def test_an_outsider_sees_nothing_of_a_private_collaboration(world, as_user, idea):
    nora = as_user(world.nora)
    assert nora.get(URL).json()["results"] == []
    assert nora.get(f"{URL}{idea.pk}/").status_code == 404
    assert nora.patch(f"{URL}{idea.pk}/", {"confidence": 90}, format="json").status_code == 404
    assert nora.post(f"{URL}{idea.pk}/initiative/").status_code == 404
    refused = nora.post(URL, body(world), format="json")
    assert refused.status_code == 400 and "collaboration" in refused.json()
    assert as_user(None).get(URL).status_code in (401, 403)


def test_the_programme_team_creates_one(world, as_user):
    alice = as_user(world.alice)
    response = alice.post(URL, body(world), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["most_likely"] == "55000.50"
    assert data["risk_weighted"] == "19250.18"  # 55,000.50 x 35% = 19,250.175, half up
    assert data["status"] == "idea" and data["version"] == 1
    assert response["ETag"] == '"1"'
    assert Opportunity.objects.get(pk=data["id"]).history.first().history_user == world.alice


def test_a_reader_may_not_create(world, as_user):
    assert as_user(world.dave).post(URL, body(world), format="json").status_code == 403


def test_refusals_name_the_field(world, as_user):
    alice = as_user(world.alice)
    low = alice.post(URL, body(world, low="60000.00"), format="json")
    assert low.status_code == 400 and list(low.json()) == ["low"]
    rejected = alice.post(URL, body(world, status="rejected"), format="json")
    assert rejected.status_code == 400 and list(rejected.json()) == ["rejection_reason"]


def test_filters_and_versions(world, as_user, idea):
    alice = as_user(world.alice)
    opportunity(world.collab, "Print contract", "100", 10, status="assessing")
    listed = alice.get(URL, {"status": "assessing"}).json()["results"]
    assert [o["title"] for o in listed] == ["Print contract"]
    listed = alice.get(URL, {"collaboration": world.collab.pk}).json()["results"]
    assert len(listed) == 2
    url = f"{URL}{idea.pk}/"
    stale = alice.patch(url, {"confidence": 70}, format="json", HTTP_IF_MATCH='"9"')
    assert stale.status_code == 412
    changed = alice.patch(url, {"confidence": 70}, format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200 and changed.json()["risk_weighted"] == "175000.00"
    assert alice.patch(url, {"title": "x", "version": 1}, format="json").status_code == 409


def test_turning_into_an_initiative_through_the_api_keeps_the_link(world, as_user, idea):
    response = as_user(world.alice).post(f"{URL}{idea.pk}/initiative/")
    assert response.status_code == 201
    idea.refresh_from_db()
    assert response.json()["initiative"] == idea.initiative_id
    assert idea.status == OpportunityStatus.INITIATIVE and idea.initiative.stage == 0


# The command line ------------------------------------------------------------------------


def run(*args) -> dict:
    out = StringIO()
    call_command("pipeline", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_json_has_money_at_the_top_and_hours_apart(world, idea):
    other = CollaborationFactory(slug="ns")
    share(other, "Norfolk", "100")
    opportunity(other, "Shared custody nurses", "1200.50", 40, unit="hours")
    opportunity(other, "Uniforms", "0.15", 50)
    report = run("--format", "json")
    assert set(report) == {
        "count",
        "most_likely_total",
        "risk_weighted_total",
        "opportunities",
        "hours",
    }
    assert report["count"] == 2
    assert report["most_likely_total"] == "250000.15"
    assert report["risk_weighted_total"] == "150000.08"  # 150,000 + 0.075
    rows = {row["title"]: row for row in report["opportunities"]}
    assert rows["Uniforms"]["risk_weighted"] == "0.08"
    assert rows["Joint fleet insurance"] == {
        "title": "Joint fleet insurance",
        "status": "idea",
        "low": "150000.00",
        "most_likely": "250000.00",
        "high": "400000.00",
        "confidence": 60,
        "risk_weighted": "150000.00",
    }
    assert report["hours"] == {
        "count": 1,
        "most_likely_total": "1200.50",
        "risk_weighted_total": "480.20",
        "opportunities": [
            {
                "title": "Shared custody nurses",
                "status": "idea",
                "low": "1200.50",
                "most_likely": "1200.50",
                "high": "1200.50",
                "confidence": 40,
                "risk_weighted": "480.20",
            }
        ],
    }
    only_ek = run("--collaboration", "ek", "--format", "json")
    assert only_ek["count"] == 1 and only_ek["hours"]["count"] == 0
    assert only_ek["hours"]["most_likely_total"] == "0.00"


def test_the_table_is_readable(world, idea):
    out = StringIO()
    call_command("pipeline", stdout=out)
    text = out.getvalue()
    assert "Joint fleet insurance" in text and "150000.00" in text and "Hours" in text


def test_an_unknown_collaboration_exits_2_naming_it(db):
    with pytest.raises(CommandError) as caught:
        call_command("pipeline", "--collaboration", "nowhere")
    assert caught.value.returncode == 2
    assert str(caught.value) == "--collaboration: no collaboration with slug 'nowhere'"


def test_the_table_counts_one_opportunity_in_the_singular(world, idea):
    other = CollaborationFactory(slug="ns")
    share(other, "Norfolk", "100")
    opportunity(other, "Shared custody nurses", "1200.50", 40, unit="hours")
    opportunity(other, "Uniforms", "0.15", 50)
    out = StringIO()
    call_command("pipeline", stdout=out)
    headings = [line for line in out.getvalue().splitlines() if "opportunit" in line]
    assert headings == ["Money (GBP a year): 2 opportunities", "Hours (a year): 1 opportunity"]


def test_a_lesson_the_reader_may_not_see_is_not_told_even_by_its_id(world, as_user):
    lesson, idea = idea_from_a_private_lesson(world)

    outsider = as_user(world.nora)  # sees Norfolk and Suffolk, not Essex and Kent's lesson
    assert outsider.get(f"{URL}{idea.pk}/").json()["lesson"] is None
    assert [row["lesson"] for row in outsider.get(URL).json()["results"]] == [None]
    # Whoever may see the lesson is told which it is.
    assert as_user(world.alice).get(f"{URL}{idea.pk}/").json()["lesson"] == lesson.pk
    idea.refresh_from_db()
    assert idea.lesson_id == lesson.pk
