"""The dashboards' filter form: a GET form whose values become the engine's cut."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from realise.benefits.models import BenefitStatus, SubCategory
from realise.benefits.realisation import RealisationFilter, collaboration_and_descendants
from realise.collaborations.models import Collaboration, Initiative, Stage
from realise.core.forms import GovukForm, MonthField, model_choice_field
from realise.organisations.models import Force

EITHER = ""
YES_NO = [(EITHER, _("Either")), ("yes", _("Yes")), ("no", _("No"))]
MAX_INITIATIVE_CHOICES = 250
# Query parameters that are not filters: pagination, sorting, exports, sections, charts.
NOT_FILTERS = ("page", "sort", "_export", "table", "section", "i-page", "b-page", "e-page")


class DashboardFilterForm(GovukForm, forms.Form):
    """Which benefits and months to show. Every field is optional.

    `fixed` names fields set by the page itself (e.g. the collaboration of a collaboration
    dashboard): they are left out of the form. `force_choices` limits the force field (a
    board's member forces).
    """

    collaboration: forms.ModelChoiceField[Collaboration] = forms.ModelChoiceField(
        label=_("Collaboration"),
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label=_("All collaborations"),
        help_text=_("Includes the collaborations within it."),
    )
    initiative: forms.ModelChoiceField[Initiative] = forms.ModelChoiceField(
        label=_("Initiative"),
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label=_("All initiatives"),
    )
    force: forms.ModelChoiceField[Force] = forms.ModelChoiceField(
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label=_("All forces"),
        label=_("Force's share"),
        help_text=_("Shows that force's share of every figure."),
    )
    subcategory = forms.MultipleChoiceField(
        label=_("Sub-category"),
        choices=SubCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    stage = forms.TypedMultipleChoiceField(
        label=_("Initiative stage"),
        choices=Stage.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.MultipleChoiceField(
        label=_("Benefit status"),
        choices=BenefitStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cashable = forms.ChoiceField(
        label=_("Cashable"),
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
        initial=EITHER,
    )
    identified = forms.ChoiceField(
        label=_("Identified in the business case"),
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
        initial=EITHER,
    )
    period_from = MonthField(
        label=_("From month"), required=False, help_text=_("For example 2025-04.")
    )
    period_to = MonthField(label=_("To month"), required=False, help_text=_("For example 2026-03."))
    by = forms.ChoiceField(
        label=_("Table of figures by"),
        choices=[("initiative", _("Initiative")), ("collaboration", _("Collaboration"))],
        required=False,
        initial="initiative",
    )
    period = forms.ChoiceField(
        label=_("Over time by"),
        choices=[("year", _("Financial year")), ("quarter", _("Quarter")), ("month", _("Month"))],
        required=False,
        initial="year",
    )

    def __init__(
        self,
        data=None,
        *,
        user,
        fixed: tuple[str, ...] = (),
        force_choices=None,
        collaboration=None,
        **kwargs,
    ):
        super().__init__(data, **kwargs)
        self.user = user
        for name in fixed:
            self.fields.pop(name, None)
        if "collaboration" in self.fields:
            model_choice_field(self, "collaboration").queryset = Collaboration.objects.visible_to(
                user
            ).order_by("name")
        if "force" in self.fields:
            force_field = model_choice_field(self, "force")
            if force_choices is not None:
                force_field.queryset = Force.objects.filter(
                    pk__in=[force.pk for force in force_choices]
                ).order_by("name")
                force_field.empty_label = None
                force_field.required = False
            else:
                force_field.queryset = Force.objects.order_by("name")
        if "initiative" in self.fields:
            self._initiatives(collaboration)

    def _initiatives(self, collaboration) -> None:
        """Initiatives to choose from: those of the chosen collaboration, or all the user
        may see while there are few enough to list; otherwise the slug is typed."""
        queryset = Initiative.objects.visible_to(self.user).order_by("name")
        chosen = collaboration
        if chosen is None and self.data.get("collaboration"):
            chosen = (
                Collaboration.objects.visible_to(self.user)
                .filter(slug=self.data.get("collaboration"))
                .first()
            )
        field = model_choice_field(self, "initiative")
        if chosen is not None:
            queryset = queryset.filter(collaboration_id__in=collaboration_and_descendants(chosen))
            field.queryset = queryset
            return
        field.queryset = queryset
        if queryset.count() > MAX_INITIATIVE_CHOICES:
            field.widget = forms.TextInput(attrs={"size": 30})
            field.help_text = _(
                "Choose a collaboration to pick from its initiatives, "
                "or type an initiative's short name."
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            self.add_error(
                "period_to", _("The 'to' month must be the same as or after the 'from' month.")
            )
        return data

    def value(self, name: str, default=None):
        """A cleaned value (None when the field is absent, empty or invalid)."""
        if not self.is_bound:
            return default
        self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value in (None, "", [], ()) else value

    def filters(self, **fixed) -> RealisationFilter:
        """The engine's cut from the valid fields, with `fixed` values (from the URL) on top."""

        def flag(name):
            value = self.value(name)
            return None if value in (None, EITHER) else value == "yes"

        values = {
            "collaboration": self.value("collaboration"),
            "initiative": self.value("initiative"),
            "force": self.value("force"),
            "subcategories": tuple(self.value("subcategory", ())),
            "stages": tuple(self.value("stage", ())),
            "statuses": tuple(self.value("status", ())),
            "cashable": flag("cashable"),
            "identified": flag("identified"),
            "period_from": self.value("period_from"),
            "period_to": self.value("period_to"),
        }
        values.update(fixed)
        return RealisationFilter(**values)

    def over_time_by(self) -> str:
        """Financial year, quarter or month for the figures over time."""
        return self.value("period", "year")


def filter_query(params, **changes) -> str:
    """The request's filter parameters (pagination, exports and the like removed) as a
    query string, with `changes` applied (None removes a parameter; a list or tuple gives
    it once for each value)."""
    pairs = [
        (key, value) for key in params for value in params.getlist(key) if key not in NOT_FILTERS
    ]
    pairs = [(key, value) for key, value in pairs if key not in changes]
    for key, value in changes.items():
        if value is not None:
            values = value if isinstance(value, list | tuple) else [value]
            pairs.extend((key, item) for item in values)
    return urlencode(pairs)
