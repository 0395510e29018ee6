"""Uploads are checked by content and size, with a message the uploader can act on."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from realise.knowledge.models import Document, DocumentVersion
from realise.knowledge.services import create_document, upload_version
from tests.knowledge.makers import docx_bytes, pdf_bytes

ELF_PROGRAM = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"payload"
WINDOWS_PROGRAM = (
    b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode"
)


def upload(world, name, data, user=None):
    return create_document(
        user=user or world.alice,
        upload=SimpleUploadedFile(name, data),
        collaboration=world.collab,
        kind="closure_report",
        title="Joint vetting closure report",
    )


def refusal(error: pytest.ExceptionInfo) -> str:
    return " ".join(error.value.message_dict["file"])


def test_a_linux_program_named_report_pdf_is_refused(world):
    with pytest.raises(ValidationError) as error:
        upload(world, "report.pdf", ELF_PROGRAM)
    assert "'report.pdf' is a Linux program, not a document" in refusal(error)
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()


def test_a_windows_program_named_as_a_word_document_is_refused(world):
    with pytest.raises(ValidationError) as error:
        upload(world, "minutes.docx", WINDOWS_PROGRAM)
    assert "'minutes.docx' is a Windows program, not a document" in refusal(error)


def test_a_file_over_the_size_limit_is_refused(world, settings):
    settings.REALISE_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        upload(world, "big.txt", b"a" * 2048)
    assert refusal(error) == "'big.txt' is 2.0\xa0KB; the largest file accepted is 1.0\xa0KB."
    assert not Document.objects.exists()


def test_a_file_whose_content_does_not_match_its_name_is_refused(world):
    with pytest.raises(ValidationError) as error:
        upload(world, "business-case.pdf", docx_bytes("Outline business case"))
    assert "named as one type of file (PDF) but its content is another (Word document)" in refusal(
        error
    )


def test_binary_content_named_as_text_is_refused(world):
    with pytest.raises(ValidationError) as error:
        upload(world, "notes.txt", b"Vetting\x00\x01\x02 backlog")
    assert "is not of an accepted type (PDF, Word (.docx)" in refusal(error)


def test_other_types_of_file_are_refused_by_name(world):
    with pytest.raises(ValidationError) as error:
        upload(world, "tool.exe", b"plain words")
    assert "'tool.exe' is not an accepted type of file" in refusal(error)


def test_a_zip_that_is_not_an_office_document_is_refused(world):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.bin", b"\x00" * 10)
    with pytest.raises(ValidationError) as error:
        upload(world, "report.docx", buffer.getvalue())
    assert "is a zip archive, not a Word" in refusal(error)


def test_a_good_file_is_kept_with_its_detected_type_and_text(world):
    document = upload(world, "closure.pdf", pdf_bytes("Backlog cleared in nine months"))
    version = document.versions.get()
    assert (version.number, version.file_type, version.content_type) == (
        1,
        "pdf",
        "application/pdf",
    )
    assert version.size == len(pdf_bytes("Backlog cleared in nine months"))
    assert "Backlog cleared in nine months" in version.extracted_text
    assert version.uploaded_by == world.alice


def test_a_new_version_keeps_the_old_one(world):
    document = upload(world, "closure.txt", b"First draft")
    upload_version(
        document, user=world.alice, upload=SimpleUploadedFile("closure-v2.txt", b"Final")
    )
    assert list(document.versions.order_by("number").values_list("number", "original_name")) == [
        (1, "closure.txt"),
        (2, "closure-v2.txt"),
    ]


def test_the_upload_page_shows_the_refusal(world, client):
    client.force_login(world.alice)
    response = client.post(
        "/repository/documents/new/",
        {
            "collaboration": world.collab.pk,
            "kind": "closure_report",
            "title": "Closure report",
            "visibility": "policing",
            "file": SimpleUploadedFile("report.pdf", ELF_PROGRAM),
        },
    )
    assert response.status_code == 200
    assert "is a Linux program, not a document" in response.content.decode()
    assert not Document.objects.exists()


def test_someone_outside_the_collaboration_cannot_upload(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        upload(world, "closure.txt", b"Notes", user=world.nora)


def test_a_document_downloads_under_its_welsh_name_with_a_plain_fallback(world, client):
    """The exact name in UTF-8 (`filename*`) for browsers that read it, and a plain ASCII
    name beside it for those that do not, with the type it was detected as."""
    document = upload(world, "Adroddiad Cau – Heddlu Dyfed-Powys.pdf", pdf_bytes("Cau"))
    client.force_login(world.alice)
    response = client.get(f"/repository/documents/{document.pk}/versions/1/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Adroddiad Cau Heddlu Dyfed-Powys.pdf"; '
        "filename*=utf-8''Adroddiad%20Cau%20%E2%80%93%20Heddlu%20Dyfed-Powys.pdf"
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_version_whose_file_is_missing_answers_not_found_not_a_server_error(world, client):
    document = upload(world, "closure.txt", b"Closure report of joint vetting")
    version = document.versions.get()
    version.file.storage.delete(version.file.name)
    client.force_login(world.alice)
    response = client.get(version.get_download_url())
    assert response.status_code == 404
    # The document's page still opens and lists the version.
    assert client.get(document.get_absolute_url()).status_code == 200
