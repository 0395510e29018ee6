"""Meetings follow a body's cadence, across month ends and leap years."""

import datetime

import pytest

from realise.governance.models import Meeting
from realise.governance.services import add_months, cadence_dates, generate_meetings

D = datetime.date


def test_monthly_on_the_31st_falls_on_the_last_day_of_shorter_months():
    dates = cadence_dates(D(2027, 1, 31), 1, D(2027, 1, 1), D(2027, 6, 30))
    assert dates == [
        D(2027, 1, 31),
        D(2027, 2, 28),
        D(2027, 3, 31),  # back to the 31st, not stuck on the 28th
        D(2027, 4, 30),
        D(2027, 5, 31),
        D(2027, 6, 30),
    ]


def test_monthly_on_the_30th_meets_on_29_february_in_a_leap_year():
    assert cadence_dates(D(2028, 1, 30), 1, D(2028, 1, 1), D(2028, 3, 31)) == [
        D(2028, 1, 30),
        D(2028, 2, 29),
        D(2028, 3, 30),
    ]


def test_quarterly_and_every_two_months_cross_the_year_end():
    assert cadence_dates(D(2026, 8, 31), 3, D(2026, 8, 1), D(2027, 8, 31)) == [
        D(2026, 8, 31),
        D(2026, 11, 30),
        D(2027, 2, 28),
        D(2027, 5, 31),
        D(2027, 8, 31),
    ]
    assert cadence_dates(D(2026, 10, 15), 2, D(2026, 10, 1), D(2027, 4, 30)) == [
        D(2026, 10, 15),
        D(2026, 12, 15),
        D(2027, 2, 15),
        D(2027, 4, 15),
    ]


def test_yearly_on_29_february_is_28_february_in_other_years():
    assert cadence_dates(D(2024, 2, 29), 12, D(2024, 1, 1), D(2029, 12, 31)) == [
        D(2024, 2, 29),
        D(2025, 2, 28),
        D(2026, 2, 28),
        D(2027, 2, 28),
        D(2028, 2, 29),
        D(2029, 2, 28),
    ]


def test_dates_start_from_the_window_not_the_anchor():
    # A monthly body since 2020: only the dates inside the window are given.
    assert cadence_dates(D(2020, 1, 31), 1, D(2027, 2, 1), D(2027, 3, 31)) == [
        D(2027, 2, 28),
        D(2027, 3, 31),
    ]
    assert cadence_dates(D(2027, 5, 1), 1, D(2027, 1, 1), D(2027, 4, 30)) == []


def test_add_months_backwards_and_a_zero_step_is_refused():
    assert add_months(D(2027, 3, 31), -1) == D(2027, 2, 28)
    assert add_months(D(2027, 1, 15), -2) == D(2026, 11, 15)
    with pytest.raises(ValueError):
        cadence_dates(D(2027, 1, 1), 0, D(2027, 1, 1), D(2027, 2, 1))


def test_generating_again_keeps_moved_and_cancelled_meetings(world):
    board = world.board
    board.cadence, board.meets_from = "monthly", D(2026, 12, 31)
    board.save()
    created = generate_meetings(board, start=D(2027, 1, 1), until=D(2027, 4, 30))
    # 31 January and 28 February 2027 are Sundays: held on the Fridays before.
    assert [m.date for m in created] == [
        D(2027, 1, 29),
        D(2027, 2, 26),
        D(2027, 3, 31),
        D(2027, 4, 30),
    ]
    assert [m.cadence_date for m in created] == [
        D(2027, 1, 31),
        D(2027, 2, 28),
        D(2027, 3, 31),
        D(2027, 4, 30),
    ]

    february = Meeting.objects.get(body=board, date=D(2027, 2, 26))
    february.date = D(2027, 3, 2)  # moved: the chair is away
    february.save()
    Meeting.objects.filter(body=board, date=D(2027, 3, 31)).update(status="cancelled")

    again = generate_meetings(board, start=D(2027, 1, 1), until=D(2027, 5, 31))
    assert [m.date for m in again] == [D(2027, 5, 28)]  # 31 May 2027: a bank holiday
    assert sorted(board.meetings.values_list("date", "status")) == [
        (D(2027, 1, 29), "scheduled"),
        (D(2027, 3, 2), "scheduled"),
        (D(2027, 3, 31), "cancelled"),
        (D(2027, 4, 30), "scheduled"),
        (D(2027, 5, 28), "scheduled"),
    ]


def test_ad_hoc_bodies_get_no_generated_meetings(world):
    world.board.cadence, world.board.meets_from = "ad_hoc", D(2027, 1, 1)
    world.board.save()
    assert generate_meetings(world.board, start=D(2027, 1, 1), until=D(2027, 12, 31)) == []


def test_only_the_programme_team_generates_meetings(world):
    from django.core.exceptions import PermissionDenied

    world.board.meets_from = D(2027, 1, 1)
    world.board.save()
    with pytest.raises(PermissionDenied):
        generate_meetings(world.board, start=D(2027, 1, 1), until=D(2027, 3, 1), user=world.dave)
    assert (
        len(
            generate_meetings(
                world.board, start=D(2027, 1, 1), until=D(2027, 3, 1), user=world.alice
            )
        )
        == 3
    )
