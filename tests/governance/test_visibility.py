"""Nobody outside a collaboration sees its private bodies or decisions, in pages or lists."""

import datetime

import pytest

from realise.governance.ics import feed_token
from realise.governance.models import Decision, Escalation, Meeting
from realise.governance.services import record_decision
from tests.factories import CollaborationFactory, GovernanceBodyFactory, share

D = datetime.date


@pytest.fixture
def records(world):
    """A private collaboration's board (EK), and an open alliance with a private body."""
    r = world
    r.meeting = Meeting.objects.create(body=world.board, date=D(2026, 3, 10))
    r.ek_decision = record_decision(
        r.meeting, text="Second two Essex investigators to Kent", user=world.alice
    )
    r.alliance = CollaborationFactory(
        name="Eastern Alliance", slug="eastern", visibility="policing"
    )
    share(r.alliance, "Essex", "50")
    share(r.alliance, "Kent", "50")
    r.open_board = GovernanceBodyFactory(
        collaboration=r.alliance, name="Alliance Board", slug="alliance-board"
    )
    r.closed_group = GovernanceBodyFactory(
        collaboration=r.alliance,
        name="Alliance Security Group",
        slug="alliance-security",
        visibility="private",
    )
    r.world_board_escalates = None
    alliance_meeting = Meeting.objects.create(body=r.open_board, date=D(2026, 3, 12))
    r.open_decision = Decision.objects.create(
        body=r.open_board,
        meeting=alliance_meeting,
        decided_on=D(2026, 3, 12),
        text="Publish the alliance annual report",
    )
    r.private_decision = Decision.objects.create(
        body=r.open_board,
        meeting=alliance_meeting,
        decided_on=D(2026, 3, 12),
        text="Covert capability budget agreed",
        visibility="private",
    )
    r.secret_decision = Decision.objects.create(
        body=r.closed_group, decided_on=D(2026, 3, 12), text="Security vetting of contractors"
    )
    return r


def test_an_outsider_sees_no_private_body_or_decision_in_lists(client, records):
    client.force_login(records.nora)
    bodies = client.get("/governance/").content.decode()
    assert "Alliance Board" in bodies
    assert "EK Programme Board" not in bodies  # private collaboration
    assert "Alliance Security Group" not in bodies  # private body of an open collaboration
    log = client.get("/governance/decisions/").content.decode()
    assert "Publish the alliance annual report" in log
    for hidden in (
        "Second two Essex investigators",
        "Covert capability budget",
        "Security vetting of contractors",
    ):
        assert hidden not in log
    searched = client.get("/governance/decisions/", {"q": "Covert"}).content.decode()
    assert "Covert capability budget" not in searched


def test_an_outsider_gets_not_found_for_private_pages(client, records):
    escalation = Escalation.objects.create(
        from_body=records.board,
        to_body=records.board,
        kind="risk",
        summary="Insider threat",
        raised_at=records.meeting.created_at,
    )
    client.force_login(records.nora)
    for url in (
        records.board.get_absolute_url(),
        records.meeting.get_absolute_url(),
        records.ek_decision.get_absolute_url(),
        records.private_decision.get_absolute_url(),
        records.closed_group.get_absolute_url(),
        records.secret_decision.get_absolute_url(),
        escalation.get_absolute_url(),
        f"/governance/bodies/{records.board.slug}/calendar.ics",
        f"/governance/bodies/{records.closed_group.slug}/calendar.ics",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(records.open_board.get_absolute_url()).status_code == 200
    open_meeting = records.open_decision.meeting.get_absolute_url()
    page = client.get(open_meeting).content.decode()
    assert "Publish the alliance annual report" in page
    assert "Covert capability budget" not in page


def test_a_bodys_meetings_count_only_the_decisions_the_reader_may_see(client, records):
    """The body page's count of a meeting's decisions agrees with the meeting page: the
    private decision is counted for those who see it, and for nobody else."""

    def counts(user):
        client.force_login(user)
        context = client.get(records.open_board.get_absolute_url()).context
        rows = [*context["upcoming"].object_list, *context["past"].object_list]
        return [meeting.decision_count for meeting in rows]

    assert counts(records.nora) == [1]
    assert counts(records.dave) == [2]


def test_members_of_the_collaboration_see_everything(client, records):
    client.force_login(records.dave)  # a read-only viewer from Essex
    log = client.get("/governance/decisions/").content.decode()
    for text in (
        "Second two Essex investigators",
        "Covert capability budget",
        "Security vetting of contractors",
    ):
        assert text in log
    assert client.get(records.closed_group.get_absolute_url()).status_code == 200
    assert records.dave.has_perm("governance.view_decision", records.private_decision)
    assert not records.nora.has_perm("governance.view_decision", records.private_decision)
    assert not records.nora.has_perm("governance.view_governancebody", records.board)


def test_readers_do_not_edit(client, records):
    client.force_login(records.dave)
    assert (
        client.get(f"/governance/meetings/{records.meeting.pk}/decisions/new/").status_code == 403
    )
    assert client.get(f"/governance/bodies/{records.board.slug}/edit/").status_code == 403
    client.force_login(records.nora)
    assert (
        client.get(f"/governance/meetings/{records.meeting.pk}/decisions/new/").status_code == 404
    )


def test_signed_out_visitors_are_asked_to_sign_in(client, records):
    response = client.get(records.board.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "Alliance Board" not in client.get("/governance/").content.decode()


def test_public_bodies_of_public_collaborations_are_open_to_all(client, db):
    collaboration = CollaborationFactory(visibility="public")
    body = GovernanceBodyFactory(
        collaboration=collaboration, name="Open Summit", slug="open-summit", visibility="public"
    )
    assert client.get(body.get_absolute_url()).status_code == 200
    assert "Open Summit" in client.get("/governance/").content.decode()


def test_a_calendar_token_works_only_for_whom_and_what_it_was_issued(client, records):
    url = f"/governance/bodies/{records.board.slug}/calendar.ics"
    assert client.get(url, {"token": feed_token(records.dave, records.board)}).status_code == 200
    assert client.get(url, {"token": feed_token(records.nora, records.board)}).status_code == 404
    assert (
        client.get(url, {"token": feed_token(records.dave, records.closed_group)}).status_code
        == 404
    )
    assert client.get(url, {"token": "forged"}).status_code == 404
