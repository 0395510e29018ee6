"""The Essex–Kent world with a worked example for documents.

"Joint vetting" (stage 2, in the private Essex and Kent collaboration) has three benefits:

* V-MONEY (1a, pounds, owner Erin Owner, measured by Mo Measurer): £1,000 planned each
  month from April 2026 to March 2027; £900 realised each month April to September 2026
  (for the whole collaboration) and in October £400 by Essex plus £450 by Kent.
  At the end of October 2026: planned in the month £1,000, realised £850; to date
  planned £7,000, realised 6 x £900 + £850 = £6,250 (89.29%: amber, at least 80% but
  under 95%); forecast £6,250 + 5 x £1,000 = £11,250; planned in total £12,000.
* V-HOURS (1b, hours, measured by Hal Hours): 10 hours planned each month April 2026 to
  March 2027; 10 realised April to July only. At the end of October: 70 planned to date,
  40 realised (57.14%: red). On 1 November, with 30 days' grace, August and September are
  overdue (2 months, the first August 2026); October is not yet.
* the world's "Reduced vetting backlog" (1a, no plan): not rated.
"""

import datetime
import io
from decimal import Decimal

import pytest

from realise.benefits.models import Benefit
from tests.factories import BenefitFactory, InitiativeFactory, PersonFactory, actual, force, plan

OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Stored documents go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def vetting(world):
    w = world
    w.mo = PersonFactory(name="Mo Measurer", role_title="Vetting analyst")
    w.hal = PersonFactory(name="Hal Hours", role_title="Performance officer")
    w.money = BenefitFactory(
        initiative=w.initiative,
        reference="V-MONEY",
        title="Cheaper vetting checks",
        owner=w.erin_person,
        measurement_owner=w.mo,
        status="realising",
    )
    w.hours = BenefitFactory(
        initiative=w.initiative,
        reference="V-HOURS",
        title="Vetting officer hours released",
        subcategory="1b",
        unit="hours",
        direction="increase",
        measure="Hours released",
        baseline_value=Decimal("0"),
        target_value=Decimal("120"),
        owner=w.erin_person,
        measurement_owner=w.hal,
        status="realising",
    )
    start = datetime.date(2026, 4, 1)
    plan(w.money, start, ["1000.00"] * 12)
    plan(w.hours, start, ["10"] * 12)
    for month in range(4, 10):
        actual(w.money, datetime.date(2026, month, 1), "900.00")
    actual(w.money, OCTOBER, "400.00", force("Essex"))
    actual(w.money, OCTOBER, "450.00", force("Kent"))
    for month in range(4, 8):
        actual(w.hours, datetime.date(2026, month, 1), "10")
    w.benefit.reference = "V-BACKLOG"
    w.benefit.save()
    return w


@pytest.fixture
def shared(vetting):
    """VS-1, a saving of another initiative ("Vetting system", same collaboration) of which
    Joint vetting claims 30% (the rest 70%): £1,000 planned each month April 2026 to March
    2027, £1,000 realised each month April to October 2026. At the end of October, Joint
    vetting counts 30%: £2,100 planned and realised to date, £300 in October, £3,600
    forecast, £3,600 planned in total."""
    from realise.benefits.models import Attribution

    other = InitiativeFactory(collaboration=vetting.collab, name="Vetting system", slug="vs")
    benefit = BenefitFactory(
        initiative=other, reference="VS-1", title="Agency vetting avoided", status="realising"
    )
    plan(benefit, datetime.date(2026, 4, 1), ["1000.00"] * 12)
    for month in range(4, 11):
        actual(benefit, datetime.date(2026, month, 1), "1000.00")
    Attribution.objects.create(benefit=benefit, initiative=other, percent=Decimal("70"))
    Attribution.objects.create(
        benefit=benefit, initiative=vetting.initiative, percent=Decimal("30")
    )
    vetting.shared, vetting.shared_initiative = benefit, other
    return benefit


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page of a PDF."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def docx_parts(content: bytes):
    """(body text, header texts, footer texts, document) of a Word file: the body text has
    every paragraph and every table cell, one per line."""
    import docx

    document = docx.Document(io.BytesIO(content))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    headers = [
        "\n".join(p.text for p in section.header.paragraphs) for section in document.sections
    ]
    footers = [
        "\n".join(p.text for p in section.footer.paragraphs) for section in document.sections
    ]
    return "\n".join(lines), headers, footers, document


def benefit(reference: str) -> Benefit:
    return Benefit.objects.get(reference=reference)


def run_started_job(client, response):
    """Follow a page that starts a background document (it redirects at once to the job's
    progress page), build the document as the worker would, and download it."""
    from django.urls import resolve

    from realise.documents.jobs import run_job

    assert response.status_code == 302, response
    match = resolve(response.url)
    assert match.url_name == "document-job"
    job = run_job(match.kwargs["pk"])
    assert job.status == "done", job.error
    downloaded = client.get(reverse_download(job.pk))
    assert downloaded.status_code == 200
    downloaded.body = b"".join(downloaded.streaming_content)
    return downloaded


def reverse_download(pk: int) -> str:
    from django.urls import reverse

    return reverse("document-job-download", args=[pk])
