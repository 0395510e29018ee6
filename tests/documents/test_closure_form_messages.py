"""The closure form names each problem once, where it is: a value of the wrong kind is not
also reported as missing, and the rest of what was given still counts."""

import re

import pytest
from django.urls import reverse

from realise.collaborations.models import InitiativeStatus
from realise.organisations.services import name_person


@pytest.fixture
def close_url(vetting):
    return reverse("initiative-close", args=[vetting.initiative.slug])


@pytest.fixture
def complete(vetting):
    """Everything closure asks for, filled in."""
    # Named by the programme team (on the people page), so theirs to choose.
    bau = name_person(name="Bea Usual", by=vetting.alice)
    data = {
        "lessons-TOTAL_FORMS": "2",
        "lessons-INITIAL_FORMS": "0",
        "lessons-MIN_NUM_FORMS": "2",
        "lessons-MAX_NUM_FORMS": "50",
        "confirm_realised": "on",
        "lessons-0-what_happened": "Two queues for a year.",
        "lessons-0-what_to_avoid": "Two queues.",
        "lessons-0-theme": "workforce",
        "review_date": "2027-05-01",
        "marking": "OFFICIAL",
    }
    for benefit in (vetting.money, vetting.hours, vetting.benefit):
        data[f"handover-{benefit.pk}-bau_owner"] = str(bau.pk)
        data[f"handover-{benefit.pk}-continuing_measures"] = "Monthly figure"
    return data


def problems(response) -> list[str]:
    """The error summary's messages, in order."""
    html = response.content.decode()
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert summary, "no error summary"
    items = re.findall(r"<li>(.*?)</li>", summary[1], re.S)
    return [re.sub(r"<[^>]+>", "", item).strip() for item in items]


def refused(client, vetting, url, data) -> list[str]:
    client.force_login(vetting.alice)
    response = client.post(url, data)
    assert response.status_code == 400
    vetting.initiative.refresh_from_db()
    assert vetting.initiative.status == InitiativeStatus.ACTIVE
    return problems(response)


def test_a_review_date_that_is_not_a_date_is_the_only_problem(client, vetting, close_url, complete):
    """29 February 2027 does not exist: the page says so, and not that the date is missing
    nor that the figures were not confirmed (they were)."""
    found = refused(client, vetting, close_url, {**complete, "review_date": "2027-02-29"})
    assert found == ["Date of the post-implementation review: Enter a valid date."]


def test_a_lesson_title_too_long_names_the_lesson_and_nothing_else(
    client, vetting, close_url, complete
):
    second = {
        "lessons-1-title": "ŵ" * 201,
        "lessons-1-what_happened": "Rota shared late.",
        "lessons-1-what_to_repeat": "Share it early.",
        "lessons-1-theme": "workforce",
    }
    found = refused(client, vetting, close_url, {**complete, **second})
    assert found == [
        "Lesson 2, the lesson in one line: "
        "Ensure this value has at most 200 characters (it has 201)."
    ]


def test_an_owner_no_longer_there_names_the_benefit_once(client, vetting, close_url, complete):
    field = f"handover-{vetting.money.pk}-bau_owner"
    found = refused(client, vetting, close_url, {**complete, field: "999999"})
    assert found == [
        "V-MONEY Cheaper vetting checks, owner in business as usual: "
        "Select a valid choice. That choice is not one of the available choices."
    ]
