"""The people in these tests, and the collaborations they work in.

* The Essex–Kent collaboration (private) has Essex and Kent as members.
* alice is on its programme team (Essex); bob leads benefits for Essex, carol for Kent;
  dave is a read-only viewer from Essex; erin owns one benefit; nora is a Norfolk
  force lead outside the collaboration.
"""

import contextlib

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from realise.organisations.forces import load_forces
from realise.organisations.models import Force, Region
from tests import demo_snapshot
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    GovernanceBodyFactory,
    InitiativeFactory,
    PersonFactory,
    member,
    share,
)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request through the test client leaves
    its language active in the thread, which would otherwise carry into the next test."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_in_tmp(request, settings, tmp_path):
    """Uploads and generated documents go to a per-test folder, never to var/media (for
    tests on the shared demo, the demo's folder, which holds its documents)."""
    if "demo_data" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("demo_data")
    else:
        settings.MEDIA_ROOT = tmp_path / "media"


def _ensure_forces() -> None:
    """The 43 forces: loaded by a migration, and again after a transactional test's flush
    removed them (loading them over themselves would write 43 updates, with their history
    and audit records, each time)."""
    if Force.objects.count() < 43:
        load_forces(Region, Force)


@contextlib.contextmanager
def _rolled_back(django_db_blocker, media):
    """A transaction on the empty register (its 43 forces loaded again if a transactional
    test's flush removed them), with uploads in `media`, always rolled back."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            _ensure_forces()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="session")
def _demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, built once per test process and rolled back (see tests/demo_snapshot.py)."""
    from realise.demo import load_demo

    media = tmp_path_factory.mktemp("demo-snapshot-media")
    with _rolled_back(django_db_blocker, media):
        before = demo_snapshot.table_rows()
        assert load_demo() is True
        snapshot = demo_snapshot.take(before, media)
    return snapshot


@pytest.fixture(scope="module")
def demo_data(_demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo for a module's tests (which ask for `db` as well), copied from the one built
    for this process. It is put in a transaction that is rolled back after the module; each
    test runs in a savepoint inside it, so no test sees another's changes. Yields the demo's
    media folder."""
    from realise.demo import load_demo

    media = tmp_path_factory.mktemp("demo-media")
    with _rolled_back(django_db_blocker, media):
        if not demo_snapshot.restore(_demo_snapshot, media):
            assert load_demo() is True
        # Figures cached for another module's copy of the demo are not this module's.
        cache.clear()
        yield media


@pytest.fixture(autouse=True)
def _totals_cleared_after_flush(request, django_db_blocker):
    """A transactional test ends with a flush. On SQLite that deletes table by table in
    no set order, so triggers may add kept totals for rows deleted after the totals
    were: clear them, as the empty register has none."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or {
        "live_server",
        "transactional_db",
    } & set(request.fixturenames)
    if transactional:
        from realise.benefits.models import BenefitTotal, MonthlyTotal

        with django_db_blocker.unblock():
            MonthlyTotal.objects.all().delete()
            BenefitTotal.objects.all().delete()


@pytest.fixture
def forces(db):
    """The 43 forces (`_ensure_forces`)."""
    _ensure_forces()


@pytest.fixture
def world(forces):
    class World:
        pass

    w = World()
    w.collab = CollaborationFactory(
        name="Essex and Kent Serious Crime", slug="ek", visibility="private"
    )
    share(w.collab, "Essex", "47.3")
    share(w.collab, "Kent", "52.7")
    w.board = GovernanceBodyFactory(
        collaboration=w.collab,
        name="EK Programme Board",
        slug="ek-board",
        decides_stages=[1, 2, 3, 4, 5],
    )
    w.initiative = InitiativeFactory(
        collaboration=w.collab, name="Joint vetting", slug="joint-vetting", stage=2
    )
    w.alice = member("alice", "Essex", "programme_team", w.collab)
    w.bob = member("bob", "Essex", "force_lead")
    w.carol = member("carol", "Kent", "force_lead")
    w.dave = member("dave", "Essex", "viewer")
    w.erin = member("erin", "Kent", "benefit_owner")
    w.nora = member("nora", "Norfolk", "force_lead")
    w.erin_person = PersonFactory(name="Erin Owner", user=w.erin)
    w.benefit = BenefitFactory(
        initiative=w.initiative, title="Reduced vetting backlog", owner=w.erin_person
    )
    return w
