from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from realise.pipeline.models import Opportunity


@admin.register(Opportunity)
class OpportunityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "collaboration", "status", "unit", "most_likely", "confidence"]
    list_filter = ["status", "unit", "source"]
    search_fields = ["title", "description"]
    raw_id_fields = ["collaboration", "lesson", "owner", "initiative"]
    readonly_fields = ["initiative"]
