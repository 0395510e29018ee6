"""An upload whose transaction does not commit leaves no file in storage: the file is
removed whatever stopped the save (a refused line, a version uploaded at the same moment,
a database error), so refused uploads do not pile up as orphans nobody can reach."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError
from django.utils import timezone
from rest_framework.test import APIClient

from realise.benefits import api as benefits_api
from realise.benefits import monthly
from realise.benefits.models import Evidence, Measurement
from realise.knowledge.models import Document, DocumentVersion
from realise.knowledge.services import create_document, upload_version
from tests.factories import BenefitFactory, actual, force
from tests.knowledge.makers import pdf_bytes

pytestmark = pytest.mark.django_db

LAST_MONTH = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def a_pdf(name="ledger.pdf", text="March ledger"):
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


@pytest.fixture
def document(world):
    return create_document(
        user=world.alice,
        upload=a_pdf("case.pdf", "Outline business case"),
        collaboration=world.collab,
        kind="business_case",
        title="Vetting business case",
    )


def test_a_version_uploaded_at_the_same_moment_as_another_leaves_no_file(
    world, document, monkeypatch
):
    kept = stored_files()
    assert len(kept) == 1
    save = DocumentVersion.save

    def someone_else_first(self, *args, **kwargs):
        # Another upload took this number between the count and this insert.
        DocumentVersion.objects.bulk_create(
            [
                DocumentVersion(
                    document=document,
                    number=self.number,
                    file="documents/elsewhere.pdf",
                    original_name="theirs.pdf",
                    file_type="pdf",
                    content_type="application/pdf",
                    size=1,
                    uploaded_by=world.alice,
                )
            ]
        )
        return save(self, *args, **kwargs)

    monkeypatch.setattr(DocumentVersion, "save", someone_else_first)
    with pytest.raises(IntegrityError):
        upload_version(document, user=world.alice, upload=a_pdf("case-v2.pdf"))

    assert stored_files() == kept
    assert document.versions.count() == 1


def test_a_new_document_whose_save_fails_after_its_file_leaves_no_file(world, monkeypatch):
    def fail(self, *args, **kwargs):
        if kwargs.get("update_fields"):
            raise DatabaseError("deadlock detected")
        return original(self, *args, **kwargs)

    original = Document.save
    monkeypatch.setattr(Document, "save", fail)
    with pytest.raises(DatabaseError):
        create_document(
            user=world.alice,
            upload=a_pdf(),
            collaboration=world.collab,
            kind="closure_report",
            title="Closure report",
        )
    assert not Document.objects.exists()
    assert stored_files() == []


def test_a_month_refused_on_one_line_leaves_no_copy_of_its_file(world):
    essex, kent = force("Essex"), force("Kent")
    other = BenefitFactory(initiative=world.initiative, reference="EK-2", title="Shared contract")
    lines = [
        monthly.MonthLine(f"{world.benefit.pk}-{essex.pk}", world.benefit, essex, None, None, None),
        monthly.MonthLine(f"{other.pk}-{kent.pk}", other, kent, None, None, None),
    ]
    entries = [(lines[0], Decimal("110"), ""), (lines[1], Decimal("45"), "")]

    with pytest.raises(monthly.MonthRefused) as refused:
        monthly.record_month(  # bob leads Essex: Kent's line is refused, after Essex's saved
            LAST_MONTH, entries, user=world.bob, evidence_file=a_pdf()
        )

    assert list(refused.value.errors) == [lines[1].key]
    assert not Measurement.objects.filter(period=LAST_MONTH).exists()
    assert not Evidence.objects.exists()
    assert stored_files() == []


def test_a_month_saved_keeps_its_files(world):
    essex = force("Essex")
    line = monthly.MonthLine(
        f"{world.benefit.pk}-{essex.pk}", world.benefit, essex, None, None, None
    )
    [saved] = monthly.record_month(
        LAST_MONTH, [(line, Decimal("110"), "")], user=world.bob, evidence_file=a_pdf()
    )
    [evidence] = saved.evidence.all()
    assert stored_files() == [evidence.file.name]
    assert evidence.file.read().startswith(b"%PDF-")


def test_an_actual_refused_after_its_file_was_stored_leaves_no_file(client, world, monkeypatch):
    """The single-actual page: the evidence row cannot be written (the database refuses)."""

    def refuse(self, *args, **kwargs):
        raise DatabaseError("could not extend file: No space left on device")

    monkeypatch.setattr(Evidence.history.model, "save", refuse)  # after the file is written
    client.force_login(world.bob)
    client.raise_request_exception = False
    response = client.post(
        f"/benefits/{world.benefit.pk}/actuals/new/",
        {
            "period": LAST_MONTH.strftime("%Y-%m"),
            "force": force("Essex").pk,
            "value": "110",
            "evidence_file": a_pdf(),
        },
    )
    assert response.status_code == 500
    assert not Measurement.objects.filter(period=LAST_MONTH).exists()
    assert stored_files() == []


def test_evidence_added_through_the_api_that_does_not_commit_leaves_no_file(world, monkeypatch):
    measurement = actual(world.benefit, LAST_MONTH, "250", force("Essex"))
    Evidence.objects.create(measurement=measurement, note="Essex ledger")

    def fail(*args, **kwargs):
        raise DatabaseError("deadlock detected")

    monkeypatch.setattr(benefits_api, "evidence_changed", fail)
    api = APIClient()
    api.force_authenticate(world.alice)
    api.raise_request_exception = False
    response = api.post(
        "/api/v1/evidence/",
        {"measurement": measurement.pk, "note": "Invoice", "file": a_pdf("invoice.pdf")},
        format="multipart",
    )
    assert response.status_code == 500
    assert list(measurement.evidence.values_list("note", flat=True)) == ["Essex ledger"]
    assert stored_files() == []


def test_evidence_refused_for_permission_leaves_no_file(world):
    from realise.benefits.services import record_measurement

    with pytest.raises(PermissionDenied):
        record_measurement(
            world.benefit,
            LAST_MONTH,
            user=world.bob,
            force=force("Kent"),
            value=Decimal("1"),
            evidence_file=a_pdf(),
        )
    assert stored_files() == []
