"""A body's cadence, usual time and place, and a meeting's own time and place, read through
the API as the pages and the calendar feed show them: each meeting's own values (empty where
it keeps the body's usual ones) beside the start, end and place it is actually held at."""

import datetime

import yaml
from django.test import Client

from realise.governance.models import Meeting

D = datetime.date

BODY_KEYS = {
    "id",
    "collaboration",
    "name",
    "slug",
    "body_type",
    "cadence",
    "chair",
    "escalates_to",
    "terms_of_reference",
    "visibility",
    "created_at",
    "updated_at",
}
MEETING_KEYS = {"id", "body", "date", "status", "notes", "created_at", "updated_at"}


def usual(board):
    board.cadence = "weeks"
    board.every_weeks = 2
    board.meets_from = D(2027, 3, 5)
    board.meeting_time = datetime.time(9, 30)
    board.meeting_minutes = 90
    board.location = "Room 4, Chelmsford HQ"
    board.decides_stages = [3, 1, 2]
    board.save()
    return board


def test_a_body_shows_its_cadence_usual_time_place_and_stage_gates(world, as_user):
    board = usual(world.board)

    found = as_user(world.dave).get(f"/api/v1/governance-bodies/{board.slug}/").json()

    assert set(found) >= BODY_KEYS
    assert found["cadence"] == "weeks"
    assert found["every_weeks"] == 2
    assert found["meets_from"] == "2027-03-05"
    assert found["meeting_time"] == "09:30"
    assert found["meeting_minutes"] == 90
    assert found["location"] == "Room 4, Chelmsford HQ"
    assert found["decides_stages"] == [1, 2, 3]  # in order, as the page lists them
    listed = as_user(world.dave).get("/api/v1/governance-bodies/").json()["results"]
    assert [row["meeting_time"] for row in listed if row["slug"] == board.slug] == ["09:30"]


def test_a_meeting_keeps_the_bodys_usual_time_and_place_unless_it_has_its_own(world, as_user):
    board = usual(world.board)
    ordinary = Meeting.objects.create(body=board, date=D(2027, 3, 19))  # GMT
    own = Meeting.objects.create(  # BST, and a time, length and place of its own
        body=board,
        date=D(2027, 4, 2),
        start_time=datetime.time(14, 0),
        duration_minutes=45,
        location="https://meet.example/ek",
        adjusted_from=D(2027, 4, 3),
    )
    client = as_user(world.dave)

    first = client.get(f"/api/v1/meetings/{ordinary.pk}/").json()
    second = client.get(f"/api/v1/meetings/{own.pk}/").json()

    assert set(first) >= MEETING_KEYS
    assert first["start_time"] is None
    assert first["duration_minutes"] is None
    assert first["location"] == ""
    assert first["adjusted_from"] is None
    assert first["starts_at"] == "2027-03-19T09:30:00Z"  # GMT: UK time is UTC
    assert first["ends_at"] == "2027-03-19T11:00:00Z"
    assert first["place"] == "Room 4, Chelmsford HQ"

    assert second["start_time"] == "14:00"
    assert second["duration_minutes"] == 45
    assert second["location"] == "https://meet.example/ek"
    assert second["adjusted_from"] == "2027-04-03"
    assert second["starts_at"] == "2027-04-02T14:00:00+01:00"  # BST
    assert second["ends_at"] == "2027-04-02T14:45:00+01:00"
    assert second["place"] == "https://meet.example/ek"
    # The page says the same.
    page = Client()
    page.force_login(world.dave)
    text = page.get(own.get_absolute_url()).content.decode()
    assert "14:00 to 14:45, UK time" in text and "https://meet.example/ek" in text


def test_a_meeting_across_the_clocks_changing_ends_when_its_length_has_passed(world, as_user):
    meeting = Meeting.objects.create(
        body=world.board,
        date=D(2026, 10, 24),
        start_time=datetime.time(23, 0),
        duration_minutes=240,
    )
    found = as_user(world.dave).get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert found["starts_at"] == "2026-10-24T23:00:00+01:00"
    assert found["ends_at"] == "2026-10-25T02:00:00Z"  # the clocks went back at 02:00 BST


def test_the_new_fields_are_read_only_and_described_in_the_schema(world, as_user, client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)["components"]["schemas"]
    body, meeting = schema["GovernanceBody"]["properties"], schema["Meeting"]["properties"]
    for name in (
        "meets_from",
        "every_weeks",
        "meeting_time",
        "meeting_minutes",
        "location",
        "decides_stages",
    ):
        assert body[name].get("readOnly") is True, name
    assert body["decides_stages"]["type"] == "array"
    assert body["decides_stages"]["items"]["type"] == "integer"
    for name in (
        "start_time",
        "duration_minutes",
        "location",
        "adjusted_from",
        "starts_at",
        "ends_at",
        "place",
    ):
        assert meeting[name].get("readOnly") is True, name
        assert meeting[name].get("description"), name
    assert meeting["starts_at"]["format"] == "date-time"
    # Still read only: a meeting or a body is not written through the API.
    meeting_row = Meeting.objects.create(body=world.board, date=D(2027, 5, 4))
    response = as_user(world.alice).patch(
        f"/api/v1/meetings/{meeting_row.pk}/", {"location": "Elsewhere"}, format="json"
    )
    assert response.status_code == 405
    response = as_user(world.alice).patch(
        f"/api/v1/governance-bodies/{world.board.slug}/", {"location": "x"}, format="json"
    )
    assert response.status_code == 405
