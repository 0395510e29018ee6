"""Who gets which answer from the pages that change governance records: the signed out are
asked to sign in, outsiders find nothing, readers are refused, the programme team acts."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import timezone

from realise.governance.models import BodyMember, Escalation, Meeting
from realise.governance.services import ActionSpec, record_decision
from realise.governance.views import ActionDoneView
from tests.factories import GovernanceBodyFactory, PersonFactory, force

D = datetime.date


@pytest.fixture
def board(world):
    """The EK board escalating to a summit, with a meeting, a decision with an action, an
    open escalation and a member."""
    w = world
    w.summit = GovernanceBodyFactory(collaboration=w.collab, name="EK Summit", slug="ek-summit")
    w.board.escalates_to = w.summit
    w.board.save()
    w.meeting = Meeting.objects.create(body=w.board, date=D(2026, 3, 10))
    decision = record_decision(
        w.meeting, text="Merge the units", user=w.alice, actions=[ActionSpec("Tell staff")]
    )
    w.action = decision.actions.get()
    w.escalation = Escalation.objects.create(
        from_body=w.board, to_body=w.summit, kind="risk", summary="x", raised_at=timezone.now()
    )
    w.member = BodyMember.objects.create(
        body=w.board,
        person=PersonFactory(name="Roger Hale"),
        represents_kind="pcc",
        represents_force=force("Essex"),
    )
    return w


def form_pages(w):
    return [
        f"/governance/collaborations/{w.collab.slug}/bodies/new/",
        f"/governance/bodies/{w.board.slug}/edit/",
        f"/governance/bodies/{w.board.slug}/members/",
        f"/governance/bodies/{w.board.slug}/meetings/new/",
        f"/governance/bodies/{w.board.slug}/escalate/",
        f"/governance/meetings/{w.meeting.pk}/edit/",
        f"/governance/meetings/{w.meeting.pk}/decisions/new/",
    ]


def post_actions(w):
    return [
        f"/governance/members/{w.member.pk}/remove/",
        f"/governance/bodies/{w.board.slug}/meetings/generate/",
        f"/governance/actions/{w.action.pk}/done/",
        f"/governance/escalations/{w.escalation.pk}/resolve/",
    ]


def test_the_signed_out_are_asked_to_sign_in(client, board):
    for url in form_pages(board) + post_actions(board):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/?next="), url


def test_outsiders_find_nothing(client, board):
    client.force_login(board.nora)
    for url in form_pages(board):
        assert client.get(url).status_code == 404, url
    for url in post_actions(board):
        assert client.post(url).status_code == 404, url


def test_readers_are_refused(client, board):
    client.force_login(board.dave)
    for url in form_pages(board):
        assert client.get(url).status_code == 403, url
    for url in post_actions(board):
        assert client.post(url).status_code == 403, url
    assert BodyMember.objects.filter(pk=board.member.pk).exists()
    assert not board.board.meetings.exclude(pk=board.meeting.pk).exists()


def test_post_only_actions_answer_other_methods_without_looking(client, board):
    for user in (board.alice, board.dave, board.nora):
        client.force_login(user)
        for url in post_actions(board):
            assert client.get(url).status_code == 405, url


def test_an_action_is_refused_with_its_reason(board):
    request = RequestFactory().post(f"/governance/actions/{board.action.pk}/done/")
    request.user = board.dave
    with pytest.raises(PermissionDenied, match="You may not change this action."):
        ActionDoneView.as_view()(request, pk=board.action.pk)


def test_a_body_with_nowhere_to_escalate_to_has_no_escalation_page(client, board):
    url = f"/governance/bodies/{board.summit.slug}/escalate/"
    client.force_login(board.alice)
    assert client.get(url).status_code == 404
    client.force_login(board.dave)
    assert client.get(url).status_code == 403  # refused before being told there is none


def test_the_programme_team_adds_and_edits_a_meeting(client, board):
    client.force_login(board.alice)
    new = f"/governance/bodies/{board.board.slug}/meetings/new/"
    assert "Add a meeting of EK Programme Board" in client.get(new).content.decode()
    response = client.post(new, {"date": "2026-06-09", "status": "scheduled", "notes": ""})
    meeting = Meeting.objects.get(body=board.board, date=D(2026, 6, 9))
    assert response["Location"] == meeting.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Added the meeting on 9 June 2026."
    ]
    assert meeting.history.first().history_user == board.alice

    edit = f"/governance/meetings/{meeting.pk}/edit/"
    assert "Edit EK Programme Board, 9 June 2026" in client.get(edit).content.decode()
    response = client.post(edit, {"date": "2026-06-10", "status": "scheduled", "notes": "Moved"})
    meeting.refresh_from_db()
    assert (meeting.date, meeting.notes, meeting.body) == (D(2026, 6, 10), "Moved", board.board)
    assert response["Location"] == meeting.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Saved EK Programme Board, 10 June 2026."
    ]
