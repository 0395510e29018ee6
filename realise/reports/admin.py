from django.contrib import admin

from realise.core.adminsite import DomainAdmin, ReadOnly
from realise.reports.models import ImportJob, RegisterMapping


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnly, DomainAdmin):
    """Imports of the Excel register, for following up a failed one; each has its own page."""

    list_display = ["original_name", "user", "status", "rows_done", "rows_total", "created_at"]
    list_filter = ["status", "background"]
    search_fields = ["original_name", "user__username", "message"]
    date_hierarchy = "created_at"


@admin.register(RegisterMapping)
class RegisterMappingAdmin(DomainAdmin):
    list_display = ["name", "collaboration", "created_by", "updated_at"]
    list_filter = ["collaboration"]
    search_fields = ["name", "collaboration__name"]
