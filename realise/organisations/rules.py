"""Who may see people, forces and networks, who may grant which role where, and who reads
the audit trail and its personal values. Found by django-rules' autodiscovery at start-up.

Administrators grant any role anywhere. A programme team grants, changes and revokes roles
only within the collaborations it runs (and those nested in them): each membership it
touches must name at least one collaboration, all of them within its scope, and the force
(if any) must be a member of one of them. It never grants the administrator or inspector
role. Memberships are managed through `organisations.services`, which calls
`refusal_to_grant`."""

from __future__ import annotations

import rules
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from realise.core.errors import register_nouns
from realise.core.language import force_name
from realise.core.permissions import (
    ACCOUNT_KIND,
    access_for,
    is_administrator,
    is_signed_in,
    may_create_anywhere,
    register_organisational,
    register_scope,
)
from realise.core.personal_data import READ_PERSONAL_DATA, register_personal_fields
from realise.organisations.models import Force, Membership, Person, Role
from realise.organisations.visibility import gone_memberships, visible_memberships


def _collaboration_models():
    """Collaborations and force shares: the collaborations app sits above this one, so its
    models are reached through the relations that name them."""
    collaboration = Membership._meta.get_field("collaborations").related_model
    force_share = Force._meta.get_field("shares").related_model
    return collaboration, force_share


def refusal_to_grant(user, role: str, force_id: int | None, collaboration_ids) -> str | None:
    """Why `user` may not hold this membership in their hands (None: they may).
    `user=None` is an operator at the command line."""
    Collaboration, ForceShare = _collaboration_models()

    if user is None:
        return None
    access = access_for(user)
    if access.administrator:
        return None
    if not access.programme_collaborations:
        return gettext("Only administrators and programme teams grant or revoke roles.")
    if role in (Role.ADMINISTRATOR, Role.INSPECTOR):
        return gettext("Only an administrator may grant or revoke the %(role)s role.") % {
            "role": _role_words(role)
        }
    ids = set(collaboration_ids)
    if not ids:
        return gettext(
            "Name a collaboration for the %(role)s role: a programme team grants roles only "
            "within the collaborations it runs."
        ) % {"role": _role_words(role)}
    outside = _outside_words(user, ids - access.programme_collaborations)
    if outside:
        return gettext(
            "You are not on the programme team of %(collaborations)s: you may grant roles "
            "only within the collaborations you run."
        ) % {"collaborations": outside}
    if force_id is not None and role == Role.PROGRAMME_TEAM:
        return gettext(
            "Grant the programme team role without a force: with one it would reach every "
            "collaboration of that force."
        )
    member = ForceShare.objects.filter(force_id=force_id, collaboration_id__in=ids)
    if force_id is not None and not member.exists():
        force = Force.objects.get(pk=force_id)
        names = sorted(Collaboration.objects.filter(pk__in=ids).values_list("name", flat=True))
        return gettext(
            "That force is not a member of the collaboration named: %(force)s is not a member "
            "of %(collaborations)s. Choose one of its member forces."
        ) % {"force": force_name(force), "collaborations": ", ".join(names)}
    return None


def _role_words(role: str) -> str:
    """A role as a refusal names it: "viewer", "force benefits lead"."""
    return str(Role(role).label).split(" (")[0].lower()


def _outside_words(user, ids: set[int]) -> str:
    """The collaborations (of `ids`) a refusal names: those `user` may see by name, and the
    others only counted, so that a refusal never tells a private collaboration's name to
    someone who may not see it. Empty when `ids` is."""
    if not ids:
        return ""
    Collaboration, _share = _collaboration_models()
    seen = Collaboration.objects.visible_to(user).filter(pk__in=ids)
    names = list(seen.values_list("name", flat=True))
    return ", ".join(collaboration_words(names, len(ids) - len(names)))


def collaboration_words(seen_names: list[str], hidden: int) -> list[str]:
    """Collaborations as a refusal names them: those the reader may see by name, in order,
    and the `hidden` others only counted ("1 other collaboration")."""
    words = sorted(seen_names)
    if hidden:
        words.append(
            ngettext(
                "%(count)d other collaboration",
                "%(count)d other collaborations",
                hidden,
            )
            % {"count": hidden}
        )
    return words


def may_read_email(user, person: Person) -> bool:
    """A person's email address is read by those who manage people (administrators and
    programme teams), by the person themself, and by anyone once the person has chosen to
    share it in the directory (`/account/sharing/`)."""
    if user is None or not user.is_authenticated:
        return False
    if may_create_anywhere(user) or (person.user_id is not None and person.user_id == user.pk):
        return True
    sharing = getattr(person, "sharing", None)
    return bool(sharing and sharing.share_email)


@rules.predicate
def manages_access(user) -> bool:
    access = access_for(user)
    return access.administrator or bool(access.programme_collaborations)


@rules.predicate
def may_manage_membership(user, obj) -> bool:
    if obj is None:
        return manages_access.test(user)
    ids = [c.pk for c in obj.collaborations.all()] if obj.pk else []
    return refusal_to_grant(user, obj.role, obj.force_id, ids) is None


@rules.predicate
def is_inspector(user) -> bool:
    """Inspectors and viewers (board members, auditors) read the audit trail."""
    access = access_for(user)
    if not access.authenticated:
        return False
    return access.inspector or access.viewer


PERMISSIONS = {
    # object: the membership (None: the access pages at all)
    # seen by whoever manages access; the queryset scopes which (organisations.services)
    "organisations.view_membership": manages_access,
    "organisations.add_membership": manages_access,
    "organisations.change_membership": may_manage_membership,
    "organisations.delete_membership": may_manage_membership,
    "organisations.view_region": is_signed_in,
    "organisations.view_force": is_signed_in,
    "organisations.view_person": is_signed_in,
    "organisations.add_person": may_create_anywhere,
    "organisations.change_person": may_create_anywhere,
    "organisations.delete_person": is_administrator,
    # The network of people: names and descriptions of networks are open to anyone signed
    # in; what is inside a members-only one is decided by `knowledge.network`.
    "organisations.view_network": is_signed_in,
    "organisations.add_network": may_create_anywhere,
    "organisations.view_topic": is_signed_in,
    # The audit trail (its records scoped by `core.permissions.visible_audit_records`).
    "core.view_auditrecord": is_administrator | is_inspector,
    # Its personal values (below): read by whoever manages people and access; other
    # readers see them withheld (`core.personal_data`).
    READ_PERSONAL_DATA: manages_access,
}

for name, predicate in PERMISSIONS.items():
    rules.add_perm(name, predicate)

# The audit trail and 404s: organisational records are seen by anyone signed in, but for
# memberships within private collaborations (`organisations.visibility`).
register_organisational(
    "organisations.region",
    "organisations.force",
    "organisations.person",
    "organisations.cover",
)
register_scope("organisations.membership", visible_memberships, gone=gone_memberships)

# Personal values in the audit trail and the history: people's email addresses, why a role
# was granted, changed or revoked, and what a cover was for.
register_personal_fields("organisations.person", "email")
register_personal_fields("organisations.membership", "reason")
register_personal_fields("organisations.invitation", "email")
register_personal_fields("organisations.cover", "note")
register_personal_fields(ACCOUNT_KIND, "email")

# What the 403 page calls these records (core.errors.describe).
register_nouns(
    {
        "force": (_("force"), _("forces")),
        "membership": (_("membership"), _("memberships")),
        "network": (_("network"), _("networks")),
        "person": (_("person"), _("people")),
        "region": (_("region"), _("regions")),
        "topic": (_("topic"), _("topics")),
    }
)
