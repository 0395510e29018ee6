"""Home: my work. Each item appears for the right person, links to where it is done, and
disappears once it is done; someone with nothing to do is told so."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from realise.benefits.models import Measurement
from realise.collaborations.models import Agreement, Stage
from realise.documents.models import HighlightReport
from realise.governance.models import (
    Action,
    BodyMember,
    Decision,
    Notification,
    PostImplementationReview,
)
from realise.governance.services import first_working_day
from realise.organisations.models import Person
from realise.reports.worklist import work_count, worklist_for
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    InitiativeFactory,
    member,
    plan,
    share,
)


def kinds(user):
    return [item.kind for item in worklist_for(user, timezone.localdate()).items]


def home(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response


@pytest.fixture
def overdue(world):
    """Erin measures the vetting benefit; three months ago is planned and not measured."""
    world.benefit.measurement_owner = world.erin_person
    world.benefit.save()
    today = timezone.localdate()
    month = (today.replace(day=1) - datetime.timedelta(days=80)).replace(day=1)
    plan(world.benefit, month, ["100"])
    return month


def test_someone_with_nothing_to_do_is_told_so(client, world):
    page = home(client, world.dave).content.decode()
    assert 'id="nothing-to-do"' in page
    assert 'id="work-count"' not in page


def test_overdue_actuals_go_to_the_measurement_owner_until_recorded(client, world, overdue):
    assert kinds(world.erin) == ["actuals-overdue"]
    page = home(client, world.erin).content.decode()
    assert f"Actuals overdue: {world.benefit.reference}" in page
    assert f'href="/actuals/month/?month={overdue.month}&amp;year={overdue.year}"' in page
    assert 'id="work-count">1<' in page
    assert "Overdue since" in page

    Measurement.objects.create(
        benefit=world.benefit, period=overdue, value=Decimal("90"), entered_by=world.erin
    )
    assert "actuals-overdue" not in kinds(world.erin)


def test_a_force_lead_sees_their_forces_lines_and_not_another_forces(world, overdue):
    assert "actuals-overdue" in kinds(world.bob)  # Essex is a member
    assert "actuals-overdue" not in kinds(world.nora)  # Norfolk is not
    Measurement.objects.create(
        benefit=world.benefit,
        period=overdue,
        force=world.benefit.initiative.collaboration.shares.get(force__name="Kent").force,
        value=Decimal("40"),
    )
    assert "actuals-overdue" in kinds(world.bob)  # Kent's line is not Essex's
    assert "actuals-overdue" not in kinds(world.carol)


def test_actuals_wait_for_someone_else_to_verify_them(world, overdue):
    actual = Measurement.objects.create(
        benefit=world.benefit, period=overdue, value=Decimal("90"), entered_by=world.alice
    )
    assert "verify" in kinds(world.erin)  # the measurement owner
    assert "verify" not in kinds(world.alice)  # entered it: never verifies it
    actual.verified_at, actual.verified_by = timezone.now(), world.erin
    actual.save()
    assert "verify" not in kinds(world.erin)


def test_actions_are_listed_for_their_owner_until_done(world):
    decision = Decision.objects.create(
        body=world.board, decided_on=timezone.localdate(), text="Tender"
    )
    action = Action.objects.create(
        decision=decision,
        text="Draft the tender",
        owner=world.erin_person,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    items = worklist_for(world.erin, timezone.localdate()).items
    assert [(i.kind, i.overdue) for i in items] == [("action", True)]
    action.done = True
    action.save()
    assert kinds(world.erin) == []


def test_stage_gates_wait_for_the_members_of_the_deciding_body(world):
    world.board.decides_stages = [3]
    world.board.save()
    dave = Person.objects.create(name="Dave Viewer", user=world.dave)
    BodyMember.objects.create(body=world.board, person=dave)
    assert "gate" in kinds(world.dave)  # the initiative stands at stage 2
    world.initiative.stage = 3
    world.initiative.save()
    assert "gate" not in kinds(world.dave)


def test_highlight_reports_are_due_from_the_programme_team_until_written(world):
    """The documents app adds these to the list (it sits above reports)."""
    world.initiative.stage = Stage.IMPLEMENTATION
    world.initiative.save()
    today = datetime.date(2026, 11, 16)

    def due(user, day=today):
        return [
            (item.title, item.url, item.due)
            for item in worklist_for(user, day).items
            if item.kind == "highlight-report"
        ]

    assert due(world.alice) == [
        (
            "Highlight report: Joint vetting, Oct 2026",
            reverse("highlight-report", args=["joint-vetting"]),
            first_working_day(2026, 11),
        )
    ]
    assert due(world.alice, datetime.date(2026, 11, 1)) == []  # a Sunday: not yet due
    assert due(world.erin) == []
    HighlightReport.objects.create(initiative=world.initiative, month=datetime.date(2026, 10, 1))
    assert due(world.alice) == []


def test_unread_notifications_come_last(world, overdue):
    Notification.objects.create(user=world.erin, text="Hello")
    assert kinds(world.erin) == ["actuals-overdue", "notifications"]
    Notification.objects.filter(user=world.erin).update(read=True)
    assert kinds(world.erin) == ["actuals-overdue"]


def test_administrators_also_see_a_summary_of_their_scope(client, world, overdue):
    admin = member("ada", "Essex", "administrator")
    page = home(client, admin).content.decode()
    assert 'id="scope-summary"' in page
    assert "Benefits with actuals overdue" in page
    # The navigation's count is the same list without the summary, which it never shows.
    today = timezone.localdate()
    assert worklist_for(admin, today).summary
    assert worklist_for(admin, today, summary=False).summary == []
    assert work_count(admin, today) == worklist_for(admin, today).count


def test_readers_are_not_offered_actions_they_cannot_take(client, world):
    client.force_login(world.dave)
    register = client.get("/register/").content.decode()
    assert "Import a workbook" not in register and "Import your own register" not in register
    assert "Record this month's actuals" not in client.get("/").content.decode()
    client.force_login(world.bob)
    assert "Import a workbook" in client.get("/register/").content.decode()
    assert "Record this month's actuals" in client.get("/").content.decode()


def test_a_force_lead_named_within_a_collaboration_has_its_lines_there_only(client, world, overdue):
    """`realise grant --role force-lead --force essex --collaboration ek`: Essex's lines in
    that collaboration are theirs to record, and not those of another collaboration."""
    other = CollaborationFactory(name="Eastern Region Procurement", slug="erp")
    share(other, "Essex", "50")
    share(other, "Norfolk", "50")
    elsewhere = BenefitFactory(
        initiative=InitiativeFactory(collaboration=other, name="Joint tenders"),
        title="Tender costs avoided",
    )
    plan(elsewhere, overdue, ["50"])
    fay = member("fay", "Essex", "force_lead", world.collab)

    items = worklist_for(fay, timezone.localdate()).items
    assert [(i.kind, i.title) for i in items] == [
        ("actuals-overdue", f"Actuals overdue: {world.benefit.reference} {world.benefit.title}")
    ]
    assert items[0].detail.endswith("for your force")
    assert "Record this month's actuals" in home(client, fay).content.decode()

    essex = world.collab.shares.get(force__name="Essex").force
    Measurement.objects.create(benefit=world.benefit, period=overdue, force=essex, value=40)
    assert kinds(fay) == []


def test_agreement_reviews_link_to_the_agreement_and_end_with_it(client, world):
    """The item opens the agreement, where the review is recorded; an agreement terminated
    at its review is reviewed no more, in the list or in the summary's count."""
    today = timezone.localdate()
    live, _ended = (
        Agreement.objects.create(
            collaboration=world.collab,
            title=title,
            signed_on=today - datetime.timedelta(days=400),
            review_due=today - datetime.timedelta(days=5),
            terminated_on=terminated_on,
        )
        for title, terminated_on in (("EK s22A", None), ("Old EK s22A", today))
    )
    items = [
        (item.title, item.url)
        for item in worklist_for(world.alice, today).items
        if item.kind == "agreement-review"
    ]
    assert items == [("Agreement review: EK s22A", live.get_absolute_url())]
    client.force_login(world.alice)
    assert "Record a review" in client.get(live.get_absolute_url()).content.decode()

    admin = member("ada", "Essex", "administrator")
    summary = {label: count for label, count, _ in worklist_for(admin, today).summary}
    assert summary["Agreement reviews overdue"] == 1


def test_a_post_implementation_review_is_recorded_where_its_item_leads(client, world):
    """The item opens the review's own page, where the programme team or the initiative's
    SRO records it as carried out; then it is no longer due anywhere."""
    today = timezone.localdate()
    world.initiative.sro = world.erin_person
    world.initiative.save()
    review = PostImplementationReview.objects.create(
        initiative=world.initiative, due_on=today + datetime.timedelta(days=10)
    )
    for person in (world.alice, world.erin):
        items = worklist_for(person, today).items
        assert [i.url for i in items if i.kind == "post-implementation-review"] == [
            review.get_absolute_url()
        ]
    client.force_login(world.dave)  # a reader sees the initiative, may not record its review
    assert client.get(review.get_absolute_url()).status_code == 403
    client.force_login(world.nora)  # Norfolk is no member of the private collaboration
    assert client.get(review.get_absolute_url()).status_code == 404

    client.force_login(world.erin)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Record the review" in page
    tomorrow = today + datetime.timedelta(days=1)
    response = client.post(review.get_absolute_url(), {"completed_on": tomorrow, "notes": "x"})
    assert "The date carried out cannot be in the future." in response.content.decode()
    response = client.post(
        review.get_absolute_url(), {"completed_on": today, "notes": "Savings sustained."}
    )
    assert response.status_code == 302
    assert response["Location"] == world.initiative.get_absolute_url()
    review.refresh_from_db()
    assert (review.completed_on, review.notes) == (today, "Savings sustained.")
    assert "post-implementation-review" not in kinds(world.alice)
    assert "post-implementation-review" not in kinds(world.erin)


def test_a_highlight_report_falls_due_on_the_first_working_day_after_a_bank_holiday(world):
    """1 January 2027 is a Friday and New Year's Day: December's report is due on Monday
    4 January, and not listed before it."""
    world.initiative.stage = Stage.IMPLEMENTATION
    world.initiative.save()

    def due(day):
        return [i.due for i in worklist_for(world.alice, day).items if i.kind == "highlight-report"]

    assert first_working_day(2027, 1) == datetime.date(2027, 1, 4)
    assert due(datetime.date(2027, 1, 1)) == []
    assert due(datetime.date(2027, 1, 4)) == [datetime.date(2027, 1, 4)]
    assert first_working_day(2027, 5) == datetime.date(2027, 5, 4)  # Monday 3 May: May Day


def test_the_home_page_offers_to_add_a_collaboration_to_those_who_may(client, world):
    """A new alliance's first step, from the page every user lands on."""
    for user, offered in ((world.dave, False), (world.alice, True)):
        client.force_login(user)
        page = client.get("/").content.decode()
        assert ('href="/collaborations/new/"' in page) is offered, user
