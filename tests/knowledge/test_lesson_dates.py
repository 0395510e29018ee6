"""A lesson is dated when it was learned or logged: not in the future, not before 2000."""

import datetime

from django.utils import timezone

from realise.knowledge.models import Lesson
from tests.knowledge.makers import LessonFactory
from tests.knowledge.test_lesson_pages import lesson_form


def _error_for_date(response) -> list[str]:
    assert response.status_code == 200
    return response.context["form"].errors.get("date", [])


def test_a_lesson_dated_in_the_future_is_refused_naming_the_date(world, client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    client.force_login(world.alice)
    response = client.post(
        "/repository/lessons/new/", lesson_form(world, date=tomorrow.isoformat())
    )
    errors = _error_for_date(response)
    assert len(errors) == 1
    assert "in the future" in errors[0] and str(tomorrow.year) in errors[0]
    assert not Lesson.objects.exists()


def test_a_lesson_dated_today_or_on_29_february_is_kept(world, client):
    client.force_login(world.alice)
    for day in (timezone.localdate(), datetime.date(2024, 2, 29)):
        response = client.post("/repository/lessons/new/", lesson_form(world, date=day.isoformat()))
        assert response.status_code == 302
    assert sorted(Lesson.objects.values_list("date", flat=True)) == sorted(
        [timezone.localdate(), datetime.date(2024, 2, 29)]
    )


def test_a_lesson_dated_before_2000_is_refused(world, client):
    client.force_login(world.alice)
    for typed in ("0001-01-01", "1999-12-31"):
        errors = _error_for_date(
            client.post("/repository/lessons/new/", lesson_form(world, date=typed))
        )
        assert len(errors) == 1 and "1 January 2000" in errors[0]
    assert not Lesson.objects.exists()


def test_an_edit_cannot_move_a_lesson_into_the_future(world, client):
    lesson = LessonFactory(collaboration=world.collab, date=datetime.date(2026, 1, 31))
    client.force_login(world.alice)
    future = timezone.localdate() + datetime.timedelta(days=365)
    response = client.post(
        f"/repository/lessons/{lesson.pk}/edit/", lesson_form(world, date=future.isoformat())
    )
    assert "in the future" in _error_for_date(response)[0]
    lesson.refresh_from_db()
    assert lesson.date == datetime.date(2026, 1, 31)
