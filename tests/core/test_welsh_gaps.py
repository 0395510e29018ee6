"""Text that was English on Welsh pages and documents: a benefit's history, table headings,
the kinds of search result, the API token line, a benefit profile's page numbers and the
board pack's list of what is due. The same pages in English keep their English."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token

from realise.benefits.services import record_measurement
from realise.documents.board_pack import build_board_pack
from realise.documents.render import render
from realise.governance.models import Action, Decision
from tests.benefits.test_ipa_profile import pdf_text
from tests.documents.conftest import docx_parts
from tests.factories import PersonFactory


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en-gb")


def welsh(client, user):
    client.force_login(user)
    client.post("/language/", {"language": "cy", "next": "/"})
    return client


def test_a_benefits_history_reads_in_welsh(client, world):
    essex = world.collab.shares.get(force__name="Essex").force
    month = datetime.date(2026, 3, 1)
    record_measurement(
        world.benefit, month, user=world.bob, force=essex, value=10, evidence_note="Ledger"
    )
    welsh(client, world.alice)
    page = client.get(reverse("benefit-history", args=[world.benefit.pk])).content.decode()
    assert "Crëwyd: Gwerth gwirioneddol ar gyfer 2026-03, heddlu Essex" in page
    assert "Created:" not in page and "Actual for" not in page
    client.post("/language/", {"language": "en-gb", "next": "/"})
    page = client.get(reverse("benefit-history", args=[world.benefit.pk])).content.decode()
    assert "Created: Actual for 2026-03, force Essex" in page


def test_table_headings_and_search_result_kinds_read_in_welsh(client, world):
    Decision.objects.create(
        body=world.board, decided_on=datetime.date(2026, 3, 2), text="Approve the vetting plan"
    )
    welsh(client, world.alice)
    decisions = client.get("/governance/decisions/").content.decode()
    heads = decisions.split("<thead")[1].split("</thead>")[0]
    assert "Menter" in heads and "Statws" in heads
    assert "Initiative" not in heads and "Status" not in heads
    bodies = client.get("/governance/").content.decode().split("<thead")[1].split("</thead>")[0]
    assert "Cydweithrediad" in bodies and "Collaboration" not in bodies
    found = client.get("/search/", {"q": "vetting"}).content.decode()
    assert "Budd ·" in found and "Benefit ·" not in found


def test_the_token_line_reads_in_welsh(client, world):
    Token.objects.create(user=world.alice)
    page = welsh(client, world.alice).get("/account/").content.decode()
    assert "Mae gennych docyn, a grëwyd ar" in page and " am " in page
    assert " at " not in page.split("Mae gennych docyn")[1].split("</p>")[0]


def test_a_benefit_profile_in_welsh_numbers_its_page_in_welsh(client, world):
    welsh(client, world.alice)
    response = client.get(reverse("benefit-profile-pdf", args=[world.benefit.pk]))
    assert response.status_code == 200
    _pages, text = pdf_text(response.content)
    assert "Tudalen 1 o 1" in text and "Page 1 of 1" not in text


def test_the_board_packs_list_of_what_is_due_reads_in_welsh(world):
    owner = PersonFactory(name="Sam Owner")
    decision = Decision.objects.create(
        body=world.board, decided_on=datetime.date(2026, 11, 2), text="Tender the contract"
    )
    Action.objects.create(
        decision=decision,
        text="Draft the tender",
        owner=owner,
        due_on=datetime.date(2026, 11, 30),
    )
    with translation.override("cy"):
        pack = build_board_pack(world.board, datetime.date(2026, 11, 10))
        body, *_rest = docx_parts(render(pack, "docx").content)
    assert "Cam gweithredu agored: Draft the tender (Sam Owner, yn ddyledus 30 Tachwedd 2026)" in (
        body
    )
    assert "Open action" not in body
    with translation.override("en-gb"):
        pack = build_board_pack(world.board, datetime.date(2026, 11, 10))
        body, *_rest = docx_parts(render(pack, "docx").content)
    assert "Open action: Draft the tender (Sam Owner, due 30 November 2026)" in body


def test_a_benefits_history_names_its_fields_and_values_in_welsh(client, world):
    essex = world.collab.shares.get(force__name="Essex").force
    record_measurement(
        world.benefit,
        datetime.date(2026, 3, 1),
        user=world.bob,
        force=essex,
        value=10,
        evidence_note="Ledger",
    )
    welsh(client, world.alice)
    page = client.get(reverse("benefit-history", args=[world.benefit.pk])).content.decode()
    cells = [" ".join(cell.split()) for cell in page.split("<t")]
    assert any(cell.endswith(">Rhoddwyd i mewn gan</th>") for cell in cells)
    assert any(cell.endswith(">Uwchlwythwyd gan</th>") for cell in cells)
    assert f">{world.bob.get_full_name() or world.bob.username}</td>" in page
    assert ">1 Maw 2026</td>" in page
    assert ">Nac ydy</td>" in page  # a benefit's "cashable", not False
    for english in ("Entered by", "Uploaded by", "Period", "Version", "False", "True"):
        assert f">{english}<" not in page, english


def test_a_month_typed_wrongly_is_refused_in_welsh(client, world):
    welsh(client, world.alice)
    response = client.get(
        reverse("highlight-report", args=[world.initiative.slug]), {"month": "Mawrth"}
    )
    page = " ".join(response.content.decode().split())
    assert "Rhowch fis ar y ffurf BBBB-MM, er enghraifft 2026-10." in page
    assert '<span class="govuk-visually-hidden">Gwall:</span>' in page
    assert "Enter a month" not in page and ">Error:<" not in page
    assert 'placeholder="BBBB-MM"' in page
