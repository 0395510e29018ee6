"""The closure report lists only lessons open at least as widely as the initiative: a
private lesson of a policing collaboration never reaches the report's readers."""

import datetime

import pytest

from realise.documents.closure import closure_lessons
from realise.documents.models import ClosureRecord
from realise.knowledge.models import Lesson


@pytest.mark.django_db
def test_a_private_lesson_is_left_out_of_the_closure_report(world):
    world.collab.visibility = "policing"
    world.collab.save()
    record = ClosureRecord.objects.create(
        initiative=world.initiative, closed_by=world.alice, closed_on=datetime.date(2026, 3, 31)
    )
    fields = {
        "collaboration": world.collab,
        "what_happened": "It happened.",
        "theme": "governance",
        "date": datetime.date(2026, 3, 1),
    }
    open_one = Lesson.objects.create(title="Share the rota early", visibility="policing", **fields)
    sealed = Lesson.objects.create(title="Sealed covert lesson", visibility="private", **fields)
    record.lessons.set([open_one, sealed])

    assert [lesson.title for lesson in closure_lessons(record)] == ["Share the rota early"]
