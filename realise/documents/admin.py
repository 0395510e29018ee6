from django.contrib import admin

from realise.core.adminsite import DomainAdmin, DomainHistoryAdmin, DomainInline, ReadOnly
from realise.documents.models import (
    BenefitHandover,
    ClosureRecord,
    DocumentJob,
    HighlightReport,
    InspectionPack,
)


@admin.register(HighlightReport)
class HighlightReportAdmin(DomainHistoryAdmin):
    list_display = ["initiative", "month", "author", "marking", "updated_at"]
    list_filter = ["marking"]
    search_fields = ["initiative__name"]


class BenefitHandoverInline(DomainInline):
    model = BenefitHandover
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
class ClosureRecordAdmin(DomainHistoryAdmin):
    """Closures are made by the closure workflow; here they are read."""

    list_display = ["initiative", "closed_on", "closed_by", "review", "document"]
    list_filter = ["marking", "closed_on"]
    search_fields = ["initiative__name", "summary"]
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


@admin.register(BenefitHandover)
class BenefitHandoverAdmin(ReadOnly, DomainHistoryAdmin):
    """Hand-overs are made when an initiative closes."""

    list_display = ["benefit", "closure", "bau_owner", "measurement_owner"]
    list_filter = ["closure__closed_on"]
    search_fields = ["benefit__title", "benefit__reference", "bau_owner__name"]


@admin.register(InspectionPack)
class InspectionPackAdmin(ReadOnly, DomainAdmin):
    """Inspection packs asked for, for following up a failed build; each is built in the
    background and downloaded by whoever asked for it."""

    list_display = ["collaboration", "requester", "status", "progress", "created_at"]
    list_filter = ["status", "with_evidence", "collaboration"]
    search_fields = ["collaboration__name", "requester__username", "error"]


@admin.register(DocumentJob)
class DocumentJobAdmin(ReadOnly, DomainAdmin):
    """Board packs, highlight reports and register exports built in the background, for
    following up a failed one; each is downloaded by whoever asked for it."""

    list_display = ["kind", "filename", "requester", "status", "done", "total", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["filename", "requester__username", "error"]
