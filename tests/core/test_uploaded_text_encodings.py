"""A CSV or text file is accepted as the programs forces use save it: Excel's "CSV" on a UK
PC is Windows-1252 (a pound sign is one byte, not UTF-8), its "Unicode text" is UTF-16, and
both are text. Binary content named .csv or .txt is still refused."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from realise.benefits.models import Evidence
from realise.core import uploads
from realise.knowledge.models import DocumentVersion
from realise.knowledge.search import search
from tests.factories import force

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
LEDGER = "Cost centre,Saving\n4410 Vetting,£1250.50\nCaerfyrddin – tîm,£30\n"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("ledger.csv", LEDGER.encode("cp1252")),
        ("ledger.csv", LEDGER.encode("utf-16")),  # with its byte-order mark
        ("ledger.csv", LEDGER.encode("utf-8-sig")),
        ("notes.txt", "Nodiadau’r bwrdd: £30 a arbedwyd.\r\n".encode("cp1252")),
        ("notes.txt", "Nodiadau’r bwrdd: £30 a arbedwyd.\r\n".encode("utf-16")),
    ],
)
def test_text_saved_by_excel_or_notepad_is_accepted(name, data):
    checked = uploads.check_upload(SimpleUploadedFile(name, data), allowed=uploads.EVIDENCE_TYPES)
    assert checked.file_type.code == name.rsplit(".", 1)[1]
    assert "£" in uploads.decode_text(data)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89\x01\x02\x03\x04\x05binary\x06\x07\x08 data\x1b\x7f",  # control bytes, no NUL
        b"\xff\xfe" + b"\x00\xd8" * 8,  # UTF-16 marked, but broken surrogates
        b"Vetting\x00\x01\x02 backlog",
    ],
)
def test_binary_content_named_as_text_is_still_refused(data):
    with pytest.raises(uploads.FileRefused, match="is not of an accepted type"):
        uploads.check_upload(SimpleUploadedFile("ledger.csv", data))


def test_a_windows_csv_is_evidence_on_the_page(client, world):
    client.force_login(world.bob)
    response = client.post(
        f"/benefits/{world.benefit.pk}/actuals/new/",
        {
            "period": LAST_MONTH.strftime("%Y-%m"),
            "force": force("Essex").pk,
            "value": "1250.50",
            "evidence_file": SimpleUploadedFile("ledger.csv", LEDGER.encode("cp1252")),
        },
    )
    assert response.status_code == 302
    assert Evidence.objects.get().file.read() == LEDGER.encode("cp1252")  # kept as given


def test_a_windows_csv_in_the_repository_is_searchable_by_its_words(client, world):
    client.force_login(world.alice)
    response = client.post(
        "/repository/documents/new/",
        {
            "collaboration": world.collab.pk,
            "kind": "evaluation",
            "title": "Vetting savings",
            "visibility": "policing",
            "file": SimpleUploadedFile("savings.csv", LEDGER.encode("cp1252")),
        },
    )
    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    assert "£1250.50" in version.extracted_text and "Caerfyrddin – tîm" in version.extracted_text
    assert "Vetting savings" in [hit.title for hit in search("Caerfyrddin", user=world.alice)[:10]]
