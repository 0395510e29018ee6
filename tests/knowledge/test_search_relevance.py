"""The right lesson comes first for its query, on PostgreSQL and SQLite alike."""

import pytest

from realise.knowledge.demo import LESSONS
from realise.knowledge.search import SearchFilters, search
from tests.factories import CollaborationFactory
from tests.knowledge.makers import LessonFactory


@pytest.fixture
def lessons_log(world):
    """The demo's lessons log (real lessons of procurement, vetting, digital evidence...)."""
    log = CollaborationFactory(name="Eastern Collaborative Programme", visibility="policing")
    for entry in LESSONS:
        title, theme, stage, date, happened, repeat, avoid, recommendation = (
            entry[2],
            entry[3],
            entry[4],
            entry[5],
            entry[8],
            entry[9],
            entry[10],
            entry[11],
        )
        LessonFactory(
            collaboration=log,
            title=title,
            theme=theme,
            stage=stage,
            date=date,
            what_happened=happened,
            what_to_repeat=repeat,
            what_to_avoid=avoid,
            recommendation=recommendation,
        )
    return log


def lessons_for(query, user, **filters):
    return search(query, user=user, filters=SearchFilters(kinds=["lesson"], **filters))


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("price baseline", "Agree the price baseline with force finance"),
        ("savings not identified in the business case", "Track savings the business case never"),
        ("vetting case management system", "Choose one case management system"),
        ("overtime allowances for detectives", "Align overtime and allowances"),
        ("sharing digital evidence with the CPS", "Involve the Crown Prosecution Service"),
        ("urgent low-value purchases", "Keep a local route for urgent low-value"),
        ("university tender", "One regional tender for university partners"),
        ('"price review"', "Body armour supplier dispute"),
        ("e-procurement contract register", "Put every contract in one e-procurement system"),
        ("escalation to the summit", "A monthly procurement board"),
    ],
)
def test_the_right_lesson_is_first(lessons_log, world, query, expected_first):
    hits = lessons_for(query, world.dave)[0:5]
    assert hits, f"nothing found for {query!r}"
    assert hits[0].title.startswith(expected_first), [h.title for h in hits]


def test_stemming_matches_other_forms_of_a_word(lessons_log, world):
    titles = [h.title for h in lessons_for("pooled detective", world.dave)[0:3]]
    assert titles[0].startswith("Align overtime and allowances")  # "pooling detectives"


def test_every_word_must_appear(lessons_log, world):
    assert lessons_for("tyres armour", world.dave).count() == 0
    assert lessons_for("armour", world.dave).count() == 1


def test_or_offers_alternatives_and_minus_excludes(lessons_log, world):
    either = {h.title[:20] for h in lessons_for("armour OR overtime", world.dave)[0:10]}
    assert either == {"Body armour supplier", "Align overtime and a"}
    procurement = {h.title for h in lessons_for("procurement", world.dave)[0:50]}
    without_tyres = {h.title for h in lessons_for("procurement -tyres", world.dave)[0:50]}
    assert "Close each procurement project with a lessons log and named benefit owners in BAU" in (
        procurement - without_tyres
    )
    assert without_tyres < procurement


def test_results_are_ranked_best_first_with_a_highlighted_snippet(lessons_log, world):
    hits = lessons_for("baseline", world.dave)[0:10]
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert "<mark>baseline</mark>" in hits[0].snippet.lower()


def test_filters_narrow_by_theme_and_stage(lessons_log, world):
    workforce = [h.title for h in lessons_for("team", world.dave, theme="workforce")[0:10]]
    assert workforce and all(
        t.startswith(("Refresh the team", "Release category", "Align overtime")) for t in workforce
    )
    assert lessons_for("tender", world.dave, stage=5).count() >= 1
    assert lessons_for("tender", world.dave, stage=0).count() == 0


def test_text_people_typed_is_never_read_as_markup_or_query_syntax(lessons_log, world):
    LessonFactory(
        collaboration=lessons_log,
        title="Escaping check",
        what_happened="Supplier portal showed <script>alert(1)</script> in its banner.",
    )
    hit = lessons_for("supplier portal banner", world.dave)[0]
    without_highlights = hit.snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in without_highlights  # escaped (SQLite) or dropped (PostgreSQL)
    for odd in ['"', "NEAR(", "title:x", "*", "(", "a AND", "'; DROP TABLE", "-", "OR"]:
        assert lessons_for(odd, world.dave).count() >= 0


def test_an_empty_query_finds_nothing(lessons_log, world):
    assert lessons_for("   ", world.dave).count() == 0
    assert lessons_for("the of and", world.dave).count() == 0
