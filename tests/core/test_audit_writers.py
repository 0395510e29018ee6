"""Two writers appending to the audit trail at the same moment, each in its own
transaction: the chain's lock lets one through at a time, so the records form one chain.
Both ways of taking the lock are tried: one statement (`UPDATE ... RETURNING`), and the
update then the read, for a database without RETURNING (SQLite before 3.35)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from realise.core.audit import Entry, append, verify
from realise.core.models import AuditAction, AuditRecord

pytestmark = pytest.mark.django_db(transaction=True)


def entry(writer: int, number: int) -> Entry:
    return Entry(
        user_id=None,
        username=f"writer-{writer}",
        action=AuditAction.UPDATE,
        model="core.test",
        object_id=f"{writer}-{number}",
        object_repr=f"Change {number} by writer {writer}",
        collaboration_id=None,
        via="test",
        before=None,
        after={"number": number},
    )


@pytest.fixture(params=[True, False], ids=["update-returning", "update-then-read"])
def returning(request, monkeypatch):
    """Whether the audit trail takes the database to have UPDATE ... RETURNING."""
    monkeypatch.setattr("realise.core.audit._updates_return", lambda db: request.param)
    return request.param


def test_appends_continue_the_chain_from_its_head(returning):
    before = AuditRecord.objects.count()
    for number in range(3):
        with transaction.atomic():
            append([entry(1, number), entry(1, number + 100)])
    records = list(AuditRecord.objects.order_by("sequence"))
    assert len(records) == before + 6
    assert [r.sequence for r in records] == list(range(1, len(records) + 1))
    assert verify().ok


def test_two_writers_at_once_keep_one_chain(returning):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        ("file:memorydb", ":memory:")
    ):
        pytest.skip("threads need a database file on SQLite")
    start, failures = threading.Barrier(2), []

    def write(writer: int) -> None:
        try:
            start.wait(timeout=10)
            for number in range(5):
                with transaction.atomic():
                    append([entry(writer, number), entry(writer, number + 100)])
                    # Hold the lock a moment, so that the other writer waits for it.
                    time.sleep(0.01)
        except Exception as error:  # noqa: BLE001 - reported by the test below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(writer,)) for writer in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    records = list(AuditRecord.objects.filter(model="core.test").order_by("sequence"))
    assert len(records) == 20
    # A writer's two records of one transaction are next to each other in the chain.
    for first, second in zip(records[::2], records[1::2], strict=True):
        assert first.username == second.username
        assert second.sequence == first.sequence + 1
    assert verify().ok
