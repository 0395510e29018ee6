from django.contrib import admin

from realise.core.adminsite import DomainAdmin, DomainHistoryAdmin, DomainInline, ReadOnly
from realise.knowledge.models import Document, DocumentVersion, Lesson, SearchEntry

VERSION_FIELDS = ("number", "original_name", "file_type", "size", "uploaded_by", "uploaded_at")


@admin.register(Lesson)
class LessonAdmin(DomainHistoryAdmin):
    list_display = ["title", "collaboration", "initiative", "theme", "stage", "date", "visibility"]
    list_filter = ["theme", "stage", "visibility"]
    search_fields = ["title", "what_happened", "recommendation"]
    raw_id_fields = ["collaboration", "initiative", "author", "recorded_by"]
    date_hierarchy = "date"


class DocumentVersionInline(DomainInline):
    """Versions are uploaded through the repository pages, where their content is checked."""

    model = DocumentVersion
    can_delete = False
    fields = VERSION_FIELDS
    readonly_fields = VERSION_FIELDS

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(DomainHistoryAdmin):
    list_display = ["title", "collaboration", "kind", "stage", "visibility", "updated_at"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title", "description"]
    raw_id_fields = ["collaboration", "initiative"]
    inlines = [DocumentVersionInline]


@admin.register(SearchEntry)
class SearchEntryAdmin(ReadOnly, DomainAdmin):
    """The search index, for inspection; it is rebuilt with `realise reindex`."""

    list_display = ["title", "kind", "object_id", "collaboration", "visibility", "indexed_at"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title"]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ReadOnly, DomainHistoryAdmin):
    """Versions are uploaded through the repository pages, where their content is checked."""

    list_display = ["document", "number", "original_name", "file_type", "size", "uploaded_at"]
    list_filter = ["file_type"]
    search_fields = ["document__title", "original_name", "note"]
