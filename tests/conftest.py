"""The people in these tests, and the collaborations they work in.

* The Essex–Kent collaboration (private) has Essex and Kent as members.
* alice is on its programme team (Essex); bob leads benefits for Essex, carol for Kent;
  dave is a read-only viewer from Essex; erin owns one benefit; nora is a Norfolk
  force lead outside the collaboration.
"""

import contextlib
import copy
import os
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connections, transaction
from django.test import override_settings
from django.utils import translation

from realise.organisations.forces import load_forces
from realise.organisations.models import Force, Region
from tests import demo_snapshot, flush, speedups, template_databases
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    GovernanceBodyFactory,
    InitiativeFactory,
    PersonFactory,
    member,
    share,
)

speedups.install()


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    """pytest-django's, with each process's test database copied from a migrated template
    (tests/template_databases.py) rather than migrated from nothing, and a flush that
    leaves it as migrated (tests/flush.py)."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        copied = template_databases.use_template(connection)
        try:
            config = setup_databases(
                verbosity=verbosity, interactive=False, serialized_aliases=set()
            )
        finally:
            copied()
        migrated = demo_snapshot.table_rows()
    with flush.restoring_migrated_rows(connection, migrated):
        yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=verbosity)


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


@pytest.fixture
def committed_demo(_demo_snapshot, transactional_db, settings):
    """The demo, committed for a live server or another process to read, copied from the
    one built for this process (as `demo_data` copies it) into the database as migrated;
    the test ends with a flush, as every test that commits does."""
    from realise.demo import load_demo

    with transaction.atomic():
        copied = demo_snapshot.restore(_demo_snapshot, settings.MEDIA_ROOT)
    if not copied:
        assert load_demo() is True


def _commits(item) -> bool:
    """Whether a test's rows are committed (a live server or another process reads them):
    it runs in no transaction of its own or of its module's, and ends with a flush."""
    marker = item.get_closest_marker("django_db")
    return bool(
        {"live_server", "transactional_db"} & set(item.fixturenames)
        or (marker is not None and marker.kwargs.get("transaction"))
    )


@pytest.fixture
def forces(db):
    """The 43 forces (`_ensure_forces`)."""
    _ensure_forces()


class World:
    """The people and records of the module docstring, as attributes."""


def build_world() -> World:
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


@pytest.fixture
def hidden(world):
    """Harriet Hidden owns a benefit only in a private collaboration of Norfolk and Suffolk:
    the Essex and Kent people of the world may not find her, nor choose her in a form."""
    private = CollaborationFactory(name="Eastern Secret", slug="eastern", visibility="private")
    share(private, "Norfolk", "50")
    share(private, "Suffolk", "50")
    harriet = PersonFactory(name="Harriet Hidden")
    BenefitFactory(
        initiative=InitiativeFactory(collaboration=private, name="Quiet work", slug="quiet"),
        title="Quiet savings",
        owner=harriet,
    )
    return harriet


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for a module's tests (as `demo_data` is): in a transaction
    rolled back after the module, each test running in a savepoint inside it. A command
    run as from the command line closes the database connections as it ends
    (`run_from_argv`): here they stay open, as the module's transaction must outlive it."""
    media = tmp_path_factory.mktemp("world-media")
    with (
        _rolled_back(django_db_blocker, media),
        mock.patch.object(connections, "close_all", lambda: None),
    ):
        yield build_world()


def _reads_world(item) -> bool:
    """Whether a test reads this file's `world` (not a module's own fixture of that name)."""
    definitions = item._fixtureinfo.name2fixturedefs.get("world", ())
    return bool(definitions) and definitions[-1].func.__code__.co_filename == __file__


# What gives a test the database: pytest-django's helper (behind `db`, `transactional_db`
# and the `django_db` mark), the test databases themselves, or a live server.
DATABASE_FIXTURES = frozenset({"_django_db_helper", "django_db_setup", "live_server"})


def uses_database(item) -> bool:
    """Whether a test can reach a database. pytest-django refuses every query of a test
    that does not (its "Database access not allowed"), so one that does not gives the same
    result whichever database `DATABASE_URL` names."""
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(item.fixturenames)
    )


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that reach a database (`make test` runs the whole suite "
        "on SQLite, then these again on PostgreSQL)",
    )


def _long_first(items: list, workers: int) -> list:
    """`items` with the modules of tests marked `long` moved to the starts of the processes'
    shares: pytest-xdist (`--dist worksteal`) first gives each of `workers` processes an
    equal run of the collection, in order, then moves tests from busy processes to idle ones
    from the ends of their queues. Each long module starts a share of its own (round the
    processes in turn), so long tests run side by side from the start and the short ones
    that follow fill the time up to the end."""
    long_modules: dict[object, list] = {}
    rest = []
    for item in items:
        if item.get_closest_marker("long") is not None:
            long_modules.setdefault(item.module, []).append(item)
        else:
            rest.append(item)
    if not long_modules:
        return items
    workers = max(workers, 1)
    groups: list[list] = [[] for _ in range(workers)]
    for index, module_items in enumerate(long_modules.values()):
        groups[index % workers].extend(module_items)
    ordered: list = []
    remaining, short = len(items), iter(rest)
    for worker in range(workers):
        size = remaining // (workers - worker)  # as xdist shares the collection out
        remaining -= size
        ordered.extend(groups[worker])
        while len(ordered) < len(items) - remaining:
            following = next(short, None)
            if following is None:
                break
            ordered.append(following)
    ordered.extend(short)
    return ordered


def pytest_collection_modifyitems(config, items):
    """The world is built once per module (`_module_world`) where a module's tests read it
    and none of them commits. Then every test of the module starts with its rows, wherever
    the tests run: whether a test comes after the world was built must not depend on which
    tests of the module ran before it, or in which process.

    With `--database-tests-only`, the tests that reach no database are left out.

    The tests marked `long` start the processes' shares (`_long_first`), so the suite does not
    end waiting on one long test begun last."""
    if config.getoption("database_tests_only"):
        kept = [item for item in items if uses_database(item)]
        left = [item for item in items if not uses_database(item)]
        if left:
            config.hook.pytest_deselected(items=left)
            items[:] = kept
    items[:] = _long_first(items, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    modules: dict[object, list] = {}
    for item in items:
        modules.setdefault(item.module, []).append(item)
    for module_items in modules.values():
        if any(_reads_world(item) for item in module_items) and not any(
            _commits(item) for item in module_items
        ):
            for item in module_items:
                # First, so that it is set up before the test's own transaction.
                item.fixturenames.insert(0, "_module_world")


@pytest.fixture
def world(request, forces):
    """The world for one test: the module's (its rows as they were when it was built, the
    test's savepoint being rolled back after it; its objects copied, so that what a test
    changes on them in memory stays in that test), or its own where the module commits."""
    if "_module_world" in request.fixturenames:
        return copy.deepcopy(request.getfixturevalue("_module_world"))
    return build_world()
