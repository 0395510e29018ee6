"""Built documents are kept `REALISE_DOCUMENT_DAYS` days after the day they finished; the
daily `realise remind` removes older ones, record and file, and leaves the rest alone."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from realise.core import housekeeping
from realise.documents.models import DocumentJob, DocumentKind, InspectionPack, PackStatus

pytestmark = pytest.mark.django_db


def at(days_ago: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """That time of the local day `days_ago` days before today."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def job(user, status, finished, *, with_file=True):
    record = DocumentJob.objects.create(
        kind=DocumentKind.BOARD_PACK,
        params={"body": "ek-board", "date": "2026-11-30", "format": "pdf"},
        requester=user,
        status=status,
        finished_at=None if status in (PackStatus.QUEUED, PackStatus.BUILDING) else finished,
        filename="pack.pdf",
    )
    DocumentJob.objects.filter(pk=record.pk).update(created_at=finished)
    if with_file:
        record.file.save("pack.pdf", io.BytesIO(b"%PDF-"))
    return record


def remind(*args) -> str:
    out = io.StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


def test_the_daily_run_removes_finished_builds_kept_their_days(
    world, settings, django_capture_on_commit_callbacks
):
    settings.REALISE_DOCUMENT_DAYS = 30
    # Finished late on the day before the first day kept: its 30 days ended yesterday.
    old_done = job(world.alice, PackStatus.DONE, at(31, 23, 59))
    old_failed = job(world.alice, PackStatus.FAILED, at(45), with_file=False)
    # Finished just after midnight on the first day kept: its last day is today.
    last_day = job(world.alice, PackStatus.DONE, at(30, 0, 1))
    # Queued long ago and never run (the worker was down): kept, it may still run.
    waiting = job(world.alice, PackStatus.QUEUED, at(60), with_file=False)
    old_pack = InspectionPack.objects.create(
        collaboration=world.collab,
        requester=world.alice,
        status=PackStatus.DONE,
        finished_at=at(40),
    )
    old_pack.file.save("pack.zip", io.BytesIO(b"PK"))
    storage = old_done.file.storage
    old_files = [old_done.file.name, old_pack.file.name]
    assert last_day.kept_until == timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True):
        said = remind("--dry-run")
    assert "Would remove 3 built documents finished more than 30 days ago." in said
    assert DocumentJob.objects.count() == 4 and all(storage.exists(f) for f in old_files)

    # The files go once the records' removal is committed.
    with django_capture_on_commit_callbacks(execute=True):
        said = remind()
    assert "Removed 3 built documents finished more than 30 days ago." in said
    assert set(DocumentJob.objects.values_list("pk", flat=True)) == {last_day.pk, waiting.pk}
    assert old_failed.pk not in DocumentJob.objects.values_list("pk", flat=True)
    assert not InspectionPack.objects.filter(pk=old_pack.pk).exists()
    assert not any(storage.exists(f) for f in old_files)
    assert storage.exists(last_day.file.name)

    # Nothing left to remove: nothing said.
    assert "built document" not in remind()


def test_none_is_removed_when_the_setting_is_0(world, settings):
    settings.REALISE_DOCUMENT_DAYS = 0
    old = job(world.alice, PackStatus.DONE, at(400))
    assert old.kept_until is None
    assert "built document" not in remind()
    assert DocumentJob.objects.filter(pk=old.pk).exists()


def test_the_download_page_says_until_when_it_is_kept(client, world, settings):
    settings.REALISE_DOCUMENT_DAYS = 30
    done = job(world.alice, PackStatus.DONE, at(1, 23, 30))
    client.force_login(world.alice)
    kept = timezone.localdate() - datetime.timedelta(days=1) + datetime.timedelta(days=30)
    page = client.get(done.get_absolute_url()).content.decode()
    assert f"Kept for you to download until {kept:%-d %B %Y}; after that, ask for it again." in page
    settings.REALISE_DOCUMENT_DAYS = 0
    assert "Kept for you" not in client.get(done.get_absolute_url()).content.decode()


def test_a_failing_housekeeping_task_fails_the_daily_run_after_the_rest(
    world, settings, monkeypatch
):
    def broken(now, dry_run):
        raise OSError("disk gone")

    settings.REALISE_DOCUMENT_DAYS = 30
    old = job(world.alice, PackStatus.DONE, at(40))
    monkeypatch.setattr(housekeeping, "_tasks", [broken, *housekeeping._tasks])
    out = io.StringIO()
    with pytest.raises(CommandError, match="Housekeeping failed: broken."):
        call_command("remind", stdout=out)
    said = out.getvalue()
    assert "Housekeeping broken failed (disk gone); it runs again tomorrow." in said
    # The tasks after it, and the reminders, still ran.
    assert "Removed 1 built document finished more than 30 days ago." in said
    assert not DocumentJob.objects.filter(pk=old.pk).exists()
    assert "Sent 0 reminders" in said


def test_a_file_the_storage_cannot_delete_leaves_the_others_going(
    world, settings, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    settings.REALISE_DOCUMENT_DAYS = 30
    first = job(world.alice, PackStatus.DONE, at(40))
    second = job(world.alice, PackStatus.DONE, at(41))
    storage = first.file.storage
    delete = storage.delete

    def refusing(name):
        if name == first.file.name:
            raise RuntimeError("bucket refused")
        delete(name)

    monkeypatch.setattr(storage, "delete", refusing)
    with django_capture_on_commit_callbacks(execute=True):
        remind()
    assert not DocumentJob.objects.exists()
    assert not storage.exists(second.file.name)
    assert f"Could not delete {first.file.name}" in caplog.text
