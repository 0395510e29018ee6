"""People's names are personal data: the public pages of lessons and documents do not show
who wrote or uploaded them to a visitor who is not signed in; signed-in readers see them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from realise.knowledge.services import create_document, upload_version
from tests.factories import CollaborationFactory, PersonFactory, UserFactory, share
from tests.knowledge.makers import LessonFactory

UPLOADER, SECOND_UPLOADER, AUTHOR = "Priya Uploader", "quiet-clerk", "Olwen Author"


@pytest.fixture
def harbour(world):
    """A public collaboration with a public lesson (with an author) and a public document
    with two versions: one uploaded by a user with a full name, one by a user without."""
    collaboration = CollaborationFactory(name="Harbour Watch", slug="harbour", visibility="public")
    share(collaboration, "Kent", "100")
    admin = UserFactory(
        username="priya", first_name="Priya", last_name="Uploader", is_superuser=True
    )
    clerk = UserFactory(username=SECOND_UPLOADER, first_name="", is_superuser=True)
    document = create_document(
        user=admin,
        upload=SimpleUploadedFile("tides.txt", b"Tide tables for the harbour."),
        collaboration=collaboration,
        kind="evaluation",
        title="Harbour tide review",
        visibility="public",
    )
    upload_version(
        document, user=clerk, upload=SimpleUploadedFile("tides.txt", b"Tide tables, revised.")
    )
    lesson = LessonFactory(
        collaboration=collaboration,
        title="Share the tide tables",
        author=PersonFactory(name=AUTHOR),
        visibility="public",
    )
    return document, lesson


def test_a_visitor_sees_a_public_document_without_its_uploaders(client, harbour):
    document, _ = harbour
    page = client.get(document.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert "Harbour tide review" in text and "tides.txt" in text
    assert UPLOADER not in text
    assert SECOND_UPLOADER not in text


def test_a_visitor_sees_a_public_lesson_without_its_author(client, harbour):
    _, lesson = harbour
    page = client.get(lesson.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert "Share the tide tables" in text
    assert AUTHOR not in text


def test_signed_in_readers_see_who_uploaded_and_wrote(client, harbour, world):
    document, lesson = harbour
    client.force_login(world.nora)
    document_page = client.get(document.get_absolute_url()).content.decode()
    assert UPLOADER in document_page and SECOND_UPLOADER in document_page
    assert AUTHOR in client.get(lesson.get_absolute_url()).content.decode()


def test_public_pages_and_search_name_nobody(client, harbour):
    for address in ("/public/collaborations/harbour/", "/repository/collaborations/harbour/"):
        text = client.get(address).content.decode()
        assert "Harbour tide review" in text, address
        assert UPLOADER not in text and AUTHOR not in text, address
    found = client.get("/search/", {"q": "tide"}).content.decode()
    assert "Share the tide tables" in found
    assert UPLOADER not in found and AUTHOR not in found
