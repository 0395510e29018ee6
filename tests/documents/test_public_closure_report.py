"""A closure report published with its collaboration (the collaboration and the report's
document both public) may be downloaded by any visitor from the repository. The file
produced at closure names the senior responsible officer, whoever closed the initiative and
the owners of the benefits handed over; a visitor who is not signed in gets a copy that
names no one, as the public pages do, and signed-in readers keep the file that names them.
The two copies are never mixed up, whoever asks first."""

import datetime

import pytest

from realise.benefits.models import Measurement
from realise.benefits.services import return_measurement, verify_measurement
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


# The figures a visitor reads ------------------------------------------------------------------
# The public pages count verified actuals only (`knowledge.published.VERIFIED_ONLY`); a
# visitor's copy of the closure report counts them the same way, and a signed-in reader's
# copy keeps the figures signed off at closure, every actual counted.
VERIFIED_ONLY = (
    "Published figures count verified actuals only: each checked by someone other than "
    "whoever recorded it. Actuals awaiting verification are left out until they are verified."
)


@pytest.fixture
def checked(published):
    """Alice verifies V-MONEY's and V-HOURS's actuals after closure, but for two of
    V-MONEY's: September's £900 still awaits verification, and Kent's £450 of October is
    returned to whoever recorded it. Verified money to date (to the end of October):
    April to August 5 x £900 = £4,500, plus Essex's £400 of October: £4,900 (of £6,250
    recorded); every hour (40) is verified."""
    w = published
    september = Measurement.objects.get(benefit=w.money, period=datetime.date(2026, 9, 1))
    kent = Measurement.objects.get(benefit=w.money, force__name="Kent")
    for measurement in Measurement.objects.filter(benefit__in=(w.money, w.hours)).exclude(
        pk__in=(september.pk, kent.pk)
    ):
        verify_measurement(measurement, user=w.alice)
    return_measurement(kent, user=w.alice, reason="The Kent ledger extract is missing.")
    return w


def test_a_visitor_reads_verified_actuals_only_in_the_report(client, checked):
    text = downloaded_pdf(client, checked.download)
    assert VERIFIED_ONLY in text
    # Benefits realised to the end of October: £12,000 planned in all, £7,000 to date,
    # £4,900 verified; the benefit's row and the chart's financial year 2026/27 alike.
    assert "Money (£) £12,000.00 £7,000.00 £4,900.00" in text
    assert "V-MONEY Cheaper vetting checks Realising £7,000.00 £4,900.00" in text
    assert "2026/27 £12,000.00 £4,900.00 £12,000.00 £4,900.00" in text
    # Nothing counts the actual awaiting verification or the one returned: not the
    # £6,250 recorded, nor £6,250 less either (£5,350 or £5,800); nor a share of the plan
    # or a RAG rating worked out from every actual (89.3% of plan to date: amber).
    for figure in ("£6,250.00", "£5,350.00", "£5,800.00", "89.3%", "52.1%", "Amber"):
        assert figure not in text, figure
    # Hours: all 40 verified, of 70 planned to date and 120 in all.
    assert "Hours 120 hours 70 hours 40 hours" in text


def test_a_signed_in_reader_keeps_the_figures_signed_off_at_closure(client, checked):
    client.force_login(checked.nora)
    text = downloaded_pdf(client, checked.download)
    assert VERIFIED_ONLY not in text
    assert "Money (£) £12,000.00 £7,000.00 £6,250.00 £0.00 89.3% 52.1%" in text
    assert "V-MONEY Cheaper vetting checks Realising £7,000.00 £6,250.00 Amber" in text
    assert "£4,900.00" not in text
    # Built again for a signed-in reader (another marking, or Word), the same figures.
    rebuilt = flat(" ".join(pdf_pages(render(build_closure(checked.record), PDF).content)))
    assert "£6,250.00" in rebuilt and "£4,900.00" not in rebuilt and "Amber" in rebuilt


def test_the_visitors_copy_follows_verification_after_closure(client, checked):
    """An actual verified after the visitor's copy was built counts in the next one."""
    assert "£4,900.00" in downloaded_pdf(client, checked.download)
    september = Measurement.objects.get(benefit=checked.money, period=datetime.date(2026, 9, 1))
    verify_measurement(september, user=checked.alice)
    text = downloaded_pdf(client, checked.download)
    assert "Money (£) £12,000.00 £7,000.00 £5,800.00" in text
