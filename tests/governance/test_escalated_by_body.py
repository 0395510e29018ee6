"""A body's page lists every escalation it raised, the latest first, a page at a time: it
says how many there are, and the others are a page away, not silently left out."""

import datetime
import re

import pytest
from django.utils import timezone

from realise.governance.models import Escalation
from tests.factories import GovernanceBodyFactory


@pytest.fixture
def raised(world):
    summit = GovernanceBodyFactory(
        collaboration=world.collab, name="EK Summit", slug="ek-summit", body_type="summit"
    )
    start = timezone.now() - datetime.timedelta(days=30)
    for number in range(1, 13):
        Escalation.objects.create(
            from_body=world.board,
            to_body=summit,
            kind="risk",
            summary=f"Risk number {number}",
            raised_at=start + datetime.timedelta(days=number),
        )
    return world


def escalation_links(text: str) -> list[int]:
    section = text.split('id="raised"', 1)[1]
    return [int(pk) for pk in re.findall(r'href="/governance/escalations/(\d+)/"', section)]


def newest_first():
    return list(Escalation.objects.order_by("-raised_at").values_list("pk", flat=True))


def test_the_body_page_says_how_many_it_raised_and_pages_through_them(raised, client):
    client.force_login(raised.dave)
    url = raised.board.get_absolute_url()

    first = client.get(url).content.decode()

    assert "Showing escalations 1 to 10 of 12, the latest first." in first
    assert escalation_links(first) == newest_first()[:10]
    assert 'href="?raised=2#raised"' in first
    second = client.get(url, {"raised": 2}).content.decode()
    assert "Showing escalations 11 to 12 of 12, the latest first." in second
    assert escalation_links(second) == newest_first()[10:]


def test_a_few_escalations_are_listed_without_paging(raised, client):
    Escalation.objects.filter(pk__in=newest_first()[3:]).delete()
    client.force_login(raised.dave)

    text = client.get(raised.board.get_absolute_url()).content.decode()

    assert escalation_links(text) == newest_first()
    assert "Showing escalations" not in text and "?raised=" not in text


def test_the_pages_are_named_for_screen_readers(raised, client):
    client.force_login(raised.dave)
    text = client.get(raised.board.get_absolute_url(), {"raised": 2}).content.decode()
    assert 'aria-label="Escalations raised by this body"' in text
    assert (
        'Previous<span class="govuk-visually-hidden"> page of escalations raised by this body'
        in text
    )
