"""The workbook uploaded for a register import is kept `REALISE_IMPORT_FILES_KEEP_DAYS` after
the import finished; the daily `realise remind` then deletes the file, and keeps the import's
record and outcome, which says the file was removed."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from realise.reports.models import ImportJob, ImportStatus
from realise.reports.register.jobs import run_again
from tests.core.test_settings import run_check, settings_printed

pytestmark = pytest.mark.django_db

FINISHED = {ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED}
STARTED = {ImportStatus.CHECKING, ImportStatus.WRITING}


def ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def job(user, status, days_ago: float, **fields) -> ImportJob:
    """An import uploaded, and (if it finished) finished, `days_ago` days ago."""
    record = ImportJob(
        original_name="Essex register.xlsx",
        user=user,
        status=status,
        finished_at=ago(days_ago) if status in FINISHED else None,
        started_at=ago(days_ago) if status != ImportStatus.DRAFT else None,
        # A running import's process is alive: it beat just now.
        heartbeat_at=timezone.now() if status in STARTED else None,
        **fields,
    )
    record.file.save("Essex register.xlsx", ContentFile(b"PK workbook"), save=False)
    record.save()
    ImportJob.objects.filter(pk=record.pk).update(created_at=ago(days_ago + 0.01))
    record.refresh_from_db()
    return record


def remind(*args) -> str:
    out = io.StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


def test_the_daily_run_removes_the_files_of_imports_finished_longer_ago(world, settings):
    settings.REALISE_IMPORT_FILES_KEEP_DAYS = 30
    done = job(
        world.alice,
        ImportStatus.DONE,
        31,
        summary={"Benefits": {"created": 2, "updated": 0, "unchanged": 1}},
        rows_done=3,
    )
    rejected = job(
        world.alice,
        ImportStatus.REJECTED,
        45,
        errors=[{"sheet": "Benefits", "row": 4, "column": "C", "reason": "enter a title"}],
        error_count=1,
    )
    failed = job(world.alice, ImportStatus.FAILED, 40, message="The import stopped.")
    # A force's own register, mapped and tried with a dry run, never imported.
    dry_run = job(world.alice, ImportStatus.DRAFT, 40, mapping={"sheet": "Register"})
    recent = job(world.alice, ImportStatus.DONE, 29)
    queued = job(world.alice, ImportStatus.QUEUED, 60)
    running = job(world.alice, ImportStatus.CHECKING, 60)
    old = [done, rejected, failed, dry_run]
    old_files = [record.file.name for record in old]
    kept = [recent, queued, running]

    said = remind("--dry-run")
    assert "Would remove 4 uploaded register files" in said
    assert all(default_storage.exists(name) for name in old_files)
    assert not ImportJob.objects.filter(file_removed_at__isnull=False).exists()

    said = remind()
    assert "Removed 4 uploaded register files kept 30 days after their imports finished." in said
    assert not any(default_storage.exists(name) for name in old_files)
    assert ImportJob.objects.count() == 7  # every record stays
    for record in old:
        record.refresh_from_db()
        assert record.file_removed_at is not None and not record.file
    done.refresh_from_db()
    rejected.refresh_from_db()
    assert done.summary["Benefits"]["created"] == 2 and done.rows_done == 3
    assert rejected.errors[0]["reason"] == "enter a title" and rejected.error_count == 1
    for record in kept:
        refreshed = ImportJob.objects.get(pk=record.pk)
        assert refreshed.file_removed_at is None
        assert default_storage.exists(record.file.name)

    # Run again: nothing left to remove, nothing said, nothing breaks.
    assert "uploaded register file" not in remind()


def test_a_file_already_missing_is_recorded_as_removed(world, settings):
    settings.REALISE_IMPORT_FILES_KEEP_DAYS = 30
    gone = job(world.alice, ImportStatus.DONE, 40)
    default_storage.delete(gone.file.name)

    said = remind()

    assert "Removed 1 uploaded register file kept 30 days after its import finished." in said
    gone.refresh_from_db()
    assert gone.file_removed_at is not None


def test_a_setting_of_1_day_is_said_as_1_day(world, settings):
    settings.REALISE_IMPORT_FILES_KEEP_DAYS = 1
    job(world.alice, ImportStatus.DONE, 2)

    assert "Removed 1 uploaded register file kept 1 day after its import finished." in remind()


def test_with_0_days_a_file_goes_as_soon_as_its_import_finished(world, settings):
    settings.REALISE_IMPORT_FILES_KEEP_DAYS = 0
    finished = job(world.alice, ImportStatus.REJECTED, 0.001)
    queued = job(world.alice, ImportStatus.QUEUED, 3)
    running = job(world.alice, ImportStatus.WRITING, 3)
    # Being mapped just now: not finished, so its file stays for the mapping pages.
    mapping = job(world.alice, ImportStatus.DRAFT, 0.01)

    said = remind()

    assert "Removed 1 uploaded register file kept 0 days after its import finished." in said
    assert not default_storage.exists(finished.file.name)
    for record in (queued, running, mapping):
        assert default_storage.exists(record.file.name)
        assert ImportJob.objects.get(pk=record.pk).file_removed_at is None


def test_with_0_days_an_upload_imported_on_its_page_keeps_no_file(
    register, exported, client, settings, django_capture_on_commit_callbacks
):
    settings.REALISE_IMPORT_FILES_KEEP_DAYS = 0
    client.force_login(register.alice)

    with django_capture_on_commit_callbacks(execute=True), open(exported, "rb") as workbook:
        client.post("/register/import/", {"file": workbook})

    record = ImportJob.objects.get()
    assert record.status == ImportStatus.DONE
    assert record.file_removed_at is not None and not record.file
    assert not [name for _, _, files in _walk("imports/register/") for name in files]


def _walk(top: str):
    folders, files = default_storage.listdir(top)
    yield top, folders, files
    for folder in folders:
        yield from _walk(f"{top}{folder}/")


def test_a_file_shared_with_an_import_run_again_and_waiting_is_kept(world, settings):
    settings.REALISE_IMPORT_FILES_KEEP_DAYS = 30
    failed = job(world.alice, ImportStatus.FAILED, 40)
    # Run again long after it failed; the worker has not started it yet.
    again = ImportJob.objects.create(
        file=failed.file.name, original_name=failed.original_name, user=world.alice
    )

    assert "uploaded register file" not in remind()

    assert default_storage.exists(failed.file.name)
    assert ImportJob.objects.get(pk=failed.pk).file_removed_at is None
    assert ImportJob.objects.get(pk=again.pk).file_removed_at is None


def test_a_file_the_storage_cannot_delete_is_tried_again_and_fails_the_run(
    world, settings, monkeypatch, caplog
):
    settings.REALISE_IMPORT_FILES_KEEP_DAYS = 30
    stuck = job(world.alice, ImportStatus.DONE, 40)
    other = job(world.alice, ImportStatus.DONE, 41)
    storage = stuck.file.storage
    delete = storage.delete

    def refusing(name):
        if name == stuck.file.name:
            raise PermissionError("bucket refused")
        delete(name)

    monkeypatch.setattr(storage, "delete", refusing)
    out = io.StringIO()
    with pytest.raises(CommandError, match="Housekeeping failed: remove_old_import_files"):
        call_command("remind", stdout=out)

    assert not storage.exists(other.file.name)
    assert ImportJob.objects.get(pk=other.pk).file_removed_at is not None
    # Not marked: the next run tries it again.
    assert ImportJob.objects.get(pk=stuck.pk).file_removed_at is None
    assert storage.exists(stuck.file.name)
    assert "1 uploaded register file(s) could not be removed" in out.getvalue()


def test_the_page_of_an_import_whose_file_was_removed_says_so(world, settings, client):
    settings.REALISE_IMPORT_FILES_KEEP_DAYS = 30
    failed = job(world.alice, ImportStatus.FAILED, 40, message="The import stopped.")
    client.force_login(world.alice)
    page = client.get(failed.get_absolute_url()).content.decode()
    assert f'action="/register/import/{failed.pk}/again/"' in page  # before: it can run again

    remind()

    page = client.get(failed.get_absolute_url()).content.decode()
    assert "Uploaded file" in page
    assert "Removed on" in page and "days after the import finished" in page
    assert "The import stopped." in page  # what happened to it is still told
    assert f"/register/import/{failed.pk}/again/" not in page
    assert ImportJob.objects.get(pk=failed.pk).file_removed_at is not None
    # Asked to run it again all the same: no new import, no error.
    response = client.post(f"/register/import/{failed.pk}/again/")
    assert response.status_code == 302 and response["Location"] == failed.get_absolute_url()
    assert ImportJob.objects.count() == 1
    with pytest.raises(ValueError, match="removed"):
        run_again(ImportJob.objects.get(pk=failed.pk), user=world.alice)


def test_the_mapping_page_of_an_upload_whose_file_was_removed_leads_to_its_page(
    world, settings, client
):
    settings.REALISE_IMPORT_FILES_KEEP_DAYS = 30
    draft = job(world.alice, ImportStatus.DRAFT, 40, mapping={"sheet": "Register"})
    remind()
    client.force_login(world.alice)

    for response in (
        client.get(f"/register/map/{draft.pk}/"),
        client.post(f"/register/map/{draft.pk}/", {"action": "dry-run"}),
    ):
        assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Removed on" in page and "days after it was uploaded, without being imported" in page


def test_the_page_of_a_removed_file_is_still_hidden_from_others(world, settings, client):
    settings.REALISE_IMPORT_FILES_KEEP_DAYS = 30
    done = job(world.alice, ImportStatus.DONE, 40)
    remind()
    client.force_login(world.carol)
    assert client.get(done.get_absolute_url()).status_code == 404


def test_the_setting_is_30_days_unless_set():
    assert settings_printed("settings.REALISE_IMPORT_FILES_KEEP_DAYS") == "30"
    assert settings_printed("settings.REALISE_IMPORT_FILES_KEEP_DAYS", **{KEEP: "0"}) == "0"


KEEP = "REALISE_IMPORT_FILES_KEEP_DAYS"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", f"{KEEP} must be a whole number of days, 0 or more."),
        ("30d", f"{KEEP} is '30d': it must be a whole number."),
        ("1.5", f"{KEEP} is '1.5': it must be a whole number."),
    ],
)
def test_a_wrong_number_of_days_stops_the_start_naming_the_variable(value, message):
    completed = run_check(SECRET_KEY="x" * 50, **{KEEP: value})
    assert completed.returncode != 0
    assert f"ImproperlyConfigured: {message}" in completed.stderr, completed.stderr


def test_an_upload_never_imported_whose_file_went_is_no_longer_listed_as_being_mapped(
    world, settings, client
):
    settings.REALISE_IMPORT_FILES_KEEP_DAYS = 30
    draft = job(world.alice, ImportStatus.DRAFT, 40, mapping={"sheet": "Register"})
    recent = job(world.alice, ImportStatus.DRAFT, 2, mapping={"sheet": "Register"})
    remind()
    client.force_login(world.alice)

    listed = client.get("/register/").content.decode()
    shown = client.get(draft.get_absolute_url()).content.decode()

    assert listed.count("Uploaded, never imported: the file was removed") == 1
    assert listed.count("Uploaded: columns being mapped") == 1  # the recent one, still kept
    assert "Uploaded, never imported: the file was removed" in shown
    assert ImportJob.objects.get(pk=recent.pk).file_removed_at is None
