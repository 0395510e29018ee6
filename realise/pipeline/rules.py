"""Who may see and change opportunities before any business case. Found by django-rules'
autodiscovery at start-up.

Seen by whoever may see their collaboration; added and changed by administrators and the
collaboration's programme team (object: the opportunity, or for add the unsaved one)."""

from __future__ import annotations

import rules
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from realise.collaborations.rules import can_view, edit_collaboration
from realise.core.errors import register_nouns
from realise.core.permissions import is_administrator, register_parent
from realise.organisations.models import register_person_links
from realise.pipeline.models import Opportunity

PERMISSIONS = {
    "pipeline.view_opportunity": can_view,
    "pipeline.add_opportunity": edit_collaboration,
    "pipeline.change_opportunity": edit_collaboration,
    "pipeline.delete_opportunity": is_administrator,
}

for name, predicate in PERMISSIONS.items():
    rules.add_perm(name, predicate)


@register_person_links
def opportunity_owners(collaborations, user):
    """The owners of the opportunities in these collaborations (the directory of people,
    and whom a form offers: `Person.objects.known_to`)."""
    opportunities = Opportunity.objects.filter(collaboration__in=collaborations)
    return Q(pk__in=opportunities.values("owner_id"))


# The audit trail and 404s: an opportunity is seen through its collaboration.
register_parent("pipeline.opportunity", "collaboration", "collaborations.collaboration")

# What the 403 page calls these records (core.errors.describe).
register_nouns(
    {
        "opportunity": (_("opportunity"), _("opportunities")),
    }
)
