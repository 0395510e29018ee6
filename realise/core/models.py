"""Shared model building blocks."""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Private: the collaboration's own forces")
    POLICING = "policing", _("Policing: any signed-in user")
    PUBLIC = "public", _("Public: anyone")


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def money_field(**kwargs) -> models.DecimalField:
    """Pounds, hours and other measured values: exact decimals with two places."""
    kwargs.setdefault("max_digits", 18)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(**kwargs)


# Versions: no lost updates -------------------------------------------------------------


class StaleVersion(Exception):
    """An update carried a version that is no longer the stored one."""

    def __init__(self, current: int | None):
        super().__init__(
            f"The record has changed since it was read; it is now at version {current}."
        )
        self.current = current


class Versioned(models.Model):
    """A version number raised by one on every save.

    Set `instance.expected_version` before saving to make the save conditional: the row is
    only written if its stored version still equals it, otherwise `StaleVersion` is raised
    (the check and the write are one UPDATE statement, so two writers cannot both win).
    """

    version = models.PositiveIntegerField(
        default=1, editable=False, help_text=_("Raised by one on every change.")
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk is not None:
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        try:
            super().save(*args, **kwargs)
        except StaleVersion:
            self.version -= 1
            raise
        finally:
            self.expected_version = None

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        values = [
            (field, model, models.F("version") + 1 if field.attname == "version" else value)
            for field, model, value in values
        ]
        expected = getattr(self, "expected_version", None)
        if expected is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        updated = super()._do_update(
            base_qs.filter(version=expected), using, pk_val, values, update_fields, forced_update
        )
        if not updated:
            current = base_qs.filter(pk=pk_val).values_list("version", flat=True).first()
            if current is not None:
                raise StaleVersion(current)
        return updated


# The audit trail --------------------------------------------------------------------------


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    VIEW = "view", _("Opened (an inspector read a private record)")


class AuditRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit records cannot be changed.")

    def delete(self) -> NoReturn:
        raise PermissionError("Audit records cannot be deleted.")


class AuditRecord(models.Model):
    """One change to domain data, chained to the record before it by a SHA-256 hash.

    `hash` covers every other field of the record and the previous record's hash, so an
    edit, insertion or deletion anywhere in the trail breaks the chain from that point on
    (see `realise.core.audit.verify`). Records are only ever appended.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    recorded_at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text=_("Kept as a number even if the account is later removed."),
    )
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=6, choices=AuditAction.choices)
    model = models.CharField(max_length=100, db_index=True, help_text=_("e.g. benefits.benefit"))
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    collaboration_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    via = models.CharField(max_length=10, help_text=_("page, api, admin or command"))
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        default_permissions = ("view",)
        # The newest record of a kind, one step down the index (`core.dataversion`).
        indexes = [models.Index(fields=["model", "sequence"], name="auditrecord_model_sequence")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.model} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit records cannot be deleted.")


class AuditHead(models.Model):
    """The end of the audit chain: one row, locked while a record is appended."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"Audit trail head at record {self.sequence}"


# Signs of life ---------------------------------------------------------------------------


class WorkerBeat(models.Model):
    """When a task worker last showed it was alive (see `realise.core.heartbeat`)."""

    worker_id = models.CharField(max_length=64, unique=True)
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"Worker {self.worker_id}, last seen {self.last_seen:%Y-%m-%d %H:%M:%S}"


class UserPreference(models.Model):
    """What a signed-in user chose for themselves: for now, English or Cymraeg."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, blank=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.language or 'browser language'}"
