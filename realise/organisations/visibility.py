"""Who sees a membership in the audit trail (its records live and deleted) and behind 404s.

Who holds a role within a private collaboration is that collaboration's business: a
membership is seen by anyone signed in when it names no collaboration (a role for a force as
a whole, an administrator's, an inspector's), or when it names at least one collaboration
the reader may see; administrators and inspectors see every one. A deleted membership is
judged by the collaborations its deletion record kept (`before["collaborations"]`, their
ids, `core.audit`), so a role revoked within a private collaboration stays its business.

Registered with `core.permissions.register_scope` in `organisations/rules.py`. The
collaborations app sits above this one: its model is reached through the relation that
names it."""

from __future__ import annotations

from typing import Any

from django.db import NotSupportedError
from django.db.models import BooleanField, Expression, Q, QuerySet, Subquery
from django.db.models.fields.json import KeyTransform

from realise.core.permissions import access_for
from realise.organisations.models import Membership

# The key of a membership's audit values listing its collaborations' ids.
COLLABORATIONS_KEY = "collaborations"


def _visible_collaborations(user) -> QuerySet:
    collaboration: Any = Membership._meta.get_field("collaborations").related_model
    return collaboration.objects.visible_to(user)


def visible_memberships(user) -> QuerySet[Membership]:
    """The memberships `user` may see: those naming no collaboration, or at least one they
    may see; every one for administrators and inspectors; none for the signed-out."""
    access = access_for(user)
    if not access.authenticated:
        return Membership.objects.none()
    if access.reads_everything:
        return Membership.objects.all()
    named = Membership.collaborations.through.objects
    seen = named.filter(collaboration_id__in=_visible_collaborations(user).values("pk"))
    return Membership.objects.filter(
        ~Q(pk__in=named.values("membership_id")) | Q(pk__in=seen.values("membership_id"))
    )


class ListsAnyOf(Expression):
    """Whether a JSON array (`array`, e.g. a key of a JSON column) lists any of the ids a
    subquery gives: true or false, never null. SQLite reads the array with `json_each`,
    PostgreSQL with `jsonb_array_elements_text`; a missing key lists nothing."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, array, ids: QuerySet) -> None:
        super().__init__()
        self.array = array
        self.ids = Subquery(ids)

    def get_source_expressions(self):
        return [self.array, self.ids]

    def set_source_expressions(self, exprs):
        self.array, self.ids = exprs

    def as_sqlite(self, compiler, connection, **extra):
        array, array_params = compiler.compile(self.array)
        ids, ids_params = compiler.compile(self.ids)
        # Compiled expressions only: every value is a parameter.
        sql = f"EXISTS (SELECT 1 FROM json_each({array}) AS listed WHERE listed.value IN {ids})"  # noqa: S608
        return sql, (*array_params, *ids_params)

    def as_postgresql(self, compiler, connection, **extra):
        array, array_params = compiler.compile(self.array)
        ids, ids_params = compiler.compile(self.ids)
        # Only an array is read: `jsonb_array_elements_text` refuses a scalar.
        sql = (
            f"EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof({array}) "  # noqa: S608
            f"= 'array' THEN {array} END) AS listed(id) WHERE listed.id::bigint IN {ids})"
        )
        return sql, (*array_params, *array_params, *ids_params)

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"ListsAnyOf is not supported on {connection.vendor}.")


def gone_memberships(user) -> Q:
    """Deletion records of memberships (`core.permissions._gone_filter`) that `user` may
    see: those whose membership named no collaboration as it went, or at least one the
    user may see. Every one for administrators and inspectors."""
    access = access_for(user)
    if access.reads_everything:
        return Q()
    listed = KeyTransform(COLLABORATIONS_KEY, "before")
    seen = _visible_collaborations(user).values("pk")
    return Q(**{f"before__{COLLABORATIONS_KEY}": []}) | Q(ListsAnyOf(listed, seen))
