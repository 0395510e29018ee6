"""A body's meetings as an iCalendar (RFC 5545) feed, for Outlook and other calendars."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from realise.governance.models import GovernanceBody, Meeting, MeetingStatus

CRLF = "\r\n"
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets (RFC 5545 3.1).

    Continuation lines begin with a single space; a UTF-8 character is never split.
    """
    pieces: list[str] = []
    current, size, limit = [], 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1  # the leading space counts
        current.append(char)
        size += width
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _date(day: datetime.date) -> str:
    return day.strftime("%Y%m%d")


def meeting_event(
    meeting: Meeting, *, domain: str, base_url: str, stamp: datetime.datetime
) -> list[str]:
    body = meeting.body
    lines = [
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{domain}",
        f"DTSTAMP:{_utc(stamp)}",
        f"LAST-MODIFIED:{_utc(meeting.updated_at)}",
        f"DTSTART;VALUE=DATE:{_date(meeting.date)}",
        f"DTEND;VALUE=DATE:{_date(meeting.date + datetime.timedelta(days=1))}",
        f"SUMMARY:{escape_text(body.name)}",
        f"STATUS:{'CANCELLED' if meeting.status == MeetingStatus.CANCELLED else 'CONFIRMED'}",
        "TRANSP:TRANSPARENT",
    ]
    description = (
        f"{body.name} ({body.collaboration.name}). Agenda: {base_url}{meeting.get_absolute_url()}"
    )
    if meeting.notes.strip():
        description += "\n\n" + meeting.notes.strip()
    lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines.append(f"URL:{base_url}{meeting.get_absolute_url()}")
    lines.append("END:VEVENT")
    return lines


def body_calendar(
    body: GovernanceBody,
    meetings: Iterable[Meeting],
    *,
    base_url: str,
    domain: str,
    stamp: datetime.datetime | None = None,
) -> str:
    """The VCALENDAR text of a body's meetings: CRLF line ends, lines folded at 75 octets."""
    stamp = stamp or timezone.now()
    base_url = base_url.rstrip("/")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Realise//Governance calendar//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(body.name)}",
    ]
    for meeting in meetings:
        lines += meeting_event(meeting, domain=domain, base_url=base_url, stamp=stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


# Subscription links ------------------------------------------------------------------------
# Calendar programs cannot sign in, so a signed-in user's subscription link carries a signed
# token naming the user and the body; the feed shows what that user may see.

TOKEN_SALT = "realise.governance.ics"  # noqa: S105 - a signing namespace, not a secret


def feed_token(user, body: GovernanceBody) -> str:
    from django.core import signing

    return signing.dumps({"u": user.pk, "b": body.pk}, salt=TOKEN_SALT, compress=True)


def user_from_token(token: str, body: GovernanceBody):
    """The user a subscription token was issued to, for this body; None when not valid."""
    from django.contrib.auth import get_user_model
    from django.core import signing

    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("b") != body.pk:
        return None
    return get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
