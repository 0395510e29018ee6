"""Calendar feeds people can use: timed meetings in UK time with place, organiser and the
agenda link, cancelled meetings sent as cancelled, and a personal feed of my deadlines.
Every feed is read back with the `icalendar` library, as a calendar program would."""

import datetime
import re
import zoneinfo

from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from realise.benefits.models import Measurement
from realise.core import language
from realise.governance.models import Action, Decision, Meeting
from realise.organisations.models import Person
from tests.factories import PersonFactory, plan

D = datetime.date
LONDON = zoneinfo.ZoneInfo("Europe/London")


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return calendar, {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}


def test_meetings_are_timed_events_in_uk_time_across_the_clock_change(client, world):
    world.board.meeting_time = datetime.time(10, 0)
    world.board.meeting_minutes = 90
    world.board.location = "Room 4, Chelmsford HQ"
    world.board.chair = Person.objects.create(name="Chief Con. Ada", email="ada@essex.example")
    world.board.save()
    before = Meeting.objects.create(body=world.board, date=D(2027, 3, 26))  # GMT
    after = Meeting.objects.create(  # BST, and a place of its own
        body=world.board, date=D(2027, 4, 2), location="https://meet.example/ek"
    )
    cancelled = Meeting.objects.create(body=world.board, date=D(2027, 4, 30), status="cancelled")
    client.force_login(world.dave)

    response = client.get(f"/governance/bodies/{world.board.slug}/calendar.ics")
    calendar, found = events(response)

    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    first, second = found[f"meeting-{before.pk}"], found[f"meeting-{after.pk}"]
    assert first["DTSTART"].dt == datetime.datetime(2027, 3, 26, 10, 0, tzinfo=LONDON)
    assert first["DTSTART"].dt.astimezone(datetime.UTC).hour == 10  # GMT
    assert second["DTSTART"].dt.astimezone(datetime.UTC).hour == 9  # BST: still 10:00 in UK
    assert first["DTEND"].dt - first["DTSTART"].dt == datetime.timedelta(minutes=90)
    assert str(first["LOCATION"]) == "Room 4, Chelmsford HQ"
    assert str(second["LOCATION"]) == "https://meet.example/ek"
    assert str(first["ORGANIZER"]) == "mailto:ada@essex.example"
    assert f"/governance/meetings/{before.pk}/" in str(first["DESCRIPTION"])
    assert str(first["TRANSP"]) == "OPAQUE" and str(first["STATUS"]) == "CONFIRMED"
    assert str(found[f"meeting-{cancelled.pk}"]["STATUS"]) == "CANCELLED"


def test_a_meeting_overrides_the_bodys_time_and_length(world):
    meeting = Meeting.objects.create(
        body=world.board, date=D(2027, 6, 1), start_time=datetime.time(14, 30), duration_minutes=45
    )
    assert meeting.starts_at == datetime.datetime(2027, 6, 1, 14, 30, tzinfo=LONDON)
    assert meeting.ends_at == datetime.datetime(2027, 6, 1, 15, 15, tzinfo=LONDON)


def test_a_meeting_across_the_clocks_changing_lasts_its_length(client, world):
    """Four hours from 23:00 end at 02:00 when the clocks go back, 04:00 when they go
    forward: the calendar shows the time a meeting takes, not an hour more or less."""
    autumn = Meeting.objects.create(
        body=world.board,
        date=D(2026, 10, 24),
        start_time=datetime.time(23, 0),
        duration_minutes=240,
    )
    spring = Meeting.objects.create(
        body=world.board, date=D(2027, 3, 27), start_time=datetime.time(23, 0), duration_minutes=240
    )
    assert autumn.ends_at == datetime.datetime(2026, 10, 25, 2, 0, tzinfo=LONDON)
    assert spring.ends_at == datetime.datetime(2027, 3, 28, 4, 0, tzinfo=LONDON)
    client.force_login(world.dave)

    _, found = events(client.get(f"/governance/bodies/{world.board.slug}/calendar.ics"))

    for meeting in (autumn, spring):
        event = found[f"meeting-{meeting.pk}"]
        elapsed = event["DTEND"].dt.astimezone(datetime.UTC) - event["DTSTART"].dt.astimezone(
            datetime.UTC
        )
        assert elapsed == datetime.timedelta(hours=4)


def test_the_body_page_links_its_feed(client, world):
    client.force_login(world.dave)
    page = client.get(world.board.get_absolute_url()).content.decode()
    assert f"/governance/bodies/{world.board.slug}/calendar.ics?token=" in page


def test_my_deadlines_feed_carries_actuals_actions_and_reviews(client, world, settings):
    settings.REALISE_MEASUREMENT_GRACE_DAYS = 10
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    world.benefit.measurement_owner = world.erin_person
    world.benefit.save()
    plan(world.benefit, last_month, ["100", "100"])  # last month and this month, unmeasured
    decision = Decision.objects.create(body=world.board, decided_on=today, text="Do it")
    Action.objects.create(
        decision=decision,
        text="Send the figures",
        owner=world.erin_person,
        due_on=today + datetime.timedelta(days=5),
    )
    client.force_login(world.erin)

    page = client.get("/governance/calendar/")
    assert "Send the figures" in page.content.decode()
    url = page.context["feed_url"]
    client.logout()

    _, found = events(client.get(url))
    this_month = today.replace(day=1)
    assert f"actuals-{world.benefit.pk}-{this_month:%Y-%m}" in found
    due = found[f"actuals-{world.benefit.pk}-{this_month:%Y-%m}"]["DTSTART"].dt
    month_end = (this_month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(
        days=1
    )
    assert due == month_end + datetime.timedelta(days=10)
    action = next(e for uid, e in found.items() if uid.startswith("action-"))
    assert action["DTSTART"].dt == today + datetime.timedelta(days=5)


def test_my_deadlines_page_shows_what_is_overdue_as_the_feed_does(client, world):
    """An agreement review that fell due last month and an action past its day are still to
    do: the page lists them, marked overdue, before what is coming, as the feed carries them."""
    from realise.collaborations.models import Agreement

    today = timezone.localdate()
    Agreement.objects.create(
        collaboration=world.collab,
        title="EK s22A",
        signed_on=today - datetime.timedelta(days=400),
        review_due=today - datetime.timedelta(days=35),
    )
    decision = Decision.objects.create(body=world.board, decided_on=today, text="Do it")
    alice = PersonFactory(name="Alice Programme", user=world.alice)
    for text, days in (("Send the late figures", -3), ("Send the next figures", 5)):
        Action.objects.create(
            decision=decision,
            text=text,
            owner=alice,
            due_on=today + datetime.timedelta(days=days),
        )
    client.force_login(world.alice)
    page = client.get("/governance/calendar/").content.decode()
    rows = page.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0].split("<tr")[1:]
    assert ["Overdue" in row for row in rows] == [True, True, False]
    assert "Agreement review: EK s22A" in rows[0] and "Send the late figures" in rows[1]
    assert "Send the next figures" in rows[2]

    url = client.get("/governance/calendar/").context["feed_url"]
    client.logout()
    _, found = events(client.get(url))
    assert {str(e["SUMMARY"]) for e in found.values()} >= {
        "Agreement review: EK s22A",
        "Action due: Send the late figures",
    }


def test_my_deadlines_keep_what_has_been_overdue_for_months(client, world, settings):
    """An action, a review and a month's actual still not done half a year after they fell
    due stay on the page and in the feed until they are done."""
    from realise.governance.models import PostImplementationReview

    settings.REALISE_MEASUREMENT_GRACE_DAYS = 10
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=200)
    month = (long_ago.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    world.benefit.measurement_owner = world.erin_person
    world.benefit.save()
    world.initiative.status = "active"
    world.initiative.sro = world.erin_person
    world.initiative.save()
    plan(world.benefit, month, ["100"])
    decision = Decision.objects.create(body=world.board, decided_on=long_ago, text="Do it")
    Action.objects.create(
        decision=decision, text="Send the old figures", owner=world.erin_person, due_on=long_ago
    )
    PostImplementationReview.objects.create(initiative=world.initiative, due_on=long_ago)
    client.force_login(world.erin)

    page = client.get("/governance/calendar/")
    found = {d.kind: d for d in page.context["deadlines"]}
    assert found["action"].due == long_ago
    assert found["post-implementation-review"].due == long_ago
    assert found["actuals"].uid == f"actuals-{world.benefit.pk}-{month:%Y-%m}"
    assert "Send the old figures" in page.content.decode()

    url = page.context["feed_url"]
    client.logout()
    _, events_found = events(client.get(url))
    assert f"actuals-{world.benefit.pk}-{month:%Y-%m}" in events_found
    assert any(uid.startswith("action-") for uid in events_found)


def test_a_terminated_agreement_has_no_review_among_my_deadlines(client, world):
    """An agreement ended at its review is reviewed no more: neither reminders nor agendas
    ask for its review, and nor do my deadlines."""
    from realise.collaborations.models import Agreement

    today = timezone.localdate()
    for title, terminated_on in (("EK s22A", None), ("Old EK s22A", today)):
        Agreement.objects.create(
            collaboration=world.collab,
            title=title,
            signed_on=today - datetime.timedelta(days=400),
            review_due=today + datetime.timedelta(days=20),
            terminated_on=terminated_on,
        )
    client.force_login(world.alice)

    page = client.get("/governance/calendar/")
    titles = [deadline.title for deadline in page.context["deadlines"]]
    assert titles == ["Agreement review: EK s22A"]
    _, found = events(client.get(page.context["feed_url"]))
    assert [str(e["SUMMARY"]) for e in found.values()] == ["Agreement review: EK s22A"]


def test_the_deadlines_feed_needs_a_valid_token_and_new_links_revoke_the_old(client, world):
    assert client.get("/governance/calendar/deadlines.ics").status_code == 404
    assert client.get("/governance/calendar/deadlines.ics?token=forged").status_code == 404
    client.force_login(world.dave)
    old_feed = client.get("/governance/calendar/").context["feed_url"]
    body_page = client.get(world.board.get_absolute_url())
    old_body_feed = body_page.context["feed_url"]

    response = client.post("/governance/calendar/")
    assert response.status_code == 302
    new_feed = client.get("/governance/calendar/").context["feed_url"]
    client.logout()

    assert client.get(old_feed).status_code == 404
    assert client.get(old_body_feed).status_code == 404
    assert client.get(new_feed).status_code == 200


def test_a_deactivated_users_links_stop_working(client, world):
    client.force_login(world.dave)
    feed = client.get("/governance/calendar/").context["feed_url"]
    client.logout()
    world.dave.is_active = False
    world.dave.save()
    assert client.get(feed).status_code == 404


def test_the_deadlines_are_in_the_language_of_their_reader(client, world, settings):
    """The page in the language of the page; the feed, which a calendar program fetches with
    no session, in its owner's remembered language."""
    settings.REALISE_MEASUREMENT_GRACE_DAYS = 10
    today = timezone.localdate()
    world.benefit.measurement_owner = world.erin_person
    world.benefit.reference = "EK-B01"
    world.benefit.save()
    plan(world.benefit, today.replace(day=1), ["100"])
    decision = Decision.objects.create(body=world.board, decided_on=today, text="Do it")
    Action.objects.create(
        decision=decision, text="Send the figures", owner=world.erin_person, due_on=today
    )
    client.force_login(world.erin)
    english_page = client.get("/governance/calendar/").content.decode()
    assert "Actuals due: EK-B01" in english_page and "Action due: Send the figures" in english_page
    client.post("/language/", {"language": "cy", "next": "/"})  # remembered for erin
    page = client.get("/governance/calendar/").content.decode()
    month = language.WELSH_MONTHS[today.month - 1]
    assert f"Gwerthoedd gwirioneddol yn ddyledus: EK-B01 {month} {today.year}" in page
    assert "Cam gweithredu yn ddyledus: Send the figures" in page
    assert "Actuals due" not in page and "Action due" not in page
    url = client.get("/governance/calendar/").context["feed_url"]

    feed = Client()  # a calendar program: no session, no language of its own
    calendar, found = events(feed.get(url))
    assert str(calendar["X-WR-CALNAME"]).startswith("Terfynau amser Realise")
    actuals = found[f"actuals-{world.benefit.pk}-{today:%Y-%m}"]
    assert (
        str(actuals["SUMMARY"])
        == f"Gwerthoedd gwirioneddol yn ddyledus: EK-B01 {month} {today.year}"
    )
    assert "gyda’i dystiolaeth" in str(actuals["DESCRIPTION"])
    action = next(e for uid, e in found.items() if uid.startswith("action-"))
    assert "O benderfyniad gan EK Programme Board." in str(action["DESCRIPTION"])
    # Someone who chose no language gets English.
    client.post("/language/", {"language": "en-gb", "next": "/"})
    _, found = events(feed.get(url))
    assert str(found[f"actuals-{world.benefit.pk}-{today:%Y-%m}"]["SUMMARY"]).startswith(
        "Actuals due: EK-B01"
    )


def test_a_bodys_feed_is_in_the_language_of_the_owner_of_its_link(client, world, settings):
    meeting = Meeting.objects.create(body=world.board, date=D(2027, 3, 26))
    client.force_login(world.dave)
    client.post("/language/", {"language": "cy", "next": "/"})  # remembered for dave
    page = client.get(world.board.get_absolute_url()).content.decode()
    url = re.search(r'/governance/bodies/[\w-]+/calendar\.ics\?token=[^"]+', page).group(0)

    _, found = events(Client().get(url.replace("&amp;", "&")))  # a calendar program
    description = str(found[f"meeting-{meeting.pk}"]["DESCRIPTION"])
    assert description == (
        f"{world.board.name} ({world.collab.name}). Rhaglen y cyfarfod: "
        f"{settings.REALISE_BASE_URL.rstrip('/')}/governance/meetings/{meeting.pk}/"
    )


def test_a_force_leads_deadlines_carry_their_forces_actuals(client, world):
    """As the worklist does: Essex's line of a month not yet recorded is Bob's (an Essex
    lead) to record, and his deadlines say when, overdue or coming; Kent's line is not."""
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    two_ago = (last_month - datetime.timedelta(days=1)).replace(day=1)
    plan(world.benefit, two_ago, ["100", "100"])
    essex = world.collab.shares.get(force__name="Essex").force
    client.force_login(world.bob)
    titles = [d.title for d in client.get("/governance/calendar/").context["deadlines"]]
    assert titles == [
        f"Actuals due: {world.benefit.reference} {language.month_year(month)}"
        for month in (two_ago, last_month)
    ]
    Measurement.objects.create(benefit=world.benefit, period=two_ago, force=essex, value=90)
    client.force_login(world.carol)  # Kent's lead: both months are still Kent's to record
    assert len(client.get("/governance/calendar/").context["deadlines"]) == 2
    client.force_login(world.bob)
    page = client.get("/governance/calendar/")
    assert [d.title for d in page.context["deadlines"]] == titles[1:]
    _, found = events(client.get(page.context["feed_url"]))
    assert list(found) == [f"actuals-{world.benefit.pk}-{last_month:%Y-%m}"]
