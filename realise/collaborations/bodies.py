"""The governance bodies that decide stage gates, agreement reviews and plan changes.

Bodies belong to the governance app, a layer above this one. Stage decisions and agreement
reviews (here) and benefit change requests (in benefits) name their deciding body with a
lazy foreign key to `governance.GovernanceBody`; code below governance reaches the bodies
through that declared relation, as Django's own model forms do, and never imports the
governance app.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

from realise.collaborations.models import Collaboration, StageDecision

if TYPE_CHECKING:
    from realise.governance.models import GovernanceBodyQuerySet


def governance_bodies() -> GovernanceBodyQuerySet:
    """Every governance body, with the body model's own queryset methods (`visible_to`)."""
    model: Any = StageDecision._meta.get_field("body").related_model
    if isinstance(model, str):  # the relation is resolved once every app's models are loaded
        raise ImproperlyConfigured(f"The governance body model {model!r} is not installed.")
    return model._default_manager.all()


def visible_bodies(user: Any) -> GovernanceBodyQuerySet:
    """The governance bodies `user` may see."""
    return governance_bodies().visible_to(user)


def collaboration_chain(collaboration: Collaboration) -> list[int]:
    """The collaboration and every one it sits within, nearest first."""
    return [collaboration.pk, *(c.pk for c in collaboration.ancestors())]


def bodies_of(collaboration_ids: Iterable[int], user: Any = None) -> GovernanceBodyQuerySet:
    """The bodies of these collaborations, by name; only those `user` may see when given,
    so a form never offers a body its reader may not see."""
    bodies = governance_bodies().filter(collaboration_id__in=list(collaboration_ids))
    if user is not None:
        bodies = bodies.filter(pk__in=visible_bodies(user).values("pk"))
    return bodies.order_by("name")
