"""A meeting's agenda is built from what is due for its body."""

import datetime

import pytest

from realise.collaborations.models import Agreement
from realise.governance.models import Action, Decision, Meeting, PostImplementationReview
from realise.governance.services import build_agenda
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    GovernanceBodyFactory,
    InitiativeFactory,
    actual,
    plan,
)
from tests.governance.makers import alliance_over_private

D = datetime.date


@pytest.fixture
def summit(world):
    summit = GovernanceBodyFactory(
        collaboration=world.collab,
        name="EK Summit",
        slug="ek-summit",
        body_type="summit",
        cadence="quarterly",
        decides_stages=[3],
    )
    summit.march = Meeting.objects.create(body=summit, date=D(2026, 3, 10))
    summit.june = Meeting.objects.create(body=summit, date=D(2026, 6, 10))
    return summit


def months(start, count):
    out, year, month = [], start.year, start.month
    for _ in range(count):
        out.append(D(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def test_initiatives_waiting_for_a_gate_this_body_decides(world, summit):
    nested = CollaborationFactory(name="EK Cyber", slug="ek-cyber", parent=world.collab)
    cyber = InitiativeFactory(collaboration=nested, name="Cyber hub", stage=2)
    InitiativeFactory(collaboration=world.collab, name="Too early", stage=1)
    InitiativeFactory(collaboration=world.collab, name="On hold", stage=2, status="on_hold")
    InitiativeFactory(name="Another collaboration's", stage=2)

    agenda = build_agenda(summit.march)

    assert [(i.initiative.name, i.to_stage) for i in agenda.stage_gates] == [
        ("Cyber hub", 3),  # nested collaborations are in the summit's remit
        ("Joint vetting", 3),
    ]
    gates = {i.initiative.name: i.gate for i in agenda.stage_gates}
    assert gates["Joint vetting"].passes  # its one benefit meets the FBC standard
    assert "no benefits" in gates["Cyber hub"].problems[0]
    assert cyber.stage == 2


def test_benefits_off_track_are_those_below_the_amber_share_of_plan(world, summit):
    # Plan 1,000 a month from January 2025. To the end of February 2026 (14 months):
    # plan 14,000; 600 a month is 8,400 (60%, off track); 950 a month is 13,300 (95%).
    behind = world.benefit
    on_plan = BenefitFactory(initiative=world.initiative, title="Overtime saved")
    for benefit, monthly in ((behind, "600"), (on_plan, "950")):
        plan(benefit, D(2025, 1, 1), ["1000"] * 24)
        for month in months(D(2025, 1, 1), 14):
            actual(benefit, month, monthly)

    agenda = build_agenda(summit.march)

    assert [b.title for b in agenda.off_track] == ["Reduced vetting backlog"]
    assert agenda.off_track[0].actual < agenda.off_track[0].planned * 8 / 10


def test_reviews_and_reports_falling_due_before_the_next_meeting(world, summit):
    live = InitiativeFactory(collaboration=world.collab, name="Joint custody", stage=4)
    Agreement.objects.create(
        collaboration=world.collab,
        title="EK s22A",
        signed_on=D(2025, 4, 1),
        review_due=D(2026, 4, 1),
    )
    Agreement.objects.create(
        collaboration=world.collab,
        title="EK later",
        signed_on=D(2025, 7, 1),
        review_due=D(2026, 7, 1),
    )
    PostImplementationReview.objects.create(initiative=live, due_on=D(2026, 5, 1))
    PostImplementationReview.objects.create(
        initiative=live, due_on=D(2026, 4, 1), completed_on=D(2026, 3, 1)
    )

    agenda = build_agenda(summit.march)

    assert agenda.horizon == D(2026, 6, 10)
    assert [a.title for a in agenda.agreements] == ["EK s22A"]
    assert [(r.initiative.name, r.due_on) for r in agenda.reviews] == [
        ("Joint custody", D(2026, 5, 1))
    ]
    # Monday 2 March 2026 is the first working day: February's report is due then.
    assert [(h.initiative.name, h.month, h.due_on) for h in agenda.highlight_reports] == [
        ("Joint custody", D(2026, 2, 1), D(2026, 3, 2))
    ]
    # Each meeting looks ahead to the next: the June meeting has the July review; April's,
    # never recorded, stays on the agenda, overdue, until a review is recorded.
    assert [a.title for a in build_agenda(summit.june).agreements] == ["EK s22A", "EK later"]


def test_open_actions_from_earlier_decisions_come_back(world, summit):
    earlier = Meeting.objects.create(body=summit, date=D(2025, 12, 10))
    decision = Decision.objects.create(
        body=summit, meeting=earlier, decided_on=earlier.date, text="Merge the units"
    )
    Action.objects.create(decision=decision, text="Draft the merger plan", due_on=D(2026, 1, 10))
    Action.objects.create(decision=decision, text="Tell the staff", due_on=D(2026, 1, 5), done=True)

    assert [a.text for a in build_agenda(summit.march).open_actions] == ["Draft the merger plan"]
    assert build_agenda(earlier).open_actions == []


def test_the_meeting_page_shows_the_agenda(client, world, summit):
    InitiativeFactory(collaboration=world.collab, name="Joint custody", stage=4)
    client.force_login(world.dave)
    page = client.get(summit.march.get_absolute_url()).content.decode()
    assert "Stage-gate decisions waiting for this body" in page
    assert "Joint vetting" in page
    assert "Highlight reports due" in page
    assert "Record a decision" not in page  # dave only reads
    client.force_login(world.alice)
    assert "Record a decision" in client.get(summit.march.get_absolute_url()).content.decode()


def test_the_agenda_shows_nobody_what_they_may_not_see(client, world):
    """An open alliance's board governs a private partnership nested in it: its members see
    the partnership's gates, reviews and reports on the agenda; someone who may see the
    board but not the partnership sees none of them, nor the actions of a private decision."""
    march = alliance_over_private(world, decides_stages=[3]).march
    InitiativeFactory(collaboration=world.collab, name="Covert custody", stage=4)
    private = ("Joint vetting", "Covert custody", "EK s22A", "Brief counsel")

    client.force_login(world.bob)  # Essex: in the partnership
    page = client.get(march.get_absolute_url()).content.decode()
    assert all(text in page for text in private)

    client.force_login(world.nora)  # Norfolk: sees the open board only
    response = client.get(march.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert [text for text in private if text in page] == []
    agenda = response.context["agenda"]
    assert agenda.is_empty
    assert "Nothing is due" in page


def test_a_review_due_after_the_meeting_reads_due_on_its_agenda_as_an_agreement_does(
    client, world, summit
):
    """The March agenda looks ahead to June: on it a review due in April or May is due, not
    overdue, however late today is; the same as the agreement beside it."""
    live = InitiativeFactory(collaboration=world.collab, name="Joint custody", stage=4)
    Agreement.objects.create(
        collaboration=world.collab,
        title="EK s22A",
        signed_on=D(2025, 4, 1),
        review_due=D(2026, 4, 1),
    )
    PostImplementationReview.objects.create(initiative=live, due_on=D(2026, 5, 1))
    client.force_login(world.alice)
    page = " ".join(client.get(summit.march.get_absolute_url()).content.decode().split())
    assert "EK s22A</a>: due 1 April 2026" in page
    assert "Joint custody</a>: due 1 May 2026" in page
    assert "overdue since" not in page
    june = " ".join(client.get(summit.june.get_absolute_url()).content.decode().split())
    assert "Joint custody</a>: overdue since 1 May 2026" in june
