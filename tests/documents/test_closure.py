"""Closing "Joint vetting": in one transaction the lessons join the lessons log, the
outstanding benefits move to their owners in business as usual and keep being tracked,
the initiative is closed, the post-implementation review is set and the closure report is
in the repository, searchable."""

import datetime
from decimal import Decimal

import pytest

from realise.benefits.realisation import RealisationFilter, benefit_rag, measure_summaries
from realise.benefits.services import record_measurement
from realise.collaborations.models import InitiativeStatus
from realise.documents.closure import benefits_realised, build_closure, realised_rows
from realise.documents.models import BenefitHandover, ClosureRecord
from realise.documents.render import render
from realise.documents.services import (
    ClosurePlan,
    ClosureRefused,
    HandoverInput,
    LessonInput,
    close_initiative,
)
from realise.governance.models import PostImplementationReview
from realise.knowledge.models import Document, Lesson, SearchEntry
from realise.knowledge.search import search
from tests.documents.conftest import benefit, docx_parts, pdf_pages
from tests.factories import BenefitFactory, PersonFactory, actual, member

TODAY = datetime.date(2026, 11, 15)


@pytest.fixture
def closed(vetting):
    w = vetting
    w.fay = member("fay", "Kent", "benefit_owner")
    w.bea = PersonFactory(name="Bea Usual", role_title="Head of vetting services", user=w.fay)
    w.ian = PersonFactory(name="Ian Ledger", role_title="Finance business partner")
    plan = ClosurePlan(
        lessons=[
            LessonInput(
                title="Merge the queues before the system",
                what_happened="Two forces kept separate vetting queues for a year.",
                what_to_avoid="Running two queues in parallel.",
                what_to_repeat="Weekly joint triage.",
                theme="workforce",
                recommendation="Merge queues at the start of implementation.",
            ),
            LessonInput(
                what_happened="The case system's licences were bought per force.",
                what_to_repeat="Buying licences once for both forces.",
                theme="procurement",
            ),
        ],
        handovers={
            w.money.pk: HandoverInput(
                bau_owner=w.bea, measurement_owner=w.ian, continuing_measures="Cost per check"
            ),
            w.hours.pk: HandoverInput(bau_owner=w.bea, continuing_measures="Hours released"),
            w.benefit.pk: HandoverInput(bau_owner=w.bea, continuing_measures="Backlog size"),
        },
        review_date=datetime.date(2027, 5, 1),
        realised_confirmed=True,
        summary="Vetting for Essex and Kent is now one service.",
        marking="OFFICIAL-SENSITIVE",
    )
    w.record = close_initiative(w.initiative, plan, user=w.alice, today=TODAY)
    return w


def test_the_initiative_is_closed_with_a_review_and_its_lessons_logged(closed):
    initiative = closed.initiative
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.CLOSED
    assert initiative.end_date == TODAY
    review = PostImplementationReview.objects.get(initiative=initiative)
    assert review.due_on == datetime.date(2027, 5, 1) and closed.record.review == review
    lessons = Lesson.objects.filter(initiative=initiative).order_by("pk")
    assert [lesson.title for lesson in lessons] == [
        "Merge the queues before the system",
        "The case system's licences were bought per force.",
    ]
    assert all(lesson.collaboration == closed.collab for lesson in lessons)
    assert {lesson.theme for lesson in lessons} == {"workforce", "procurement"}
    assert all(lesson.stage == 2 and lesson.date == TODAY for lesson in lessons)
    assert set(closed.record.lessons.all()) == set(lessons)
    assert lessons[0].history.first().history_user == closed.alice


def test_the_level_of_benefits_realised_is_kept_as_computed(closed):
    # 1 November to 15 November: to date is October. £6,250 of £7,000 to date, of £12,000.
    money = closed.record.realised["money"]
    assert money == {
        "planned_total": "12000.00",
        "planned_to_date": "7000.00",
        "actual_to_date": "6250.00",
        "outside_plan": "0.00",
        "percent_of_plan_to_date": "89.29",
        "percent_of_total": "52.08",
    }
    assert closed.record.realised["hours"]["actual_to_date"] == "40.00"


def test_the_share_of_the_whole_plan_is_like_for_like_too(vetting):
    """What a benefit with no plan realised (£500 in October) is kept apart, and neither
    percentage counts it: £6,250 of £7,000 to date and of £12,000 in total still."""
    found = BenefitFactory(
        initiative=vetting.initiative, reference="V-FOUND", identified_in_business_case=False
    )
    actual(found, datetime.date(2026, 10, 1), "500.00")
    money = benefits_realised(vetting.initiative, TODAY)["money"]
    assert money["actual_to_date"] == "6750.00" and money["outside_plan"] == "500.00"
    assert (money["percent_of_plan_to_date"], money["percent_of_total"]) == ("89.29", "52.08")
    assert realised_rows(benefits_realised(vetting.initiative, TODAY))[0] == [
        "Money (£)",
        "£12,000.00",
        "£7,000.00",
        "£6,750.00",
        "£500.00",
        "89.3%",
        "52.1%",
    ]
    # A closure kept before the part outside the plan was: its share of the whole plan
    # may have counted it, so it is not shown.
    kept = {
        "to_date": "2026-10",
        "money": {
            "planned_total": "12000.00",
            "planned_to_date": "7000.00",
            "actual_to_date": "6750.00",
            "percent_of_plan_to_date": "89.29",
            "percent_of_total": "56.25",
        },
    }
    assert realised_rows(kept)[0][4:] == ["–", "89.3%", "–"]


def test_the_closure_report_lists_shared_benefits_at_the_share_claimed(shared, closed):
    """Joint vetting claims 30% of VS-1 (another initiative's): its closure headline counts
    £2,100 of it to date, and the table of benefits lists it at that share, so the rows add
    up to the headline."""
    money = closed.record.realised["money"]
    assert (money["planned_to_date"], money["actual_to_date"]) == ("9100.00", "8350.00")
    document = build_closure(closed.record)
    table = next(
        block
        for section in document["sections"]
        for block in section["blocks"]
        if block["type"] == "table" and block["caption"] == "Each benefit at closure"
    )
    rows = {row[0]: row for row in table["rows"]}
    assert rows["VS-1"][1:] == [
        "Agency vetting avoided (a benefit of Vetting system: this initiative claims 30%, "
        "the figures shown)",
        "Realising",
        "£2,100.00",
        "£2,100.00",
        "Green",
        "Tracked by its own initiative",
    ]
    pounds = [row for row in table["rows"] if row[3].startswith("£")]
    assert sum(Decimal(row[3][1:].replace(",", "")) for row in pounds) == Decimal("9100.00")
    assert sum(Decimal(row[4][1:].replace(",", "")) for row in pounds) == Decimal("8350.00")
    body, *_rest = docx_parts(render(document, "docx").content)
    assert "this initiative claims 30%" in body and "£2,100.00" in body


def test_outstanding_benefits_have_bau_owners_and_keep_being_tracked(closed):
    money, hours = benefit("V-MONEY"), benefit("V-HOURS")
    assert (money.owner, money.measurement_owner) == (closed.bea, closed.ian)
    assert (hours.owner, hours.measurement_owner) == (closed.bea, closed.bea)
    assert money.status == hours.status == benefit("V-BACKLOG").status == "realising"
    handover = BenefitHandover.objects.get(benefit=money)
    assert handover.previous_owner == closed.erin_person
    assert handover.previous_measurement_owner == closed.mo
    assert handover.continuing_measures == "Cost per check"
    assert BenefitHandover.objects.filter(closure=closed.record).count() == 3
    assert money.history.first().history_user == closed.alice

    # Fay (Bea in business as usual) records November's hours after closure ...
    record_measurement(
        hours,
        datetime.date(2026, 11, 1),
        user=closed.fay,
        value=Decimal("12"),
        evidence_note="Timesheets",
    )
    # ... and the engine counts them: 40 + 12 hours realised to the end of November.
    filters = RealisationFilter(initiative=closed.initiative)
    summary = measure_summaries(filters, today=datetime.date(2026, 12, 1), include_trend=False)
    assert summary["hours"].actual_to_date == Decimal("52.00")
    rows = {row.reference: row for row in benefit_rag(filters, today=datetime.date(2026, 12, 1))}
    assert rows["V-HOURS"].actual == Decimal("52.00")


def test_the_closure_report_is_a_searchable_document_in_the_repository(closed):
    document = Document.objects.get(kind="closure_report", initiative=closed.initiative)
    assert closed.record.document == document
    assert document.visibility == "private"  # OFFICIAL-SENSITIVE
    version = document.current_version
    assert version.file_type == "pdf" and version.original_name == "closure-joint-vetting.pdf"
    with version.file.open("rb") as handle:
        pages = pdf_pages(handle.read())
    text = " ".join("\n".join(pages).split())
    for expected in (
        "Project closure report",
        "Joint vetting",
        "Vetting for Essex and Kent is now one service.",
        "£6,250.00",
        "52.1%",
        "Bea Usual, Head of vetting services",
        "Ian Ledger, Finance business partner",
        "Cost per check",
        "Merge the queues before the system",
        "Running two queues in parallel.",
        "1 May 2027",
    ):
        assert expected in text, expected
    assert all(page.count("OFFICIAL-SENSITIVE") >= 2 for page in pages)
    # Search holds the words of the copy that names no one: the document may be published.
    assert "Cost per check" in version.extracted_text
    assert "Bea Usual" not in version.extracted_text
    assert SearchEntry.objects.filter(kind="document", object_id=document.pk).exists()
    hits = search("Cost per check", user=closed.alice)[:20]
    assert any(hit.type == "document" and hit.id == document.pk for hit in hits)


def test_an_initiative_is_closed_only_once(closed):
    closed.initiative.refresh_from_db()
    with pytest.raises(ClosureRefused) as refused:
        close_initiative(closed.initiative, ClosurePlan(), user=closed.alice, today=TODAY)
    assert "Joint vetting is already closed." in str(refused.value)
    assert ClosureRecord.objects.count() == 1


def test_bau_measurement_owners_are_reminded_of_overdue_actuals(closed):
    from realise.governance.reminders import overdue_measurements

    # On 15 December, the actuals of August to October are overdue (30 days' grace).
    reminders = {
        reminder.subject: reminder for reminder in overdue_measurements(datetime.date(2026, 12, 15))
    }
    hours = reminders["Actuals overdue: V-HOURS Vetting officer hours released"]
    assert hours.people == [closed.bea]


def test_reports_stored_before_are_no_longer_searched_by_the_names_they_hold(closed):
    """Migration documents.0005: the search text a closure report was stored with, when it
    was the named file's, is dropped (title and description stay searchable)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "realise.documents.migrations.0005_closure_reports_searched_without_names"
    )
    document = Document.objects.get(kind="closure_report", initiative=closed.initiative)
    version = document.current_version
    version.extracted_text = "Owner in business as usual: Bea Usual, Head of vetting services"
    version.save()
    SearchEntry.objects.filter(kind="document", object_id=document.pk).update(
        body=f"{document.description}\n{version.extracted_text}"
    )
    assert any(h.id == document.pk for h in search("Bea Usual", user=closed.alice)[:20])

    migration.forget_named_text(apps, None)

    version.refresh_from_db()
    assert version.extracted_text == ""
    entry = SearchEntry.objects.get(kind="document", object_id=document.pk)
    assert entry.body == document.description
    assert not any(h.id == document.pk for h in search("Bea Usual", user=closed.alice)[:20])
    assert any(h.id == document.pk for h in search("Joint vetting", user=closed.alice)[:20])
