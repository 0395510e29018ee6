from decimal import Decimal

from realise.pipeline.models import Opportunity


def opportunity(collaboration, title: str, most_likely: str, confidence: int, **fields):
    """An opportunity whose low and high default to the most likely value."""
    value = Decimal(most_likely)
    fields.setdefault("low", value)
    fields.setdefault("high", value)
    return Opportunity.objects.create(
        collaboration=collaboration,
        title=title,
        most_likely=value,
        confidence=confidence,
        **fields,
    )


def idea_from_a_private_lesson(world):
    """An opportunity of the open Norfolk and Suffolk collaboration that came from a lesson
    of the private Essex and Kent one: nora sees the opportunity, not the lesson."""
    from tests.factories import CollaborationFactory, share
    from tests.knowledge.makers import LessonFactory

    lesson = LessonFactory(collaboration=world.collab, title="Essex and Kent overtime dispute")
    other = CollaborationFactory(name="Norfolk and Suffolk", slug="ns", visibility="policing")
    share(other, "Norfolk", "50")
    share(other, "Suffolk", "50")
    idea = opportunity(other, "Shared overtime rules", "1000", 50, source="lesson", lesson=lesson)
    return lesson, idea
