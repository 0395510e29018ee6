"""The invitations list and the cover list are paged, as the other lists are: every row can
be reached through the "Next" links, however many there are, and a page past the end
shows the last page."""

import datetime
import re

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from realise.organisations.models import Cover, Invitation, Person
from tests.organisations.inviting import signed_in

ROWS = 205


def every_page(client: Client, url: str, pattern: str) -> tuple[list[str], int]:
    """What `pattern` finds on each page of the list, following its "Next" links."""
    found: list[str] = []
    pages = 0
    while url:
        page = client.get(url).content.decode()
        pages += 1
        found += re.findall(pattern, page)
        following = re.search(r'href="(\?[^"]*)" rel="next"', page)
        url = following and url.split("?")[0] + following.group(1).replace("&amp;", "&")
    return found, pages


def test_every_invitation_can_be_reached(world, ada):
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"invitee{n}", email=f"invitee{n}@example.org", is_active=False)
        for n in range(ROWS)
    )
    now = timezone.now()
    Invitation.objects.bulk_create(
        Invitation(
            user=user,
            email=user.email,
            invited_by=ada,
            sent_at=now - datetime.timedelta(minutes=n),
            sent_count=1,
        )
        for n, user in enumerate(users)
    )
    client = signed_in(ada)
    emails, pages = every_page(client, "/access/invitations/", r"<td[^>]*>(invitee\d+@example.org)")
    assert sorted(emails) == sorted(f"invitee{n}@example.org" for n in range(ROWS))
    assert pages > 1
    first = client.get("/access/invitations/").content.decode()
    assert 'aria-label="Invitations"' in first  # the pagination names its list
    last = client.get("/access/invitations/?page=999").content.decode()
    assert "invitee204@example.org" in last  # the oldest sent, on the last page


def test_every_cover_can_be_reached(world, ada):
    people = Person.objects.bulk_create(Person(name=f"Away {n:03d}") for n in range(ROWS))
    today = datetime.date.today()
    Cover.objects.bulk_create(
        Cover(
            person=person,
            deputy=world.dave,
            starts=today + datetime.timedelta(days=n),
            ends=today + datetime.timedelta(days=n + 1),
        )
        for n, person in enumerate(people)
    )
    names, pages = every_page(signed_in(ada), "/access/cover/", r"<td[^>]*>(Away \d{3})</td>")
    assert sorted(names) == [f"Away {n:03d}" for n in range(ROWS)]
    assert pages > 1
