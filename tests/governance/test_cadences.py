"""Cadences people use ("first Tuesday", "last working day", "every two weeks"), and no
meeting on a weekend or an England and Wales bank holiday unless a person puts it there."""

import datetime

import pytest

from realise.governance.models import Meeting
from realise.governance.services import generate_meetings
from realise.governance.workdays import is_working_day, last_working_day, why_not_working

D = datetime.date


def dates(body):
    return list(body.meetings.order_by("date").values_list("date", flat=True))


@pytest.mark.parametrize(
    ("day", "working", "reason"),
    [
        (D(2026, 8, 31), False, "a bank holiday (Late Summer Bank Holiday)"),
        (D(2026, 12, 28), False, "a bank holiday (Boxing Day (observed))"),
        (D(2027, 3, 27), False, "a Saturday"),
        (D(2027, 3, 29), False, "a bank holiday (Easter Monday)"),
        (D(2027, 3, 30), True, None),
    ],
)
def test_working_days_of_england_and_wales(day, working, reason):
    assert is_working_day(day) is working
    assert why_not_working(day) == reason


def test_last_working_day_steps_back_over_a_bank_holiday_and_the_weekend():
    # 31 August 2026 is the late summer bank holiday (a Monday): back to Friday 28th.
    assert last_working_day(2026, 8) == D(2026, 8, 28)
    # 31 May 2027 is the spring bank holiday.
    assert last_working_day(2027, 5) == D(2027, 5, 28)
    assert last_working_day(2027, 6) == D(2027, 6, 30)


def test_a_last_working_day_cadence_moves_the_meeting_over_a_bank_holiday(world):
    board = world.board
    board.cadence, board.meets_from = "last_working_day", D(2026, 7, 31)
    board.save()
    generate_meetings(board, start=D(2026, 7, 1), until=D(2026, 9, 30))
    assert dates(board) == [D(2026, 7, 31), D(2026, 8, 28), D(2026, 9, 30)]


def test_a_first_tuesday_cadence(world):
    board = world.board
    board.cadence, board.meets_from = "monthly_weekday", D(2027, 1, 5)
    board.save()
    generate_meetings(board, start=D(2027, 1, 1), until=D(2027, 4, 30))
    assert dates(board) == [D(2027, 1, 5), D(2027, 2, 2), D(2027, 3, 2), D(2027, 4, 6)]
    assert board.cadence_text == "Monthly, on the first Tuesday"


def test_an_every_two_weeks_cadence(world):
    board = world.board
    board.cadence, board.every_weeks, board.meets_from = "weeks", 2, D(2027, 1, 6)
    board.save()
    generate_meetings(board, start=D(2027, 1, 15), until=D(2027, 2, 28))
    assert dates(board) == [D(2027, 1, 20), D(2027, 2, 3), D(2027, 2, 17)]
    assert board.cadence_text == "Every 2 weeks"


def test_a_date_on_a_holiday_moves_to_the_working_day_before_and_the_page_says_so(client, world):
    board = world.board
    # Monthly on the 25th from November (a meeting is never moved before the first one).
    board.cadence, board.meets_from = "monthly", D(2026, 11, 25)
    board.save()
    generate_meetings(board, start=D(2026, 12, 1), until=D(2027, 4, 30))
    # 25 Dec 2026 is Christmas Day (a Friday); 25 Apr 2027 is a Sunday.
    assert dates(board) == [
        D(2026, 12, 24),
        D(2027, 1, 25),
        D(2027, 2, 25),
        D(2027, 3, 25),
        D(2027, 4, 23),
    ]
    christmas = board.meetings.get(cadence_date=D(2026, 12, 25))
    assert christmas.adjusted_from == D(2026, 12, 25)
    client.force_login(world.dave)
    page = client.get(christmas.get_absolute_url()).content.decode()
    assert "moved this meeting from Friday 25 December 2026" in page
    assert "a bank holiday (Christmas Day)" in page

    # Run again: nothing duplicated, nothing moved back.
    assert generate_meetings(board, start=D(2026, 12, 1), until=D(2027, 4, 30)) == []


def test_a_person_may_put_a_meeting_on_a_weekend(client, world):
    meeting = Meeting.objects.create(
        body=world.board,
        date=D(2027, 4, 23),
        cadence_date=D(2027, 4, 25),
        adjusted_from=D(2027, 4, 25),
    )
    client.force_login(world.alice)
    response = client.post(
        f"/governance/meetings/{meeting.pk}/edit/",
        {
            "date_0": "24",
            "date_1": "4",
            "date_2": "2027",
            "date": "2027-04-24",
            "status": "scheduled",
            "notes": "",
            "start_time": "09:30",
            "duration_minutes": "60",
            "location": "Kent HQ",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting.refresh_from_db()
    assert meeting.date == D(2027, 4, 24)  # a Saturday, by a person's choice
    assert meeting.adjusted_from is None
    assert meeting.start_time == datetime.time(9, 30) and meeting.place == "Kent HQ"


def test_a_body_that_meets_every_few_weeks_must_say_how_many(client, world):
    client.force_login(world.alice)
    response = client.post(
        f"/governance/bodies/{world.board.slug}/edit/",
        {
            "name": world.board.name,
            "slug": world.board.slug,
            "body_type": "programme_board",
            "cadence": "weeks",
            "meets_from": "2027-01-06",
            "meeting_time": "10:00",
            "meeting_minutes": "120",
            "visibility": "policing",
        },
    )
    assert response.status_code == 200
    assert "Give the number of weeks between meetings." in response.content.decode()


def test_a_meeting_or_first_meeting_outside_the_recorded_days_is_refused(client, world):
    """A typed year 9999 or 0001 is refused naming the field, not stored for the meeting's
    page to fail on."""
    client.force_login(world.alice)
    meeting = {"status": "scheduled", "notes": "", "start_time": "", "location": ""}
    for day in ("9999-12-31", "0001-01-01", "1999-12-31"):
        response = client.post(
            f"/governance/bodies/{world.board.slug}/meetings/new/", {**meeting, "date": day}
        )
        assert response.status_code == 200
        assert (
            response.context["form"]
            .errors["date"][0]
            .startswith("The date must be from 2000-01-01 to ")
        )
    assert not Meeting.objects.filter(body=world.board).exists()

    response = client.post(
        f"/governance/bodies/{world.board.slug}/edit/",
        {
            "name": world.board.name,
            "slug": world.board.slug,
            "body_type": "programme_board",
            "cadence": "monthly",
            "meets_from": "9999-12-31",
            "visibility": "policing",
        },
    )
    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["meets_from"][0]
        .startswith("The first meeting must be from 2000-01-01 to ")
    )

    response = client.post(
        f"/governance/bodies/{world.board.slug}/meetings/new/", {**meeting, "date": "2027-12-31"}
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_the_meetings_up_to_a_day_include_that_months_meeting_before_it(world):
    """Up to 25 March: the fourth Tuesday of March (the 24th) is within, although the first
    meeting fell on the 27th of its month; likewise February's last working day (the 27th)
    up to 27 February, from a first meeting on 30 January."""
    board = world.board
    board.cadence, board.meets_from = "monthly_weekday", D(2026, 1, 27)
    board.save()
    generate_meetings(board, start=D(2026, 1, 1), until=D(2026, 3, 25))
    assert dates(board) == [D(2026, 1, 27), D(2026, 2, 24), D(2026, 3, 24)]
    board.meetings.all().delete()
    board.cadence, board.meets_from = "last_working_day", D(2026, 1, 30)
    board.save()
    generate_meetings(board, start=D(2026, 1, 1), until=D(2026, 2, 27))
    assert dates(board) == [D(2026, 1, 30), D(2026, 2, 27)]
