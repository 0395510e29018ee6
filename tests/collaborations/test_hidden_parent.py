"""An open collaboration nested within a private one: a reader who may see the open one but
not the private one reads nowhere the private one's name, nor its id."""

import pytest
from rest_framework.test import APIClient

from realise.collaborations.models import Collaboration
from tests.factories import CollaborationFactory, share

HIDDEN = "Essex and Kent Serious Crime"


@pytest.fixture
def open_child(world):
    child = CollaborationFactory(
        name="Open Roads Partnership", slug="open-roads", visibility="policing"
    )
    share(child, "Essex", "50")
    share(child, "Kent", "50")
    Collaboration.objects.filter(pk=child.pk).update(parent=world.collab)  # by an administrator
    return child


def test_an_outsider_reads_no_name_of_the_private_collaboration_it_sits_within(
    client, world, open_child
):
    client.force_login(world.nora)
    for url in (open_child.get_absolute_url(), "/collaborations/", "/repository/"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "Open Roads Partnership" in page, url
        assert HIDDEN not in page and world.collab.get_absolute_url() not in page, url
    assert (
        "A collaboration not visible to you"
        in client.get(open_child.get_absolute_url()).content.decode()
    )

    api = APIClient()
    api.force_authenticate(world.nora)
    assert api.get(f"/api/v1/collaborations/{open_child.slug}/").json()["parent"] is None


def test_a_member_reads_where_it_sits(client, world, open_child):
    client.force_login(world.alice)
    page = client.get(open_child.get_absolute_url()).content.decode()
    assert f'<a class="govuk-link" href="{world.collab.get_absolute_url()}">{HIDDEN}</a>' in page
    assert HIDDEN in client.get("/collaborations/").content.decode()
    api = APIClient()
    api.force_authenticate(world.alice)
    assert api.get(f"/api/v1/collaborations/{open_child.slug}/").json()["parent"] == world.collab.pk
