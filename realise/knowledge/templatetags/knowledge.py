"""`{% load knowledge %}{% repository_panel collaboration %}`: the repository's block on a
collaboration page (its lessons and documents, and the most similar other collaborations
and lessons), for the user viewing the page."""

from django import template

from realise.core.permissions import visible_documents, visible_lessons
from realise.knowledge.search import related

register = template.Library()


@register.inclusion_tag("knowledge/_repository_panel.html", takes_context=True)
def repository_panel(context, collaboration):
    user = context["request"].user
    return {
        "collaboration": collaboration,
        "lesson_count": visible_lessons(user).filter(collaboration=collaboration).count(),
        "document_count": visible_documents(user).filter(collaboration=collaboration).count(),
        "related": related(collaboration, user=user),
    }
