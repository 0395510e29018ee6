from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from realise.governance.models import (
    Action,
    BodyMember,
    Decision,
    Escalation,
    GovernanceBody,
    Meeting,
    Notification,
    PostImplementationReview,
    ReminderLog,
)


class BodyMemberInline(admin.TabularInline):
    model = BodyMember
    extra = 0


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0


@admin.register(GovernanceBody)
class GovernanceBodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "collaboration", "body_type", "cadence", "visibility"]
    list_filter = ["body_type", "cadence", "visibility"]
    search_fields = ["name", "collaboration__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BodyMemberInline]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["body", "date", "status"]
    list_filter = ["status", "body"]
    date_hierarchy = "date"


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "body", "decided_on", "status", "visibility"]
    list_filter = ["status", "visibility", "body"]
    search_fields = ["text", "rationale"]
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "owner", "due_on", "done"]
    list_filter = ["done"]


@admin.register(Escalation)
class EscalationAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "raised_at", "resolved_at"]
    list_filter = ["kind", "to_body"]


@admin.register(PostImplementationReview)
class PostImplementationReviewAdmin(SimpleHistoryAdmin):
    list_display = ["initiative", "due_on", "completed_on"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "text", "created_at", "read"]
    list_filter = ["read"]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["key", "sent_at"]
    search_fields = ["key"]
