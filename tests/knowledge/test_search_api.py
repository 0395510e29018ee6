"""GET /api/v1/search/: the search for other systems, same rules as the pages."""

from rest_framework.authtoken.models import Token

from tests.factories import CollaborationFactory
from tests.knowledge.makers import LessonFactory


def seed(world):
    log = CollaborationFactory(name="Regional vetting collaboration", visibility="policing")
    best = LessonFactory(
        collaboration=log,
        title="Vetting backlog cleared by a joint triage desk",
        what_happened="A joint triage desk cleared the vetting backlog in nine months.",
    )
    weaker = LessonFactory(
        collaboration=log,
        title="Recruitment campaign timing",
        what_happened="The campaign launched before the vetting backlog was cleared.",
    )
    return best, weaker


def test_the_answer_has_exactly_the_documented_shape_best_first(world, client):
    best, weaker = seed(world)
    client.force_login(world.nora)
    answer = client.get("/api/v1/search/", {"q": "vetting backlog", "type": "lesson"}).json()
    assert set(answer) == {"count", "results"}
    assert answer["count"] == 2
    assert [row["id"] for row in answer["results"]] == [best.pk, weaker.pk]
    first = answer["results"][0]
    assert set(first) == {"type", "id", "title", "snippet", "url", "score"}
    assert first["type"] == "lesson"
    assert first["title"] == best.title
    assert first["url"] == f"http://testserver/repository/lessons/{best.pk}/"
    assert "<mark>" in first["snippet"]
    assert answer["results"][0]["score"] > answer["results"][1]["score"]


def test_types_filter_and_paging(world, client):
    seed(world)
    client.force_login(world.nora)
    everything = client.get("/api/v1/search/", {"q": "vetting"}).json()
    assert {row["type"] for row in everything["results"]} >= {"lesson", "collaboration"}
    only = client.get("/api/v1/search/?q=vetting&type=collaboration,initiative").json()
    assert {row["type"] for row in only["results"]} <= {"collaboration", "initiative"}
    page = client.get("/api/v1/search/", {"q": "vetting", "limit": 1, "offset": 1}).json()
    assert page["count"] == everything["count"]
    assert page["results"] == everything["results"][1:2]


def test_bad_requests_say_what_is_wrong(world, client):
    client.force_login(world.nora)
    missing = client.get("/api/v1/search/")
    assert missing.status_code == 400 and "q" in missing.json()
    unknown = client.get("/api/v1/search/", {"q": "vetting", "type": "meeting"})
    assert unknown.status_code == 400
    assert "Unknown type: meeting" in unknown.json()["type"][0]
    too_many = client.get("/api/v1/search/", {"q": "vetting", "limit": 1000})
    assert too_many.status_code == 400
    backwards = client.get(
        "/api/v1/search/", {"q": "vetting", "date_from": "2026-01-01", "date_to": "2025-01-01"}
    )
    assert backwards.status_code == 400
    assert backwards.json() == {"date_to": ["The to date must be on or after the from date."]}


def test_paging_past_the_end(world, client):
    seed(world)
    client.force_login(world.nora)
    past = client.get("/api/v1/search/", {"q": "vetting", "offset": 1000}).json()
    assert past["results"] == [] and past["count"] > 0
    # An offset larger than the database takes is refused by name, not a server error.
    huge = client.get("/api/v1/search/", {"q": "vetting", "offset": 10**20})
    assert huge.status_code == 400 and "offset" in huge.json()


def test_a_token_works_like_a_session(world, client):
    best, _ = seed(world)
    token = Token.objects.create(user=world.nora)
    answer = client.get(
        "/api/v1/search/", {"q": "triage desk"}, HTTP_AUTHORIZATION=f"Token {token.key}"
    ).json()
    assert [row["id"] for row in answer["results"]] == [best.pk]
