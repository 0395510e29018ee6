"""An evidence file keeps the name it was uploaded under, whichever way it came in (an
actual's page, the month form, the API): it downloads under that name, in UTF-8 with a plain
ASCII name beside it for older clients, and the pages name it. Files stored before the name
was kept download under their stored name."""

import datetime
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from realise.benefits.models import Evidence
from tests.factories import BenefitFactory, actual, force
from tests.knowledge.makers import pdf_bytes

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
EARLIER = (LAST_MONTH - datetime.timedelta(days=1)).replace(day=1)
WELSH = "Adroddiad Blynyddol – Heddlu Dyfed-Powys (ŵ ŷ).pdf"


def record(client, world, name, period=LAST_MONTH, note=""):
    response = client.post(
        f"/benefits/{world.benefit.pk}/actuals/new/",
        {
            "period": period.strftime("%Y-%m"),
            "force": force("Essex").pk,
            "value": "10",
            "evidence_note": note,
            "evidence_file": SimpleUploadedFile(name, pdf_bytes("Ledger")),
        },
    )
    assert response.status_code == 302, response.content.decode()


def disposition(client, evidence):
    response = client.get(f"/evidence/{evidence.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    return response["Content-Disposition"]


def test_a_welsh_name_is_kept_and_the_file_downloads_under_it(client, world):
    client.force_login(world.bob)
    record(client, world, WELSH)
    evidence = Evidence.objects.get()
    assert evidence.original_name == WELSH
    header = disposition(client, evidence)
    assert header.startswith("attachment; ")
    assert f"filename*=utf-8''{quote(WELSH)}" in header
    # Older clients get a plain ASCII name: letters without their accents, nothing unsafe.
    assert 'filename="Adroddiad Blynyddol Heddlu Dyfed-Powys (w y).pdf"' in header
    header.encode("ascii")

    page = client.get(f"/benefits/{world.benefit.pk}/").content.decode()
    month = f"{LAST_MONTH:%b %Y}"
    assert f'Download {WELSH}<span class="govuk-visually-hidden"> for {month}</span>' in page


def test_two_files_of_the_same_name_on_one_benefit_keep_their_own_name(client, world):
    client.force_login(world.bob)
    record(client, world, "ledger.pdf", LAST_MONTH, note="March ledger")
    record(client, world, "ledger.pdf", EARLIER, note="February ledger")
    first, second = Evidence.objects.order_by("pk")
    assert first.file.name != second.file.name
    for evidence in (first, second):
        assert evidence.original_name == "ledger.pdf"
        assert disposition(client, evidence) == 'attachment; filename="ledger.pdf"'
    page = client.get(f"/benefits/{world.benefit.pk}/").content.decode()
    assert page.count("Download ledger.pdf<span") == 2
    assert "Download file" not in page


def test_a_file_whose_name_has_no_ascii_letters_still_has_an_ascii_name(client, world):
    client.force_login(world.bob)
    record(client, world, "警察協力報告書.pdf")
    header = disposition(client, Evidence.objects.get())
    assert header == (
        "attachment; filename=\"evidence.pdf\"; filename*=utf-8''" + quote("警察協力報告書.pdf")
    )


def test_the_month_form_keeps_the_name_on_every_lines_copy(client, world):
    other = BenefitFactory(initiative=world.initiative, reference="EK-2")
    essex = force("Essex")
    client.force_login(world.bob)
    response = client.post(
        f"/actuals/month/?month={LAST_MONTH.month}&year={LAST_MONTH.year}",
        {
            f"value-{world.benefit.pk}-{essex.pk}": "11",
            f"value-{other.pk}-{essex.pk}": "12",
            "batch_note": "Finance ledger",
            "evidence_file": SimpleUploadedFile(WELSH, pdf_bytes("Ledger")),
        },
    )
    assert response.status_code == 302, response.content.decode()
    copies = list(Evidence.objects.exclude(file=""))
    assert len(copies) == 2
    assert len({e.file.name for e in copies}) == 2
    for evidence in copies:
        assert evidence.original_name == WELSH
        assert f"filename*=utf-8''{quote(WELSH)}" in disposition(client, evidence)


def test_the_api_keeps_the_name_and_shows_it(world):
    measurement = actual(world.benefit, LAST_MONTH, "10", force("Essex"))
    api = APIClient()
    api.force_authenticate(world.bob)
    created = api.post(
        "/api/v1/evidence/",
        {
            "measurement": measurement.pk,
            "file": SimpleUploadedFile(WELSH, pdf_bytes("Ledger")),
            "name": "not this one.pdf",
        },
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["name"] == WELSH
    evidence = Evidence.objects.get(pk=body["id"])
    assert evidence.original_name == WELSH
    read = api.get(f"/api/v1/evidence/{evidence.pk}/").json()
    assert set(read) == {
        "id",
        "measurement",
        "note",
        "download_url",
        "name",
        "uploaded_by",
        "verification_cleared",
        "created_at",
    }
    assert read["name"] == WELSH
    note_only = api.post(
        "/api/v1/evidence/", {"measurement": measurement.pk, "note": "Ledger p. 4"}, format="json"
    )
    assert note_only.status_code == 201
    assert (note_only.json()["name"], note_only.json()["download_url"]) == (None, None)


def test_a_file_stored_before_names_were_kept_downloads_under_its_stored_name(
    client, world, settings
):
    measurement = actual(world.benefit, LAST_MONTH, "10", force("Essex"))
    evidence = Evidence(measurement=measurement, note="Ledger")
    evidence.file.save("ledger_AbC1234.pdf", ContentFile(pdf_bytes("Ledger")), save=True)
    assert evidence.original_name == ""
    client.force_login(world.alice)
    assert disposition(client, evidence) == 'attachment; filename="ledger_AbC1234.pdf"'
    page = client.get(f"/benefits/{world.benefit.pk}/").content.decode()
    assert "Download ledger_AbC1234.pdf<span" in page
    api = APIClient()
    api.force_authenticate(world.alice)
    assert api.get(f"/api/v1/evidence/{evidence.pk}/").json()["name"] == "ledger_AbC1234.pdf"


def test_the_verification_pages_name_the_file(client, world):
    client.force_login(world.bob)
    record(client, world, "ledger.pdf")
    client.force_login(world.alice)
    page = client.get("/benefits/verification/").content.decode()
    assert "Download ledger.pdf<span" in page
    evidence = Evidence.objects.get()
    returning = client.get(f"/benefits/verification/{evidence.measurement_id}/return/")
    assert f'href="/evidence/{evidence.pk}/download/">Download ledger.pdf</a>' in (
        returning.content.decode()
    )


@pytest.mark.parametrize("who", ["nora", None])
def test_evidence_a_reader_may_not_see_is_not_found_and_not_named(client, world, who):
    client.force_login(world.bob)
    record(client, world, WELSH)
    evidence = Evidence.objects.get()
    client.logout()
    if who:
        client.force_login(getattr(world, who))
    response = client.get(f"/evidence/{evidence.pk}/download/")
    assert response.status_code == 404 if who else response.status_code in (302, 404)
    assert quote(WELSH) not in response.get("Content-Disposition", "")
    api = APIClient()
    if who:
        api.force_authenticate(getattr(world, who))
    answer = api.get(f"/api/v1/evidence/{evidence.pk}/")
    assert answer.status_code in (401, 404)
    assert "Adroddiad" not in answer.content.decode()
