"""Whom a form offers as a person (`Person.objects.choosable_by`): those the reader may find
in the directory of people, themself and the people they named; everyone for an
administrator. Someone known only through a private collaboration of other forces is
neither shown nor accepted, and an edit keeps the person already stored."""

import datetime

from realise.benefits.models import ChangeRequest
from realise.collaborations.services import move_stage
from realise.governance.models import Decision, GovernanceBody, Meeting
from realise.knowledge.models import Lesson
from realise.organisations.models import Cover
from tests.factories import (
    PersonFactory,
    member,
    plan,
)

INVALID = "Select a valid choice. That choice is not one of the available choices."


def options(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def field_errors(response, name: str) -> list[str]:
    return list(response.context["form"].errors.get(name, []))


def lesson_data(world, author) -> dict:
    return {
        "collaboration": world.collab.pk,
        "title": "Two queues cost a year",
        "theme": "workforce",
        "what_happened": "Two vetting queues for a year.",
        "author": author.pk,
        "date": "2026-03-01",
        "visibility": "private",
    }


def test_the_lesson_author_is_chosen_among_the_people_the_reader_may_see(client, world, hidden):
    client.force_login(world.alice)
    page = options(client.get("/repository/lessons/new/"))
    assert "Erin Owner" in page
    assert "Harriet Hidden" not in page
    response = client.post("/repository/lessons/new/", lesson_data(world, hidden))
    assert field_errors(response, "author") == [INVALID]
    assert not Lesson.objects.exists()
    client.post("/repository/lessons/new/", lesson_data(world, world.erin_person))
    assert Lesson.objects.get().author == world.erin_person


def test_an_administrator_chooses_anyone(client, world, hidden):
    admin = member("ada", "Essex", "administrator")
    client.force_login(admin)
    assert "Harriet Hidden" in options(client.get("/repository/lessons/new/"))


def test_editing_a_lesson_keeps_its_author_and_reveals_no_one_else(client, world, hidden):
    other = PersonFactory(name="Olive Other")
    lesson = Lesson.objects.create(
        collaboration=world.collab,
        title="Kept",
        theme="workforce",
        what_happened="It happened.",
        author=hidden,
        date=datetime.date(2026, 3, 1),
        visibility="private",
    )
    client.force_login(world.alice)
    page = options(client.get(f"/repository/lessons/{lesson.pk}/edit/"))
    assert "Harriet Hidden" in page
    assert "Olive Other" not in page
    data = {**lesson_data(world, hidden), "title": "Kept, renamed"}
    response = client.post(f"/repository/lessons/{lesson.pk}/edit/", data)
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.title, lesson.author) == ("Kept, renamed", hidden)
    refused = client.post(f"/repository/lessons/{lesson.pk}/edit/", {**data, "author": other.pk})
    assert field_errors(refused, "author") == [INVALID]


def test_a_change_request_is_requested_by_someone_the_reader_may_see(client, world, hidden):
    plan(world.benefit, datetime.date(2025, 4, 1), ["100"])
    move_stage(
        world.initiative,
        3,
        body=world.board,
        decided_on=datetime.date(2025, 3, 20),
        user=world.alice,
    )
    url = f"/benefits/{world.benefit.pk}/change-requests/new/"
    client.force_login(world.alice)
    page = options(client.get(url))
    assert "Erin Owner" in page
    assert "Harriet Hidden" not in page
    data = {"reason": "Slipped", "body": world.board.pk, "profile": "2025-04 90"}
    response = client.post(url, {**data, "requested_by": hidden.pk})
    assert field_errors(response, "requested_by") == [INVALID]
    assert not ChangeRequest.objects.exists()
    client.post(url, {**data, "requested_by": world.erin_person.pk})
    assert ChangeRequest.objects.get().requested_by == world.erin_person


def test_an_action_is_owned_by_someone_the_reader_may_see(client, world, hidden):
    meeting = Meeting.objects.create(body=world.board, date=datetime.date(2026, 3, 10))
    url = f"/governance/meetings/{meeting.pk}/decisions/new/"
    client.force_login(world.alice)
    page = options(client.get(url))
    assert "Erin Owner" in page
    assert "Harriet Hidden" not in page
    data = {
        "text": "Adopt the regional vetting policy",
        "initiative": world.initiative.pk,
        "to_stage": "",
        "visibility": "private",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "20",
        "actions-0-text": "Publish the policy",
    }
    response = client.post(url, {**data, "actions-0-owner": hidden.pk})
    assert response.context["actions"].forms[0].errors["owner"] == [INVALID]
    assert not Decision.objects.exists()
    assert client.post(url, {**data, "actions-0-owner": world.erin_person.pk}).status_code == 302
    assert Decision.objects.get().actions.get().owner == world.erin_person


def test_editing_a_body_keeps_its_chair(client, world, hidden):
    GovernanceBody.objects.filter(pk=world.board.pk).update(chair=hidden)
    client.force_login(world.alice)
    page = options(client.get(f"/governance/bodies/{world.board.slug}/edit/"))
    assert "Harriet Hidden" in page
    world.board.chair = None
    world.board.save()
    assert "Harriet Hidden" not in options(
        client.get(f"/governance/bodies/{world.board.slug}/edit/")
    )


def test_a_programme_team_arranges_cover_only_for_people_it_may_see(client, world, hidden):
    deputy = member("dan", "Essex", "viewer")
    client.force_login(world.alice)
    page = options(client.get("/access/cover/new/"))
    assert "Erin Owner" in page
    assert "Harriet Hidden" not in page
    data = {"deputy": deputy.username, "starts": "2026-04-01", "ends": "2026-04-10"}
    response = client.post("/access/cover/new/", {**data, "person": hidden.pk})
    assert field_errors(response, "person") == [INVALID]
    assert not Cover.objects.exists()
    assert (
        client.post("/access/cover/new/", {**data, "person": world.erin_person.pk}).status_code
        == 302
    )
    assert Cover.objects.get().person == world.erin_person


def test_the_directory_and_the_forms_read_one_rule(client, world, hidden):
    client.force_login(world.alice)
    assert "Harriet Hidden" not in client.get("/people/").content.decode()
    assert "Erin Owner" in client.get("/people/").content.decode()


def test_the_people_pages_list_and_change_only_whom_the_reader_may_choose(client, world, hidden):
    """A programme team's people page lists, and lets it change, the people it may choose in
    a form, as the people API does; an administrator's lists everyone."""
    client.force_login(world.alice)
    listed = options(client.get("/access/people/"))
    assert "Erin Owner" in listed
    assert "Harriet Hidden" not in listed
    assert client.get(f"/access/people/{hidden.pk}/edit/").status_code == 404
    refused = client.post(f"/access/people/{hidden.pk}/edit/", {"name": "Harriet Renamed"})
    assert refused.status_code == 404
    hidden.refresh_from_db()
    assert hidden.name == "Harriet Hidden"
    erin = world.erin_person
    assert client.get(f"/access/people/{erin.pk}/edit/").status_code == 200

    client.force_login(member("ada", "Essex", "administrator"))
    assert "Harriet Hidden" in options(client.get("/access/people/"))
    assert client.get(f"/access/people/{hidden.pk}/edit/").status_code == 200
