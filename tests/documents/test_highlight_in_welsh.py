"""A highlight report asked for in Welsh is written in Welsh: its title, headings, column
names and page numbers, as PDF and as Word, from a page, a background job or the command
line. What people typed (names, the narrative) stays as typed."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import translation

from realise.documents.board_pack import build_board_pack
from realise.documents.highlight import build_highlight
from realise.documents.jobs import run_job, start_job
from realise.documents.models import DocumentKind
from realise.documents.render import render
from tests.documents.conftest import OCTOBER, docx_parts, pdf_pages

WELSH_HEADINGS = [
    "Adroddiad uchafbwyntiau misol",
    "Joint vetting, Hydref 2026",
    "1. Crynodeb",
    "2. Cynnydd y mis hwn",
    "3. Buddion: cynllun a gwerth gwirioneddol",
    "5. Buddion oddi ar y trywydd",
    "6. Mesuriadau’n hwyr",
    "8. Penderfyniadau sydd eu hangen",
    "9. Camau nesaf",
]


@pytest.fixture
def welsh_report(vetting):
    with translation.override("cy"):
        return build_highlight(vetting.initiative, OCTOBER)


def test_the_pdf_in_welsh_has_welsh_headings(welsh_report):
    with translation.override("cy"):
        pages = pdf_pages(render(welsh_report, "pdf").content)
    text = " ".join("\n".join(pages).split())
    for heading in WELSH_HEADINGS:
        assert heading in text, heading
    assert "Progress this month" not in text and "Next steps" not in text
    assert f"Tudalen 1 o {len(pages)}" in pages[0]
    assert "Joint vetting" in text  # the initiative's name is as typed


def test_the_word_file_in_welsh_has_welsh_headings_and_colours_the_rag(welsh_report):
    with translation.override("cy"):
        content = render(welsh_report, "docx").content
    body, _headers, _footers, document = docx_parts(content)
    for heading in WELSH_HEADINGS:
        assert heading in body, heading
    assert "Summary" not in body
    assert "Coch" in body
    assert "D4351C" in document.element.body.xml  # "Coch" cells are still shaded red


def test_the_same_report_in_english_keeps_its_english_headings(vetting):
    with translation.override("en-gb"):
        document = build_highlight(vetting.initiative, OCTOBER)
    assert [section["title"] for section in document["sections"]][:2] == [
        "Summary",
        "Progress this month",
    ]


def test_a_job_asked_for_in_welsh_is_built_in_welsh(vetting):
    params = {
        "initiative": vetting.initiative.slug,
        "month": "2026-10",
        "marking": "OFFICIAL",
        "format": "docx",
    }
    with translation.override("cy"):
        job = start_job(DocumentKind.HIGHLIGHT, params, user=vetting.alice)
    assert job.params["language"] == "cy"
    with translation.override("en-gb"):  # the worker runs in English
        job = run_job(job.pk)
    assert job.status == "done", job.error
    body, *_rest = docx_parts(job.file.read())
    assert "1. Crynodeb" in body


def test_the_command_writes_welsh_with_language_cy(vetting, tmp_path):
    out = tmp_path / "highlight.docx"
    call_command(
        "report",
        "highlight",
        "--initiative",
        vetting.initiative.slug,
        "--month",
        "2026-10",
        "--format",
        "docx",
        "--language",
        "cy",
        "--out",
        str(out),
        verbosity=0,
    )
    body, *_rest = docx_parts(out.read_bytes())
    assert "Adroddiad uchafbwyntiau misol" in body and "1. Crynodeb" in body


def test_a_board_pack_in_welsh_has_welsh_headings(vetting):
    with translation.override("cy"):
        pack = build_board_pack(vetting.board, datetime.date(2026, 11, 10))
        body, *_rest = docx_parts(render(pack, "docx").content)
    assert pack["title"].endswith(": pecyn bwrdd")
    titles = [section["title"] for section in pack["sections"]]
    assert titles[0] == "Eithriadau" and "Dangosfwrdd buddion" in titles
    assert "Cynnwys" in body and "1. Eithriadau" in body
