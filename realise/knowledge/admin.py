from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from realise.knowledge.models import Document, DocumentVersion, Lesson, SearchEntry


@admin.register(Lesson)
class LessonAdmin(SimpleHistoryAdmin):
    list_display = ["title", "collaboration", "initiative", "theme", "stage", "date", "visibility"]
    list_filter = ["theme", "stage", "visibility"]
    search_fields = ["title", "what_happened", "recommendation"]
    raw_id_fields = ["collaboration", "initiative", "author", "recorded_by"]
    date_hierarchy = "date"


class DocumentVersionInline(admin.TabularInline):
    """Versions are uploaded through the repository pages, where their content is checked."""

    model = DocumentVersion
    extra = 0
    can_delete = False
    fields = ["number", "original_name", "file_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "collaboration", "kind", "stage", "visibility", "updated_at"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title", "description"]
    raw_id_fields = ["collaboration", "initiative"]
    inlines = [DocumentVersionInline]


@admin.register(SearchEntry)
class SearchEntryAdmin(admin.ModelAdmin):
    """The search index, for inspection; it is rebuilt with `realise reindex`."""

    list_display = ["title", "kind", "object_id", "collaboration", "visibility", "indexed_at"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
