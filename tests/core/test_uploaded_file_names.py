"""Whatever an uploaded file is called (a long Welsh title, letters of other alphabets, a
path from an old browser), it is stored, and a document downloads under the name it was
uploaded with."""

import datetime
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from realise.benefits.models import Evidence
from realise.knowledge.models import DocumentVersion
from tests.factories import force
from tests.knowledge.makers import pdf_bytes

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
# 194 characters, 374 bytes in UTF-8: more than the 255 bytes a file name may have on disk.
LONG_WELSH = "Adroddiad " + "ŵŷâ" * 60 + ".pdf"
NAMES = [
    LONG_WELSH,
    "Звіт про співпрацю поліції " * 6 + ".pdf",  # 2 bytes a letter, many letters
    "警察協力報告書" * 30 + ".pdf",  # 3 bytes a character
    "Adroddiad Blynyddol – Heddlu Dyfed-Powys (â ŵ ŷ).pdf",
]


@pytest.mark.parametrize("name", NAMES)
def test_a_document_with_a_long_name_in_any_alphabet_is_stored(client, world, name):
    client.force_login(world.alice)
    response = client.post(
        "/repository/documents/new/",
        {
            "collaboration": world.collab.pk,
            "kind": "closure_report",
            "title": "Closure report",
            "visibility": "policing",
            "file": SimpleUploadedFile(name, pdf_bytes("Closure")),
        },
    )
    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    stored = version.file.name.rsplit("/", 1)[1]
    assert len(stored.encode()) <= 255 and stored.endswith(".pdf")
    assert version.original_name == name
    download = client.get(f"/repository/documents/{version.document_id}/versions/1/download/")
    assert download.status_code == 200
    assert quote(version.original_name) in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("name", NAMES)
def test_evidence_with_a_long_name_in_any_alphabet_is_stored(client, world, name):
    client.force_login(world.bob)
    response = client.post(
        f"/benefits/{world.benefit.pk}/actuals/new/",
        {
            "period": LAST_MONTH.strftime("%Y-%m"),
            "force": force("Essex").pk,
            "value": "10",
            "evidence_file": SimpleUploadedFile(name, pdf_bytes("Ledger")),
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.file.name.endswith(".pdf")
    assert len(evidence.file.name.rsplit("/", 1)[1].encode()) <= 255
    assert evidence.file.read().startswith(b"%PDF-")
