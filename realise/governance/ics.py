"""Calendar feeds (iCalendar, RFC 5545) for Outlook and other calendars, built with the
`icalendar` library: a body's meetings as timed events in UK time, and a person's own
deadlines.

Calendar programs cannot sign in, so a feed link carries a signed token naming the user
(and, for a body's feed, the body). Each token also carries the user's feed generation:
issuing new links (`revoke_feeds`) moves it on, and every older link stops working.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from realise.governance.deadlines import Deadline
from realise.governance.models import CalendarFeed, GovernanceBody, Meeting, MeetingStatus

TOKEN_SALT = "realise.governance.ics"  # noqa: S105 - a signing namespace, not a secret
PRODID = "-//Realise//Governance calendar//EN"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _text(calendar: Calendar) -> str:
    # Timed events name Europe/London: include its VTIMEZONE so every program agrees.
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")


def _organiser(body: GovernanceBody, *, people: bool = True) -> vCalAddress:
    """The chair, by name and address; the body itself to a reader who is shown no
    people (the public) or when the chair has no address."""
    chair = body.chair if people else None
    email = ""
    if chair is not None:
        email = chair.email or (chair.user.email if chair.user is not None else "")
    if chair is not None and email:
        organiser = vCalAddress(f"mailto:{email}")
        organiser.params["cn"] = chair.name
    else:
        organiser = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
        organiser.params["cn"] = body.name
    return organiser


def meeting_event(
    meeting: Meeting,
    *,
    domain: str,
    base_url: str,
    stamp: datetime.datetime,
    people: bool = True,
) -> Event:
    body = meeting.body
    url = f"{base_url}{meeting.get_absolute_url()}"
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{domain}")
    event.add("dtstamp", stamp.astimezone(datetime.UTC))
    event.add("last-modified", meeting.updated_at.astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", body.name)
    if meeting.place:
        event.add("location", meeting.place)
    description = _("%(body)s (%(collaboration)s). Agenda: %(url)s") % {
        "body": body.name,
        "collaboration": body.collaboration.name,
        "url": url,
    }
    if meeting.notes.strip():
        description += "\n\n" + meeting.notes.strip()
    event.add("description", description)
    event.add("url", url)
    event.add("organizer", _organiser(body, people=people))
    cancelled = meeting.status == MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def body_calendar(
    body: GovernanceBody,
    meetings: Iterable[Meeting],
    *,
    base_url: str,
    domain: str,
    stamp: datetime.datetime | None = None,
    people: bool = True,
) -> str:
    """The VCALENDAR text of a body's meetings: timed events in UK time, CRLF line ends;
    without `people`, naming no one (the chair is not the organiser)."""
    stamp = stamp or timezone.now()
    base_url = base_url.rstrip("/")
    calendar = _calendar(body.name)
    for meeting in meetings:
        calendar.add_component(
            meeting_event(meeting, domain=domain, base_url=base_url, stamp=stamp, people=people)
        )
    return _text(calendar)


def deadlines_calendar(
    name: str,
    deadlines: Iterable[Deadline],
    *,
    base_url: str,
    domain: str,
    stamp: datetime.datetime | None = None,
) -> str:
    """A person's deadlines as all-day events on the day each falls due."""
    stamp = stamp or timezone.now()
    base_url = base_url.rstrip("/")
    calendar = _calendar(name)
    for deadline in deadlines:
        event = Event()
        event.add("uid", f"{deadline.uid}@{domain}")
        event.add("dtstamp", stamp.astimezone(datetime.UTC))
        event.add("dtstart", deadline.due)
        event.add("dtend", deadline.due + datetime.timedelta(days=1))
        event.add("summary", deadline.title)
        event.add("description", f"{deadline.detail}\n\n{base_url}{deadline.url}")
        event.add("url", f"{base_url}{deadline.url}")
        event.add("transp", "TRANSPARENT")
        event.add("categories", [deadline.kind_label])
        calendar.add_component(event)
    return _text(calendar)


# Feed links --------------------------------------------------------------------------------


def generation(user) -> int:
    feed = CalendarFeed.objects.filter(user=user).only("generation").first()
    return feed.generation if feed else 0


def revoke_feeds(user) -> None:
    """Every feed link issued to the user so far stops working."""
    feed, created = CalendarFeed.objects.get_or_create(user=user, defaults={"generation": 1})
    if not created:
        CalendarFeed.objects.filter(pk=feed.pk).update(generation=F("generation") + 1)


def feed_token(user, body: GovernanceBody | None = None) -> str:
    """A token for the user's feed of a body, or (with no body) of their own deadlines."""
    data = {"u": user.pk, "g": generation(user)}
    if body is not None:
        data["b"] = body.pk
    return signing.dumps(data, salt=TOKEN_SALT, compress=True)


def user_from_token(token: str, body: GovernanceBody | None = None):
    """The active user a token was issued to, for this body (or for their own deadlines);
    None when it is not valid, was for something else, or was revoked."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("b") != (body.pk if body else None):
        return None
    user_id = data.get("u")
    if user_id is None:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or data.get("g", 0) != generation(user):
        return None
    return user
