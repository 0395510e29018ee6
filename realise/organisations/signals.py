"""A role held within collaborations never outlives them by widening.

A membership names the collaborations it holds within (`Membership.collaborations`); with
none named it holds for the force as a whole. So when a collaboration goes, a membership
left naming none is revoked with it (its history and the audit trail say why), rather than
left to reach every collaboration of its force. The memberships are noted before the
deletion and looked at after it, so that deleting several collaborations at once (each
named by the same membership) revokes it too.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, pre_delete

from realise.organisations.models import Membership

REASON = "Revoked: the collaborations it held within were deleted."
NOTED = "_realise_memberships_within"


def _note_memberships_within(sender, instance, **kwargs) -> None:
    setattr(
        instance,
        NOTED,
        list(Membership.objects.filter(collaborations=instance).values_list("pk", flat=True)),
    )


def _revoke_memberships_left_naming_none(sender, instance, **kwargs) -> None:
    from realise.organisations.services import remove  # noqa: PLC0415 - services import rules

    noted = getattr(instance, NOTED, [])
    for membership in Membership.objects.filter(pk__in=noted, collaborations__isnull=True):
        remove(membership, reason=REASON)


def connect() -> None:
    collaboration = Membership._meta.get_field("collaborations").related_model
    pre_delete.connect(
        _note_memberships_within,
        sender=collaboration,
        dispatch_uid="realise.organisations.note_memberships_within",
    )
    post_delete.connect(
        _revoke_memberships_left_naming_none,
        sender=collaboration,
        dispatch_uid="realise.organisations.revoke_memberships_left_naming_none",
    )
