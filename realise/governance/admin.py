from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from realise.core.adminsite import DomainAdmin, DomainHistoryAdmin, DomainInline
from realise.governance import services
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
from realise.governance.views import tell_rescheduled


class BodyMemberInline(DomainInline):
    model = BodyMember


class DecisionAdminForm(forms.ModelForm):
    """The rules of the decision page: no decision before it is taken, nor for a meeting
    that has not taken place."""

    class Meta:
        model = Decision
        fields = "__all__"  # noqa: DJ007 - the admin shows every field
        labels = {
            "body": gettext_lazy("Body"),
            "meeting": gettext_lazy("Meeting"),
            "decided_on": gettext_lazy("Decided on"),
            "rationale": gettext_lazy("Rationale"),
            "initiative": gettext_lazy("Initiative"),
            "stage_decision": gettext_lazy("Stage decision"),
            "status": gettext_lazy("Status"),
            "visibility": gettext_lazy("Visibility"),
            "recorded_by": gettext_lazy("Recorded by"),
        }

    def clean(self):
        data = super().clean()
        decided_on, meeting = data.get("decided_on"), data.get("meeting")
        if decided_on and decided_on > timezone.localdate():
            self.add_error(
                "decided_on",
                _("A decision is recorded once it has been taken: %(day)s is in the future.")
                % {"day": date_format(decided_on, "j F Y")},
            )
        problem = services.meeting_date_problem(meeting) if meeting else None
        if problem:
            self.add_error("meeting", problem)
        return data


class ActionAdminForm(forms.ModelForm):
    """An action falls due no earlier than the decision that set it."""

    class Meta:
        model = Action
        fields = "__all__"  # noqa: DJ007 - the admin shows every field
        labels = {
            "decision": gettext_lazy("Decision"),
            "owner": gettext_lazy("Owner"),
            "done": gettext_lazy("Done"),
            "done_on": gettext_lazy("Done on"),
        }

    def clean(self):
        data = super().clean()
        decision = data.get("decision") or getattr(self.instance, "decision", None)
        if decision is not None and decision.decided_on:
            problem = services.action_due_problem(data.get("due_on"), decision.decided_on)
            if problem:
                self.add_error("due_on", problem)
        return data


class ActionInline(DomainInline):
    model = Action
    form = ActionAdminForm


@admin.register(GovernanceBody)
class GovernanceBodyAdmin(DomainHistoryAdmin):
    list_display = ["name", "collaboration", "body_type", "cadence", "visibility"]
    list_filter = ["body_type", "cadence", "visibility"]
    search_fields = ["name", "collaboration__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BodyMemberInline]

    def save_model(self, request, obj, form, change):
        """Save as the body's page does (`services.save_body`): a change of cadence moves
        its future calendar with it, and the page says what that did."""
        outcome = services.save_body(obj, user=request.user)
        tell_rescheduled(request, outcome)


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

    def save_model(self, request, obj, form, change):
        if change and "date" in form.changed_data:
            # A person chose the day, as on the meeting's page: no longer the calendar's move.
            obj.adjusted_from = None
        super().save_model(request, obj, form, change)


@admin.register(Decision)
class DecisionAdmin(DomainHistoryAdmin):
    form = DecisionAdminForm
    list_display = ["__str__", "body", "decided_on", "status", "visibility"]
    list_filter = ["status", "visibility", "body"]
    search_fields = ["text", "rationale"]
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(DomainHistoryAdmin):
    form = ActionAdminForm
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
