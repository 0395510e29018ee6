"""Changing a body's cadence moves its calendar: the future meetings generated on the old
cadence that carry nothing are cancelled (calendar programs are sent the cancellation), the
meetings of the new cadence take their place over the same stretch, escalations due at a
cancelled meeting move on, and what carries something (or is past) stays as it was."""

import datetime

from django.utils import timezone
from icalendar import Calendar

from realise.governance.models import Decision, Escalation, Meeting
from realise.governance.services import (
    add_months,
    body_dates,
    generate_meetings,
    save_body,
)
from tests.factories import GovernanceBodyFactory

D = datetime.date


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def monthly_on_the_15th(world):
    """The board, monthly on the 15th since January 2027, its meetings generated to June:
    15 January, 15 February, 15 March, 15 April, 14 May (the 15th is a Saturday), 15 June."""
    board = world.board
    board.cadence, board.meets_from = "monthly", D(2027, 1, 15)
    board.save()
    generate_meetings(board, start=D(2027, 1, 1), until=D(2027, 6, 30))
    return board


def meeting_on(board, day):
    return Meeting.objects.get(body=board, date=day)


def test_a_new_cadence_replaces_the_empty_meetings_of_the_old(world):
    board = monthly_on_the_15th(world)
    january = meeting_on(board, D(2027, 1, 15))
    february = meeting_on(board, D(2027, 2, 15))

    # The first Tuesday of each month instead (5 January 2027 is one), decided on 1 February.
    board.cadence, board.meets_from = "monthly_weekday", D(2027, 1, 5)
    outcome = save_body(board, user=world.alice, today=D(2027, 2, 1))

    scheduled = board.meetings.filter(status="scheduled").order_by("date")
    assert list(scheduled.values_list("date", flat=True)) == [
        D(2027, 1, 15),  # past: never touched
        D(2027, 2, 2),
        D(2027, 3, 2),
        D(2027, 4, 6),
        D(2027, 5, 4),
        D(2027, 6, 1),  # up to where the old calendar went (15 June), not beyond
    ]
    cancelled = board.meetings.filter(status="cancelled").order_by("date")
    assert list(cancelled.values_list("date", flat=True)) == [
        D(2027, 2, 15),
        D(2027, 3, 15),
        D(2027, 4, 15),
        D(2027, 5, 14),
        D(2027, 6, 15),
    ]
    assert [m.date for m in outcome.cancelled] == list(cancelled.values_list("date", flat=True))
    assert [m.date for m in outcome.added] == [
        D(2027, 2, 2),
        D(2027, 3, 2),
        D(2027, 4, 6),
        D(2027, 5, 4),
        D(2027, 6, 1),
    ]
    assert outcome.kept == []
    january.refresh_from_db()
    february.refresh_from_db()
    assert (january.status, january.cadence_date) == ("scheduled", D(2027, 1, 15))
    assert february.status == "cancelled"

    # Generating again, or saving the body again unchanged, adds and cancels nothing.
    assert generate_meetings(board, start=D(2027, 2, 2), until=D(2027, 6, 30)) == []
    again = save_body(board, user=world.alice, today=D(2027, 2, 1))
    assert (again.cancelled, again.added, again.kept) == ([], [], [])
    assert board.meetings.count() == 11


def test_meetings_that_carry_something_are_kept_and_say_why(world):
    board = monthly_on_the_15th(world)
    march = meeting_on(board, D(2027, 3, 15))
    march.notes = "Papers: the vetting business case."
    march.save()
    april = meeting_on(board, D(2027, 4, 15))
    Decision.objects.create(body=board, meeting=april, decided_on=april.date, text="Agreed")
    may = meeting_on(board, D(2027, 5, 14))
    may.date = D(2027, 5, 20)  # moved by a person: the chair is away
    may.save()

    board.cadence, board.meets_from = "monthly_weekday", D(2027, 1, 5)
    outcome = save_body(board, user=world.alice, today=D(2027, 2, 1))

    assert [(k.meeting.date, k.reason) for k in outcome.kept] == [
        (D(2027, 3, 15), "It has notes or papers."),
        (D(2027, 4, 15), "Decisions are recorded at it."),
        (D(2027, 5, 20), "A person moved it to this day."),
    ]
    for meeting in (march, april, may):
        meeting.refresh_from_db()
        assert meeting.status == "scheduled"
    # The new cadence's meetings are added beside them.
    assert board.meetings.filter(date=D(2027, 3, 2), status="scheduled").exists()
    assert board.meetings.filter(date=D(2027, 4, 6), status="scheduled").exists()


def test_an_escalation_due_at_a_cancelled_meeting_lands_on_the_next_meeting(world):
    board = monthly_on_the_15th(world)
    group = GovernanceBodyFactory(collaboration=world.collab, escalates_to=board)
    february = meeting_on(board, D(2027, 2, 15))
    escalation = Escalation.objects.create(
        from_body=group,
        to_body=board,
        kind="risk",
        summary="Supplier failure",
        raised_at=at(D(2027, 2, 3)),
        meeting=february,
    )

    board.cadence, board.meets_from = "monthly_weekday", D(2027, 1, 5)
    outcome = save_body(board, user=world.alice, today=D(2027, 2, 1))

    escalation.refresh_from_db()
    assert escalation.meeting.date == D(2027, 3, 2)  # the first new meeting after it was raised
    assert escalation.meeting.status == "scheduled"
    assert outcome.relanded == [escalation]


def test_a_body_becoming_ad_hoc_cancels_its_empty_generated_meetings(world):
    board = monthly_on_the_15th(world)
    hand = Meeting.objects.create(body=board, date=D(2027, 3, 3))  # added by hand: its own
    board.cadence = "ad_hoc"
    outcome = save_body(board, user=world.alice, today=D(2027, 2, 1))
    assert outcome.added == []
    assert len(outcome.cancelled) == 5
    hand.refresh_from_db()
    assert hand.status == "scheduled"


def test_changing_only_the_name_or_time_leaves_the_calendar_alone(world):
    board = monthly_on_the_15th(world)
    board.name, board.meeting_time = "EK Board", datetime.time(14, 0)
    outcome = save_body(board, user=world.alice, today=D(2027, 2, 1))
    assert (outcome.cancelled, outcome.added) == ([], [])
    assert not board.meetings.filter(status="cancelled").exists()


def test_the_page_moves_the_calendar_says_what_it_kept_and_the_feed_cancels(client, world):
    today = timezone.localdate()
    board = world.board
    board.cadence, board.meets_from = "monthly", add_months(today, -1)
    board.save()
    past = Meeting.objects.create(body=board, date=board.meets_from, cadence_date=board.meets_from)
    client.force_login(world.alice)
    client.post(f"/governance/bodies/{board.slug}/meetings/generate/")
    old = list(board.meetings.filter(date__gt=today).order_by("date"))
    assert len(old) >= 11
    with_decision = old[2]
    Decision.objects.create(
        body=board, meeting=with_decision, decided_on=with_decision.date, text="Agreed"
    )

    response = client.post(
        f"/governance/bodies/{board.slug}/edit/",
        {
            "name": board.name,
            "slug": board.slug,
            "body_type": board.body_type,
            "cadence": "weeks",
            "every_weeks": "2",
            "meets_from": board.meets_from.isoformat(),
            "chair": "",
            "escalates_to": "",
            "decides_stages": ["3"],
            "terms_of_reference": "",
            "visibility": board.visibility,
        },
        follow=True,
    )
    page = response.content.decode()

    board.refresh_from_db()
    horizon = max(m.cadence_date for m in old)
    tomorrow = today + datetime.timedelta(days=1)
    new_dates = set(body_dates(board, tomorrow, horizon))
    for meeting in old:
        meeting.refresh_from_db()
        if meeting == with_decision:
            assert meeting.status == "scheduled"
        elif meeting.cadence_date not in new_dates:
            assert meeting.status == "cancelled"
    generated = set(
        board.meetings.filter(date__gt=today, status="scheduled")
        .exclude(pk=with_decision.pk)
        .values_list("cadence_date", flat=True)
    )
    assert generated == new_dates - {with_decision.cadence_date}
    past.refresh_from_db()
    assert past.status == "scheduled"

    day = with_decision.date.strftime("%-d %B %Y")
    assert f"Kept the meeting on {day}, which is not on the new cadence" in page
    assert "Decisions are recorded at it." in page
    assert "meetings on the old cadence" in page

    cancelled = next(m for m in old if m.status == "cancelled")
    feed = client.get(f"/governance/bodies/{board.slug}/calendar.ics")
    calendar = Calendar.from_ical(feed.content)
    found = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    assert str(found[f"meeting-{cancelled.pk}"]["STATUS"]) == "CANCELLED"
    assert str(found[f"meeting-{with_decision.pk}"]["STATUS"]) == "CONFIRMED"


def test_generating_from_the_page_twice_adds_the_meetings_once(client, world):
    board = world.board
    board.cadence, board.meets_from = "monthly", timezone.localdate()
    board.save()
    client.force_login(world.alice)
    client.post(f"/governance/bodies/{board.slug}/meetings/generate/")
    first = board.meetings.count()
    page = client.post(
        f"/governance/bodies/{board.slug}/meetings/generate/", follow=True
    ).content.decode()
    assert first >= 12
    assert board.meetings.count() == first
    assert "Added 0 meetings to the calendar" in page


def test_a_meeting_a_person_moved_stays_when_the_new_cadence_meets_that_month_too(world):
    """Starting the same cadence a month earlier gives the same dates: the meeting a person
    moved from 14 to 20 May stands, with no warning to cancel it."""
    board = monthly_on_the_15th(world)
    may = meeting_on(board, D(2027, 5, 14))
    may.date = D(2027, 5, 20)
    may.save()

    board.meets_from = D(2026, 12, 15)
    outcome = save_body(board, user=world.alice, today=D(2027, 2, 1))

    assert outcome.kept == [] and outcome.cancelled == [] and outcome.added == []
    may.refresh_from_db()
    assert (may.status, may.date, may.cadence_date) == ("scheduled", D(2027, 5, 20), D(2027, 5, 15))
