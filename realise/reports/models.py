"""Imports of the Excel register: one `ImportJob` per uploaded workbook."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    DRAFT = "draft", _("Uploaded: columns being mapped")
    QUEUED = "queued", _("Waiting to start")
    CHECKING = "checking", _("Checking the file")
    WRITING = "writing", _("Saving the changes")
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Not imported: the file has errors")
    FAILED = "failed", _("Failed")


RUNNING = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.WRITING)
FINISHED = (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED)


class ImportJob(models.Model):
    """An uploaded register workbook and what became of it.

    The file is kept in Django's storage (so a worker on another host can read it); while
    it runs, its live progress is kept in storage too (see `register.jobs`), because the
    rows are written in one transaction that other connections cannot see into. The file is
    deleted `REALISE_IMPORT_FILES_KEEP_DAYS` after the import finished (`register.retention`):
    `file` is then empty and `file_removed_at` says when.
    """

    file = models.FileField(upload_to="imports/register/%Y/%m/")
    original_name = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    background = models.BooleanField(
        default=False, help_text=_("Run by the task worker rather than in the request.")
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    errors = models.JSONField(
        default=list, blank=True, help_text=_("Each error as {sheet, row, column, reason}.")
    )
    error_count = models.PositiveIntegerField(default=0)
    summary = models.JSONField(
        default=dict, blank=True, help_text=_("Rows created, updated and unchanged per sheet.")
    )
    message = models.TextField(blank=True, help_text=_("Why the import failed, if it did."))
    mapping = models.JSONField(
        null=True,
        blank=True,
        help_text=_(
            "For a force's own register: how its columns map to Realise's fields "
            "(docs/import.md). Empty for Realise's own workbook."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "Last sign of life from the process running the import; a running job "
            "silent for longer than REALISE_WORKER_STALE_SECONDS has stopped."
        ),
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    file_removed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "When the uploaded file was deleted, REALISE_IMPORT_FILES_KEEP_DAYS after the "
            "import finished; the import's record and outcome are kept."
        ),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import of {self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("register-import-status", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def failed(self) -> bool:
        return self.status == ImportStatus.FAILED

    @property
    def status_shown(self) -> str:
        """The status as pages show it: an upload never imported whose file was removed
        is no longer "being mapped"."""
        if self.status == ImportStatus.DRAFT and self.file_removed_at is not None:
            return str(_("Uploaded, never imported: the file was removed"))
        return str(self.get_status_display())

    @property
    def file_kept_days(self) -> int | None:
        """Whole days from the end of the import (or, for one never imported, its upload)
        to the removal of its file; None while the file is kept."""
        if self.file_removed_at is None:
            return None
        since = self.finished_at or self.created_at
        return max((self.file_removed_at - since).days, 0)

    @property
    def progress_name(self) -> str:
        return f"imports/progress/{self.pk}.json"


class RegisterMapping(models.Model):
    """A saved mapping of a force's own register layout, reused month after month."""

    collaboration = models.ForeignKey(
        "collaborations.Collaboration", on_delete=models.CASCADE, related_name="register_mappings"
    )
    name = models.CharField(max_length=100)
    mapping = models.JSONField(
        help_text=_("The mapping itself, as `realise import-register` reads it.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["collaboration__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "name"], name="unique_register_mapping_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.collaboration})"
