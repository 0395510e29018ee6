"""What closing an initiative refuses reads in the language of the page: a Welsh closure page
names each missing item in Welsh; the English words, and the refusal's own text (logs),
stay as they were."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from realise.collaborations.models import InitiativeStatus
from realise.documents.services import ClosurePlan, ClosureRefused, LessonInput, check_closure
from tests.core.welsh_entries import welsh

TODAY = datetime.date(2026, 11, 15)
WELSH = {
    "Confirm the level of benefits realised shown.": (
        "Cadarnhewch lefel y buddion a wireddwyd a ddangosir."
    ),
    "Add at least one lesson learned.": "Ychwanegwch o leiaf un wers a ddysgwyd.",
    "Lesson %(number)s: choose a theme.": "Gwers %(number)s: dewiswch thema.",
    "%(benefit)s: name its owner in business as usual.": (
        "%(benefit)s: enwch ei berchennog ym musnes fel arfer."
    ),
}


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en-gb")


def test_the_refusals_read_in_welsh_on_a_welsh_page(vetting):
    plan = ClosurePlan(lessons=[LessonInput(what_happened="A", what_to_repeat="B")])
    with welsh(WELSH), translation.override("cy"):
        shown = [str(problem.message) for problem in check_closure(vetting.initiative, plan)]
        empty = [str(p.message) for p in check_closure(vetting.initiative, ClosurePlan())]
    assert shown[:2] == [
        "Cadarnhewch lefel y buddion a wireddwyd a ddangosir.",
        "Gwers 1: dewiswch thema.",
    ]
    assert "V-MONEY Cheaper vetting checks: enwch ei berchennog ym musnes fel arfer." in shown
    assert "Ychwanegwch o leiaf un wers a ddysgwyd." in empty


def test_the_english_words_and_the_refusals_own_text_stay_english(vetting):
    with welsh(WELSH), translation.override("cy"):
        problems = check_closure(vetting.initiative, ClosurePlan(), today=TODAY)
        text = str(ClosureRefused(problems))
    assert text.startswith(
        "Confirm the level of benefits realised shown.; Add at least one lesson learned.; "
    )
    with welsh(WELSH):
        assert [str(problem.message) for problem in problems][:2] == [
            "Confirm the level of benefits realised shown.",
            "Add at least one lesson learned.",
        ]


def test_the_welsh_closure_page_names_each_missing_item_in_welsh(client, vetting):
    client.force_login(vetting.alice)
    client.post("/language/", {"language": "cy", "next": "/"})
    data = {
        "lessons-TOTAL_FORMS": "1",
        "lessons-INITIAL_FORMS": "0",
        "lessons-MIN_NUM_FORMS": "1",
        "lessons-MAX_NUM_FORMS": "50",
        "lessons-0-what_happened": "Two queues for a year.",
        "lessons-0-what_to_avoid": "Two queues.",
        "review_date": "2027-05-01",
        "marking": "OFFICIAL",
    }
    with welsh(WELSH):
        response = client.post(reverse("initiative-close", args=[vetting.initiative.slug]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Cadarnhewch lefel y buddion a wireddwyd a ddangosir." in page
    assert "Gwers 1: dewiswch thema." in page
    assert "choose a theme" not in page and "business as usual." not in page
    vetting.initiative.refresh_from_db()
    assert vetting.initiative.status == InitiativeStatus.ACTIVE
