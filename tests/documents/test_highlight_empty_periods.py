"""A highlight report on a month with nothing planned or realised in it says so for that
period, never that the initiative has no plan at all."""

import datetime

from realise.documents.highlight import build_highlight
from tests.factories import InitiativeFactory


def _paragraphs(document: dict, title: str) -> list[str]:
    section = next(item for item in document["sections"] if item["title"] == title)
    return [block["text"] for block in section["blocks"] if block["type"] == "paragraph"]


def test_a_year_before_the_plan_says_the_year_has_nothing(vetting):
    """Joint vetting plans £1,000 and 10 hours a month from April 2026: nothing in 2024/25."""
    document = build_highlight(vetting.initiative, datetime.date(2025, 3, 1))
    assert _paragraphs(document, "Planned and realised over the year") == [
        "No money or hours are planned or realised in 2024/25."
    ]
    forecast = document["sections"][0]["blocks"][1]["rows"][0][6]
    assert forecast == "£12,000.00"  # the headline still shows the whole plan


def test_an_initiative_with_no_plan_says_so(vetting):
    empty = InitiativeFactory(collaboration=vetting.collab, name="Shared estates", slug="estates")
    document = build_highlight(empty, datetime.date(2026, 10, 1))
    assert _paragraphs(document, "Planned and realised over the year") == [
        "No money or hours are planned for this initiative."
    ]
