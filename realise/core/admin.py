"""The audit trail in the admin: read only, like everywhere else."""

from django.contrib import admin

from realise.core.adminsite import DomainAdmin, ReadOnly
from realise.core.models import AuditHead, AuditRecord, UserPreference, WorkerBeat


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnly, DomainAdmin):
    list_display = ["sequence", "recorded_at", "username", "action", "model", "object_id", "via"]
    list_filter = ["action", "via", "model"]
    search_fields = ["username", "object_id", "object_repr", "hash"]
    date_hierarchy = "recorded_at"
    ordering = ["-sequence"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(AuditHead)
class AuditHeadAdmin(ReadOnly, DomainAdmin):
    """The newest record of the chain, kept for appending one writer at a time."""

    list_display = ["sequence", "hash"]
    list_filter = []
    search_fields = ["hash"]


@admin.register(WorkerBeat)
class WorkerBeatAdmin(ReadOnly, DomainAdmin):
    list_display = ["worker_id", "last_seen"]
    list_filter = ["last_seen"]
    search_fields = ["worker_id"]


@admin.register(UserPreference)
class UserPreferenceAdmin(ReadOnly, DomainAdmin):
    """Each person's own choices (the language they read Realise in), set by them."""

    list_display = ["user", "language"]
    list_filter = ["language"]
    search_fields = ["user__username"]
