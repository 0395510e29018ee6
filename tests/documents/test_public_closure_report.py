"""A closure report published with its collaboration (the collaboration and the report's
document both public) may be downloaded by any visitor from the repository. The file
produced at closure names the senior responsible officer, whoever closed the initiative and
the owners of the benefits handed over; a visitor who is not signed in gets a copy that
names no one, as the public pages do, and signed-in readers keep the file that names them.
The two copies are never mixed up, whoever asks first."""

import datetime

import pytest

from realise.documents.closure import build_closure
from realise.documents.render import DOCX, PDF, render
from realise.documents.services import ClosurePlan, HandoverInput, LessonInput, close_initiative
from realise.knowledge.services import update_document
from tests.documents.conftest import docx_parts, pdf_pages
from tests.factories import PersonFactory

TODAY = datetime.date(2026, 11, 15)
SRO, CLOSER, BAU, FINANCE = "Sam Senior", "Alice Closer", "Bea Usual", "Ian Ledger"
# Everyone the report produced at closure names (Erin Owner owned the benefits before).
NAMES = (SRO, CLOSER, BAU, FINANCE, "Erin Owner")
# What the report says whoever reads it.
CONTENT = ("Project closure report", "Joint vetting", "Cost per check", "now one service")


@pytest.fixture
def published(vetting):
    """Joint vetting, of a public collaboration, closed by Alice Closer (OFFICIAL) with its
    closure report then published in the repository."""
    w = vetting
    w.collab.visibility = "public"
    w.collab.save()
    w.initiative.sro = PersonFactory(name=SRO, role_title="Deputy Chief Constable")
    w.initiative.save()
    w.alice.first_name, w.alice.last_name = "Alice", "Closer"
    w.alice.save()
    bea = PersonFactory(name=BAU, role_title="Head of vetting services")
    ian = PersonFactory(name=FINANCE, role_title="Finance business partner")
    plan = ClosurePlan(
        lessons=[
            LessonInput(
                title="Merge the queues before the system",
                what_happened="Two forces kept separate vetting queues for a year.",
                what_to_avoid="Running two queues in parallel.",
                theme="workforce",
            )
        ],
        handovers={
            w.money.pk: HandoverInput(
                bau_owner=bea, measurement_owner=ian, continuing_measures="Cost per check"
            ),
            w.hours.pk: HandoverInput(bau_owner=bea, continuing_measures="Hours released"),
            w.benefit.pk: HandoverInput(bau_owner=bea, continuing_measures="Backlog size"),
        },
        review_date=datetime.date(2027, 5, 1),
        realised_confirmed=True,
        summary="Vetting for Essex and Kent is now one service.",
        marking="OFFICIAL",
    )
    w.record = close_initiative(w.initiative, plan, user=w.alice, today=TODAY)
    w.document = update_document(w.record.document, user=w.alice, visibility="public")
    w.download = f"/repository/documents/{w.document.pk}/versions/1/download/"
    return w


def flat(text: str) -> str:
    return " ".join(text.split())


def downloaded_pdf(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response
    assert response["Content-Type"] == "application/pdf"
    return flat(" ".join(pdf_pages(b"".join(response.streaming_content))))


def test_the_published_report_is_listed_for_a_visitor(client, published):
    page = client.get("/public/collaborations/ek/").content.decode()
    assert f"/repository/documents/{published.document.pk}/" in page


def test_a_visitor_downloads_a_report_that_names_no_one(client, published):
    text = downloaded_pdf(client, published.download)
    for expected in CONTENT:
        assert expected in text, expected
    for name in NAMES:
        assert name not in text, name
    for heading in ("Senior responsible officer", "Closed by", "Owner in business as usual"):
        assert heading not in text, heading


def test_signed_in_readers_keep_the_report_that_names_the_people(client, published):
    client.force_login(published.nora)
    text = downloaded_pdf(client, published.download)
    for expected in (*CONTENT, *NAMES):
        assert expected in text, expected
    # The initiative's own download names them too, in PDF and in Word.
    closure = "/initiatives/joint-vetting/closure/download/"
    response = client.get(closure)
    assert response.status_code == 200
    text = flat(" ".join(pdf_pages(response.content)))
    assert all(name in text for name in NAMES)
    body, *_rest = docx_parts(client.get(closure, {"format": "docx"}).content)
    assert all(name in body for name in NAMES)


def test_the_visitor_and_the_reader_never_get_each_others_copy(client, published):
    """Whichever is asked for first, each gets their own: a visitor, then a reader, then a
    visitor again, then the reader signed out."""
    assert SRO not in downloaded_pdf(client, published.download)
    client.force_login(published.nora)
    assert SRO in downloaded_pdf(client, published.download)
    assert SRO in downloaded_pdf(client, published.download)
    client.logout()
    assert SRO not in downloaded_pdf(client, published.download)


def test_the_initiative_closure_pages_stay_for_signed_in_readers(client, published):
    for address in (
        "/initiatives/joint-vetting/closure/",
        "/initiatives/joint-vetting/closure/download/",
    ):
        response = client.get(address)
        assert response.status_code == 302 and "/accounts/login/" in response.url, address


@pytest.mark.parametrize("fmt", [PDF, DOCX])
def test_the_report_built_for_the_public_names_no_one(published, fmt):
    rendered = render(build_closure(published.record, people=False), fmt)
    if fmt == PDF:
        text = flat(" ".join(pdf_pages(rendered.content)))
    else:
        text, *_rest = docx_parts(rendered.content)
    assert "Cost per check" in text
    for name in NAMES:
        assert name not in text, name


def test_a_visitor_cannot_find_the_report_by_the_names_it_holds(client, published):
    """The search index holds the public copy's words: a visitor finds the report by what
    it says, never by a person it names to signed-in readers."""
    found = client.get("/search/", {"q": "vetting"}).content.decode()
    assert f"/repository/documents/{published.document.pk}/" in found
    for name in ("Senior", "Ledger", "Closer", "Bea"):
        page = client.get("/search/", {"q": name}).content.decode()
        assert f"/repository/documents/{published.document.pk}/" not in page, name
        assert name not in page.split('id="main-content"')[-1].split("</form>")[-1], name


def test_the_visitors_copy_is_built_once_for_many_downloads(client, published, monkeypatch):
    from realise.documents import closure

    assert SRO not in downloaded_pdf(client, published.download)
    builds = []
    monkeypatch.setattr(closure, "build_closure", lambda *a, **k: builds.append(1))
    assert SRO not in downloaded_pdf(client, published.download)
    assert builds == []
