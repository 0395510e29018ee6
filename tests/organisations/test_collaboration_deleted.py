"""A role held only within a collaboration is revoked when the collaboration is deleted: it
never widens to every collaboration of its force (docs/access.md)."""

import pytest

from realise.collaborations.models import Collaboration
from realise.core.models import AuditRecord
from realise.core.permissions import access_for, forget_access
from realise.organisations.models import Membership
from tests.factories import CollaborationFactory, member, share


@pytest.mark.django_db
def test_deleting_a_collaboration_revokes_the_roles_held_only_within_it(world):
    roads = CollaborationFactory(name="Norfolk Roads", slug="norfolk-roads", visibility="private")
    share(roads, "Norfolk", "100")
    other = CollaborationFactory(
        name="Norfolk Harbours", slug="norfolk-harbours", visibility="private"
    )
    share(other, "Norfolk", "100")
    only_roads = member("rita", "Norfolk", "force_lead", roads)
    both = member("bert", "Norfolk", "viewer", roads)
    both.memberships.get().collaborations.add(other)
    assert roads.pk in access_for(only_roads).visible_collaborations

    roads.delete()

    assert not Membership.objects.filter(user=only_roads).exists()
    forget_access(only_roads)
    access = access_for(only_roads)
    assert not access.forces and other.pk not in (access.visible_collaborations or ())
    # A role also held within another collaboration keeps that one.
    kept = both.memberships.get()
    assert list(kept.collaborations.values_list("slug", flat=True)) == ["norfolk-harbours"]
    deleted = AuditRecord.objects.filter(
        model="organisations.membership", action="delete", object_repr__contains="rita"
    )
    assert deleted.exists()


@pytest.mark.django_db
def test_deleting_every_collaboration_a_role_names_at_once_revokes_it(world):
    roads = CollaborationFactory(name="Norfolk Roads", slug="norfolk-roads", visibility="private")
    harbours = CollaborationFactory(
        name="Norfolk Harbours", slug="norfolk-harbours", visibility="private"
    )
    for collaboration in (roads, harbours):
        share(collaboration, "Norfolk", "100")
    both = member("bert", "Norfolk", "viewer", roads)
    both.memberships.get().collaborations.add(harbours)

    Collaboration.objects.filter(pk__in=[roads.pk, harbours.pk]).delete()

    assert not Membership.objects.filter(user=both).exists()
