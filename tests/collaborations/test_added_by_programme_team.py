"""A collaboration a programme team writes stays one they can see: saving one private to
other forces and outside their own collaborations (whose page would at once answer 404 to
them, with no way back to it) is refused, naming the visibility, and nothing is saved."""

import html

from rest_framework.test import APIClient

from realise.collaborations.models import Collaboration, ForceShare
from tests.collaborations.test_shares import form_data
from tests.factories import member

REFUSAL = (
    "You would not be able to see Gwent Forensics once it is saved: a private collaboration "
    "is seen only by its member forces and its programme team. Give your force a share, put "
    "it within a collaboration of yours, or choose another visibility."
)


def test_one_private_to_other_forces_is_refused_before_it_is_saved(client, world):
    client.force_login(world.alice)
    page = client.post(
        "/collaborations/new/",
        form_data(
            [("Gwent", "100")], name="Gwent Forensics", slug="gwent-forensics", visibility="private"
        ),
    )
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    assert REFUSAL in text
    assert '<a href="#id_visibility">' in text
    assert "Add a collaboration" in text  # the page to add one, as it was
    assert 'name="shares-0-percent" value="100"' in text
    assert not Collaboration.objects.filter(slug="gwent-forensics").exists()
    assert not ForceShare.objects.filter(collaboration__slug="gwent-forensics").exists()


def test_one_private_to_their_force_or_within_their_collaboration_is_added(client, world):
    client.force_login(world.alice)
    own_force = client.post(
        "/collaborations/new/",
        form_data(
            [("Essex", "60"), ("Gwent", "40")],
            name="Gwent Forensics",
            slug="gwent-forensics",
            visibility="private",
        ),
    )
    assert own_force.status_code == 302
    assert client.get("/collaborations/gwent-forensics/").status_code == 200
    within = client.post(
        "/collaborations/new/",
        form_data(
            [("Gwent", "100")],
            name="Gwent Roads",
            slug="gwent-roads",
            parent=world.collab.pk,
            visibility="private",
        ),
    )
    assert within.status_code == 302
    assert client.get("/collaborations/gwent-roads/edit/").status_code == 200


def test_an_open_one_of_other_forces_is_added(client, world):
    client.force_login(world.alice)
    response = client.post(
        "/collaborations/new/",
        form_data([("Gwent", "100")], name="Gwent Forensics", slug="gwent-forensics"),
    )
    assert response.status_code == 302
    assert client.get("/collaborations/gwent-forensics/").status_code == 200


def test_moving_it_out_of_their_sight_is_refused_too(client, world):
    nested = Collaboration.objects.create(
        name="Gwent Forensics",
        slug="gwent-forensics",
        purpose="p",
        parent=world.collab,
        visibility="private",
    )
    kent_team = member("kenny", "Kent", "programme_team", world.collab)
    client.force_login(kent_team)
    data = form_data(
        [], name=nested.name, slug=nested.slug, version=nested.version, visibility="private"
    )
    page = client.post(f"/collaborations/{nested.slug}/edit/", data)
    assert REFUSAL in html.unescape(page.content.decode())
    assert Collaboration.objects.get(pk=nested.pk).parent == world.collab


def test_the_api_refuses_it_naming_visibility(world):
    api = APIClient()
    api.force_authenticate(world.alice)
    body = {
        "name": "Gwent Forensics",
        "slug": "gwent-forensics",
        "purpose": "p",
        "visibility": "private",
    }
    response = api.post("/api/v1/collaborations/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"visibility": [REFUSAL]}
    assert not Collaboration.objects.filter(slug="gwent-forensics").exists()
    within = api.post("/api/v1/collaborations/", {**body, "parent": world.collab.pk}, format="json")
    assert within.status_code == 201


def test_the_api_refuses_moving_it_out_of_their_sight(world):
    nested = Collaboration.objects.create(
        name="Gwent Forensics",
        slug="gwent-forensics",
        purpose="p",
        parent=world.collab,
        visibility="private",
    )
    api = APIClient()
    api.force_authenticate(world.alice)
    response = api.patch(
        f"/api/v1/collaborations/{nested.pk}/",
        {"parent": None, "version": nested.version},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"visibility": [REFUSAL]}
    assert Collaboration.objects.get(pk=nested.pk).parent == world.collab
