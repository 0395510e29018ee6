"""A user's access worked out from their memberships (`organisations.Membership`), the
forces' shares in collaborations and the collaborations nested in those: registered with
`core.permissions.register_access` (by `collaborations/rules.py`), which caches it per user
object. The roles themselves are described in `core/permissions.py`. Also who manages
access to a collaboration (`programme_team`, named on the 403 page)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from realise.collaborations.models import Collaboration, ForceShare, open_or_own
from realise.collaborations.nesting import with_nested
from realise.core.permissions import Access
from realise.organisations.models import Cover, Force, Membership, Person, Role

# Every kind of record `work_out_access` and `people_covered` read: memberships (with the
# collaborations they name), the people linked to accounts, the forces' shares, and the
# collaborations and their nesting (and forces and covers, for safety). A write to any of
# them moves the version access is cached under; other writes leave it cached.
ACCESS_READS_FROM = tuple(
    model._meta.label_lower
    for model in (Membership, Person, ForceShare, Collaboration, Force, Cover)
)


def people_covered(user_id: int | None) -> frozenset[int]:
    """The people this user covers today as their deputy (organisations.Cover)."""
    today = timezone.localdate()
    covers = Cover.objects.filter(deputy_id=user_id, starts__lte=today, ends__gte=today)
    return frozenset(covers.values_list("person_id", flat=True))


def work_out_access(user) -> Access:
    """What a signed-in user may do, from their memberships."""
    memberships = list(user.memberships.prefetch_related("collaborations"))
    roles = {m.role for m in memberships}
    forces: set[int] = set()
    lead_forces: set[int] = set()
    scoped_leads: list[tuple[int, set[int]]] = []
    programme_roots: set[int] = set()
    named_roots: set[int] = set()
    for m in memberships:
        chosen = {c.pk for c in m.collaborations.all()}
        named_roots |= chosen
        if m.role == Role.PROGRAMME_TEAM:
            if m.force_id is not None:
                forces.add(m.force_id)
            if not chosen:
                chosen = set(
                    ForceShare.objects.filter(force_id=m.force_id).values_list(
                        "collaboration_id", flat=True
                    )
                )
            programme_roots |= chosen
        elif m.force_id is None:
            continue
        elif not chosen:
            # A role for the force as a whole: its private collaborations are visible.
            forces.add(m.force_id)
            if m.role == Role.FORCE_LEAD:
                lead_forces.add(m.force_id)
        elif m.role == Role.FORCE_LEAD:
            # Limited to the collaborations named (and those nested in them).
            scoped_leads.append((m.force_id, chosen))
    person_id = Person.objects.filter(user=user).values_list("pk", flat=True).first()
    programme = frozenset(with_nested(programme_roots))
    collaborations = programme | frozenset(with_nested(named_roots - programme_roots))
    administrator = user.is_superuser or Role.ADMINISTRATOR in roles
    visible = None
    if not (administrator or Role.INSPECTOR in roles):
        seen = Collaboration.objects.filter(open_or_own(forces, collaborations))
        visible = frozenset(seen.values_list("pk", flat=True))
    return Access(
        authenticated=True,
        administrator=administrator,
        forces=frozenset(forces),
        lead_forces=frozenset(lead_forces),
        lead_scopes=frozenset(
            (force_id, pk) for force_id, roots in scoped_leads for pk in with_nested(roots)
        ),
        programme_collaborations=programme,
        person_id=person_id,
        benefit_owner=Role.BENEFIT_OWNER in roles,
        inspector=Role.INSPECTOR in roles,
        viewer=Role.VIEWER in roles,
        collaborations=collaborations,
        user_id=user.pk,
        visible_collaborations=visible,
    )


def programme_team(collaboration) -> list[str]:
    """The names of the people who manage access to a collaboration: its programme team,
    named for it, for a collaboration it is nested in, or for a member force as a whole."""
    ancestors: list[Any] = []
    node = collaboration
    while node is not None and len(ancestors) < 20:
        ancestors.append(node.pk)
        node = node.parent
    member_forces = ForceShare.objects.filter(collaboration_id__in=ancestors).values("force_id")
    memberships = (
        Membership.objects.filter(role=Role.PROGRAMME_TEAM, user__is_active=True)
        .filter(
            Q(collaborations__in=ancestors)
            | Q(collaborations__isnull=True, force_id__in=member_forces)
        )
        .select_related("user")
        .distinct()
    )
    names = {m.user.get_full_name().strip() or m.user.get_username() for m in memberships}
    return sorted(names, key=str.lower)
