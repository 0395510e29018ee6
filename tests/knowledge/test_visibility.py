"""A private lesson of a Kent collaboration is never shown to Norfolk: not by page, search,
API, open data or "Related"; anonymous callers see public items only."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from realise.knowledge.search import related, search
from realise.knowledge.services import create_document
from tests.factories import CollaborationFactory, share
from tests.knowledge.makers import LessonFactory

SECRET = "Medway custody suite vetting backlog"


@pytest.fixture
def kent(world):
    """A public Kent and Essex collaboration holding a private lesson and a private document,
    and a policing lesson and a public lesson; plus the private Essex–Kent collaboration."""

    class Kent:
        pass

    k = Kent()
    k.collab = CollaborationFactory(
        name="Kent and Essex Marine Unit", slug="marine", visibility="public"
    )
    share(k.collab, "Kent", "60")
    share(k.collab, "Essex", "40")
    k.private = LessonFactory(
        collaboration=k.collab,
        title="Clear the Medway custody suite vetting backlog before transfer",
        what_happened=f"The {SECRET} held up forty transfers.",
        visibility="private",
    )
    k.policing = LessonFactory(
        collaboration=k.collab,
        title="Vetting backlog: agree one clearance standard",
        what_happened="Two forces cleared staff to different vetting levels; the backlog grew.",
        visibility="policing",
    )
    k.public = LessonFactory(
        collaboration=k.collab,
        title="Publish the vetting backlog each month",
        what_happened="Publishing the backlog figure kept the board focused on it.",
        visibility="public",
    )
    k.in_private_collab = LessonFactory(
        collaboration=world.collab,
        title="Vetting backlog in the serious crime directorate",
        what_happened="Policing-wide lesson, but its collaboration is private to Essex and Kent.",
        visibility="policing",
    )
    k.document = create_document(
        user=_admin(),
        upload=SimpleUploadedFile("medway.txt", f"Notes on the {SECRET}.".encode()),
        collaboration=k.collab,
        kind="evaluation",
        title="Medway custody vetting review",
        visibility="private",
    )
    return k


def _admin():
    from tests.factories import UserFactory

    return UserFactory(username="root", is_superuser=True)


def titles(user, query="vetting backlog"):
    return {hit.title for hit in search(query, user=user)[0:50]}


def test_search_hides_the_private_lesson_from_norfolk(world, kent):
    assert kent.private.title not in titles(world.nora)
    assert search(SECRET, user=world.nora).count() == 0
    assert titles(world.nora) >= {kent.policing.title, kent.public.title}


def test_search_shows_the_private_lesson_to_kent(world, kent):
    assert kent.private.title in titles(world.carol)
    assert "Medway custody vetting review" in titles(world.carol, SECRET)


def test_a_policing_lesson_of_a_private_collaboration_stays_inside_it(world, kent):
    assert kent.in_private_collab.title not in titles(world.nora)
    assert kent.in_private_collab.title in titles(world.bob)


def test_anonymous_search_sees_public_items_only(world, kent):
    anonymous = titles(AnonymousUser())
    assert kent.public.title in anonymous
    assert not anonymous & {kent.private.title, kent.policing.title, kent.in_private_collab.title}
    assert "Joint vetting" not in titles(AnonymousUser(), "joint vetting")  # private collaboration


def test_pages_refuse_norfolk(world, kent, client):
    client.force_login(world.nora)
    assert client.get(kent.private.get_absolute_url()).status_code == 404
    assert client.get(kent.policing.get_absolute_url()).status_code == 200
    for page in [
        "/repository/lessons/",
        "/repository/",
        f"/repository/collaborations/{kent.collab.slug}/",
        "/search/?q=vetting+backlog",
        kent.policing.get_absolute_url(),
        f"/public/collaborations/{kent.collab.slug}/",
        "/repository/documents/",
        kent.collab.get_absolute_url(),
    ]:
        response = client.get(page)
        assert response.status_code == 200, page
        assert "Medway" not in response.content.decode(), page
    found = client.get("/search/", {"q": SECRET}).content.decode()
    assert "0 results" in found and kent.private.title not in found
    download = f"/repository/documents/{kent.document.pk}/versions/1/download/"
    assert client.get(download).status_code == 404


def test_pages_show_kent_its_private_lesson(world, kent, client):
    client.force_login(world.carol)
    assert client.get(kent.private.get_absolute_url()).status_code == 200
    assert kent.private.title in client.get("/repository/lessons/").content.decode()
    assert (
        client.get(f"/repository/documents/{kent.document.pk}/versions/1/download/").status_code
        == 200
    )


def test_anonymous_pages(world, kent, client):
    assert client.get(kent.public.get_absolute_url()).status_code == 200
    assert client.get(kent.policing.get_absolute_url()).status_code == 302  # to sign in
    # private: no sign-in would show it to just anyone, so it answers as no lesson does
    assert client.get(kent.private.get_absolute_url()).status_code == 404
    public_page = client.get(f"/public/collaborations/{kent.collab.slug}/").content.decode()
    assert kent.public.title in public_page
    assert kent.policing.title not in public_page and "Medway" not in public_page


def test_the_api_hides_the_private_lesson_from_norfolk(world, kent, client):
    client.force_login(world.nora)
    answer = client.get("/api/v1/search/", {"q": SECRET}).json()
    assert answer == {"count": 0, "results": []}
    answer = client.get("/api/v1/search/", {"q": "vetting backlog", "type": "lesson"}).json()
    assert kent.private.pk not in {row["id"] for row in answer["results"]}
    client.force_login(world.carol)
    answer = client.get("/api/v1/search/", {"q": SECRET, "type": "lesson"}).json()
    assert [row["id"] for row in answer["results"]] == [kent.private.pk]


def test_the_api_needs_a_signed_in_caller(kent, client):
    assert client.get("/api/v1/search/", {"q": "vetting"}).status_code in (401, 403)


def test_open_data_never_carries_the_private_lesson(world, kent, client):
    for address in [
        "/open-data/collaborations.json",
        "/open-data/collaborations.csv",
        "/open-data/benefits.json",
        "/open-data/benefits.csv",
    ]:
        body = (
            b"".join(client.get(address).streaming_content)
            if address.endswith(".csv")
            else client.get(address).content
        )
        assert b"Medway" not in body, address
    names = [
        c["name"] for c in client.get("/open-data/collaborations.json").json()["collaborations"]
    ]
    assert names == ["Kent and Essex Marine Unit"]  # the private Essex–Kent collaboration is absent


def test_related_never_suggests_the_private_lesson_to_norfolk(world, kent):
    assert kent.private.title not in {h.title for h in related(kent.policing, user=world.nora)}
    assert kent.private.title in {h.title for h in related(kent.policing, user=world.carol)}
    assert kent.private.title not in {h.title for h in related(kent.public, user=AnonymousUser())}
