from django.contrib import admin

from realise.core.adminsite import DomainAdmin, DomainHistoryAdmin, DomainInline
from realise.governance.models import (
    Action,
    BodyMember,
    CalendarFeed,
    Decision,
    Escalation,
    GovernanceBody,
    Meeting,
    Notification,
    PostImplementationReview,
    ReminderLog,
)


class BodyMemberInline(DomainInline):
    model = BodyMember


class ActionInline(DomainInline):
    model = Action


@admin.register(GovernanceBody)
class GovernanceBodyAdmin(DomainHistoryAdmin):
    list_display = ["name", "collaboration", "body_type", "cadence", "visibility"]
    list_filter = ["body_type", "cadence", "visibility"]
    search_fields = ["name", "collaboration__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BodyMemberInline]


@admin.register(BodyMember)
class BodyMemberAdmin(DomainHistoryAdmin):
    list_display = ["person", "body", "represents_kind", "represents_force"]
    list_filter = ["represents_kind", "represents_force"]
    search_fields = ["person__name", "body__name", "represents_other"]


@admin.register(Meeting)
class MeetingAdmin(DomainHistoryAdmin):
    list_display = ["body", "date", "status"]
    list_filter = ["status", "body"]
    search_fields = ["body__name", "notes"]
    date_hierarchy = "date"


@admin.register(Decision)
class DecisionAdmin(DomainHistoryAdmin):
    list_display = ["__str__", "body", "decided_on", "status", "visibility"]
    list_filter = ["status", "visibility", "body"]
    search_fields = ["text", "rationale"]
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(DomainHistoryAdmin):
    list_display = ["__str__", "owner", "due_on", "done"]
    list_filter = ["done"]
    search_fields = ["text", "owner__name"]


@admin.register(Escalation)
class EscalationAdmin(DomainHistoryAdmin):
    list_display = ["__str__", "kind", "raised_at", "resolved_at"]
    list_filter = ["kind", "to_body"]
    search_fields = ["summary", "from_body__name", "to_body__name"]


@admin.register(PostImplementationReview)
class PostImplementationReviewAdmin(DomainHistoryAdmin):
    list_display = ["initiative", "due_on", "completed_on"]
    list_filter = ["due_on", "completed_on"]
    search_fields = ["initiative__name", "notes"]


@admin.register(Notification)
class NotificationAdmin(DomainAdmin):
    list_display = ["user", "text", "created_at", "read"]
    list_filter = ["read"]
    search_fields = ["user__username", "text"]


@admin.register(ReminderLog)
class ReminderLogAdmin(DomainAdmin):
    list_display = ["key", "sent_at"]
    list_filter = ["sent_at"]
    search_fields = ["key"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(DomainAdmin):
    list_display = ["user", "generation"]
    list_filter = ["generation"]
    search_fields = ["user__username"]
