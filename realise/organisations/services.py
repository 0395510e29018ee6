"""People and access: granting, changing and revoking roles, deactivating users, and naming
deputies. Pages, the API and the `realise grant / revoke / users` commands all call these.

Who may do what is one rule (`organisations.rules.refusal_to_grant`): administrators manage
every membership; a programme team manages memberships within the collaborations they run
(and those nested in them) and never grants the administrator or inspector role. `by=None`
is an operator at the command line, who may do anything.

Every change is saved with the user who made it and the reason given, so it is in the
membership's history and in the audit trail.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from realise.core import audit, formatting, language
from realise.core.history import set_history_user
from realise.core.language import english
from realise.core.oidc import username_for
from realise.core.permissions import access_for, forget_access
from realise.organisations.models import (
    ROLE_CLI_NAMES,
    ROLE_NAMES,
    Cover,
    Force,
    Invitation,
    InvitationStatus,
    Membership,
    Person,
    Role,
)
from realise.organisations.rules import collaboration_words, refusal_to_grant

REASON_MAX = 500


def collaboration_model() -> Any:
    """The Collaboration model, reached through the membership's relation (organisations
    sits below collaborations and does not import it)."""
    return Membership._meta.get_field("collaborations").related_model


# Looking things up by the names people type ----------------------------------------------


class UnknownName(ValueError):
    """A user, role, force or collaboration that does not exist; `option` names the field."""

    def __init__(self, option: str, message: str):
        super().__init__(message)
        self.option = option
        self.message = message


# What to give instead of an empty value, for each option that names something.
_GIVE = {
    "user": "give a user name (list them with `realise users`).",
    "role": f"give one of {', '.join(ROLE_NAMES)}.",
    "force": "give a force's slug or ONS code, or leave the option out.",
    "collaboration": "give a collaboration's slug, or leave the option out.",
}


def refuse_blank(option: str, value: str | None) -> None:
    """Refuse (UnknownName) an option given an empty or blank value: `--force ""` is not
    `--force` left out. None is an option left out, which is not refused here."""
    if value is not None and not value.strip():
        raise UnknownName(option, f"the value is empty: {_GIVE[option]}")


def role_named(name: str) -> str:
    """A role from its command-line name (`force-lead`) or its stored value (`force_lead`)."""
    text = (name or "").strip().lower()
    if text in ROLE_NAMES:
        return ROLE_NAMES[text]
    if text in Role.values:
        return text
    raise UnknownName("role", f"'{name}' is not a role: use one of {', '.join(ROLE_NAMES)}.")


def force_named(text: str) -> Force:
    """A force by slug or ONS code (case-insensitive)."""
    value = (text or "").strip()
    force = Force.objects.filter(Q(slug__iexact=value) | Q(ons_code__iexact=value)).first()
    if force is None:
        raise UnknownName(
            "force",
            f"no force with slug or ONS code '{text}' (list them with GET /api/v1/forces/).",
        )
    return force


def collaboration_named(text: str) -> Any:
    value = (text or "").strip()
    collaboration = collaboration_model().objects.filter(slug__iexact=value).first()
    if collaboration is None:
        raise UnknownName(
            "collaboration",
            f"no collaboration with slug '{text}' (list them with GET /api/v1/collaborations/).",
        )
    return collaboration


def user_named(username: str) -> User:
    user = get_user_model().objects.filter(username__iexact=(username or "").strip()).first()
    if user is None:
        raise UnknownName("user", f"no user '{username}' (list them with `realise users`).")
    return user


def cli_role(role: str) -> str:
    return ROLE_CLI_NAMES.get(role, role)


# Checks ------------------------------------------------------------------------------------


def _check(by: User | None, role: str, force: Force | None, collaborations: Iterable[Any]) -> None:
    """Refuse (PermissionDenied) what `by` may not grant, and (ValidationError) what is not
    a sensible membership whoever grants it."""
    collaborations = list(collaborations)
    if role == Role.FORCE_LEAD and force is None:
        raise ValidationError({"force": _("A force benefits lead needs a force.")})
    refusal = refusal_to_grant(
        by, role, force.pk if force else None, [c.pk for c in collaborations]
    )
    if refusal:
        raise PermissionDenied(refusal)


def _reason(text: str | None, *, required: bool = False) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({"reason": _("Give the reason: it is kept in the history.")})
    if len(text) > REASON_MAX:
        raise ValidationError(
            {"reason": _("Keep the reason to %(most)s characters.") % {"most": REASON_MAX}}
        )
    return text


def refusal_to_lose_administrator(user: User, *, deactivating: bool = False) -> str | None:
    """Why `user` may not stop being an administrator (None: they may): no other active
    account is one (by the role, or as a superuser), so no one would be left to manage
    every role. Deactivating counts the account's superuser flag too; revoking the role
    does not (a superuser stays an administrator without it)."""
    if not user.is_active or (user.is_superuser and not deactivating):
        return None
    holds = user.is_superuser or user.memberships.filter(role=Role.ADMINISTRATOR).exists()
    if not holds:
        return None
    accounts = get_user_model().objects
    administrators = accounts.filter(Q(is_superuser=True) | Q(memberships__role=Role.ADMINISTRATOR))
    if transaction.get_connection().in_atomic_block:
        # Every administrator's account is locked before the others are counted afresh, so
        # that two administrators removing each other at once cannot both go.
        locked = accounts.select_for_update().filter(pk__in=administrators.values("pk"))
        list(locked.values_list("pk", flat=True))
    others = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(memberships__role=Role.ADMINISTRATOR))
        .exclude(pk=user.pk)
    )
    if others.exists():
        return None
    return _(
        "%(username)s is the only administrator: grant the administrator role to someone "
        "else first."
    ) % {"username": user.get_username()}


def _keep_an_administrator(membership: Membership, new_role: str | None = None) -> None:
    """Refuse to take the administrator role from the last active administrator."""
    if membership.role != Role.ADMINISTRATOR or new_role == Role.ADMINISTRATOR:
        return
    refusal = refusal_to_lose_administrator(membership.user)
    if refusal:
        raise ValidationError(refusal)


def _saved(membership: Membership, by: User | None, reason: str) -> None:
    membership.reason = reason
    set_history_user(membership, by)
    membership.save()


def manageable_memberships(by: User | None) -> QuerySet[Membership]:
    """The memberships `by` may see on the access pages: all for administrators (and the
    command line); for a programme team, those naming a collaboration they run."""
    memberships = Membership.objects.select_related("user", "force").prefetch_related(
        "collaborations"
    )
    if by is None or access_for(by).administrator:
        return memberships
    access = access_for(by)
    return (
        memberships.filter(collaborations__in=access.programme_collaborations)
        .exclude(role__in=[Role.ADMINISTRATOR, Role.INSPECTOR])
        .distinct()
    )


def refusal_to_manage(by: User | None, membership: Membership) -> str | None:
    """Why `by` may not change or revoke this membership (None: they may), in the words a
    refusal to revoke it gives on the pages, the API and the command line alike."""
    try:
        _check(by, membership.role, membership.force, membership.collaborations.all())
    except PermissionDenied as refusal:
        return str(refusal)
    except ValidationError as refusal:
        return " ".join(refusal.messages)
    return None


def may_manage(by: User | None, membership: Membership) -> bool:
    return refusal_to_manage(by, membership) is None


# Granting, changing, revoking --------------------------------------------------------------


@dataclass
class Outcome:
    membership: Membership | None
    changed: bool
    message: str


def seen_collaborations(membership: Membership, reader: Any) -> list[Any]:
    """The collaborations a membership is within that `reader` may see: a programme team
    manages the roles within its own collaborations, and is not told the names of others a
    role also names (the set is read once per reader object)."""
    model: Any = Membership.collaborations.field.related_model
    cache = reader.__dict__.setdefault("_realise_seen_collaborations", {})
    if "ids" not in cache:
        cache["ids"] = set(model.objects.visible_to(reader).values_list("pk", flat=True))
    return [c for c in membership.collaborations.all() if c.pk in cache["ids"]]


def _describe(user: User, role: str, force: Force | None, collaboration: Any) -> str:
    where = []
    if force is not None:
        where.append(f"for {force.name}")
    if collaboration is not None:
        where.append(f"in {collaboration.name}")
    label = english(Role(role).label)
    return " ".join([f"{user.get_username()}: {label}", *where])


def _whole(force: Force | None) -> str:
    if force is None:
        return _("without collaborations")
    return _("for %(force)s as a whole") % {"force": language.force_name(force)}


def grant(
    *,
    user: User,
    role: str,
    force: Force | None = None,
    collaboration: Any = None,
    by: User | None = None,
    reason: str | None = "",
) -> Outcome:
    """Give `user` the role (for the force, within the collaboration). Granting what is
    already held changes nothing."""
    reason = _reason(reason)
    _check(by, role, force, [collaboration] if collaboration is not None else [])
    what = _describe(user, role, force, collaboration)
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(user=user, role=role, force=force).first()
        )
        if membership is None:
            membership = Membership(user=user, role=role, force=force)
            _saved(membership, by, reason or "Granted")
            if collaboration is not None:
                membership.collaborations.add(collaboration)
            changed = True
        elif collaboration is None:
            changed = False
        else:
            named = set(membership.collaborations.values_list("pk", flat=True))
            if collaboration.pk in named:
                changed = False
            elif not named:
                raise ValidationError(
                    {
                        "collaboration": _(
                            "%(username)s already holds this role %(force)s; revoke it first to "
                            "limit it to named collaborations."
                        )
                        % {"username": user.get_username(), "force": _whole(force)}
                    }
                )
            else:
                _saved(membership, by, reason or "Granted")
                membership.collaborations.add(collaboration)
                changed = True
    forget_access(user)
    return Outcome(membership, changed, f"Granted {what}." if changed else f"Already held: {what}.")


def change(
    membership: Membership,
    *,
    role: str,
    force: Force | None,
    collaborations: Iterable[Any],
    by: User | None = None,
    reason: str | None = "",
) -> Outcome:
    """Change a membership's role, force or collaborations (both the old and the new must be
    within `by`'s scope)."""
    reason = _reason(reason)
    collaborations = list(collaborations)
    _check(by, membership.role, membership.force, membership.collaborations.all())
    _check(by, role, force, collaborations)
    clash = Membership.objects.filter(user=membership.user, role=role, force=force).exclude(
        pk=membership.pk
    )
    if clash.exists():
        raise ValidationError(
            {
                "role": _("%(username)s already holds that role for that force.")
                % {"username": membership.user.get_username()}
            }
        )
    with transaction.atomic():
        _keep_an_administrator(membership, role)
        membership.role, membership.force = role, force
        _saved(membership, by, reason or "Changed")
        membership.collaborations.set(collaborations)
    forget_access(membership.user)
    return Outcome(membership, True, f"Changed {membership}.")


def remove(membership: Membership, *, by: User | None = None, reason: str = "") -> Outcome:
    """Revoke a whole membership; the reason is kept in its history."""
    reason = _reason(reason, required=by is not None)
    _check(by, membership.role, membership.force, membership.collaborations.all())
    text = str(membership)
    with transaction.atomic():
        _keep_an_administrator(membership)
        _saved(membership, by, reason or "Revoked")
        set_history_user(membership, by)
        membership.delete()
    forget_access(membership.user)
    return Outcome(None, True, f"Revoked {text}.")


def revoke(
    *,
    user: User,
    role: str,
    force: Force | None = None,
    collaboration: Any = None,
    by: User | None = None,
    reason: str = "",
) -> Outcome:
    """Take the role away (within the collaboration only, when one is named: the membership
    goes when its last collaboration does, never widening to the whole force). Revoking what
    is not held changes nothing."""
    what = _describe(user, role, force, collaboration)
    membership = Membership.objects.filter(user=user, role=role, force=force).first()
    if membership is None:
        return Outcome(None, False, f"Not held, nothing to revoke: {what}.")
    if collaboration is None:
        return remove(membership, by=by, reason=reason)
    named = set(membership.collaborations.values_list("pk", flat=True))
    if not named:
        raise ValidationError(
            {
                "collaboration": _(
                    "%(username)s holds this role %(force)s, not within one collaboration: "
                    "revoke it without naming a collaboration."
                )
                % {"username": user.get_username(), "force": _whole(force)}
            }
        )
    if collaboration.pk not in named:
        return Outcome(membership, False, f"Not held, nothing to revoke: {what}.")
    if named == {collaboration.pk}:
        return remove(membership, by=by, reason=reason)
    reason = _reason(reason, required=by is not None)
    _check(by, role, force, [collaboration])
    with transaction.atomic():
        _saved(membership, by, reason or "Revoked")
        membership.collaborations.remove(collaboration)
    forget_access(user)
    return Outcome(membership, True, f"Revoked {what}.")


# Users ----------------------------------------------------------------------------------------


def users_listing() -> list[dict[str, Any]]:
    """Every user with their memberships, as `realise users --format json` prints them."""
    users = (
        get_user_model()
        .objects.order_by("username")
        .prefetch_related("memberships__force", "memberships__collaborations")
    )
    out: list[dict[str, Any]] = []
    for user in users:
        memberships: list[dict[str, str | None]] = []
        for m in sorted(user.memberships.all(), key=lambda m: (m.role, m.force_id or 0)):
            slugs: list[str | None] = [*sorted(c.slug for c in m.collaborations.all())] or [None]
            for slug in slugs:
                memberships.append(
                    {
                        "role": cli_role(m.role),
                        "force": m.force.slug if m.force is not None else None,
                        "collaboration": slug,
                    }
                )
        out.append(
            {
                "username": user.get_username(),
                "email": user.email,
                "active": user.is_active,
                "memberships": memberships,
            }
        )
    return out


def set_active(user: User, active: bool, *, by: User | None = None) -> bool:
    """Deactivate (or reactivate) a user. Their history, authorship and memberships stay;
    a deactivated user cannot sign in, their sessions end and their API token stops
    working, and the link of an invitation they have not yet accepted (the account of an
    invitee is inactive until then) is withdrawn. Administrators only. Whether anything
    changed."""
    if by is not None and not access_for(by).administrator:
        raise PermissionDenied(_("Only an administrator may deactivate or reactivate a user."))
    if by is not None and by.pk == user.pk and not active:
        raise ValidationError(_("You cannot deactivate yourself."))
    with transaction.atomic():
        # Read under a lock: two administrators at once record one change, not two.
        locked = type(user).objects.select_for_update().filter(pk=user.pk)
        was = locked.values_list("is_active", flat=True).get()
        if was and not active:
            refusal = refusal_to_lose_administrator(user, deactivating=True)
            if refusal:
                raise ValidationError(refusal)
        user.is_active = active
        if was != active:  # who allowed or stopped whose sign-in, and when: in the trail
            user.save(update_fields=["is_active"])
            audit.record_change(user, {"is_active": was}, {"is_active": active}, by=by)
        pending = Invitation.objects.filter(user=user, status=InvitationStatus.PENDING)
        invitation = None if active else pending.select_for_update().first()
        if invitation is not None:
            invitation.status = InvitationStatus.WITHDRAWN
            set_history_user(invitation, by)
            invitation.save()
    return was != active or invitation is not None
    # Sessions and tokens are checked against `is_active` on every request (Django's
    # ModelBackend.get_user, DRF's TokenAuthentication): they stop working at once.


def activation_message(name: str, active: bool) -> str:
    """What the person who (de)activated `name` is told, on the page and the command line."""
    if active:
        return _("%(name)s can sign in again.") % {"name": name}
    return _(
        "%(name)s is deactivated: they can no longer sign in and their API token "
        "no longer works. Their history and authorship are kept."
    ) % {"name": name}


# Named people ------------------------------------------------------------------------------


def refusal_to_name(email: str, person: Person | None = None) -> str | None:
    """Why a person cannot be named with this email address (None: they can): another
    person already has it. Addresses differing only in case are the same address, and a
    person keeping the address they have is never refused. The other person is not named."""
    email = (email or "").strip()
    if not email:
        return None
    others = Person.objects.filter(email__iexact=email)
    if person is not None and person.pk is not None:
        current = Person.objects.filter(pk=person.pk).values_list("email", flat=True).first()
        if (current or "").strip().casefold() == email.casefold():
            return None
        others = others.exclude(pk=person.pk)
    if others.exists():
        return _("Someone is already named with this email address.")
    return None


def _save_person(
    person: Person, permission: str, by: User | None, values: dict[str, Any]
) -> Person:
    """Check the rule the API checks (`permission`), then the values, then save with the
    history user (so the history and the audit trail record who made the change)."""
    if by is not None and not by.has_perm(permission, person):
        raise PermissionDenied(_("Only administrators and programme teams name people."))
    values = {
        name: value.strip() if isinstance(value, str) else value for name, value in values.items()
    }
    refusal = refusal_to_name(values.get("email", ""), person)
    if refusal:
        raise ValidationError({"email": refusal})
    for name, value in values.items():
        setattr(person, name, value)
    person.full_clean(exclude=["user"])
    set_history_user(person, by)
    person.save()
    return person


def name_person(
    *,
    name: str,
    role_title: str = "",
    force: Force | None = None,
    email: str = "",
    by: User | None = None,
) -> Person:
    """Name someone who may never sign in (a commissioner chairing a board, an SRO, an
    auditor), so that they can be chosen as chair, SRO or owner. Inviting the address
    later links the new account to them."""
    values = {"name": name, "role_title": role_title, "force": force, "email": email}
    return _save_person(Person(), "organisations.add_person", by, values)


def change_person(
    person: Person,
    *,
    name: str,
    role_title: str = "",
    force: Force | None = None,
    email: str = "",
    by: User | None = None,
) -> Person:
    values = {"name": name, "role_title": role_title, "force": force, "email": email}
    return _save_person(person, "organisations.change_person", by, values)


# Cover: deputies ------------------------------------------------------------------------------


# The fields naming the person who owns a record: while covering them, a deputy acts for
# them as owner (`core.permissions.acts_for`): benefits they own or measure, initiatives
# they are SRO of, actions they own.
OWNING_FIELDS = frozenset({"owner", "measurement_owner", "sro"})


def _path_to_collaboration(model: Any, depth: int = 3) -> str | None:
    """The shortest lookup from a model to its collaboration ("initiative__collaboration"),
    through its foreign keys (the apps that own these models sit above this one)."""
    target = collaboration_model()
    frontier: list[tuple[Any, str]] = [(model, "")]
    for _step in range(depth):
        following = []
        for current, path in frontier:
            for field in current._meta.get_fields():
                if not (field.many_to_one and field.concrete and field.related_model):
                    continue
                lookup = f"{path}__{field.name}" if path else field.name
                if field.related_model is target:
                    return lookup
                following.append((field.related_model, lookup))
        frontier = following
    return None


def owned_collaborations(person_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each person, the collaborations of the records they own (OWNING_FIELDS)."""
    ids = set(person_ids)
    found: dict[int, set[int]] = {pk: set() for pk in ids}
    for relation in Person._meta.related_objects:
        field = relation.field
        if field.name not in OWNING_FIELDS:
            continue
        path = _path_to_collaboration(relation.related_model)
        if path is None:
            continue
        rows = relation.related_model._default_manager.filter(**{f"{field.name}__in": ids})
        for person_id, collaboration_id in rows.values_list(field.attname, path).distinct():
            if collaboration_id is not None:
                found[person_id].add(collaboration_id)
    return found


def may_arrange_cover(by: User | None, person: Person) -> bool:
    """The person themself and administrators arrange cover; a programme team, for people
    whose records (OWNING_FIELDS) all lie within the collaborations it runs."""
    if by is None:
        return True
    access = access_for(by)
    if access.administrator or (person.user_id is not None and person.user_id == by.pk):
        return True
    if not access.programme_collaborations:
        return False
    return owned_collaborations([person.pk])[person.pk] <= access.programme_collaborations


def name_deputy(
    *,
    person: Person,
    deputy: User,
    starts: datetime.date,
    ends: datetime.date,
    note: str = "",
    by: User | None = None,
) -> Cover:
    if not may_arrange_cover(by, person):
        if by is not None and access_for(by).programme_collaborations:
            raise PermissionDenied(
                _(
                    "%(person)s owns records outside the collaborations you run: the person "
                    "themself or an administrator names their deputy."
                )
                % {"person": person.name}
            )
        raise PermissionDenied(
            _("Only the person themself, an administrator or a programme team names a deputy.")
        )
    cover = Cover(person=person, deputy=deputy, starts=starts, ends=ends, note=note, created_by=by)
    # Every problem at once, each on its field: the dates and the deputy alike.
    errors: dict[str, list[ValidationError]] = {}
    try:
        cover.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    deputy_problems = []
    if not deputy.is_active:
        deputy_problems.append(
            _("%(username)s is deactivated.") % {"username": deputy.get_username()}
        )
    acting_for_another = by is not None and deputy.pk == by.pk and person.user_id != by.pk
    if acting_for_another and not access_for(by).administrator:
        deputy_problems.append(
            _("You cannot name yourself deputy for %(person)s: ask them, or an administrator.")
            % {"person": person.name}
        )
    for problem in deputy_problems:
        errors.setdefault("deputy", []).append(ValidationError(problem))
    if errors:
        raise ValidationError(errors)
    set_history_user(cover, by)
    cover.save()
    forget_access(deputy)
    return cover


def end_cover(cover: Cover, *, by: User | None = None) -> None:
    if not may_arrange_cover(by, cover.person):
        raise PermissionDenied(
            _("Only the person themself, an administrator or a programme team ends cover.")
        )
    set_history_user(cover, by)
    cover.delete()
    forget_access(cover.deputy)


def covers_for(by: User | None) -> QuerySet[Cover]:
    """The cover `by` sees: all for administrators; their own and where they are the
    deputy; for a programme team, also the cover of people it may arrange cover for."""
    covers = Cover.objects.select_related("person", "deputy")
    if by is None:
        return covers
    access = access_for(by)
    if access.administrator:
        return covers
    own = Q(person__user=by) | Q(deputy=by)
    if not access.programme_collaborations:
        return covers.filter(own)
    people = set(covers.values_list("person_id", flat=True))
    owned = owned_collaborations(people)
    within = [pk for pk in people if owned[pk] <= access.programme_collaborations]
    return covers.filter(own | Q(person_id__in=within))


def deputies_on(day: datetime.date, person_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active deputies covering each person on `day`."""
    found: dict[int, list[User]] = {}
    covers = Cover.objects.filter(
        person_id__in=set(person_ids), starts__lte=day, ends__gte=day, deputy__is_active=True
    ).select_related("deputy")
    for cover in covers:
        found.setdefault(cover.person_id, []).append(cover.deputy)
    return found


# Invitations -----------------------------------------------------------------------------------


class InvitationTokens(PasswordResetTokenGenerator):
    """One-time links for invitations: Django's signed, timestamped tokens, bound to the
    user's password and state and to the invitation's latest sending, so a link stops
    working once used, resent (an older link) or withdrawn, and after
    REALISE_INVITATION_DAYS days."""

    key_salt = "realise.organisations.services.InvitationTokens"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        invitation = Invitation.objects.filter(user=user).first()
        state = (
            f"{invitation.pk}-{invitation.status}-{invitation.sent_count}" if invitation else "none"
        )
        return f"{user.pk}{user.password}{user.is_active}{state}{timestamp}"

    def check_token(self, user: User | None, token: str | None) -> bool:
        if not (user and token) or "-" not in token:
            return False
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, issued, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - issued
        return age <= invitation_days() * 24 * 3600


invitation_tokens = InvitationTokens()


def invitation_days() -> int:
    return int(getattr(settings, "REALISE_INVITATION_DAYS", 7))


def invitation_link(invitation: Invitation) -> str:
    uid = urlsafe_base64_encode(force_bytes(invitation.user.pk))
    token = invitation_tokens.make_token(invitation.user)
    path = reverse("invitation-accept", args=[uid, token])
    return f"{settings.REALISE_BASE_URL.rstrip('/')}{path}"


def _send_invitation(invitation: Invitation, by: User | None) -> None:
    invitation.sent_at = timezone.now()
    invitation.sent_count += 1
    set_history_user(invitation, by)
    invitation.save()
    # In the invited person's language (remembered on their account; English if none).
    with translation.override(language.of_user(invitation.user)):
        inviter = (
            by.get_full_name() or by.get_username() if by is not None else _("An administrator")
        )
        roles = ", ".join(
            str(m) for m in Membership.objects.filter(user=invitation.user).select_related("force")
        )
        days = invitation_days()
        body = "\n".join(
            [
                _(
                    "%(inviter)s has invited you to Realise, where police collaborations track "
                    "the benefits they deliver."
                )
                % {"inviter": inviter},
                "",
                _("Your roles: %(roles)s.") % {"roles": roles or _("none yet")},
                "",
                _("Choose a password to start (the link works once, for %(period)s):")
                % {"period": formatting.days(days)},
                invitation_link(invitation),
                "",
                _("Your user name is %(username)s.") % {"username": invitation.user.get_username()},
            ]
        )
        send_mail(
            _("[Realise] You are invited to Realise"),
            body,
            settings.DEFAULT_FROM_EMAIL,
            [invitation.email],
        )


def _username_for(email: str) -> str:
    """The address's local part, made a valid user name (o'brien@... is o-brien)."""
    base = username_for(email)[:140]
    name, n = base, 1
    User = get_user_model()
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}{n}"
    return name


def invite(
    *,
    email: str,
    role: str,
    force: Force | None = None,
    collaborations: Iterable[Any] = (),
    first_name: str = "",
    last_name: str = "",
    by: User | None = None,
) -> Invitation:
    """Create the user (inactive, no password) with the role, and email them a link to
    choose a password. The same rules as granting the role."""
    collaborations = list(collaborations)
    _check(by, role, force, collaborations)
    email = email.strip()
    refusal = refusal_to_invite(email, by)
    if refusal:
        raise ValidationError({"email": refusal})
    User = get_user_model()
    with transaction.atomic():
        user = _unused_account(email)
        if user is None:
            user = User(username=_username_for(email), is_active=False)
            user.set_unusable_password()
            invitation = Invitation(user=user)
        else:  # invited before and withdrawn: the same account, invited again
            invitation = user.invitation
            invitation.status = InvitationStatus.PENDING
        user.email = email
        user.first_name = first_name or user.first_name
        user.last_name = last_name or user.last_name
        user.save()
        if not Person.objects.filter(user=user).exists():
            # Named at once, so that they can be made an owner, an SRO or a chair before
            # they first sign in: the person already named with this address, else a new one.
            person = Person.objects.filter(user=None, email__iexact=email).first()
            if person is None:
                name = user.get_full_name() or user.get_username()
                person = Person(name=name, email=email, force=force)
            person.user = user
            set_history_user(person, by)
            person.save()
        membership = Membership.objects.filter(user=user, role=role, force=force).first()
        membership = membership or Membership(user=user, role=role, force=force)
        _saved(membership, by, f"Invited by {by.get_username() if by else 'an operator'}")
        membership.collaborations.set(collaborations)
        invitation.email, invitation.invited_by = email, by
        _send_invitation(invitation, by)
    forget_access(user)
    return invitation


def _unused_account(email: str) -> User | None:
    """The account an earlier invitation to this address made, withdrawn before it was
    ever used (never signed in, no password): inviting the address again reuses it."""
    user = (
        get_user_model()
        .objects.filter(
            email__iexact=email,
            is_active=False,
            invitation__status=InvitationStatus.WITHDRAWN,
            invitation__accepted_at__isnull=True,
        )
        .first()
    )
    return None if user is None or user.has_usable_password() else user


def refusal_to_invite(email: str, by: User | None = None) -> str | None:
    """Why `by` cannot invite this address (None: they can). Addresses differing only in
    case are the same address. An invitation already waiting is pointed to only when `by`
    sees it on the invitations page."""
    email = (email or "").strip()
    unused = _unused_account(email)
    others = get_user_model().objects.filter(email__iexact=email)
    if unused is not None:
        others = others.exclude(pk=unused.pk)
    if not others.exists():
        return None
    pending = others.filter(invitation__status=InvitationStatus.PENDING)
    if pending.exists() and invitations_for(by).filter(user__in=pending).exists():
        return _(
            "%(email)s is already invited: send the invitation again from the invitations page."
        ) % {"email": email}
    # Whether the address has an account, or an invitation someone else sent, is told only
    # to those who could already see that account.
    if not _may_know_account(by, email, others):
        return _("You cannot invite %(email)s: ask an administrator to invite them.") % {
            "email": email
        }
    if pending.exists():
        return _(
            "%(email)s is already invited by someone else: once they have accepted, "
            "grant them the role, or ask an administrator to."
        ) % {"email": email}
    return _("Someone already has an account with this email address: grant them a role.")


def _may_know_account(by: User | None, email: str, accounts: QuerySet[User]) -> bool:
    """Whether `by` may be told that one of `accounts` has this address: administrators
    (and the command line); whoever manages a role one of them holds; and whoever sees it
    on the people page already (a named person with this address, linked to the account).
    Anyone else is refused without being told why, so that an address typed into the
    invitation form never reveals an account they could not otherwise see."""
    if by is None or access_for(by).administrator:
        return True
    if manageable_memberships(by).filter(user__in=accounts).exists():
        return True
    return Person.objects.known_to(by).filter(user__in=accounts, email__iexact=email).exists()


def _may_handle(by: User | None, invitation: Invitation) -> None:
    """Only whoever sees the invitation on the invitations page (`invitations_for`: its
    inviter, or a programme team managing one of its roles) and manages access handles it;
    `_refuse_roles_beyond` then checks each role it carries."""
    if by is None or access_for(by).administrator:
        return
    if not access_for(by).programme_collaborations:
        raise PermissionDenied(_("Only administrators and programme teams handle invitations."))
    if not invitations_for(by).filter(pk=invitation.pk).exists():
        raise PermissionDenied(_("Only whoever may grant its roles may handle this invitation."))


def _already(invitation: Invitation) -> str:
    if invitation.status == InvitationStatus.ACCEPTED:
        return _("This invitation was accepted.")
    return _("This invitation was withdrawn.")


def resend(invitation: Invitation, *, by: User | None = None) -> None:
    """Send a new link (the earlier one stops working). The link gives the invitee every
    role they hold, so, as for withdrawing, only whoever manages each of them sends it
    again (`_refuse_roles_beyond`)."""
    _may_handle(by, invitation)
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_already(invitation))
    with transaction.atomic():
        _refuse_roles_beyond(by, invitation.user, _invitee_roles(invitation), withdrawing=False)
        _send_invitation(invitation, by)


def _invitee_roles(invitation: Invitation) -> list[Membership]:
    """The invitee's roles, locked until the handling of the invitation is saved."""
    return list(
        Membership.objects.select_for_update()
        .filter(user=invitation.user)
        .prefetch_related("collaborations")
    )


def _role_words(membership: Membership, reader: User) -> str:
    """A role as a refusal names it to `reader`: "Force benefits lead, Norfolk, 1 other
    collaboration" (the collaborations they may not see counted, not named)."""
    seen = seen_collaborations(membership, reader)
    parts = [str(Role(membership.role).label)]
    if membership.force is not None:
        parts.append(language.force_name(membership.force))
    hidden = len(membership.collaborations.all()) - len(seen)
    parts += collaboration_words([c.name for c in seen], hidden)
    return ", ".join(parts)


def _refuse_roles_beyond(
    by: User | None, user: User, memberships: list[Membership], *, withdrawing: bool = True
) -> None:
    """Withdrawing revokes every role the invitee holds, and sending again gives them all,
    so only whoever may revoke each of them withdraws or sends again: a programme team
    whose invitee was since given a role elsewhere (or that no longer runs the
    collaboration) is refused, told which, and nothing changes (an administrator's grant
    is not undone, nor a link sent again)."""
    if by is None:
        return
    beyond = [m for m in memberships if not may_manage(by, m)]
    if not beyond:
        return
    words = {
        "username": user.get_username(),
        "roles": "; ".join(_role_words(m, by) for m in beyond),
    }
    if not withdrawing:
        raise PermissionDenied(
            _(
                "%(username)s holds roles you do not manage (%(roles)s): ask an administrator "
                "to send the invitation again."
            )
            % words
        )
    raise PermissionDenied(
        _(
            "%(username)s also holds roles you do not manage (%(roles)s): withdrawing the "
            "invitation would end them too. Revoke your own roles from the access page, "
            "or ask an administrator to withdraw it."
        )
        % words
    )


def withdraw(invitation: Invitation, *, by: User | None = None) -> None:
    """The link stops working and every role the invitee holds is revoked; the account
    stays inactive (nothing was done with it). Only whoever may revoke each of those roles
    withdraws (`_refuse_roles_beyond`)."""
    _may_handle(by, invitation)
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_already(invitation))
    with transaction.atomic():
        memberships = _invitee_roles(invitation)
        _refuse_roles_beyond(by, invitation.user, memberships)
        for membership in memberships:
            membership.reason = "Invitation withdrawn"
            set_history_user(membership, by)
            membership.save()
            membership.delete()
        invitation.status = InvitationStatus.WITHDRAWN
        set_history_user(invitation, by)
        invitation.save()
    forget_access(invitation.user)


def pending_invitation(uidb64: str, token: str) -> Invitation | None:
    """The invitation a link names, if the link still works."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    invitation = Invitation.objects.select_related("user").filter(user_id=pk).first()
    if invitation is None or invitation.status != InvitationStatus.PENDING:
        return None
    if not invitation_tokens.check_token(invitation.user, token):
        return None
    return invitation


def accept(invitation: Invitation, password: str) -> None:
    """Set the password (already validated) and activate the account: the link is used."""
    with transaction.atomic():
        user = invitation.user
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        invitation.status = InvitationStatus.ACCEPTED
        invitation.accepted_at = timezone.now()
        set_history_user(invitation, user)
        invitation.save()


def invitations_for(by: User | None) -> QuerySet[Invitation]:
    invitations = Invitation.objects.select_related("user", "invited_by")
    if by is None or access_for(by).administrator:
        return invitations
    return invitations.filter(
        Q(invited_by=by) | Q(user__memberships__in=manageable_memberships(by))
    ).distinct()
