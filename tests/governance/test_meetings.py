"""Where the calendar puts meetings: the admin moves a body's calendar with its cadence as
the body's page does, an escalation due at a cancelled meeting moves on to a meeting still to
come, and no generated meeting falls before the body's first meeting."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from realise.governance.models import Escalation, Meeting
from realise.governance.services import generate_meetings, save_body
from realise.organisations.models import Membership
from tests.factories import GovernanceBodyFactory, UserFactory, force

D = datetime.date


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def dates(body):
    return list(body.meetings.order_by("date").values_list("date", flat=True))


# The admin ---------------------------------------------------------------------------------


@pytest.fixture
def administrator(world):
    """A staff user with the administrator role: not a superuser."""
    user = UserFactory(username="ada", is_staff=True)
    Membership.objects.create(user=user, force=force("Essex"), role="administrator")
    return user


def _value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, list | dict):
        return json.dumps(value)
    return "" if value is None else value


def change_form_data(response) -> dict:
    """What the admin's change form sends back unchanged: its fields and its inlines."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        data[name] = _value(form[name].value())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for each in formset.forms:
            for name in each.fields:
                value = each[name].value()
                if value is not None and value is not False:
                    data[each.add_prefix(name)] = _value(value)
    return data


def test_the_admin_moves_the_calendar_with_the_cadence_as_the_body_page_does(
    client, administrator, world, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: D(2027, 2, 1))
    board = world.board
    board.cadence, board.meets_from = "monthly", D(2027, 1, 15)
    board.save()
    generate_meetings(board, start=D(2027, 1, 1), until=D(2027, 6, 30))
    march = Meeting.objects.get(body=board, date=D(2027, 3, 15))
    march.notes = "Papers: the vetting business case."
    march.save()
    group = GovernanceBodyFactory(collaboration=world.collab, escalates_to=board)
    escalation = Escalation.objects.create(
        from_body=group,
        to_body=board,
        kind="risk",
        summary="Supplier failure",
        raised_at=at(D(2027, 1, 20)),
        meeting=Meeting.objects.get(body=board, date=D(2027, 2, 15)),
    )

    client.force_login(administrator)
    url = reverse("admin:governance_governancebody_change", args=[board.pk])
    data = change_form_data(client.get(url))
    # The first Tuesday of each month instead (5 January 2027 is one).
    data.update(cadence="monthly_weekday", meets_from="2027-01-05")
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "adminform" not in (response.context or {}), response.context["adminform"].form.errors

    board.refresh_from_db()
    assert board.cadence == "monthly_weekday"
    scheduled = board.meetings.filter(status="scheduled").order_by("date")
    assert list(scheduled.values_list("date", flat=True)) == [
        D(2027, 1, 15),  # past: never touched
        D(2027, 2, 2),
        D(2027, 3, 2),
        D(2027, 3, 15),  # kept: it has papers
        D(2027, 4, 6),
        D(2027, 5, 4),
        D(2027, 6, 1),
    ]
    cancelled = board.meetings.get(date=D(2027, 2, 15))
    assert cancelled.status == "cancelled"
    assert cancelled.history.first().history_user == administrator
    assert board.meetings.get(date=D(2027, 2, 2)).history.first().history_user == administrator
    assert board.history.first().history_user == administrator
    escalation.refresh_from_db()
    assert escalation.meeting.date == D(2027, 2, 2)

    page = response.content.decode()
    assert "The cadence changed: cancelled 4 meetings on the old cadence." in page
    assert "Added 5 meetings on the new cadence up to 15 June 2027." in page
    assert "1 escalation due at a cancelled meeting moved to the next meeting." in page
    assert "Kept the meeting on 15 March 2027, which is not on the new cadence" in page
    assert "It has notes or papers." in page


def test_saving_a_body_in_the_admin_without_changing_its_cadence_leaves_the_calendar(
    client, administrator, world, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: D(2027, 2, 1))
    board = world.board
    board.cadence, board.meets_from = "monthly", D(2027, 1, 15)
    board.save()
    generate_meetings(board, start=D(2027, 1, 1), until=D(2027, 6, 30))
    client.force_login(administrator)
    url = reverse("admin:governance_governancebody_change", args=[board.pk])
    data = change_form_data(client.get(url))
    data["name"] = "EK Board"
    response = client.post(url, data, follow=True)
    board.refresh_from_db()
    assert board.name == "EK Board"
    assert not board.meetings.filter(status="cancelled").exists()
    assert "The cadence changed" not in response.content.decode()


# Escalations at a cancelled meeting --------------------------------------------------------


@pytest.fixture
def summit(world):
    """The summit the board escalates to, and an escalation raised 30 days ago, due at its
    meeting in 10 days. The summit met 10 days ago (a meeting added after it was raised)."""
    today = timezone.localdate()
    summit = GovernanceBodyFactory(
        collaboration=world.collab, name="EK Summit", slug="ek-summit", body_type="summit"
    )
    world.board.escalates_to = summit
    world.board.save()
    summit.past = Meeting.objects.create(body=summit, date=today - datetime.timedelta(days=10))
    summit.due = Meeting.objects.create(body=summit, date=today + datetime.timedelta(days=10))
    summit.escalation = Escalation.objects.create(
        from_body=world.board,
        to_body=summit,
        kind="risk",
        summary="Supplier failure",
        raised_by=world.alice,
        raised_at=at(today - datetime.timedelta(days=30)),
        meeting=summit.due,
    )
    return summit


def cancel(client, meeting):
    return client.post(
        f"/governance/meetings/{meeting.pk}/edit/",
        {"date": meeting.date.isoformat(), "status": "cancelled", "notes": "Chair unavailable."},
    )


def test_an_escalation_at_a_cancelled_meeting_moves_to_a_meeting_still_to_come(
    client, world, summit
):
    later = Meeting.objects.create(
        body=summit, date=timezone.localdate() + datetime.timedelta(days=40)
    )
    client.force_login(world.alice)
    assert cancel(client, summit.due).status_code == 302
    summit.escalation.refresh_from_db()
    # Not the meeting already held, though it came after the escalation was raised.
    assert summit.escalation.meeting == later


def test_an_escalation_at_a_cancelled_meeting_with_none_to_come_waits_for_one(
    client, world, summit
):
    client.force_login(world.alice)
    assert cancel(client, summit.due).status_code == 302
    summit.escalation.refresh_from_db()
    assert summit.escalation.meeting is None
    page = client.get(summit.escalation.get_absolute_url()).content.decode()
    assert "the next meeting, when one is scheduled" in page


def test_an_escalation_waiting_for_a_meeting_lands_on_the_next_generated(client, world, summit):
    """Once the summit's meetings are generated, the escalation that waited for one is due
    at the first of them still to come, and its agenda lists it."""
    client.force_login(world.alice)
    assert cancel(client, summit.due).status_code == 302
    summit.escalation.refresh_from_db()
    assert summit.escalation.meeting is None

    today = timezone.localdate()
    summit.cadence, summit.meets_from = "monthly", today + datetime.timedelta(days=20)
    summit.save()
    created = generate_meetings(summit, until=today + datetime.timedelta(days=120))
    assert created
    summit.escalation.refresh_from_db()
    assert summit.escalation.meeting == min(created, key=lambda m: m.date)
    assert summit.escalation.meeting.date >= today


def test_a_cadence_change_moves_an_escalation_to_a_meeting_still_to_come(world):
    board = world.board
    board.cadence, board.meets_from = "monthly", D(2027, 1, 15)
    board.save()
    generate_meetings(board, start=D(2027, 1, 1), until=D(2027, 6, 30))
    group = GovernanceBodyFactory(collaboration=world.collab, escalates_to=board)
    escalation = Escalation.objects.create(
        from_body=group,
        to_body=board,
        kind="risk",
        summary="Supplier failure",
        raised_at=at(D(2027, 1, 10)),
        meeting=board.meetings.get(date=D(2027, 4, 15)),
    )
    # Decided on 1 April: the first Tuesday meetings of February and March have gone.
    board.cadence, board.meets_from = "monthly_weekday", D(2027, 1, 5)
    save_body(board, user=world.alice, today=D(2027, 4, 1))
    escalation.refresh_from_db()
    assert escalation.meeting.date == D(2027, 4, 6)


# Never before the first meeting ------------------------------------------------------------


def test_a_first_meeting_on_a_weekend_moves_on_to_the_next_working_day(client, world):
    board = world.board
    # Saturday 2 January 2027; the Friday before is New Year's Day.
    board.cadence, board.meets_from = "monthly", D(2027, 1, 2)
    board.save()
    generate_meetings(board, start=D(2026, 12, 1), until=D(2027, 3, 31))
    assert dates(board) == [D(2027, 1, 4), D(2027, 2, 2), D(2027, 3, 2)]
    first = board.meetings.get(cadence_date=D(2027, 1, 2))
    assert first.adjusted_from == D(2027, 1, 2)
    client.force_login(world.dave)
    page = client.get(first.get_absolute_url()).content.decode()
    assert "moved this meeting from Saturday 2 January 2027, which is a Saturday" in page
    assert "to the next working day" in page
    assert "to the working day before" not in page

    # Run again: nothing duplicated, nothing moved back.
    assert generate_meetings(board, start=D(2026, 12, 1), until=D(2027, 3, 31)) == []


def test_a_first_meeting_on_a_bank_holiday_moves_on_to_the_next_working_day(world):
    board = world.board
    # The last Monday of May 2027 is the spring bank holiday; the others stay where they are.
    board.cadence, board.meets_from = "monthly_weekday", D(2027, 5, 31)
    board.save()
    generate_meetings(board, start=D(2027, 5, 1), until=D(2027, 8, 31))
    # The late summer bank holiday (30 August) moves back: it is not the first meeting.
    assert dates(board) == [D(2027, 6, 1), D(2027, 6, 28), D(2027, 7, 26), D(2027, 8, 27)]


def test_a_first_meeting_moved_on_is_the_calendars_not_a_persons(world):
    board = world.board
    board.cadence, board.meets_from = "monthly", D(2027, 1, 2)
    board.save()
    generate_meetings(board, start=D(2026, 12, 1), until=D(2027, 3, 31))

    # Every two weeks from Wednesday 6 January instead, decided on 1 December 2026.
    board.cadence, board.every_weeks, board.meets_from = "weeks", 2, D(2027, 1, 6)
    outcome = save_body(board, user=world.alice, today=D(2026, 12, 1))

    assert outcome.kept == []
    assert board.meetings.get(date=D(2027, 1, 4)).status == "cancelled"


def test_a_meeting_moved_in_the_admin_is_a_persons_move(client, administrator, world):
    """The calendar moved the 15 May 2027 meeting (a Saturday) to Friday 14 May; an
    administrator moving it on to Monday 17 May in the admin makes it a person's choice, as
    the meeting's page does, so a later cadence change keeps it rather than cancel it."""
    board = world.board
    board.cadence, board.meets_from = "monthly", D(2027, 1, 15)
    board.save()
    generate_meetings(board, start=D(2027, 1, 1), until=D(2027, 6, 30))
    may = Meeting.objects.get(body=board, cadence_date=D(2027, 5, 15))
    assert (may.date, may.adjusted_from) == (D(2027, 5, 14), D(2027, 5, 15))

    client.force_login(administrator)
    url = reverse("admin:governance_meeting_change", args=[may.pk])
    data = change_form_data(client.get(url))
    data.update(date="2027-05-17")
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    may.refresh_from_db()
    assert (may.date, may.adjusted_from) == (D(2027, 5, 17), None)


def test_meetings_generated_on_a_weekend_are_never_in_the_past(world, monkeypatch):
    """Generating on Saturday 13 March 2027 a monthly meeting due on Sunday 14 March: the
    Friday before is already past, so it is held on Monday 15 March."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: D(2027, 3, 13))
    board = world.board
    board.cadence, board.meets_from = "monthly", D(2027, 1, 14)
    board.save()
    created = generate_meetings(board, until=D(2027, 5, 31))
    assert [(m.cadence_date, m.date) for m in created] == [
        (D(2027, 3, 14), D(2027, 3, 15)),
        (D(2027, 4, 14), D(2027, 4, 14)),
        (D(2027, 5, 14), D(2027, 5, 14)),
    ]
