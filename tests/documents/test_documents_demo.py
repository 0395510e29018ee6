"""The demo: 7F Procurement's highlight reports for the last two months, and the Regional
PEQF procurement closed through the workflow with a real closure report."""

from realise.benefits.models import Benefit
from realise.benefits.realisation import add_months
from realise.collaborations.models import Initiative
from realise.documents.highlight import build_highlight
from realise.documents.models import ClosureRecord, HighlightReport
from realise.documents.views import last_month
from realise.knowledge.models import Document, Lesson
from realise.organisations.models import Person


def test_the_demo_has_highlight_reports_and_a_closed_initiative(demo_data, db):
    procurement = Initiative.objects.get(slug="7f-procurement")
    months = list(
        HighlightReport.objects.filter(initiative=procurement).values_list("month", flat=True)
    )
    assert sorted(months) == [add_months(last_month(), -1), last_month()]
    latest = HighlightReport.objects.get(initiative=procurement, month=last_month())
    assert "cost avoidance return" in latest.decisions_needed
    assert latest.author == Person.objects.get(user__username="programme")
    document = build_highlight(procurement, last_month())
    assert document["sections"][1]["blocks"][0]["text"] == latest.progress.split("\n\n")[0]

    peqf = Initiative.objects.get(slug="regional-peqf-procurement")
    assert peqf.status == "closed"
    record = ClosureRecord.objects.get(initiative=peqf)
    continuing = Benefit.objects.get(reference="PEQF-B04")
    assert continuing.status == "realising"
    assert continuing.owner.name == "Fiona Grant"
    assert [h.benefit for h in record.handovers.all()] == [continuing]
    assert Lesson.objects.filter(initiative=peqf, date=record.closed_on).count() == 2
    report = Document.objects.get(kind="closure_report", initiative=peqf)
    # What search holds of the report names no one (the file names the owner).
    assert "Regional PEQF procurement" in report.current_version.extracted_text
    assert "Fiona Grant" not in report.current_version.extracted_text
    assert record.review.due_on > record.closed_on
