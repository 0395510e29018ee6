"""The lessons and documents lists: filtered by theme or kind and by collaboration, with an
empty state, and nothing the user may not see."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from realise.knowledge.services import create_document
from tests.factories import CollaborationFactory
from tests.knowledge.makers import LessonFactory


@pytest.fixture
def listed(world):
    other = CollaborationFactory(name="Regional vetting", slug="regional-vetting")
    LessonFactory(collaboration=world.collab, title="Agree the split early", theme="finance")
    LessonFactory(collaboration=other, title="Vetting backlog cleared", theme="workforce")
    LessonFactory(collaboration=world.collab, title="Private board minutes", visibility="private")
    for title, kind in (("Outline business case", "business_case"), ("Agreement", "agreement")):
        create_document(
            user=world.alice,
            upload=SimpleUploadedFile("notes.txt", b"Notes."),
            collaboration=world.collab,
            kind=kind,
            title=title,
        )
    world.other = other
    return world


def titles(client, url) -> str:
    return client.get(url).content.decode()


def test_lessons_filter_by_theme_and_collaboration(listed, client):
    client.force_login(listed.alice)
    page = titles(client, "/repository/lessons/?theme=finance")
    assert "Agree the split early" in page and "Vetting backlog cleared" not in page
    assert "1 lesson</caption>" in page
    page = titles(client, "/repository/lessons/?collaboration=regional-vetting")
    assert "Vetting backlog cleared" in page and "Agree the split early" not in page
    assert "3 lessons</caption>" in titles(client, "/repository/lessons/?theme=nonsense")
    assert "No lessons you can see." in titles(client, "/repository/lessons/?theme=legal")


def test_an_outsider_lists_only_the_lessons_they_may_see(listed, client):
    client.force_login(listed.nora)
    page = titles(client, "/repository/lessons/")
    assert "1 lesson</caption>" in page and "Vetting backlog cleared" in page
    assert "Private board minutes" not in page and "Agree the split early" not in page


def test_documents_filter_by_kind_and_count_versions(listed, client):
    client.force_login(listed.alice)
    page = titles(client, "/repository/documents/?kind=agreement")
    assert "Agreement" in page and "Outline business case" not in page
    assert "1 document</caption>" in page
    assert '<option value="agreement" selected>' in page
    page = titles(client, "/repository/documents/")
    assert "2 documents</caption>" in page and "Add a document" in page
    assert "No documents you can see." in titles(
        client, "/repository/documents/?collaboration=regional-vetting"
    )
