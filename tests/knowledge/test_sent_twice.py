"""A lesson or document form sent twice (a double click, a resend after a slow answer)
records one item: the second is refused with a message on the field, naming the item."""

from django.core.files.uploadedfile import SimpleUploadedFile

from realise.knowledge.models import Document, DocumentVersion, Lesson
from tests.knowledge.makers import pdf_bytes


def lesson_form(world, **changes):
    data = {
        "collaboration": world.collab.pk,
        "initiative": world.initiative.pk,
        "title": "Agree one clearance standard",
        "theme": "workforce",
        "stage": "2",
        "what_happened": "Two forces cleared staff to different levels.",
        "what_to_repeat": "",
        "what_to_avoid": "",
        "recommendation": "",
        "author": "",
        "date": "2026-05-04",
        "visibility": "private",
    }
    data.update(changes)
    return data


def document_form(world, content: bytes, **changes):
    data = {
        "collaboration": world.collab.pk,
        "initiative": "",
        "kind": "evaluation",
        "stage": "",
        "title": "Vetting evaluation",
        "description": "",
        "visibility": "private",
        "note": "",
        "file": SimpleUploadedFile("evaluation.pdf", content, content_type="application/pdf"),
    }
    data.update(changes)
    return data


def field_errors(response, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_a_lesson_sent_twice_is_recorded_once(world, client):
    client.force_login(world.alice)
    first = client.post("/repository/lessons/new/", lesson_form(world))
    assert first.status_code == 302
    second = client.post("/repository/lessons/new/", lesson_form(world))
    assert second.status_code == 200
    assert Lesson.objects.count() == 1
    assert field_errors(second, "title") == [
        "The lesson 'Agree one clearance standard' is already recorded for Essex and Kent "
        "Serious Crime, with the same account of what happened."
    ]
    assert "is already recorded for Essex and Kent" in second.content.decode()


def test_a_different_lesson_with_the_same_title_is_recorded(world, client):
    client.force_login(world.alice)
    client.post("/repository/lessons/new/", lesson_form(world))
    other = client.post(
        "/repository/lessons/new/",
        lesson_form(world, what_happened="The vetting unit kept two waiting lists."),
    )
    assert other.status_code == 302
    assert Lesson.objects.count() == 2


def test_a_document_sent_twice_is_recorded_once(world, client):
    client.force_login(world.alice)
    content = pdf_bytes("Vetting evaluation, final")
    first = client.post("/repository/documents/new/", document_form(world, content))
    assert first.status_code == 302
    second = client.post("/repository/documents/new/", document_form(world, content))
    assert second.status_code == 200
    assert (Document.objects.count(), DocumentVersion.objects.count()) == (1, 1)
    assert field_errors(second, "file") == [
        "'evaluation.pdf' is already in the repository for Essex and Kent Serious Crime as "
        "'Vetting evaluation': upload a new version of that document instead."
    ]


def test_a_document_with_the_same_title_and_another_file_is_recorded(world, client):
    client.force_login(world.alice)
    client.post("/repository/documents/new/", document_form(world, pdf_bytes("Draft")))
    other = client.post("/repository/documents/new/", document_form(world, pdf_bytes("Final")))
    assert other.status_code == 302
    assert Document.objects.count() == 2
