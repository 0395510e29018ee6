"""The programme team records lessons through the pages; others read them."""

import pytest
from django.core.exceptions import PermissionDenied

from realise.knowledge.models import Lesson
from realise.knowledge.services import update_lesson
from tests.factories import CollaborationFactory, PersonFactory
from tests.knowledge.makers import LessonFactory


def lesson_form(world, **changes):
    data = {
        "collaboration": world.collab.pk,
        "initiative": world.initiative.pk,
        "title": "Agree one clearance standard",
        "theme": "workforce",
        "stage": "2",
        "what_happened": "Two forces cleared staff to different levels.",
        "what_to_repeat": "A joint standard agreed early.",
        "what_to_avoid": "",
        "recommendation": "Agree the standard at OBC.",
        "author": "",
        "date": "2026-05-04",
        "visibility": "private",
    }
    data.update(changes)
    return data


def test_the_programme_team_adds_a_lesson(world, client):
    client.force_login(world.alice)
    response = client.post("/repository/lessons/new/", lesson_form(world))
    lesson = Lesson.objects.get()
    assert response.status_code == 302 and response.url == lesson.get_absolute_url()
    assert (lesson.recorded_by, lesson.initiative, lesson.stage) == (
        world.alice,
        world.initiative,
        2,
    )
    assert lesson.history.get().history_user == world.alice


def test_an_initiative_of_another_collaboration_is_refused(world, client):
    from tests.factories import InitiativeFactory

    other = InitiativeFactory(name="Elsewhere")
    client.force_login(world.alice)
    response = client.post("/repository/lessons/new/", lesson_form(world, initiative=other.pk))
    assert response.status_code == 200
    assert not Lesson.objects.exists()


def test_a_force_lead_outside_the_programme_team_cannot_add(world, client):
    client.force_login(world.nora)
    assert client.get("/repository/lessons/new/").status_code == 403


def test_the_programme_team_edits_and_deletes(world, client):
    client.force_login(world.alice)
    client.post("/repository/lessons/new/", lesson_form(world))
    lesson = Lesson.objects.get()
    client.post(
        f"/repository/lessons/{lesson.pk}/edit/", lesson_form(world, title="Renamed lesson")
    )
    lesson.refresh_from_db()
    assert lesson.title == "Renamed lesson"
    client.force_login(world.bob)  # Essex force lead: can read, not change
    assert client.get(lesson.get_absolute_url()).status_code == 200
    assert client.post(f"/repository/lessons/{lesson.pk}/delete/").status_code == 403
    client.force_login(world.alice)
    assert client.post(f"/repository/lessons/{lesson.pk}/delete/").status_code == 302
    assert not Lesson.objects.exists()


def test_the_lessons_author_edits_it_through_the_page(world, client):
    # carol leads benefits for Kent: not on the programme team, but she wrote the lesson.
    author = PersonFactory(name="Carol Author", user=world.carol)
    lesson = LessonFactory(collaboration=world.collab, author=author, visibility="private")
    client.force_login(world.carol)
    assert client.get(f"/repository/lessons/{lesson.pk}/edit/").status_code == 200
    response = client.post(
        f"/repository/lessons/{lesson.pk}/edit/",
        lesson_form(world, title="Clearance standards, as the author put it", author=author.pk),
    )
    assert response.status_code == 302 and response.url == lesson.get_absolute_url()
    lesson.refresh_from_db()
    assert lesson.title == "Clearance standards, as the author put it"


def test_the_author_still_may_not_move_the_lesson_elsewhere(world):
    author = PersonFactory(name="Carol Author", user=world.carol)
    lesson = LessonFactory(collaboration=world.collab, author=author)
    elsewhere = CollaborationFactory(name="Elsewhere")
    with pytest.raises(PermissionDenied):
        update_lesson(lesson, user=world.carol, collaboration=elsewhere, initiative=None)
    assert Lesson.objects.get(pk=lesson.pk).collaboration == world.collab
