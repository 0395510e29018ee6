"""Queries as people type them: possessives, punctuation only, common words only, only
words to leave out, far too long, Welsh. Same answers on PostgreSQL and SQLite."""

from realise.knowledge.search import SearchFilters, parse, search
from tests.factories import CollaborationFactory
from tests.knowledge.makers import LessonFactory


def seed():
    log = CollaborationFactory(name="Regional collaboration", visibility="policing")
    kent = LessonFactory(
        collaboration=log,
        title="Kent vetting unit cleared its backlog",
        what_happened="A joint vetting unit cleared the backlog in six months.",
    )
    welsh = LessonFactory(
        collaboration=log,
        title="Cydweithio ar fetio yng Ngogledd Cymru",
        what_happened="Dysgon ni fod un tîm fetio i’r rhanbarth yn arbed amser.",
    )
    return kent, welsh


def lessons(query, user):
    return search(query, user=user, filters=SearchFilters(kinds=["lesson"]))


def test_a_possessive_finds_the_words_without_it(world):
    kent, _ = seed()
    for typed in ("Kent's vetting", "Kent’s vetting", "don't vetting"):
        hits = lessons(typed, world.dave)[0:5]
        assert [hit.id for hit in hits] == [kent.pk], typed


def test_welsh_words_are_found(world, client):
    _, welsh = seed()
    assert [hit.id for hit in lessons("Ngogledd Cymru", world.dave)[0:5]] == [welsh.pk]
    assert [hit.id for hit in lessons("tîm fetio", world.dave)[0:5]] == [welsh.pk]
    client.force_login(world.dave)
    client.post("/language/", {"language": "cy", "next": "/search/"})
    page = client.get("/search/", {"q": "Ngogledd", "type": "lesson"})
    assert page.status_code == 200 and page.context["page"].paginator.count == 1
    assert welsh.title in page.content.decode()


def test_nothing_to_search_for_matches_nothing_on_either_database(world):
    seed()
    for typed in ("!!!", '""', "the", "the of and", "-vetting", "the -vetting", "OR", "- -"):
        assert not parse(typed), typed
        assert lessons(typed, world.dave).count() == 0, typed
    # A phrase keeps its common words; a term beside common words is still searched.
    assert parse('"the backlog"') and lessons("the backlog", world.dave).count() == 1


def test_the_page_says_when_there_is_nothing_to_search_for(world, client):
    seed()
    client.force_login(world.dave)
    for typed in ("!!!", "the", "-vetting"):
        response = client.get("/search/", {"q": typed})
        text = response.content.decode()
        assert response.status_code == 200
        assert "Nothing to search for" in text, typed
        assert "0 results" not in text, typed


def test_a_query_too_long_is_refused_at_the_field(world, client):
    client.force_login(world.dave)
    response = client.get("/search/", {"q": "vetting-" * 70})
    assert response.status_code == 200
    text = response.content.decode()
    message = "Search for at most 500 characters (you typed 560)."
    assert response.context["form"].errors["q"] == [message]
    # Shown in the summary and beside the box, which is marked as in error.
    assert text.count(message) == 2
    assert 'id="q-error"' in text and "govuk-input--error" in text
    assert 'aria-describedby="q-hint q-error"' in text
    api = client.get("/api/v1/search/", {"q": "vetting-" * 70})
    assert api.status_code == 400 and "q" in api.json()


def test_the_api_answers_odd_queries_with_no_results(world, client):
    seed()
    client.force_login(world.dave)
    for typed in ("!!!", "the", "-vetting", '"', "NEAR(", "*"):
        answer = client.get("/api/v1/search/", {"q": typed})
        assert answer.status_code == 200, typed
        assert answer.json() == {"count": 0, "results": []}, typed
