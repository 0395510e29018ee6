"""Who may see and change lessons and documents in the repository. Found by django-rules'
autodiscovery at start-up.

A lesson or document has its own visibility and is seen by whoever may see both it and its
collaboration: the narrowest visibility wins (`Lesson.objects.visible_to`,
`Document.objects.visible_to`, knowledge/models.py). The collaboration's programme team and
administrators add, change and delete lessons and documents; a lesson's author may change
it too."""

from __future__ import annotations

import rules
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from realise.collaborations.rules import gone_with_collaboration, is_programme_team_for, may_see
from realise.core.errors import register_nouns
from realise.core.permissions import (
    access_for,
    is_administrator,
    register_parent,
    register_scope,
)
from realise.knowledge.models import Document, Lesson
from realise.organisations.models import register_person_links


@rules.predicate
def can_view_item(user, obj) -> bool:
    """A lesson, document or document version: the narrowest of its and its collaboration's
    visibility decides."""
    if obj is None:
        return True
    item = getattr(obj, "document", None) or obj
    return may_see(user, item.collaboration, [item.visibility])


@rules.predicate
def is_lesson_author(user, obj) -> bool:
    access = access_for(user)
    author_id = getattr(obj, "author_id", None)
    return access.person_id is not None and author_id == access.person_id


edit_repository_item = is_administrator | is_programme_team_for


@register_person_links
def lesson_authors(collaborations, user):
    """The authors of the lessons `user` may see: a lesson hidden from them names no one
    (the directory of people, and whom a form offers: `Person.objects.known_to`)."""
    return Q(pk__in=Lesson.objects.visible_to(user).values("author_id"))


PERMISSIONS = {
    # add: object is an unsaved lesson/document carrying its collaboration (None: anywhere)
    "knowledge.view_lesson": can_view_item,
    "knowledge.add_lesson": edit_repository_item,
    "knowledge.change_lesson": edit_repository_item | is_lesson_author,
    "knowledge.delete_lesson": edit_repository_item,
    "knowledge.view_document": can_view_item,
    "knowledge.add_document": edit_repository_item,
    # change covers uploading a new version
    "knowledge.change_document": edit_repository_item,
    "knowledge.delete_document": edit_repository_item,
}

for name, predicate in PERMISSIONS.items():
    rules.add_perm(name, predicate)


# The audit trail and 404s. A deleted lesson or document is seen through its collaboration
# as it was: its own forces', or anyone's if both were open.

for kind, model in (("knowledge.lesson", Lesson), ("knowledge.document", Document)):
    register_scope(
        kind,
        model.objects.visible_to,
        gone=gone_with_collaboration,
        gone_keys={"_gone_collaboration": "collaboration_id"},
    )
register_parent("knowledge.documentversion", "document", "knowledge.document")

# What the 403 page calls these records (core.errors.describe).
register_nouns(
    {
        "document": (_("document"), _("documents")),
        "lesson": (_("lesson"), _("lessons")),
    }
)
