"""`{% load knowledge %}{% repository_panel collaboration %}`: the repository's block on a
collaboration page (its lessons and documents, and the most similar other collaborations
and lessons), for the user viewing the page."""

from django import template

from realise.knowledge.models import Document, Lesson
from realise.knowledge.search import related

register = template.Library()


@register.inclusion_tag("knowledge/_repository_panel.html", takes_context=True)
def repository_panel(context, collaboration):
    user = context["request"].user
    return {
        "collaboration": collaboration,
        "lesson_count": Lesson.objects.visible_to(user).filter(collaboration=collaboration).count(),
        "document_count": Document.objects.visible_to(user)
        .filter(collaboration=collaboration)
        .count(),
        "related": related(collaboration, user=user),
    }
