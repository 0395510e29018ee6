from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from realise.documents.models import BenefitHandover, ClosureRecord, HighlightReport


@admin.register(HighlightReport)
class HighlightReportAdmin(SimpleHistoryAdmin):
    list_display = ["initiative", "month", "author", "marking", "updated_at"]
    list_filter = ["marking"]
    search_fields = ["initiative__name"]


class BenefitHandoverInline(admin.TabularInline):
    model = BenefitHandover
    extra = 0
    can_delete = False
    readonly_fields = [
        "benefit",
        "bau_owner",
        "measurement_owner",
        "continuing_measures",
        "previous_owner",
        "previous_measurement_owner",
    ]


@admin.register(ClosureRecord)
class ClosureRecordAdmin(SimpleHistoryAdmin):
    """Closures are made by the closure workflow; here they are read."""

    list_display = ["initiative", "closed_on", "closed_by", "review", "document"]
    inlines = [BenefitHandoverInline]
    readonly_fields = [
        "initiative",
        "closed_on",
        "closed_by",
        "realised",
        "lessons",
        "review",
        "document",
    ]

    def has_add_permission(self, request):
        return False
