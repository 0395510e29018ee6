"""Dates people type on the governance pages: refused with a message on the field when
they lie outside the days Realise records, and read the same way on every page."""

import datetime

from realise.governance.models import Decision, Meeting, PostImplementationReview

D = datetime.date

NO_ACTIONS = {
    "actions-TOTAL_FORMS": "1",
    "actions-INITIAL_FORMS": "0",
    "actions-MIN_NUM_FORMS": "0",
    "actions-MAX_NUM_FORMS": "20",
}


def test_an_action_due_in_the_year_2999_is_refused_naming_the_action(client, world):
    meeting = Meeting.objects.create(body=world.board, date=D(2026, 3, 31))
    client.force_login(world.alice)
    response = client.post(
        f"/governance/meetings/{meeting.pk}/decisions/new/",
        {
            **NO_ACTIONS,
            "text": "Merge the vetting units",
            "visibility": "private",
            "actions-0-text": "Draft the plan",
            "actions-0-due_on": "2999-04-30",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Action 1: The due date must be from 2000-01-01 to " in page
    assert not Decision.objects.exists()


def test_a_post_implementation_review_carried_out_in_1900_is_refused(client, world):
    review = PostImplementationReview.objects.create(
        initiative=world.initiative, due_on=D(2026, 3, 25)
    )
    client.force_login(world.alice)
    response = client.post(
        f"/governance/reviews/{review.pk}/", {"completed_on": "1900-01-01", "notes": "Done."}
    )
    assert response.status_code == 200
    assert "The date carried out must be from 2000-01-01 to " in response.content.decode()
    review.refresh_from_db()
    assert review.completed_on is None


def test_a_first_meeting_date_that_is_no_date_is_refused_once(client, world):
    client.force_login(world.alice)
    response = client.post(
        f"/governance/collaborations/{world.collab.slug}/bodies/new/",
        {
            "name": "EK Oversight Group",
            "slug": "ek-oversight",
            "body_type": "oversight_group",
            "cadence": "monthly",
            "meets_from": "2026-02-30",
            "visibility": "private",
        },
    )
    page = response.content.decode()
    assert "Enter a valid date." in page
    assert "Give the date of the first meeting of a regular body." not in page


def test_an_action_error_in_the_summary_links_to_its_box(client, world):
    meeting = Meeting.objects.create(body=world.board, date=D(2026, 3, 31))
    client.force_login(world.alice)
    response = client.post(
        f"/governance/meetings/{meeting.pk}/decisions/new/",
        {
            **NO_ACTIONS,
            "text": "Merge the vetting units",
            "visibility": "private",
            "actions-0-text": "Draft the plan",
            "actions-0-due_on": "2026-03-30",
        },
    )
    page = response.content.decode()
    assert (
        '<a href="#id_actions-0-due_on">Action 1: The due date cannot be before the decision, '
        "taken on 31 March 2026.</a>" in page
    )
    assert 'id="id_actions-0-due_on"' in page
