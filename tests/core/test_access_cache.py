"""What a user may do is worked out once and shared between requests and web processes,
and a write that changes it is seen by the very next read."""

import re

from django.apps import apps
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from realise.benefits.models import Benefit
from realise.collaborations import models as collaboration_models
from realise.collaborations.access import ACCESS_READS_FROM
from realise.collaborations.models import Collaboration
from realise.core.permissions import access_for
from realise.organisations.models import Membership, Role
from tests.factories import CollaborationFactory, PersonFactory, member, share


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
    # The version of what access is read from only: no membership, person or collaboration
    # is read again.
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


def _work_out_queries(user) -> list[str]:
    cache.clear()
    next_request = _fresh(user)
    with CaptureQueriesContext(connection) as queries:
        access_for(next_request)
    return [q["sql"].lower() for q in queries]


def test_a_write_to_other_records_leaves_access_cached(world):
    access_for(_fresh(world.nora))
    world.benefit.title = "Faster vetting"
    world.benefit.save()  # a write to domain data, audited, that access does not read
    next_request = _fresh(world.nora)
    with CaptureQueriesContext(connection) as queries:
        access_for(next_request)
    assert len(queries) == 1
    assert "memberships" not in queries[0]["sql"].lower()


def test_each_kind_access_reads_moves_its_version(world):
    norfolk_only = CollaborationFactory(name="Norfolk alone", slug="nor", visibility="private")

    def visible() -> bool:
        return norfolk_only in Collaboration.objects.visible_to(_fresh(world.nora))

    assert not visible()
    share(norfolk_only, "Norfolk", "100")  # a force's share: Nora's force-wide role sees it
    assert visible()
    norfolk_only.shares.all().delete()
    assert not visible()
    # Nested under a collaboration named on a membership: seen through the nesting.
    named = CollaborationFactory(name="Eastern region", slug="east", visibility="private")
    membership = Membership.objects.get(user=world.nora)
    membership.collaborations.add(named)
    assert not visible()
    norfolk_only.parent = named
    norfolk_only.save()
    assert visible()
    # A person linked to the account: they act as that person on the next read.
    person = PersonFactory(name="Nora Norfolk")
    assert access_for(_fresh(world.nora)).person_id is None
    person.user = world.nora
    person.save()
    assert access_for(_fresh(world.nora)).person_id == person.pk
    membership.delete()
    assert not visible()


def test_access_reads_only_the_kinds_it_names(forces):
    """Every table the work-out reads, for every kind of role, belongs to a kind named in
    `ACCESS_READS_FROM`, so no write that changes someone's access leaves their old access
    in the cache."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        owner = model._meta.auto_created or model
        tables[model._meta.db_table] = owner._meta.label_lower
    region = CollaborationFactory(name="Region", slug="region", visibility="private")
    nested = CollaborationFactory(name="Nested", slug="nested", parent=region)
    share(region, "Essex", "100")
    share(nested, "Essex", "100")
    users = [
        member("lead", "Essex", "force_lead"),
        member("scoped-lead", "Essex", "force_lead", region),
        member("programme", "Essex", "programme_team"),
        member("named-programme", "Essex", "programme_team", region),
        member("viewer", "Kent", "viewer", nested),
        member("owner", "Essex", "benefit_owner"),
        member("inspector", "Kent", "inspector"),
    ]
    PersonFactory(name="Lead", user=users[0])
    read = set()
    for user in users:
        for sql in _work_out_queries(user):
            read |= {tables[name] for name in re.findall(r'(?:from|join) "?(\w+)"?', sql)}
    assert {"organisations.membership", "collaborations.forceshare"} <= read
    assert read <= set(ACCESS_READS_FROM) | {"core.audithead", "core.auditrecord"}


def test_a_collaboration_opened_or_made_private_is_seen_on_the_next_read(world):
    """The collaborations a user may see are worked out with the rest of their access:
    a new collaboration, or one whose visibility changes, is seen on the next read."""
    access_for(_fresh(world.nora))  # kept in the cache before the writes below
    opened = CollaborationFactory(name="Roads policing", slug="roads", visibility="policing")
    assert opened in Collaboration.objects.visible_to(_fresh(world.nora))
    assert world.benefit not in Benefit.objects.visible_to(_fresh(world.nora))
    world.collab.visibility = "policing"
    world.collab.save()
    assert world.benefit in Benefit.objects.visible_to(_fresh(world.nora))
    world.collab.visibility = "private"
    world.collab.save()
    assert world.benefit not in Benefit.objects.visible_to(_fresh(world.nora))


def test_the_same_records_are_seen_when_too_many_collaborations_to_list(world, monkeypatch):
    """Past a limit, visibility is tested with a subquery instead of a list of ids: the
    records seen are the same either way."""
    CollaborationFactory(name="Roads policing", slug="roads", visibility="policing")

    def seen(user) -> tuple[list[int], list[int]]:
        fresh = _fresh(user)
        return (
            sorted(Collaboration.objects.visible_to(fresh).values_list("pk", flat=True)),
            sorted(Benefit.objects.visible_to(fresh).values_list("pk", flat=True)),
        )

    users = [world.alice, world.bob, world.dave, world.nora]
    listed = [seen(user) for user in users]
    assert all(access_for(_fresh(user)).visible_collaborations for user in users)
    monkeypatch.setattr(collaboration_models, "_VISIBLE_LIST_LIMIT", 0)
    assert [seen(user) for user in users] == listed
    assert world.benefit.pk in listed[0][1] and world.benefit.pk not in listed[3][1]
