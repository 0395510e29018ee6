"""The pages: the highlight report's narrative and downloads, the board pack download, and
the closure form with its error summary, working without JavaScript."""

import datetime

import pytest
from django.urls import reverse

from realise.collaborations.models import InitiativeStatus
from realise.documents.models import HighlightReport
from realise.governance.models import Meeting
from realise.organisations.services import name_person
from tests.documents.conftest import OCTOBER, docx_parts, pdf_pages, run_started_job


def highlight_url(w, month="2026-10"):
    return reverse("highlight-report", args=[w.initiative.slug]) + f"?month={month}"


def test_alice_writes_the_narrative_and_downloads_the_report(client, vetting):
    client.force_login(vetting.alice)
    page = client.get(highlight_url(vetting))
    assert page.status_code == 200
    assert "Highlight report, Oct 2026" in page.content.decode()
    response = client.post(
        highlight_url(vetting),
        {
            "progress": "The backlog fell by a fifth.",
            "issues": "",
            "decisions_needed": "Approve two more vetting officers.",
            "next_steps": "",
            "marking": "OFFICIAL-SENSITIVE",
        },
    )
    assert response.status_code == 302
    report = HighlightReport.objects.get(initiative=vetting.initiative, month=OCTOBER)
    assert report.decisions_needed == "Approve two more vetting officers."
    assert report.recorded_by == vetting.alice
    assert report.history.first().history_user == vetting.alice

    download = reverse("highlight-download", args=[vetting.initiative.slug, "2026-10"])
    word = run_started_job(client, client.get(download, {"format": "docx"}))
    assert word["Content-Disposition"] == (
        'attachment; filename="highlight-joint-vetting-2026-10.docx"'
    )
    body, headers, _footers, _doc = docx_parts(word.body)
    assert "Approve two more vetting officers." in body
    assert headers == ["OFFICIAL-SENSITIVE"]  # the marking saved with the narrative
    pdf = run_started_job(client, client.get(download, {"format": "pdf", "marking": "OFFICIAL"}))
    assert pdf["Content-Type"] == "application/pdf"
    assert "OFFICIAL-SENSITIVE" not in "".join(pdf_pages(pdf.body))


def test_a_force_lead_reads_but_may_not_write_the_narrative(client, vetting):
    client.force_login(vetting.bob)
    page = client.get(highlight_url(vetting))
    assert page.status_code == 200
    assert "Save the narrative" not in page.content.decode()
    assert client.post(highlight_url(vetting), {"progress": "x"}).status_code == 403


def test_outsiders_see_nothing(client, vetting):
    client.force_login(vetting.nora)  # Norfolk: the collaboration is private
    assert client.get(highlight_url(vetting)).status_code == 404
    download = reverse("highlight-download", args=[vetting.initiative.slug, "2026-10"])
    assert client.get(download).status_code == 404
    assert client.get(reverse("board-pack", args=[vetting.board.slug])).status_code == 404


def test_the_board_pack_downloads_from_the_body_and_meeting_pages(client, vetting):
    meeting = Meeting.objects.create(body=vetting.board, date=datetime.date(2026, 11, 30))
    client.force_login(vetting.dave)
    meeting_page = client.get(meeting.get_absolute_url()).content.decode()
    link = reverse("board-pack", args=[vetting.board.slug])
    assert f"{link}?date=2026-11-30&amp;format=docx&amp;marking=OFFICIAL" in meeting_page
    assert link in client.get(vetting.board.get_absolute_url()).content.decode()
    form = client.get(link)
    assert form.status_code == 200 and "Download the board pack" in form.content.decode()
    started = client.get(link, {"date": "2026-11-30", "format": "docx", "marking": "OFFICIAL"})
    pack = run_started_job(client, started)
    assert pack["Content-Disposition"].endswith('board-pack-ek-board-2026-11-30.docx"')
    body, *_rest = docx_parts(pack.body)
    assert "Contents" in body and "V-HOURS" in body
    wrong = client.get(link, {"date": "2026-11-31", "format": "docx"})
    assert wrong.status_code == 200 and "govuk-error-summary" in wrong.content.decode()


def test_the_initiative_page_links_to_the_reports_and_closure(client, vetting):
    client.force_login(vetting.alice)
    page = client.get(vetting.initiative.get_absolute_url()).content.decode()
    assert reverse("highlight-report", args=[vetting.initiative.slug]) in page
    assert reverse("initiative-close", args=[vetting.initiative.slug]) in page
    client.force_login(vetting.dave)
    page = client.get(vetting.initiative.get_absolute_url()).content.decode()
    assert reverse("initiative-close", args=[vetting.initiative.slug]) not in page


@pytest.fixture
def close_url(vetting):
    return reverse("initiative-close", args=[vetting.initiative.slug])


def management(total=2):
    return {
        "lessons-TOTAL_FORMS": str(total),
        "lessons-INITIAL_FORMS": "0",
        "lessons-MIN_NUM_FORMS": "2",
        "lessons-MAX_NUM_FORMS": "50",
    }


def test_the_closure_form_names_every_missing_item(client, vetting, close_url):
    client.force_login(vetting.alice)
    page = client.get(close_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Computed by the realisation engine to the end of last month" in html
    assert "V-MONEY Cheaper vetting checks" in html

    response = client.post(close_url, management())
    assert response.status_code == 400
    html = response.content.decode()
    assert "The initiative cannot be closed yet: 9 items missing or wrong" in html
    assert html.count("<title>Error: ") == 1 and "Error: Error:" not in html
    for message, anchor in [
        ("Confirm the level of benefits realised shown.", "#id_confirm_realised"),
        ("Add at least one lesson learned.", "#id_lessons-0-what_happened"),
        (
            "V-MONEY Cheaper vetting checks: name its owner in business as usual.",
            f"#id_handover-{vetting.money.pk}-bau_owner",
        ),
        (
            "V-HOURS Vetting officer hours released: say which measures continue.",
            f"#id_handover-{vetting.hours.pk}-continuing_measures",
        ),
        ("Give the date of the post-implementation review.", "#id_review_date"),
    ]:
        assert f'<a href="{anchor}">{message}</a>' in html, message
    vetting.initiative.refresh_from_db()
    assert vetting.initiative.status == InitiativeStatus.ACTIVE


def test_room_for_another_lesson_without_javascript(client, vetting, close_url):
    client.force_login(vetting.alice)
    data = {**management(), "lessons-0-what_happened": "Kept", "more_lessons": "1"}
    response = client.post(close_url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "Lesson 3" in html and "Kept" in html
    assert "govuk-error-summary" not in html


@pytest.mark.parametrize("count", ["two", "-1e30", "0001-01-01", "-3", "", "٣"])
def test_room_for_another_lesson_with_a_count_that_is_not_one(client, vetting, close_url, count):
    """A lesson count that is not a whole number counts as none: room for one lesson, no
    error, nothing closed."""
    client.force_login(vetting.alice)
    data = {**management(), "lessons-TOTAL_FORMS": count, "more_lessons": "1"}
    response = client.post(close_url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="lessons-TOTAL_FORMS" value="1"' in html
    assert "Lesson 1" in html and "Lesson 2" not in html
    vetting.initiative.refresh_from_db()
    assert vetting.initiative.status == InitiativeStatus.ACTIVE


def test_closing_with_a_lesson_count_that_is_not_one_is_a_form_error(client, vetting, close_url):
    client.force_login(vetting.alice)
    response = client.post(close_url, {**management(), "lessons-TOTAL_FORMS": "two"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    vetting.initiative.refresh_from_db()
    assert vetting.initiative.status == InitiativeStatus.ACTIVE


def test_closing_through_the_page(client, vetting, close_url):
    # Named by the programme team (on the people page), so theirs to choose.
    bau = name_person(name="Bea Usual", by=vetting.alice)
    data = {
        **management(),
        "confirm_realised": "on",
        "lessons-0-what_happened": "Two queues for a year.",
        "lessons-0-what_to_avoid": "Two queues.",
        "lessons-0-theme": "workforce",
        "review_date": "2027-05-01",
        "summary": "One service now.",
        "marking": "OFFICIAL",
    }
    for benefit in (vetting.money, vetting.hours, vetting.benefit):
        data[f"handover-{benefit.pk}-bau_owner"] = str(bau.pk)
        data[f"handover-{benefit.pk}-continuing_measures"] = "Monthly figure"
    client.force_login(vetting.bob)
    assert client.post(close_url, data).status_code == 403
    client.force_login(vetting.alice)
    response = client.post(close_url, data)
    closure = reverse("initiative-closure", args=[vetting.initiative.slug])
    assert response.status_code == 302 and response["Location"] == closure
    vetting.initiative.refresh_from_db()
    assert vetting.initiative.status == InitiativeStatus.CLOSED
    page = client.get(closure).content.decode()
    assert "Bea Usual" in page and "Monthly figure" in page
    assert client.get(close_url)["Location"] == closure  # closed: the form is gone
    report = client.get(reverse("closure-download", args=[vetting.initiative.slug]))
    assert report["Content-Type"] == "application/pdf"
    assert "Two queues for a year." in " ".join("".join(pdf_pages(report.content)).split())
    word = client.get(
        reverse("closure-download", args=[vetting.initiative.slug]), {"format": "docx"}
    )
    assert "Bea Usual" in docx_parts(word.content)[0]


def test_a_value_of_the_wrong_kind_is_named_by_its_field(client, vetting, close_url):
    client.force_login(vetting.alice)
    response = client.post(close_url, {**management(), "review_date": "2027-02-30"})
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        '<a href="#id_review_date">Date of the post-implementation review: Enter a valid date.</a>'
        in html
    )


def test_no_highlight_report_on_a_month_not_yet_ended(client, vetting, capsys, tmp_path):
    """This month's report would count its plan as due with nothing yet measured: the page,
    the download and the command say which month is the latest instead."""
    from django.utils import timezone

    from realise.cli import main

    this_month = timezone.localdate().strftime("%Y-%m")
    client.force_login(vetting.alice)
    page = client.get(highlight_url(vetting, this_month))
    assert page.status_code == 200
    assert (
        page.context["month_form"]
        .errors["month"][0]
        .startswith("A highlight report covers a month once it has ended: the latest is ")
    )
    html = page.content.decode()
    assert "<title>Error: Highlight report: Joint vetting" in html
    assert "Download the highlight report" not in html and "Save the narrative" not in html
    download = reverse("highlight-download", args=[vetting.initiative.slug, this_month])
    assert client.get(download).status_code == 404
    # A narrative sent for it is saved to no month at all (not to the latest one).
    saved = client.post(
        highlight_url(vetting, this_month), {"progress": "Early", "marking": "OFFICIAL"}
    )
    assert saved.status_code == 400
    assert not HighlightReport.objects.filter(initiative=vetting.initiative).exists()
    with pytest.raises(SystemExit) as exit:
        main(["realise", "report", "highlight", "--initiative", "joint-vetting",
              "--month", this_month, "--out", str(tmp_path / "never.pdf")])  # fmt: skip
    assert exit.value.code == 2
    assert "--month: A highlight report covers a month once it has ended" in capsys.readouterr().err
