"""Built documents are kept `REALISE_DOCUMENT_DAYS` days after they finished; the daily
`realise remind` removes older ones, record and file, and leaves the rest alone."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from realise.documents.models import DocumentJob, DocumentKind, InspectionPack, PackStatus

pytestmark = pytest.mark.django_db


def job(user, status, days_ago, *, with_file=True, body="ek-board"):
    finished = timezone.now() - datetime.timedelta(days=days_ago)
    record = DocumentJob.objects.create(
        kind=DocumentKind.BOARD_PACK,
        params={"body": body, "date": "2026-11-30", "format": "pdf"},
        requester=user,
        status=status,
        finished_at=None if status in (PackStatus.QUEUED, PackStatus.BUILDING) else finished,
    )
    DocumentJob.objects.filter(pk=record.pk).update(created_at=finished)
    if with_file:
        record.file.save("pack.pdf", io.BytesIO(b"%PDF-"))
    return record


def pack(world, days_ago):
    record = InspectionPack.objects.create(
        collaboration=world.collab,
        requester=world.alice,
        status=PackStatus.FAILED,
        finished_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    return record


def remind(*args) -> str:
    out = io.StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


def test_the_daily_run_removes_finished_builds_older_than_the_setting(
    world, settings, django_capture_on_commit_callbacks
):
    settings.REALISE_DOCUMENT_DAYS = 30
    old_done = job(world.alice, PackStatus.DONE, 31)
    old_failed = job(world.alice, PackStatus.FAILED, 45, with_file=False)
    recent = job(world.alice, PackStatus.DONE, 29)
    # Queued long ago and never run (the worker was down): kept, it may still run.
    waiting = job(world.alice, PackStatus.QUEUED, 60, with_file=False)
    old_pack = pack(world, 40)
    storage = old_done.file.storage
    old_file = old_done.file.name
    assert storage.exists(old_file)

    assert "Would remove 3 built documents finished more than 30 days ago." in remind("--dry-run")
    assert DocumentJob.objects.count() == 4 and storage.exists(old_file)

    # The files go once the records' removal is committed.
    with django_capture_on_commit_callbacks(execute=True):
        said = remind()
    assert "Removed 3 built documents finished more than 30 days ago." in said
    assert set(DocumentJob.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not InspectionPack.objects.filter(pk=old_pack.pk).exists()
    assert not storage.exists(old_file)
    assert storage.exists(recent.file.name)
    assert old_failed.pk not in DocumentJob.objects.values_list("pk", flat=True)

    # Nothing left to remove: nothing said.
    assert "built document" not in remind()


def test_none_is_removed_when_the_setting_is_0(world, settings):
    settings.REALISE_DOCUMENT_DAYS = 0
    old = job(world.alice, PackStatus.DONE, 400)
    assert "built document" not in remind()
    assert DocumentJob.objects.filter(pk=old.pk).exists()
    assert old.file.storage.exists(old.file.name)


def test_the_download_page_says_until_when_it_is_kept(client, world, settings):
    settings.REALISE_DOCUMENT_DAYS = 30
    done = job(world.alice, PackStatus.DONE, 1)
    done.filename = "pack.pdf"
    done.save()
    client.force_login(world.alice)
    kept = (done.finished_at + datetime.timedelta(days=30)).strftime("%-d %B %Y")
    page = client.get(done.get_absolute_url()).content.decode()
    assert f"Kept for you to download until {kept}; after that, ask for it again." in page
    settings.REALISE_DOCUMENT_DAYS = 0
    assert "Kept for you" not in client.get(done.get_absolute_url()).content.decode()


def test_a_housekeeping_task_that_fails_leaves_the_daily_run_going(world, settings, monkeypatch):
    from realise.core import housekeeping

    def broken(now, dry_run):
        raise OSError("disk gone")

    settings.REALISE_DOCUMENT_DAYS = 30
    old = job(world.alice, PackStatus.DONE, 31)
    monkeypatch.setattr(housekeeping, "_tasks", [broken, *housekeeping._tasks])
    said = remind()
    assert "Housekeeping broken failed (disk gone); it runs again tomorrow." in said
    # The tasks after it, and the reminders, still ran.
    assert "Removed 1 built document finished more than 30 days ago." in said
    assert not DocumentJob.objects.filter(pk=old.pk).exists()
    assert "Sent 0 reminders" in said
