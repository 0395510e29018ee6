"""Who may see and change collaborations, their shares, agreements and initiatives; and the
rules every app above builds on: seeing a record through its collaboration (`can_view`)
and editing as its programme team (`edit_collaboration`). Found by django-rules'
autodiscovery at start-up. The roles are described in `core/permissions.py`; a user's
access is worked out in `collaborations/access.py`, registered here."""

from __future__ import annotations

import rules
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from realise.collaborations.access import (
    ACCESS_READS_FROM,
    people_covered,
    programme_team,
    work_out_access,
)
from realise.collaborations.models import OPEN_VISIBILITIES, Collaboration, Initiative
from realise.core.errors import register_nouns, register_programme_team
from realise.core.permissions import (
    access_for,
    collaboration_of,
    is_administrator,
    may_create_anywhere,
    register_access,
    register_collaboration_path,
    register_default_view,
    register_parent,
    register_scope,
)
from realise.organisations.models import register_person_links

register_access(work_out_access, people_covered, ACCESS_READS_FROM)
register_programme_team(programme_team)
register_collaboration_path("collaborations.collaboration", "")

_VISIBILITY_RANK = {"private": 0, "policing": 1, "public": 2}


def member_force_ids(collaboration) -> set[int]:
    return set(collaboration.shares.values_list("force_id", flat=True))


def may_see(user, collaboration, visibilities: list[str]) -> bool:
    """Whether the user may see a record of `collaboration` with visibilities of its own
    (a body's, a decision's, a lesson's...): the narrowest of them all decides."""
    access = access_for(user)
    if access.reads_everything:
        return True
    narrowest = min(
        (collaboration.visibility, *visibilities), key=lambda v: _VISIBILITY_RANK.get(v, 0)
    )
    if narrowest == "public":
        return True
    if not access.authenticated:
        return False
    if narrowest == "policing":
        return True
    return collaboration.pk in access.collaborations or bool(
        access.forces & member_force_ids(collaboration)
    )


@rules.predicate
def can_view(user, obj) -> bool:
    if obj is None:
        return True
    collaboration = collaboration_of(obj)
    if collaboration is None:
        return access_for(user).authenticated
    access = access_for(user)
    if collaboration.visibility == "public" or access.reads_everything:
        return True
    if not access.authenticated:
        return False
    if collaboration.visibility == "policing":
        return True
    return collaboration.pk in access.collaborations or bool(
        access.forces & member_force_ids(collaboration)
    )


@rules.predicate
def is_programme_team_for(user, obj) -> bool:
    access = access_for(user)
    if obj is None:
        return bool(access.programme_collaborations)
    collaboration = collaboration_of(obj)
    return collaboration is not None and collaboration.pk in access.programme_collaborations


edit_collaboration = is_administrator | is_programme_team_for
edit_share_or_agreement = is_administrator | is_programme_team_for

PERMISSIONS = {
    # object-level change rules (object: the instance itself)
    "collaborations.view_collaboration": can_view,
    "collaborations.change_collaboration": edit_collaboration,
    "collaborations.add_collaboration": may_create_anywhere,
    "collaborations.delete_collaboration": is_administrator,
    "collaborations.change_forceshare": edit_collaboration,
    "collaborations.add_agreement": edit_collaboration,
    "collaborations.change_agreement": edit_collaboration,
    # object: the agreement
    "collaborations.add_agreementreview": edit_collaboration,
    "collaborations.view_agreementreview": can_view,
    "collaborations.view_initiative": can_view,
    "collaborations.add_initiative": edit_collaboration,
    "collaborations.change_initiative": edit_collaboration,
    "collaborations.delete_initiative": is_administrator,
    "collaborations.add_stagedecision": edit_collaboration,
    "collaborations.move_back_initiative": is_administrator | is_programme_team_for,
    # the rules the API needs beyond the pages'
    "collaborations.view_forceshare": can_view,
    "collaborations.add_forceshare": edit_share_or_agreement,
    "collaborations.delete_forceshare": edit_share_or_agreement,
    "collaborations.view_agreement": can_view,
    "collaborations.delete_agreement": edit_share_or_agreement,
    "collaborations.view_stagedecision": can_view,
}

for name, predicate in PERMISSIONS.items():
    rules.add_perm(name, predicate)


# The audit trail and 404s: a collaboration is seen as it says; the rest through it.


def _gone_collaboration(user):
    """Deleted collaborations: seen by anyone signed in if they were open."""
    return Q(before__visibility__in=OPEN_VISIBILITIES)


def own_collaborations(user):
    """The user's own collaborations (their forces' and those named on their memberships),
    whatever their visibility."""
    return Collaboration.objects.filter(pk__in=Collaboration.objects.own_to(access_for(user)))


def gone_with_collaboration(user) -> Q:
    """Deletion records of a record with a visibility of its own in a collaboration (a body,
    lesson or document; its collaboration's id annotated as `_gone_collaboration`): seen
    through that collaboration as it was, by its own forces, or by anyone signed in if the
    record was open and its collaboration is."""
    open_collaborations = Collaboration.objects.filter(visibility__in=OPEN_VISIBILITIES)
    return Q(_gone_collaboration__in=own_collaborations(user).values("pk")) | Q(
        before__visibility__in=OPEN_VISIBILITIES,
        _gone_collaboration__in=open_collaborations.values("pk"),
    )


register_scope(
    "collaborations.collaboration",
    Collaboration.objects.visible_to,
    gone=_gone_collaboration,
    root=True,
)
register_parent("collaborations.forceshare", "collaboration", "collaborations.collaboration")
register_parent("collaborations.agreement", "collaboration", "collaborations.collaboration")
register_parent("collaborations.agreementparty", "agreement", "collaborations.agreement")
register_parent("collaborations.agreementreview", "agreement", "collaborations.agreement")
register_parent("collaborations.initiative", "collaboration", "collaborations.collaboration")
register_parent("collaborations.stagedecision", "initiative", "collaborations.initiative")
register_default_view(can_view)


@register_person_links
def senior_responsible_officers(collaborations, user):
    """The senior responsible officers of initiatives in these collaborations (the
    directory of people, and whom a form offers: `Person.objects.known_to`)."""
    return Q(pk__in=Initiative.objects.filter(collaboration__in=collaborations).values("sro_id"))


# What the 403 page calls these records (core.errors.describe).
register_nouns(
    {
        "agreement": (_("agreement"), _("agreements")),
        "agreementreview": (_("agreement review"), _("agreement reviews")),
        "collaboration": (_("collaboration"), _("collaborations")),
        "forceshare": (_("force share"), _("force shares")),
        "initiative": (_("initiative"), _("initiatives")),
        "stagedecision": (_("stage decision"), _("stage decisions")),
    }
)
