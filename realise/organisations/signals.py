"""A role held within collaborations never outlives them by widening.

A membership names the collaborations it holds within (`Membership.collaborations`); with
none named it holds for the force as a whole. So when a collaboration goes, a membership
that named it alone is revoked with it (its history and the audit trail say why), rather
than left naming nothing and so reaching every collaboration of its force.
"""

from __future__ import annotations

from django.db.models import Count
from django.db.models.signals import pre_delete

from realise.organisations.models import Membership

REASON = "Revoked: the only collaboration it held within was deleted."


def _revoke_roles_held_only_within(sender, instance, **kwargs) -> None:
    from realise.organisations.services import remove  # noqa: PLC0415 - services import rules

    within = Membership.objects.filter(collaborations=instance).values("pk")
    held_only_there = (
        Membership.objects.filter(pk__in=within)
        .annotate(named=Count("collaborations"))
        .filter(named=1)
    )
    for membership in held_only_there:
        remove(membership, reason=REASON)


def connect() -> None:
    pre_delete.connect(
        _revoke_roles_held_only_within,
        sender=Membership._meta.get_field("collaborations").related_model,
        dispatch_uid="realise.organisations.revoke_roles_held_only_within",
    )
