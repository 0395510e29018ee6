"""Memberships that single sign-on gives: the identity provider's groups, read through
`REALISE_OIDC_ROLE_MAP`, renewed at every sign-in.

A membership that came from the map is marked `source="sso"`. At each sign-in the person's
groups decide exactly which of those they hold: new ones are granted, changed ones updated,
and those whose group has gone (or whose entry was removed from the map) are removed.
Memberships granted by hand (`source="manual"`) are never touched, and a group that would
give a membership the person already holds by hand gives nothing more.

A map entry naming a force or collaboration that does not exist (or a role this version of
Realise does not have) is logged as an error naming the entry and skipped; the rest of the
map still applies, so a mistake withholds that access rather than granting the wrong one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from realise.core.history import set_history_user
from realise.core.oidc import MappedGrant, groups_in
from realise.organisations.models import Force, Membership, MembershipSource, Role

logger = logging.getLogger(__name__)


@dataclass
class SignOnRoles:
    """What one sign-in changed, for the log and for tests."""

    granted: list[Membership] = field(default_factory=list)
    updated: list[Membership] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _force(grant: MappedGrant) -> Force | None:
    return Force.objects.filter(Q(slug=grant.force) | Q(ons_code__iexact=grant.force)).first()


def _resolve(grant: MappedGrant) -> tuple[int, str, int | None] | str:
    """(force id, role, collaboration id or None), or why the entry cannot be applied."""
    if grant.role not in Role.values:
        return f"role {grant.role!r} is not available in this version of Realise"
    force = _force(grant)
    if force is None:
        return f"no force has the slug or ONS code {grant.force!r}"
    collaboration_id = None
    if grant.collaboration:
        # The collaborations app sits above this one: reach its model through the relation.
        collaborations = Membership._meta.get_field("collaborations").related_model
        found = collaborations._default_manager.filter(slug=grant.collaboration)
        collaboration_id = found.values_list("pk", flat=True).first()
        if collaboration_id is None:
            return f"no collaboration has the slug {grant.collaboration!r}"
    return force.pk, grant.role, collaboration_id


def wanted_memberships(groups: set[str], role_map) -> tuple[dict, list[str]]:
    """{(force id, role): set of collaboration ids, or None for "not limited"} and the
    entries skipped, with the reason."""
    wanted: dict[tuple[int, str], set[int] | None] = {}
    skipped: list[str] = []
    for group in sorted(groups):
        for grant in role_map.get(group, ()):
            resolved = _resolve(grant)
            if isinstance(resolved, str):
                skipped.append(f"REALISE_OIDC_ROLE_MAP {grant.describe()}: {resolved}")
                continue
            force_id, role, collaboration_id = resolved
            key = (force_id, role)
            if collaboration_id is None:
                # An entry without a collaboration is the wider grant: it wins.
                wanted[key] = None
            elif key not in wanted:
                wanted[key] = {collaboration_id}
            else:
                limited = wanted[key]
                if limited is not None:
                    limited.add(collaboration_id)
    return wanted, skipped


def apply_role_map(user, claims: dict, role_map=None) -> SignOnRoles | None:
    """Bring the user's single sign-on memberships into line with the groups in `claims`.
    Returns None (and changes nothing) when no role map is configured."""
    role_map = settings.REALISE_OIDC_ROLE_MAP if role_map is None else role_map
    if role_map is None:
        return None
    groups = groups_in(claims, settings.REALISE_OIDC_GROUPS_CLAIM)
    wanted, skipped = wanted_memberships(groups, role_map)
    result = SignOnRoles(skipped=skipped)
    for reason in skipped:
        # A role this version does not have yet is a warning; a wrong force or
        # collaboration is an error in the map.
        level = logging.WARNING if "is not available" in reason else logging.ERROR
        logger.log(level, "Single sign-on for %s: skipped %s", user.get_username(), reason)
    with transaction.atomic():
        # One sign-in at a time per person (two browsers signing in at once).
        list(type(user).objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        held = {
            (m.force_id, m.role): m
            for m in Membership.objects.select_for_update()
            .filter(user=user)
            .prefetch_related("collaborations")
        }
        for key, membership in held.items():
            if membership.source != MembershipSource.SSO:
                continue
            if key not in wanted:
                result.removed.append(str(membership))
                set_history_user(membership, user)
                membership.delete()
                continue
            collaborations = wanted[key] or set()
            if {c.pk for c in membership.collaborations.all()} != collaborations:
                set_history_user(membership, user)
                membership.save(update_fields=["updated_at"])
                membership.collaborations.set(collaborations)
                result.updated.append(membership)
        for key, collaborations in wanted.items():
            if key in held:
                continue  # already held: from the map (updated above) or by hand (left alone)
            force_id, role = key
            membership = Membership(
                user=user, force_id=force_id, role=role, source=MembershipSource.SSO
            )
            set_history_user(membership, user)
            membership.save()
            membership.collaborations.set(collaborations or ())
            result.granted.append(membership)
    if result.granted or result.updated or result.removed:
        logger.info(
            "Single sign-on for %s: granted %s, updated %s, removed %s",
            user.get_username(),
            [str(m) for m in result.granted],
            [str(m) for m in result.updated],
            result.removed,
        )
    return result
