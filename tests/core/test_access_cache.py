"""What a user may do is worked out once and shared between requests and web processes,
and a write that changes it is seen by the very next read."""

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from realise.collaborations.models import Collaboration
from realise.core.permissions import access_for
from realise.organisations.models import Membership, Role
from tests.factories import CollaborationFactory, share


def _fresh(user) -> User:
    """The user as the next request (on any web process) loads them."""
    return User.objects.get(pk=user.pk)


def test_a_second_request_reads_the_access_worked_out_by_the_first(world):
    cache.clear()
    first = access_for(_fresh(world.bob))
    next_request = _fresh(world.bob)
    with CaptureQueriesContext(connection) as worked_out_again:
        second = access_for(next_request)
    assert second == first
    # The data version only: no membership, person or collaboration is read again.
    assert len(worked_out_again) == 1
    assert "memberships" not in worked_out_again[0]["sql"].lower()


def test_a_role_granted_is_seen_on_the_next_read(world):
    other = CollaborationFactory(name="Norfolk and Suffolk", slug="ns", visibility="private")
    share(other, "Norfolk", "50")
    share(other, "Suffolk", "50")
    assert other not in Collaboration.objects.visible_to(_fresh(world.dave))
    membership = Membership.objects.get(user=world.dave, role=Role.VIEWER)
    membership.collaborations.add(other)
    assert other in Collaboration.objects.visible_to(_fresh(world.dave))
    membership.collaborations.remove(other)
    assert other not in Collaboration.objects.visible_to(_fresh(world.dave))


def test_an_account_made_administrator_is_seen_on_the_next_read(world):
    assert not access_for(_fresh(world.dave)).administrator
    User.objects.filter(pk=world.dave.pk).update(is_superuser=True)
    assert access_for(_fresh(world.dave)).administrator
