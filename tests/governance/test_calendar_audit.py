"""An inspector reading a private body's calendar feed is in the audit trail, as when they
open its page: once for each read, whether the feed is read signed in or through the
personal link a calendar program uses (then in the name of the link's owner, and without
the link's token, which would let whoever reads the trail open the feed)."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from realise.core.audit import verify
from realise.core.models import AuditRecord
from realise.governance import ics
from realise.governance.models import Meeting
from realise.organisations.models import Membership
from tests.factories import CollaborationFactory, GovernanceBodyFactory, UserFactory


@pytest.fixture
def ivy(world):
    ivy = UserFactory(username="ivy")
    Membership.objects.create(user=ivy, role="inspector")
    Meeting.objects.create(body=world.board, date=datetime.date(2027, 3, 9))
    return ivy


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def feed_views():
    return AuditRecord.objects.filter(action="view", model="governance.governancebody")


def test_each_read_of_a_private_bodys_feed_by_an_inspector_is_audited(world, ivy):
    url = f"/governance/bodies/{world.board.slug}/calendar.ics"
    client = signed_in(ivy)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200

    views = list(feed_views())
    assert [(v.username, v.object_id, v.collaboration_id, v.via) for v in views] == [
        ("ivy", str(world.board.pk), world.collab.pk, "page"),
        ("ivy", str(world.board.pk), world.collab.pk, "page"),
    ]
    assert views[0].after == {"page": url}
    trail = signed_in(ivy).get("/audit/", {"action": "view"}).content.decode()
    assert f"Opened the page {url}" in trail
    assert verify().ok


def test_a_read_through_the_inspectors_feed_link_is_audited_in_their_name(world, ivy):
    link = signed_in(ivy).get(world.board.get_absolute_url()).context["feed_url"]
    page_views = feed_views().count()  # the body's page, audited already
    token = parse_qs(urlparse(link).query)["token"][0]

    response = Client().get(urlparse(link).path, {"token": token})  # a calendar program

    assert response.status_code == 200
    assert feed_views().count() == page_views + 1
    view = feed_views().order_by("pk").last()
    assert view.username == "ivy"
    assert view.after == {"page": f"/governance/bodies/{world.board.slug}/calendar.ics"}
    assert token not in str(view.after)


def test_reads_by_others_and_of_open_bodies_are_not_audited(world, ivy):
    open_body = GovernanceBodyFactory(
        collaboration=CollaborationFactory(slug="open-one", visibility="policing"),
        slug="open-board",
    )
    assert (
        signed_in(ivy).get(f"/governance/bodies/{open_body.slug}/calendar.ics").status_code == 200
    )
    dave_feed = f"/governance/bodies/{world.board.slug}/calendar.ics"
    assert signed_in(world.dave).get(dave_feed).status_code == 200  # not an inspector
    assert signed_in(world.nora).get(dave_feed).status_code == 404  # may not see it
    token = ics.feed_token(ivy, open_body)
    response = Client().get(f"/governance/bodies/{open_body.slug}/calendar.ics", {"token": token})
    assert response.status_code == 200
    assert not feed_views().exists()
