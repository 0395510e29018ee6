from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy

from realise.collaborations.models import (
    Agreement,
    AgreementParty,
    AgreementReview,
    Collaboration,
    ForceShare,
    Initiative,
    StageDecision,
)
from realise.collaborations.services import initiative_change_problems, review_due_problem
from realise.core.adminsite import DomainAdmin, DomainHistoryAdmin, DomainInline, ReadOnly


class ForceShareInline(DomainInline):
    model = ForceShare
    fields = ["force", "percent", "basis"]


@admin.register(Collaboration)
class CollaborationAdmin(DomainHistoryAdmin):
    list_display = ["name", "parent", "function", "lead_force", "visibility", "updated_at"]
    list_filter = ["visibility", "function", "lead_force"]
    search_fields = ["name", "slug", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["parent"]
    inlines = [ForceShareInline]


@admin.register(ForceShare)
class ForceShareAdmin(DomainHistoryAdmin):
    list_display = ["collaboration", "force", "percent", "basis"]
    list_filter = ["force"]
    search_fields = ["collaboration__name", "force__name"]


class AgreementAdminForm(forms.ModelForm):
    """The rule of the agreement's page and the API: while a review is overdue, only
    recording the review moves its date on (`services.review_due_problem`)."""

    class Meta:
        model = Agreement
        fields = "__all__"  # noqa: DJ007 - the admin shows every field

    def _post_clean(self):
        super()._post_clean()
        problem = review_due_problem(self.instance)
        if problem is not None and "review_due" not in self.errors:
            self.add_error("review_due", str(problem))


@admin.register(Agreement)
class AgreementAdmin(DomainHistoryAdmin):
    form = AgreementAdminForm
    list_display = ["title", "collaboration", "legal_basis", "signed_on", "review_due"]
    list_filter = ["legal_basis"]
    search_fields = ["title", "collaboration__name", "notes"]
    date_hierarchy = "signed_on"


class InitiativeAdminForm(forms.ModelForm):
    """The rules of the page and the API: the stage moves only by a stage decision, and an
    initiative is closed only through its closure."""

    class Meta:
        model = Initiative
        fields = [
            "collaboration",
            "name",
            "slug",
            "sro",
            "stage",
            "status",
            "purpose",
            "start_date",
            "end_date",
        ]
        labels = {"collaboration": gettext_lazy("Collaboration"), "stage": gettext_lazy("Stage")}

    def clean(self):
        data = super().clean()
        stored = Initiative.objects.get(pk=self.instance.pk) if self.instance.pk else Initiative()
        problems = initiative_change_problems(
            stored, stage=data.get("stage"), status=data.get("status")
        )
        for name, problem in problems.items():
            self.add_error(name, str(problem))
        return data


@admin.register(Initiative)
class InitiativeAdmin(DomainHistoryAdmin):
    form = InitiativeAdminForm
    list_display = ["name", "collaboration", "stage", "status", "sro", "start_date"]
    list_filter = ["stage", "status", "collaboration"]
    search_fields = ["name", "slug", "purpose", "collaboration__name"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["sro"]


@admin.register(StageDecision)
class StageDecisionAdmin(ReadOnly, DomainAdmin):
    """Stage decisions are recorded by the stage-gate workflow; here they are read."""

    list_display = ["initiative", "from_stage", "to_stage", "decided_on", "body", "decided_by"]
    list_filter = ["to_stage", "from_stage"]
    search_fields = ["initiative__name", "notes"]
    date_hierarchy = "decided_on"


@admin.register(AgreementParty)
class AgreementPartyAdmin(ReadOnly, DomainHistoryAdmin):
    """Parties are chosen on the agreement's page, from the collaboration's member forces."""

    list_display = ["agreement", "force", "role"]
    list_filter = ["role", "force"]
    search_fields = ["agreement__title", "force__name"]


@admin.register(AgreementReview)
class AgreementReviewAdmin(ReadOnly, DomainHistoryAdmin):
    """Reviews are recorded on the agreement's page, by a body of its collaboration, and
    each sets when the next falls due; here they are read."""

    list_display = ["agreement", "reviewed_on", "body", "outcome", "next_review_due"]
    list_filter = ["outcome", "reviewed_on"]
    search_fields = ["agreement__title", "notes"]
