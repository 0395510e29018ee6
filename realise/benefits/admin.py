import copy

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy

from realise.benefits.models import (
    Attribution,
    BaselineValue,
    Benefit,
    BenefitShare,
    BenefitTotal,
    BenefitTotalAnchor,
    Change,
    ChangeRequest,
    ChangeRequestValue,
    Contribution,
    ContributionPath,
    Evidence,
    Measurement,
    MonthlyTotal,
    NotDuplicate,
    Objective,
    PlanBaseline,
    PlannedValue,
)
from realise.benefits.services import benefit_change_errors, deletion_refusal
from realise.core.adminsite import DomainAdmin, DomainHistoryAdmin, ReadOnly


class BenefitAdminForm(forms.ModelForm):
    """The admin's benefit form, held to the rules of the benefit pages and the API on where
    a stored benefit's figures are counted (`services.benefit_change_errors`)."""

    class Meta:
        model = Benefit
        fields = "__all__"  # noqa: DJ007 - the admin shows every field
        labels = {"initiative": gettext_lazy("Initiative")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored = copy.copy(self.instance) if self.instance.pk else None

    def _post_clean(self):
        super()._post_clean()
        if self.stored is None:
            return
        for name, messages in benefit_change_errors(self.stored, self.instance).items():
            if name in self.fields and name not in self.errors:
                for message in messages:
                    self.add_error(name, message)


@admin.register(Benefit)
class BenefitAdmin(DomainHistoryAdmin):
    form = BenefitAdminForm
    list_display = ["reference", "title", "initiative", "subcategory", "status", "owner"]
    list_filter = ["status", "subcategory", "direction", "cashable", "is_disbenefit"]
    search_fields = ["reference", "title", "description", "initiative__name"]
    raw_id_fields = ["initiative", "owner", "measurement_owner"]

    def get_deleted_objects(self, objs, request):
        """A benefit that may not be deleted (`services.deletion_refusal`) is listed with the
        reason among what protects it: the admin then deletes nothing. The reason is what
        the page says, rather than the records (actuals, evidence) the admin only reads."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        refusals = [refusal for refusal in map(deletion_refusal, objs) if refusal]
        if refusals:
            perms_needed = set()
        return deleted, counts, perms_needed, [*protected, *refusals]


@admin.register(PlannedValue)
class PlannedValueAdmin(DomainHistoryAdmin):
    list_display = ["benefit", "period", "value"]
    list_filter = ["period"]
    search_fields = ["benefit__reference", "benefit__title"]
    raw_id_fields = ["benefit"]


@admin.register(Measurement)
class MeasurementAdmin(ReadOnly, DomainHistoryAdmin):
    """Actuals are recorded with their evidence, and verified by someone other than whoever
    entered or last changed them, on the benefit pages, through the API and the register,
    where those rules hold; here they are read."""

    list_display = ["benefit", "period", "force", "value", "entered_by", "verified_by"]
    list_filter = ["force", "period"]
    search_fields = ["benefit__reference", "benefit__title", "assessment"]
    raw_id_fields = ["benefit", "entered_by", "verified_by"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnly, DomainHistoryAdmin):
    """Evidence is uploaded through the benefit pages, where each file is checked."""

    list_display = ["measurement", "original_name", "file", "uploaded_by", "created_at"]
    list_filter = ["created_at"]
    search_fields = [
        "note",
        "original_name",
        "measurement__benefit__reference",
        "measurement__benefit__title",
    ]


@admin.register(BenefitShare)
class BenefitShareAdmin(DomainHistoryAdmin):
    list_display = ["benefit", "force", "percent", "basis"]
    list_filter = ["force"]
    search_fields = ["benefit__reference", "benefit__title"]
    raw_id_fields = ["benefit"]


@admin.register(Objective)
class ObjectiveAdmin(DomainHistoryAdmin):
    list_display = ["text", "collaboration", "order"]
    list_filter = ["collaboration"]
    search_fields = ["text"]
    raw_id_fields = ["collaboration"]


@admin.register(Change)
class ChangeAdmin(DomainHistoryAdmin):
    list_display = ["description", "initiative"]
    list_filter = ["initiative__collaboration"]
    search_fields = ["description", "initiative__name"]
    raw_id_fields = ["initiative"]


@admin.register(PlanBaseline)
class PlanBaselineAdmin(ReadOnly, DomainHistoryAdmin):
    """Baselines are approved through the change-control workflow; here they are read."""

    list_display = ["benefit", "initiative", "approved_on", "body", "recorded_by"]
    list_filter = ["approved_on"]
    search_fields = ["benefit__reference", "benefit__title", "initiative__name", "note"]


@admin.register(BaselineValue)
class BaselineValueAdmin(ReadOnly, DomainHistoryAdmin):
    list_display = ["benefit", "baseline", "period", "value"]
    list_filter = ["period"]
    search_fields = ["benefit__reference", "benefit__title"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnly, DomainHistoryAdmin):
    """Change requests are raised and decided on the benefit's pages."""

    list_display = ["benefit", "status", "requested_by", "body", "decided_on"]
    list_filter = ["status"]
    search_fields = ["benefit__reference", "benefit__title", "reason", "decision_note"]


@admin.register(ChangeRequestValue)
class ChangeRequestValueAdmin(ReadOnly, DomainHistoryAdmin):
    list_display = ["change_request", "period", "value"]
    list_filter = ["period"]
    search_fields = ["change_request__benefit__reference"]


@admin.register(Contribution)
class ContributionAdmin(ReadOnly, DomainHistoryAdmin):
    """Contributions are linked on the benefits map, which keeps the paths between them."""

    list_display = ["child", "parent", "created_by", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["child__title", "parent__title", "note"]


@admin.register(ContributionPath)
class ContributionPathAdmin(ReadOnly, DomainAdmin):
    """Derived from contributions by the database."""

    list_display = ["descendant", "ancestor"]
    list_filter = []
    search_fields = ["descendant__title", "ancestor__title"]


@admin.register(Attribution)
class AttributionAdmin(DomainHistoryAdmin):
    list_display = ["benefit", "initiative", "percent", "basis"]
    list_filter = ["initiative__collaboration"]
    search_fields = ["benefit__reference", "benefit__title", "initiative__name"]
    raw_id_fields = ["benefit", "initiative"]


@admin.register(MonthlyTotal)
class MonthlyTotalAdmin(ReadOnly, DomainAdmin):
    """Kept by database triggers for the dashboards."""

    list_display = ["period", "kind", "subcategory", "unit", "rows", "pennies"]
    list_filter = ["kind", "subcategory", "cashable", "is_disbenefit"]
    search_fields = ["subcategory", "unit"]


@admin.register(BenefitTotal)
class BenefitTotalAdmin(ReadOnly, DomainAdmin):
    """Kept by database triggers for each force's share."""

    list_display = ["benefit_id", "kind", "force_id", "rows", "pennies", "pennies_to_date"]
    list_filter = ["kind"]
    search_fields = ["=benefit_id"]


@admin.register(BenefitTotalAnchor)
class BenefitTotalAnchorAdmin(ReadOnly, DomainAdmin):
    """The month the per-benefit totals count to date to (moved by readers)."""

    list_display = ["to_date"]
    list_filter = ["to_date"]
    search_fields = ["to_date"]


@admin.register(NotDuplicate)
class NotDuplicateAdmin(DomainHistoryAdmin):
    list_display = ["first", "second", "reason", "dismissed_by"]
    list_filter = ["dismissed_by"]
    search_fields = ["first__reference", "second__reference", "reason"]
