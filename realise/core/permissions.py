"""Who may see and change what: the role machinery every app's rules are built on.

Roles come from `organisations.Membership`:

* administrator: everything;
* programme team: edits everything within their collaborations (and those nested in them);
* force lead: records actuals for their own force, in collaborations their force belongs to;
* benefit owner: edits the benefits they own (and records their actuals);
* viewer: reads only;
* inspector: reads everything, private collaborations included, and changes nothing (the
  inspectorate, auditors); each private record an inspector opens is written to the audit
  trail (`realise.core.inspection`).

A membership may name collaborations: whatever the role, those (and the collaborations
nested in them) are visible to the user, private ones included, and a force lead's or
viewer's membership that names any is limited to them (its force's other private
collaborations are not visible through it). Only a role for a force as a whole (naming no
collaboration), or a programme team's, makes the force's private collaborations visible.

Cover: while a deputy covers a benefit owner or measurement owner (`organisations.Cover`),
the deputy acts for them: `acts_for(user, person_id)` is the one test, used by the rules
that check ownership (`owns_benefit`) and meant for any rule that does (e.g. verifying a
measurement as its measurement owner).

Access is worked out once per request (a fresh user object per request) and kept in the
shared cache under the version of the records it is worked out from (`core.dataversion`),
which every write to them moves: a role granted or revoked takes effect on the next request
of pages, API, exports and search, on every web process.

Visibility of a collaboration: `private` for its own forces, `policing` for any signed-in
user, `public` for anyone.

Core imports no app: each app keeps its own rules in `<app>/rules.py` (found by django-rules'
autodiscovery) and its visibility as `Model.objects.visible_to(user)`. What core needs from
the apps it is told there, through the registers below: how a user's access is worked out
(`register_access`), the collaboration a record belongs to (`register_collaboration_path`,
which also tells `is_collaboration` and `collaboration_model`), and, for the audit trail
and 404s, how each kind of record is seen (`register_scope`, `register_parent`,
`register_organisational`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import rules
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import BigIntegerField, CharField, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from realise.core.dataversion import version_of_kinds
from realise.core.models import AuditAction, AuditRecord


@dataclass(frozen=True)
class Access:
    """What one user may do, worked out once per request."""

    authenticated: bool = False
    administrator: bool = False
    forces: frozenset[int] = field(default_factory=frozenset)
    lead_forces: frozenset[int] = field(default_factory=frozenset)
    programme_collaborations: frozenset[int] = field(default_factory=frozenset)
    # (force, collaboration): a force lead limited to named collaborations (and nested ones).
    lead_scopes: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    person_id: int | None = None
    benefit_owner: bool = False
    inspector: bool = False
    # A viewer's membership anywhere (board members, auditors: they read the audit trail).
    viewer: bool = False
    # Collaborations named on any membership (with those nested in them): visible.
    collaborations: frozenset[int] = field(default_factory=frozenset)
    user_id: int | None = None
    # Every collaboration this user may see, worked out with the rest (`visible_to` then
    # tests a list of ids rather than joining the forces' shares in each query); None when
    # not worked out (those who read everything see every collaboration).
    visible_collaborations: frozenset[int] | None = None
    _worked_out: dict = field(default_factory=dict, compare=False, repr=False)

    def leads_in(self, collaboration_id: int) -> frozenset[int]:
        """The forces this user leads benefits for in this collaboration."""
        scoped = {f for f, c in self.lead_scopes if c == collaboration_id}
        return self.lead_forces | frozenset(scoped)

    @property
    def reads_everything(self) -> bool:
        return self.administrator or self.inspector

    @property
    def acting_for(self) -> frozenset[int]:
        """The people this user covers today as their deputy (organisations.Cover); looked
        up the first time it is needed."""
        if "acting_for" not in self._worked_out:
            self._worked_out["acting_for"] = _source["people_covered"](self.user_id)
        return self._worked_out["acting_for"]

    def acts_as(self, person_id: int | None) -> bool:
        """This user is the person, or covers for them today."""
        if person_id is None or not self.authenticated:
            return False
        return person_id == self.person_id or person_id in self.acting_for


# Where access comes from: the app that knows memberships, forces and collaborations.
_source: dict[str, Callable] = {}


def register_access(
    work_out: Callable, people_covered: Callable, read_from: Iterable[str] = ()
) -> None:
    """Name how a signed-in user's `Access` is worked out (`work_out(user)`) and whom a
    user covers today (`people_covered(user_id)`, a frozenset of person ids).

    `read_from` names every kind of record ("app.model") that `work_out` reads: a write to
    any of them moves the version the shared cache keeps access under. Named none, any
    write to domain data moves it."""
    _source["work_out"] = work_out
    _source["people_covered"] = people_covered
    _read_from[:] = sorted(set(read_from))


_read_from: list[str] = []

# How long a user's worked-out access is kept in the shared cache. The key carries the
# version of the records access is worked out from (`register_access`), which a write to
# any of them (a role granted, a share changed, a collaboration nested) moves in the
# writer's transaction, so the entry is unreachable at once; the limit only bounds the
# cache's size. Accounts (superuser, active) are part of the key, and any other change to
# an account moves the generation, part of the version.
ACCESS_SECONDS = 600


# The attribute of a user object holding the version its access is kept under, when it was
# read with the request's first statement (`remember_version`).
_VERSION = "_realise_access_version"


def access_kinds() -> list[str]:
    """The kinds of record access is worked out from, sorted ("app.model")."""
    return list(_read_from)


def remember_version(user, version: str) -> None:
    """Keep on `user` the version of the kinds access is read from (`access_kinds`, or of
    all domain data when none are named), read with another statement at the start of the
    request, so that `access_for` need not read it again."""
    setattr(user, _VERSION, version)


def shared_access_key(user) -> str:
    """Where the user's access is kept in the shared cache (a caller about to read the
    cache anyway can ask for it in the same round trip: `adopt_access`)."""
    # With no kinds named, `version_of_kinds` is the version of all domain data.
    version = getattr(user, _VERSION, None) or version_of_kinds(_read_from)
    # v2: Access gained `visible_collaborations`; an entry kept before it is not read.
    return f"realise:access:v2:{user.pk}:{int(user.is_superuser)}:{int(user.is_active)}:{version}"


def adopt_access(user, access: Access) -> None:
    """Keep on the user object the access read from the shared cache under
    `shared_access_key(user)`, as `access_for` would have read it."""
    user._realise_access = access


def access_for(user) -> Access:
    """What the user may do: kept on the user object for the request, and in the shared
    cache under the data version, so that a read works it out again only after a write."""
    if user is None or not user.is_authenticated:
        return Access()
    cached = getattr(user, "_realise_access", None)
    if cached is not None:
        return cached
    key = shared_access_key(user)
    access = cache.get(key)
    if access is None:
        access = _source["work_out"](user)
        cache.set(key, access, ACCESS_SECONDS)
    user._realise_access = access
    return access


def forget_access(user) -> None:
    """Drop what was worked out for this user object (after their roles changed)."""
    if user is None:
        return
    # The version read at the start of the request is no longer that of their access.
    for name in ("_realise_access", _VERSION):
        if hasattr(user, name):
            delattr(user, name)


def acts_for(user, person_id: int | None) -> bool:
    """The user is this person, or their deputy today: the one test of "as the owner"."""
    return access_for(user).acts_as(person_id)


# The collaboration a record belongs to ------------------------------------------------------

# kind: the attributes leading from a record of that kind to its collaboration ("" for a
# collaboration itself). Kinds not named: their `collaboration` attribute, if any.
_COLLABORATION_PATHS: dict[str, tuple[str, ...]] = {}


def register_collaboration_path(kind: str, path: str) -> None:
    """Records of `kind` (e.g. 'benefits.measurement') belong to the collaboration reached
    through `path` ('benefit.initiative.collaboration'; '' for a collaboration itself)."""
    _COLLABORATION_PATHS[kind] = tuple(path.split(".")) if path else ()


_KINDS: dict[type, tuple[str, ...]] = {}


def _kinds_of(klass: type) -> tuple[str, ...]:
    """The kinds of `klass` and of the models it derives from, most specific first (asked
    for every record the audit trail writes: worked out once per class)."""
    found = _KINDS.get(klass)
    if found is None:
        kinds = (getattr(getattr(k, "_meta", None), "label_lower", None) for k in klass.__mro__)
        found = tuple(kind for kind in kinds if kind is not None)
        if len(_KINDS) >= 1024:  # models made on the fly (migrations' states): stay small
            _KINDS.clear()
        _KINDS[klass] = found
    return found


def is_collaboration(obj) -> bool:
    """Whether `obj` is a collaboration itself (its kind belongs to itself: path '')."""
    return any(_COLLABORATION_PATHS.get(kind) == () for kind in _kinds_of(type(obj)))


def collaboration_model():
    """The collaboration model (the kind registered as belonging to itself), or None."""
    kind = next((kind for kind, path in _COLLABORATION_PATHS.items() if path == ()), None)
    return apps.get_model(kind) if kind is not None else None


def collaboration_of(obj):
    """The collaboration `obj` belongs to, or None."""
    for klass in type(obj).__mro__:
        meta = getattr(klass, "_meta", None)
        kind = getattr(meta, "label_lower", None)
        if kind in _COLLABORATION_PATHS:
            for name in _COLLABORATION_PATHS[kind]:
                obj = getattr(obj, name)
            return obj
    return getattr(obj, "collaboration", None)


# Predicates on the roles alone --------------------------------------------------------------


@rules.predicate
def is_administrator(user) -> bool:
    return access_for(user).administrator


@rules.predicate
def is_signed_in(user) -> bool:
    return access_for(user).authenticated


@rules.predicate
def may_create_anywhere(user) -> bool:
    access = access_for(user)
    return access.administrator or bool(access.programme_collaborations)


@rules.predicate
def only_inspects(user) -> bool:
    """An inspector with no other role: reads everything, writes nothing at all."""
    access = access_for(user)
    return access.inspector and not (
        access.administrator
        or access.programme_collaborations
        or access.lead_forces
        or access.benefit_owner
        or access.person_id
    )


# Any audited object: who may see it, resolved in the database ----------------------------
#
# Every kind of record the audit trail describes is seen by whoever may see it: either by
# its own scope (a collaboration, governance body, decision, escalation, lesson or
# document), or through the parent it belongs to (a planned value through its benefit, a
# meeting through its body, a document version through its document...), however deep.
# Organisational records (regions, forces, people, memberships) are seen by anyone signed
# in. A kind no app registers is seen by administrators alone. Each app registers its
# kinds in its `rules.py`.


@dataclass(frozen=True)
class Scope:
    """How the records of one kind with a visibility of their own are seen."""

    # user -> the queryset of the records they may see
    visible: Callable[..., QuerySet]
    # user -> a Q over deletion records of the kind (see `_gone_filter`), or None
    gone: Callable[..., Q] | None = None
    # alias -> the key in a deletion record's `before` values that `gone` filters on
    gone_keys: dict[str, str] = field(default_factory=dict)
    # the collaboration itself: the kind whose visibility decides its descendants'
    root: bool = False


# kind: (the field naming its parent, the parent's kind)
PARENT_KIND: dict[str, tuple[str, str]] = {}
# kind: ((field, kind), ...) the other records a link names, each of which must be seen too
ALSO_SEEN: dict[str, tuple[tuple[str, str], ...]] = {}
SCOPES: dict[str, Scope] = {}
ORGANISATIONAL_KINDS: list[str] = []


def register_scope(
    kind: str,
    visible: Callable[..., QuerySet],
    gone: Callable[..., Q] | None = None,
    gone_keys: dict[str, str] | None = None,
    root: bool = False,
) -> None:
    """Records of `kind` are seen as `visible(user)` says; a deletion record of one, as
    `gone(user)` says over the ids its `before` values kept (`gone_keys`)."""
    SCOPES[kind] = Scope(visible, gone, dict(gone_keys or {}), root)


def register_parent(
    kind: str, field_name: str, parent_kind: str, also: tuple[tuple[str, str], ...] = ()
) -> None:
    """Records of `kind` are seen by whoever sees their parent (`field_name`) and, for a
    link that names other records (`also`: (field, kind) pairs, such as the benefit a
    benefit contributes to), whoever sees each of those as well: a link's record names
    both ends."""
    PARENT_KIND[kind] = (field_name, parent_kind)
    if also:
        ALSO_SEEN[kind] = tuple(also)


def register_organisational(*kinds: str) -> None:
    """Records of these kinds are seen by anyone signed in."""
    ORGANISATIONAL_KINDS.extend(k for k in kinds if k not in ORGANISATIONAL_KINDS)


def _model_of(kind: str):
    return apps.get_model(kind)


def visible_objects(kind: str, user) -> QuerySet | None:
    """The objects of `kind` (e.g. 'benefits.plannedvalue') the user may see, as a
    queryset; None for a kind with no rule (administrators alone see those)."""
    model = _model_of(kind)
    access = access_for(user)
    if access.administrator:
        return model.objects.all()
    if kind in SCOPES:
        return SCOPES[kind].visible(user)
    if kind in ORGANISATIONAL_KINDS:
        return model.objects.all() if access.authenticated else model.objects.none()
    if kind in PARENT_KIND:
        field_name, parent_kind = PARENT_KIND[kind]
        parents = _visible(parent_kind, user)
        found = model.objects.filter(**{f"{field_name}__in": parents.values("pk")})
        for other, other_kind in ALSO_SEEN.get(kind, ()):
            found = found.filter(**{f"{other}__in": _visible(other_kind, user).values("pk")})
        return found
    return None


def _visible(kind: str, user) -> QuerySet:
    """`visible_objects` of a kind the registries name (a parent kind, or a kind with a
    scope), which always has a rule."""
    found = visible_objects(kind, user)
    assert found is not None, f"no visibility rule for {kind}"
    return found


def _root_of(kind: str) -> str | None:
    """The collaboration kind that alone decides whether an object of this kind is seen,
    or None when a body, decision, lesson or document with a visibility of its own is on
    the way up."""
    while kind in PARENT_KIND:
        kind = PARENT_KIND[kind][1]
        if kind in SCOPES and not SCOPES[kind].root:
            return None
    return kind if kind in SCOPES and SCOPES[kind].root else None


def collaboration_decides(kind: str) -> bool:
    """Whether an object of this kind is seen exactly by whoever sees its collaboration
    (no body, decision, lesson or document with a visibility of its own on the way up)."""
    return _root_of(kind) is not None


# The audit trail: a record is seen exactly when the object it describes is ------------------


def _before_id(name: str):
    """The id a deletion record kept in its `before` values under `name` (e.g. body_id)."""
    return Cast(KeyTextTransform(name, "before"), BigIntegerField())


def _gone_filter(kind: str, user) -> Q | None:
    """A Q over deletion records of `kind` whose object, as it was when deleted, the user
    may see: through the live parent it belonged to, or through its own visibility and
    collaboration as they were. None if nothing resolves it."""
    if kind in PARENT_KIND:
        parent_kind = PARENT_KIND[kind][1]
        parents = _visible(parent_kind, user).values("pk")
        seen = Q(_gone_parent__in=parents)
        root = _root_of(kind)
        if root is not None:
            visible = SCOPES[root].visible(user).values("pk")
            seen |= Q(collaboration_id__in=visible)
        for other, other_kind in ALSO_SEEN.get(kind, ()):
            seen &= Q(**{f"_gone_{other}__in": _visible(other_kind, user).values("pk")})
        return seen
    scope = SCOPES.get(kind)
    if scope is not None and scope.gone is not None:
        return scope.gone(user)
    return None


# Accounts keep no history of their own: their changes are written straight to the trail.
ACCOUNT_KIND = settings.AUTH_USER_MODEL.lower()


def visible_audit_records(user) -> QuerySet:
    """The audit records the user may read: each one exactly when the object it describes
    is visible to them (now, or as it was when it was deleted). An account's changes are
    for administrators and inspectors; a record whose object cannot be resolved is for
    administrators alone. One query, filtered in the database."""
    records = AuditRecord.objects.all()
    access = access_for(user)
    if access.administrator:
        return records
    if not access.authenticated:
        return records.none()
    seen = Q(pk__in=[])
    if access.inspector:  # who allowed or stopped whose sign-in (`audit.record_change`)
        seen |= Q(model=ACCOUNT_KIND)
    for kind in (*ORGANISATIONAL_KINDS, *SCOPES, *PARENT_KIND):
        if kind in ORGANISATIONAL_KINDS:
            seen |= Q(model=kind)
            continue
        model = _model_of(kind)
        live = _visible(kind, user).annotate(_key=Cast("pk", CharField()))
        existing = model.objects.annotate(_key=Cast("pk", CharField()))
        clause = Q(object_id__in=live.values("_key"))
        gone = _gone_filter(kind, user)
        if gone is not None:
            keys = dict(SCOPES[kind].gone_keys) if kind in SCOPES else {}
            if kind in PARENT_KIND:
                keys["_gone_parent"] = f"{PARENT_KIND[kind][0]}_id"
                for other, _ in ALSO_SEEN.get(kind, ()):
                    keys[f"_gone_{other}"] = f"{other}_id"
            deletions = AuditRecord.objects.filter(model=kind, action=AuditAction.DELETE)
            deletions = deletions.annotate(
                **{alias: _before_id(name) for alias, name in keys.items()}
            ).filter(gone)
            clause |= Q(object_id__in=deletions.values("object_id")) & ~Q(
                object_id__in=existing.values("_key")
            )
        seen |= Q(model=kind) & clause
    return records.filter(seen)


# Seeing an object at all: 404 rather than 403 ------------------------------------------------

# The rule for an object with no view rule of its own and no parent (the collaborations app
# names it: whoever may see its collaboration).
_default_view: dict[str, rules.Predicate] = {}


def register_default_view(predicate) -> None:
    _default_view["predicate"] = predicate


def _view_rule(obj) -> str | None:
    meta = type(obj)._meta
    name = f"{meta.app_label}.view_{meta.model_name}"
    return name if rules.perm_exists(name) else None


def may_view(user, obj) -> bool:
    """Whether the user may see `obj` (saved or about to be): its own view rule, else its
    parent's (see PARENT_KIND), else its collaboration's. Pages and downloads answer 404,
    never 403, to whoever may not."""
    if obj is None:
        return True
    name = _view_rule(obj)
    if name is not None:
        return rules.has_perm(name, user, obj)
    kind = type(obj)._meta.label_lower
    if kind in PARENT_KIND:
        parent = getattr(obj, PARENT_KIND[kind][0], None)
        if parent is not None:
            return may_view(user, parent)
    return _default_view["predicate"].test(user, obj)


class _SignedInStranger:
    """Someone signed in who belongs to no force: what any signed-in person may see."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    pk = None
    _realise_access = Access(authenticated=True)


SIGNED_IN_STRANGER = _SignedInStranger()


def hidden_from(user, obj) -> bool:
    """Whether `obj` must answer 404 to this user: they may not see it, and (when nobody is
    signed in) signing in as anybody would not show it either; an anonymous visitor asking
    for a policing record is sent to sign in instead."""
    if obj is None or may_view(user, obj):
        return False
    if user is not None and user.is_authenticated:
        return True
    return not may_view(SIGNED_IN_STRANGER, obj)
