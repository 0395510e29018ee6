"""The audit trail in the admin: read only, like everywhere else."""

from django.contrib import admin

from realise.core.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = ["sequence", "recorded_at", "username", "action", "model", "object_id", "via"]
    list_filter = ["action", "via", "model"]
    search_fields = ["username", "object_id", "object_repr", "hash"]
    date_hierarchy = "recorded_at"
    ordering = ["-sequence"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
