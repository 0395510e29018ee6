"""The pipeline's pages: who sees what, adding and editing, and turning an opportunity into
an initiative. The Essex and Kent collaboration is private: nora (Norfolk) is outside it."""

from decimal import Decimal

import pytest

from realise.collaborations.models import Initiative
from realise.pipeline.models import Opportunity, OpportunityStatus
from tests.factories import CollaborationFactory, member, share
from tests.pipeline.makers import idea_from_a_private_lesson, opportunity


@pytest.fixture
def idea(world):
    return opportunity(
        world.collab,
        "Joint fleet insurance",
        "250000.00",
        60,
        low=Decimal("150000"),
        high=Decimal("400000"),
        years=3,
    )


def form(**fields):
    values = {
        "title": "Shared tyre contract",
        "description": "One tyre contract for both forces.",
        "source": "scanning",
        "lesson": "",
        "unit": "GBP",
        "low": "40000",
        "most_likely": "55000.50",
        "high": "80000",
        "years": "4",
        "confidence": "35",
        "owner": "",
        "status": "idea",
        "rejection_reason": "",
    }
    values.update(fields)
    return values


def test_an_outsider_gets_404_on_every_page(world, client, idea):
    client.force_login(world.nora)
    for url in (
        "/collaborations/ek/pipeline/",
        "/collaborations/ek/pipeline/new/",
        f"/opportunities/{idea.pk}/",
        f"/opportunities/{idea.pk}/edit/",
        f"/opportunities/{idea.pk}/initiative/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/opportunities/{idea.pk}/initiative/").status_code == 404
    national = client.get("/pipeline/")
    assert national.status_code == 200
    assert b"Joint fleet insurance" not in national.content
    assert not Initiative.objects.filter(name="Joint fleet insurance").exists()


def test_the_national_pipeline_filters_and_totals_money_and_hours_apart(world, client, idea):
    other = CollaborationFactory(name="Norfolk and Suffolk", slug="ns", visibility="policing")
    share(other, "Norfolk", "50")
    share(other, "Suffolk", "50")
    opportunity(other, "Shared custody nurses", "1200.50", 40, unit="hours")
    opportunity(other, "Joint uniform contract", "10000.15", 50, status="assessing")
    client.force_login(world.dave)
    page = client.get("/pipeline/")
    text = page.content.decode()
    assert "Joint fleet insurance" in text and "Joint uniform contract" in text
    # money: 250,000 + 10,000.15 most likely; 150,000 + 5,000.075 risk-weighted
    assert "£260,000.15" in text
    assert "£155,000.08" in text
    # hours: 1,200.50 most likely, 480.20 risk-weighted
    assert "1,200.50 hours" in text and "480.20 hours" in text
    assert "Totals a year for the opportunities shown" not in text
    filtered = client.get("/pipeline/?status=assessing").content.decode()
    assert "Joint uniform contract" in filtered and "Joint fleet insurance" not in filtered
    assert "£10,000.15" in filtered
    assert "Totals a year for the opportunities shown" in filtered
    by_collaboration = client.get("/pipeline/?collaboration=ek").content.decode()
    assert "Joint fleet insurance" in by_collaboration
    assert "Joint uniform contract" not in by_collaboration
    assert client.get("/pipeline/?sort=-risk_weighted").status_code == 200


def test_the_collaboration_page_links_to_its_pipeline(world, client, idea):
    client.force_login(world.dave)
    assert b"/collaborations/ek/pipeline/" in client.get("/collaborations/ek/").content
    page = client.get("/collaborations/ek/pipeline/")
    assert page.status_code == 200
    assert b"Joint fleet insurance" in page.content
    assert b"Add an opportunity" not in page.content


def test_the_programme_team_adds_one(world, client):
    client.force_login(world.alice)
    response = client.post("/collaborations/ek/pipeline/new/", form())
    assert response.status_code == 302
    added = Opportunity.objects.get(title="Shared tyre contract")
    assert added.collaboration == world.collab
    assert added.most_likely == Decimal("55000.50")
    assert added.history.first().history_user == world.alice


def test_a_range_out_of_order_is_refused_naming_the_field(world, client):
    client.force_login(world.alice)
    response = client.post("/collaborations/ek/pipeline/new/", form(low="60000"))
    assert response.status_code == 200
    assert "low" in response.context["form"].errors
    assert not Opportunity.objects.exists()


def test_rejecting_needs_a_reason(world, client, idea):
    client.force_login(world.alice)
    response = client.post(
        f"/opportunities/{idea.pk}/edit/",
        form(title=idea.title, status="rejected", version=idea.version),
    )
    assert response.status_code == 200
    assert "rejection_reason" in response.context["form"].errors
    response = client.post(
        f"/opportunities/{idea.pk}/edit/",
        form(
            title=idea.title,
            status="rejected",
            rejection_reason="A national framework covers it.",
            version=idea.version,
        ),
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == OpportunityStatus.REJECTED


def test_a_duplicate_title_is_refused_not_an_error(world, client, idea):
    client.force_login(world.alice)
    response = client.post("/collaborations/ek/pipeline/new/", form(title=idea.title))
    assert response.status_code == 200
    assert "title" in response.context["form"].errors


def test_a_reader_may_not_edit(world, client, idea):
    client.force_login(world.dave)
    assert client.get(f"/opportunities/{idea.pk}/").status_code == 200
    assert client.get(f"/opportunities/{idea.pk}/edit/").status_code == 403
    assert client.post(f"/opportunities/{idea.pk}/initiative/").status_code == 403
    assert client.post("/collaborations/ek/pipeline/new/", form()).status_code == 403


def test_turning_into_an_initiative_keeps_the_link(world, client, idea):
    client.force_login(world.alice)
    response = client.post(f"/opportunities/{idea.pk}/initiative/")
    idea.refresh_from_db()
    initiative = idea.initiative
    assert response.status_code == 302 and response["Location"] == initiative.get_absolute_url()
    assert initiative.collaboration == world.collab
    assert initiative.stage == 0
    assert initiative.name == "Joint fleet insurance"
    assert idea.status == OpportunityStatus.INITIATIVE
    # The estimate stays visible on the initiative's page.
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "Estimate before the business case" in page
    assert "£150,000.00 / £250,000.00 / £400,000.00" in page
    assert "£150,000.00" in page  # risk-weighted: 250,000 x 60%
    # Twice is refused, with the reason.
    again = client.post(f"/opportunities/{idea.pk}/initiative/")
    assert again.status_code == 400
    assert Initiative.objects.filter(collaboration=world.collab).count() == 2


def test_a_lesson_the_reader_may_not_see_is_not_named(world, client):
    lesson, idea = idea_from_a_private_lesson(world)
    client.force_login(world.nora)  # sees Norfolk and Suffolk, not Essex and Kent's lesson
    page = client.get(f"/opportunities/{idea.pk}/").content.decode()
    assert "Shared overtime rules" in page
    assert "overtime dispute" not in page and lesson.get_absolute_url() not in page
    assert "(the lesson is not visible to you)" in page
    client.force_login(world.alice)  # sees both: the lesson is named and linked
    assert lesson.get_absolute_url() in client.get(f"/opportunities/{idea.pk}/").content.decode()


def test_nobody_signed_in_is_asked_to_sign_in(world, client, idea):
    world.collab.visibility = "public"
    world.collab.save()
    for url in ("/pipeline/", "/collaborations/ek/pipeline/", f"/opportunities/{idea.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url


def test_an_editor_who_may_not_see_the_lesson_keeps_its_link(world, client):
    """Linked by someone who may see the lesson, the link is not offered to, nor undone by,
    an editor who may not."""
    lesson, idea = idea_from_a_private_lesson(world)
    editor = member("nina", "Norfolk", "programme_team", idea.collaboration)

    client.force_login(editor)
    page = client.get(f"/opportunities/{idea.pk}/edit/")
    assert page.status_code == 200
    assert "overtime dispute" not in page.content.decode()
    response = client.post(
        f"/opportunities/{idea.pk}/edit/",
        form(
            title="Shared overtime rules, both forces",
            source="lesson",
            most_likely="1000",
            low="500",
            high="2000",
            confidence="50",
            version=idea.version,
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    idea.refresh_from_db()
    assert idea.title == "Shared overtime rules, both forces"
    assert idea.lesson_id == lesson.pk
