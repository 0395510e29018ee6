"""A review recorded late, dated before a review already recorded, is kept as history: the
agreement's next review still follows its latest review, whatever order they are entered."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from realise.collaborations.models import Agreement, AgreementReview
from realise.collaborations.services import record_agreement_review
from tests.factories import GovernanceBodyFactory

D = datetime.date


@pytest.fixture
def summit(world):
    return GovernanceBodyFactory(collaboration=world.collab, name="EK Summit", slug="ek-summit")


@pytest.fixture
def agreement(world, summit):
    """Signed 10 March 2024, reviewed on 10 June 2026: next due 10 June 2027."""
    agreement = Agreement.objects.create(
        collaboration=world.collab,
        title="EK Section 22A agreement",
        signed_on=D(2024, 3, 10),
        review_body=summit,
    )
    record_agreement_review(
        agreement, reviewed_on=D(2026, 6, 10), body=summit, outcome="continue", user=world.alice
    )
    agreement.refresh_from_db()
    assert agreement.review_due == D(2027, 6, 10)
    return agreement


def test_an_older_review_is_kept_and_the_next_review_still_follows_the_latest(
    world, agreement, summit
):
    older = record_agreement_review(
        agreement,
        reviewed_on=D(2025, 3, 1),
        body=summit,
        outcome="vary",
        notes="Schedule 2",
        user=world.alice,
    )
    agreement.refresh_from_db()
    assert agreement.review_due == D(2027, 6, 10)
    assert older.next_review_due == D(2026, 3, 1)  # as it stood after that review
    assert list(agreement.reviews.values_list("reviewed_on", flat=True)) == [
        D(2026, 6, 10),
        D(2025, 3, 1),
    ]


def test_the_page_says_when_the_next_review_is_due_after_an_older_review(
    client, world, agreement, summit
):
    client.force_login(world.alice)
    response = client.post(
        f"/collaborations/ek/agreements/{agreement.pk}/review/",
        {"reviewed_on": "2025-03-01", "body": summit.pk, "outcome": "continue", "notes": ""},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.review_due == D(2027, 6, 10)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [
        "Recorded the review of 1 March 2025. The next review is due on 10 June 2027, "
        "following the latest review (10 June 2026)."
    ]
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "10 June 2027" in page


def test_a_review_after_the_latest_moves_the_next_review_on(world, agreement, summit):
    record_agreement_review(
        agreement, reviewed_on=D(2026, 11, 2), body=summit, outcome="continue", user=world.alice
    )
    agreement.refresh_from_db()
    assert agreement.review_due == D(2027, 11, 2)


def test_an_older_review_cannot_terminate_an_agreement_reviewed_since(world, agreement, summit):
    with pytest.raises(ValidationError) as refused:
        record_agreement_review(
            agreement,
            reviewed_on=D(2025, 3, 1),
            body=summit,
            outcome="terminate",
            notes="Ended",
            user=world.alice,
        )
    assert refused.value.message_dict["outcome"] == [
        "EK Section 22A agreement was reviewed again on 10 June 2026, after this date, and "
        "continued: record a review that terminates it on or after that date."
    ]
    agreement.refresh_from_db()
    assert agreement.terminated_on is None and agreement.review_due == D(2027, 6, 10)
    assert AgreementReview.objects.filter(agreement=agreement).count() == 1
