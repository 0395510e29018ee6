"""The pack for the EK Programme Board's meeting on 30 November 2026: a contents list,
exceptions first, the decisions asked of the board, what was escalated to it, every
initiative's one-line status, and its dashboard, with the marking on every page."""

import datetime
import re

import pytest
from django.utils import timezone, translation

from realise.documents.board_pack import build_board_pack
from realise.documents.render import render
from realise.documents.services import save_highlight_report
from realise.governance.models import Escalation, Meeting
from tests.documents.conftest import OCTOBER, docx_parts, pdf_pages
from tests.factories import BenefitFactory, GovernanceBodyFactory, InitiativeFactory, actual

MEETING = datetime.date(2026, 11, 30)
SECTIONS = [
    "1. Exceptions",
    "2. Decisions requested",
    "3. Items escalated to this body",
    "4. Initiatives: one-line status",
    "5. Benefits dashboard",
    "6. Also due before the next meeting",
]


@pytest.fixture
def pack(vetting):
    w = vetting
    w.board.decides_stages = [3]
    w.board.save()
    Meeting.objects.create(body=w.board, date=MEETING)
    directorate = GovernanceBodyFactory(
        collaboration=w.collab, name="EK Vetting Group", slug="ek-vetting", escalates_to=w.board
    )
    Escalation.objects.create(
        from_body=directorate,
        to_body=w.board,
        kind="decision_needed",
        initiative=w.initiative,
        summary="Fund a shared vetting case system for both forces.",
        raised_by=w.alice,
        raised_at=timezone.make_aware(datetime.datetime(2026, 11, 10, 9, 0)),
    )
    # The highlight report due by the meeting is October's (due on 2 November).
    save_highlight_report(
        w.initiative,
        OCTOBER,
        user=w.alice,
        progress="The backlog fell by a fifth.",
        decisions_needed="Approve two more vetting officers for Kent.",
    )
    return build_board_pack(w.board, MEETING, marking="OFFICIAL-SENSITIVE")


def _in_order(text: str, items: list[str]) -> None:
    positions = [text.index(item) for item in items]
    assert positions == sorted(positions), items


def test_the_pdf_pack_has_a_contents_list_and_puts_exceptions_first(pack):
    pages = pdf_pages(render(pack, "pdf").content)
    first = pages[0]
    assert "EK Programme Board: board pack" in first
    assert "Meeting on 30 November 2026" in first
    assert "Contents" in first
    for title in SECTIONS:
        # each contents line ends with the page its section starts on
        assert any(
            line.startswith(title) and line.rstrip()[-1].isdigit() for line in first.splitlines()
        ), title
    body = " ".join("\n".join(pages[1:]).split())  # table cells wrap: compare words
    _in_order(body, SECTIONS)
    # Exceptions: V-HOURS red then V-MONEY amber, with the owner.
    _in_order(body, ["V-HOURS", "V-MONEY"])
    assert "Erin Owner" in body
    # Decisions requested: the stage gate, the escalation and the highlight report's ask.
    assert "Stage gate: to 3 Full business case (FBC)" in body
    assert "Fund a shared vetting case system for both forces." in body
    assert "Approve two more vetting officers for Kent." in body
    # Escalated items and the one-line status with the latest highlight.
    assert "EK Vetting Group" in body and "Decision needed" in body
    assert "Highlight (Oct 2026): The backlog fell by a fifth." in body
    # The board's dashboard: money and hours to date at the meeting (to the end of October).
    assert "£7,000.00" in body and "£6,250.00" in body and "89.3%" in body
    for number, page in enumerate(pages, 1):
        assert page.count("OFFICIAL-SENSITIVE") >= 2, f"page {number} lacks its marking"
        assert f"Page {number} of {len(pages)}" in page


def test_the_word_pack_has_the_same_contents_list_and_sections(pack):
    body, headers, footers, document = docx_parts(render(pack, "docx").content)
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    contents = paragraphs.index("Contents")
    listed = [text.split("\t")[0] for text in paragraphs[contents + 1 : contents + 7]]
    assert listed == SECTIONS
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Contents", *SECTIONS]
    assert "PAGEREF _Tocsection_1" in document.element.xml
    assert "Fund a shared vetting case system for both forces." in body
    assert "Approve two more vetting officers for Kent." in body
    assert all("OFFICIAL-SENSITIVE" in text for text in headers + footers)
    assert len(document.inline_shapes) >= 2  # the board's charts


def test_word_works_out_the_contents_page_numbers_when_the_pack_is_opened(pack):
    """Word shows a contents entry's page number (a PAGEREF field) only once its fields are
    updated: the file asks for that on opening, where the schema puts the setting."""
    from docx.oxml.ns import qn

    *_parts, document = docx_parts(render(pack, "docx").content)
    settings = document.settings.element
    update = settings.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    names = [child.tag for child in settings]
    assert names.index(qn("w:updateFields")) < names.index(qn("w:compat"))


def test_a_pack_for_a_day_without_a_meeting_still_lists_what_is_due(vetting):
    pack = build_board_pack(vetting.board, datetime.date(2026, 12, 3))
    text = "\n".join(
        cell
        for section in pack["sections"]
        for block in section["blocks"]
        if block["type"] == "table"
        for row in block["rows"]
        for cell in row
    )
    assert ("Meeting", "3 December 2026 (no meeting recorded)") in pack["facts"]
    assert "V-HOURS" in text


def test_every_pack_shows_unidentified_and_unplanned_actuals_apart(vetting):
    found = BenefitFactory(
        initiative=vetting.initiative, reference="V-FOUND", identified_in_business_case=False
    )
    actual(found, OCTOBER, "500.00")
    document = build_board_pack(vetting.board, MEETING)  # a programme board
    tables = [
        block
        for section in document["sections"]
        for block in section["blocks"]
        if block["type"] == "table"
    ]
    slices = next(t for t in tables if "realised outside the plan" in t["caption"])
    rows = {(row[0], row[1]): row[2:] for row in slices["rows"]}
    assert rows[("Money (£)", "Not identified in the business case")] == ["£0.00", "£500.00"]
    outside = ("Money (£)", "Realised outside the plan (benefits with no planned profile)")
    assert rows[outside] == ["£0.00", "£500.00"]
    headline = next(t for t in tables if t["caption"].startswith("Money and hours planned"))
    labels = [column["label"] for column in headline["columns"]]
    money = next(row for row in headline["rows"] if row[0] == "Money (£)")
    assert money[labels.index("Of which outside the plan")] == "£500.00"


def test_the_pack_in_welsh_words_its_statuses_and_its_cut_in_welsh(vetting):
    w = vetting
    Meeting.objects.create(body=w.board, date=MEETING)
    save_highlight_report(w.initiative, OCTOBER, user=w.alice, progress="The backlog fell.")
    with translation.override("cy"):
        pack = build_board_pack(w.board, MEETING, marking="OFFICIAL")
        body = " ".join("\n".join(pdf_pages(render(pack, "pdf").content)).split())
    assert "Uchafbwynt (Hydref 2026): The backlog fell." in body  # what was typed stays
    assert "a gynlluniwyd hyd yma" in body  # the one-line status: realised of planned
    assert "Y toriad y mae’r" in body  # the cut the board uses
    for english in ("Highlight (", "planned to date", "The cut the", "never added together"):
        assert english not in body, english


def test_a_highlight_report_already_written_is_not_listed_as_due(vetting, pack):
    """October's report is written (the pack quotes it): it is not also 'due' in section 6,
    on the pack or on the meeting's agenda."""
    from realise.collaborations.models import Initiative
    from realise.governance.services import build_agenda

    Initiative.objects.filter(pk=vetting.initiative.pk).update(stage=4)  # implementation
    other = InitiativeFactory(collaboration=vetting.collab, name="Joint custody", stage=4)
    meeting = Meeting.objects.get(body=vetting.board, date=MEETING)
    assert [item.initiative for item in build_agenda(meeting).highlight_reports] == [other]
    again = str(build_board_pack(vetting.board, MEETING))
    assert "Highlight report of Joint custody" in again
    assert "Highlight report of Joint vetting" not in again


def test_the_over_time_chart_says_which_periods_its_cumulative_columns_count(pack):
    text = str(pack)
    assert re.search(
        r"planned and realised by financial quarter, \d{4}/\d{2} Q\d to \d{4}/\d{2} Q\d", text
    )
    assert "The cumulative columns count from " in text
