"""Who may see and change what: one set of rules for pages, forms, admin and API.

Roles come from `organisations.Membership`:

* administrator: everything;
* programme team: edits everything within their collaborations (and those nested in them);
* force lead: records actuals for their own force, in collaborations their force belongs to;
* benefit owner: edits the benefits they own (and records their actuals);
* viewer: reads only.

Visibility of a collaboration: `private` for its own forces, `policing` for any signed-in
user, `public` for anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rules
from django.db.models import Q, QuerySet

from realise.organisations.models import Role


@dataclass(frozen=True)
class Access:
    """What one user may do, worked out once per request."""

    authenticated: bool = False
    administrator: bool = False
    forces: frozenset[int] = field(default_factory=frozenset)
    lead_forces: frozenset[int] = field(default_factory=frozenset)
    programme_collaborations: frozenset[int] = field(default_factory=frozenset)
    person_id: int | None = None
    benefit_owner: bool = False


def _descendants(roots: set[int]) -> set[int]:
    from realise.collaborations.models import Collaboration

    found = set(roots)
    frontier = set(roots)
    while frontier:
        frontier = set(
            Collaboration.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
        found |= frontier
    return found


def access_for(user) -> Access:
    if user is None or not user.is_authenticated:
        return Access()
    cached = getattr(user, "_realise_access", None)
    if cached is not None:
        return cached
    from realise.collaborations.models import ForceShare
    from realise.organisations.models import Person

    memberships = list(user.memberships.prefetch_related("collaborations"))
    forces = {m.force_id for m in memberships}
    roles = {m.role for m in memberships}
    programme_roots: set[int] = set()
    for m in memberships:
        if m.role != Role.PROGRAMME_TEAM:
            continue
        chosen = {c.pk for c in m.collaborations.all()}
        if not chosen:
            chosen = set(
                ForceShare.objects.filter(force_id=m.force_id).values_list(
                    "collaboration_id", flat=True
                )
            )
        programme_roots |= chosen
    person_id = Person.objects.filter(user=user).values_list("pk", flat=True).first()
    access = Access(
        authenticated=True,
        administrator=user.is_superuser or Role.ADMINISTRATOR in roles,
        forces=frozenset(forces),
        lead_forces=frozenset(m.force_id for m in memberships if m.role == Role.FORCE_LEAD),
        programme_collaborations=frozenset(_descendants(programme_roots)),
        person_id=person_id,
        benefit_owner=Role.BENEFIT_OWNER in roles,
    )
    user._realise_access = access
    return access


# Query scoping -------------------------------------------------------------------------


def visible_collaboration_filter(user, prefix: str = "") -> Q:
    """A Q over collaborations (with `prefix`, e.g. 'initiative__collaboration__')."""
    access = access_for(user)
    public = Q(**{f"{prefix}visibility": "public"})
    if not access.authenticated:
        return public
    if access.administrator:
        return Q()
    own = Q(**{f"{prefix}shares__force_id__in": access.forces}) | Q(
        **{f"{prefix}pk__in": access.programme_collaborations}
    )
    return public | Q(**{f"{prefix}visibility": "policing"}) | own


def visible_collaborations(user) -> QuerySet:
    from realise.collaborations.models import Collaboration

    return Collaboration.objects.filter(visible_collaboration_filter(user)).distinct()


def visible_initiatives(user) -> QuerySet:
    from realise.collaborations.models import Initiative

    return Initiative.objects.filter(collaboration__in=visible_collaborations(user))


def visible_benefits(user) -> QuerySet:
    from realise.benefits.models import Benefit

    return Benefit.objects.filter(initiative__collaboration__in=visible_collaborations(user))


# Predicates -----------------------------------------------------------------------------


def _collaboration_of(obj):
    from realise.benefits.models import Benefit, Evidence, Measurement, PlannedValue
    from realise.collaborations.models import Agreement, Collaboration, ForceShare, Initiative

    if isinstance(obj, Collaboration):
        return obj
    if isinstance(obj, Initiative | ForceShare | Agreement):
        return obj.collaboration
    if isinstance(obj, Benefit):
        return obj.initiative.collaboration
    if isinstance(obj, PlannedValue | Measurement):
        return obj.benefit.initiative.collaboration
    if isinstance(obj, Evidence):
        return obj.measurement.benefit.initiative.collaboration
    return getattr(obj, "collaboration", None)


def _member_force_ids(collaboration) -> set[int]:
    return set(collaboration.shares.values_list("force_id", flat=True))


@rules.predicate
def is_administrator(user) -> bool:
    return access_for(user).administrator


@rules.predicate
def can_view(user, obj) -> bool:
    if obj is None:
        return True
    collaboration = _collaboration_of(obj)
    if collaboration is None:
        return access_for(user).authenticated
    access = access_for(user)
    if collaboration.visibility == "public" or access.administrator:
        return True
    if not access.authenticated:
        return False
    if collaboration.visibility == "policing":
        return True
    return collaboration.pk in access.programme_collaborations or bool(
        access.forces & _member_force_ids(collaboration)
    )


@rules.predicate
def is_programme_team_for(user, obj) -> bool:
    access = access_for(user)
    if obj is None:
        return bool(access.programme_collaborations)
    collaboration = _collaboration_of(obj)
    return collaboration is not None and collaboration.pk in access.programme_collaborations


@rules.predicate
def owns_benefit(user, obj) -> bool:
    from realise.benefits.models import Benefit

    access = access_for(user)
    benefit = obj if isinstance(obj, Benefit) else getattr(obj, "benefit", None)
    if benefit is None or access.person_id is None:
        return False
    return access.person_id in (benefit.owner_id, benefit.measurement_owner_id)


@rules.predicate
def leads_measured_force(user, obj) -> bool:
    """A force lead records actuals only for their own force, in their force's collaborations."""
    access = access_for(user)
    force_id = getattr(obj, "force_id", None)
    if force_id is None or force_id not in access.lead_forces:
        return False
    return force_id in _member_force_ids(_collaboration_of(obj))


@rules.predicate
def may_create_anywhere(user) -> bool:
    access = access_for(user)
    return access.administrator or bool(access.programme_collaborations)


edit_collaboration = is_administrator | is_programme_team_for
edit_benefit = is_administrator | is_programme_team_for | owns_benefit
record_measurement = is_administrator | is_programme_team_for | owns_benefit | leads_measured_force

PERMISSIONS = {
    # object-level change rules (object: the instance itself)
    "collaborations.view_collaboration": can_view,
    "collaborations.change_collaboration": edit_collaboration,
    "collaborations.add_collaboration": may_create_anywhere,
    "collaborations.delete_collaboration": is_administrator,
    "collaborations.change_forceshare": edit_collaboration,
    "collaborations.add_agreement": edit_collaboration,
    "collaborations.change_agreement": edit_collaboration,
    "collaborations.view_initiative": can_view,
    "collaborations.add_initiative": edit_collaboration,
    "collaborations.change_initiative": edit_collaboration,
    "collaborations.delete_initiative": is_administrator,
    "collaborations.add_stagedecision": edit_collaboration,
    "benefits.view_benefit": can_view,
    "benefits.add_benefit": edit_collaboration,
    "benefits.change_benefit": edit_benefit,
    "benefits.delete_benefit": is_administrator | is_programme_team_for,
    "benefits.change_plannedvalue": edit_benefit,
    # object: an unsaved Measurement carrying the benefit and force it would record
    "benefits.add_measurement": record_measurement,
    "benefits.change_measurement": record_measurement,
    "benefits.view_measurement": can_view,
}

for name, predicate in PERMISSIONS.items():
    rules.add_perm(name, predicate)
