"""Each body's meetings as an iCalendar feed that Outlook can subscribe to."""

import datetime

from django.utils import timezone

from realise.governance.ics import body_calendar, escape_text, fold
from realise.governance.models import Meeting

D = datetime.date


def test_the_feed_lists_each_meeting_as_an_all_day_event(client, world, settings):
    settings.REALISE_BASE_URL = "http://127.0.0.1:8000"
    world.board.name = "EK Programme Board; vetting, custody"
    world.board.save()
    first = Meeting.objects.create(
        body=world.board, date=timezone.localdate() + datetime.timedelta(days=3)
    )
    Meeting.objects.create(
        body=world.board, date=first.date + datetime.timedelta(days=28), status="cancelled"
    )
    client.force_login(world.dave)

    response = client.get(f"/governance/bodies/{world.board.slug}/calendar.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends CRLF
    unfolded = text.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == 2
    assert f"UID:meeting-{first.pk}@127.0.0.1\r\n" in unfolded
    assert f"DTSTART;VALUE=DATE:{first.date:%Y%m%d}\r\n" in unfolded
    assert f"DTEND;VALUE=DATE:{first.date + datetime.timedelta(days=1):%Y%m%d}\r\n" in unfolded
    assert "SUMMARY:EK Programme Board\\; vetting\\, custody\r\n" in unfolded
    assert "STATUS:CANCELLED" in unfolded
    assert f"/governance/meetings/{first.pk}/" in unfolded
    for line in text.split("\r\n"):
        assert "DTSTAMP:" not in line or line.endswith("Z")
        assert len(line.encode("utf-8")) <= 75


def test_the_body_page_links_its_feed(client, world):
    client.force_login(world.dave)
    page = client.get(world.board.get_absolute_url()).content.decode()
    assert f"/governance/bodies/{world.board.slug}/calendar.ics?token=" in page


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    line = "DESCRIPTION:" + "Police and Crime Commissioner – Suffolk " * 5
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert "".join([pieces[0], *(p[1:] for p in pieces[1:])]) == line


def test_text_values_are_escaped():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_calendar_text_for_a_body(world):
    meeting = Meeting.objects.create(
        body=world.board, date=D(2027, 2, 28), notes="Budget; and risks"
    )
    stamp = timezone.make_aware(datetime.datetime(2027, 1, 5, 9, 30), datetime.UTC)
    text = body_calendar(
        world.board,
        [meeting],
        base_url="https://realise.example/",
        domain="realise.example",
        stamp=stamp,
    )
    unfolded = text.replace("\r\n ", "")
    assert "DTSTAMP:20270105T093000Z\r\n" in unfolded
    assert f"UID:meeting-{meeting.pk}@realise.example\r\n" in unfolded
    assert f"URL:https://realise.example/governance/meetings/{meeting.pk}/\r\n" in unfolded
    assert "Budget\\; and risks" in unfolded
