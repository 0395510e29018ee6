"""Who gets which answer from the highlight report and closure pages."""

import datetime

from django.urls import reverse

from realise.collaborations.models import InitiativeStatus
from realise.documents.models import ClosureRecord
from tests.factories import InitiativeFactory


def test_the_signed_out_are_asked_to_sign_in(client, world):
    for name in ("highlight-report", "initiative-close"):
        url = reverse(name, args=[world.initiative.slug])
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/?next="), url


def test_outsiders_find_no_closure_and_readers_may_not_close(client, world):
    url = reverse("initiative-close", args=[world.initiative.slug])
    client.force_login(world.nora)
    assert client.get(url).status_code == 404
    client.force_login(world.dave)
    assert client.get(url).status_code == 403


def test_readers_of_a_closed_initiative_are_sent_to_its_closure(client, world):
    closed = InitiativeFactory(
        collaboration=world.collab, slug="closed", status=InitiativeStatus.CLOSED
    )
    ClosureRecord.objects.create(initiative=closed, closed_on=datetime.date(2026, 1, 1))
    bare = InitiativeFactory(
        collaboration=world.collab, slug="bare", status=InitiativeStatus.CLOSED
    )
    client.force_login(world.dave)
    response = client.get(reverse("initiative-close", args=["closed"]))
    assert response["Location"] == reverse("initiative-closure", args=["closed"])
    assert client.get(reverse("initiative-close", args=[bare.slug])).status_code == 404
    client.force_login(world.nora)
    assert client.get(reverse("initiative-close", args=["closed"])).status_code == 404
