import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from realise.benefits.models import Benefit, Nature
from realise.core import inputs
from realise.core.forms import DateInput, GovukForm, MonthField
from realise.core.versioning import VersionedFormMixin
from realise.organisations.models import Force


class BenefitForm(VersionedFormMixin, GovukForm, forms.ModelForm):
    class Meta:
        model = Benefit
        fields = [
            "reference",
            "title",
            "description",
            "subcategory",
            "direction",
            "measure",
            "nature",
            "unit",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "owner",
            "measurement_owner",
            "cashable",
            "is_disbenefit",
            "identified_in_business_case",
            "identified_at_stage",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "baseline_date": DateInput(),
            "target_date": DateInput(),
        }


class MeasurementForm(GovukForm, forms.Form):
    period = MonthField(label="Month", help_text="The month the value was delivered, as YYYY-MM.")
    force = forms.ModelChoiceField(
        queryset=Force.objects.none(),
        required=False,
        empty_label="The whole collaboration",
        help_text="The force this actual belongs to.",
    )
    value = forms.DecimalField(
        max_digits=18, decimal_places=2, required=False, help_text="The value delivered."
    )
    assessment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For qualitative benefits: what changed this month.",
    )
    evidence_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Where the figure comes from, e.g. 'Finance ledger extract, cost centre 4410'.",
    )
    evidence_file = forms.FileField(required=False, label="Evidence file (optional)")

    def __init__(self, *args, benefit: Benefit, forces, **kwargs):
        super().__init__(*args, **kwargs)
        self.benefit = benefit
        self.fields["force"].queryset = forces
        if benefit.nature == Nature.QUALITATIVE:
            del self.fields["value"]
        else:
            del self.fields["assessment"]
            self.fields["value"].required = True
            self.fields["value"].label = f"Value ({benefit.get_unit_display()})"

    def clean(self):
        data = super().clean()
        if not (data.get("evidence_note", "").strip() or data.get("evidence_file")):
            self.add_error("evidence_note", "Give an evidence note or attach a file.")
        return data


class PlanForm(GovukForm, forms.Form):
    """The planned profile, one month a line: `2026-04 12500.00`."""

    profile = forms.CharField(
        label="Planned profile",
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        required=False,
        help_text="One month a line: the month as YYYY-MM, a space, then the planned value. "
        "Months left out have no plan. Saving replaces the whole profile.",
    )

    def clean_profile(self) -> dict[datetime.date, Decimal]:
        rows: dict[datetime.date, Decimal] = {}
        for number, line in enumerate(self.cleaned_data["profile"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.replace(",", "").split()
            if len(parts) != 2:
                raise ValidationError(
                    f"Line {number}: write a month and a value, e.g. 2026-04 1250."
                )
            month_text, value_text = parts
            try:
                period = inputs.parse_month(month_text)
            except ValueError as error:
                raise ValidationError(f"Line {number}: {error}") from None
            if inputs.number_problem(value_text):
                raise ValidationError(f"Line {number}: {inputs.number_problem(value_text)}")
            try:
                value = Decimal(value_text.lstrip("£"))
            except InvalidOperation:
                raise ValidationError(f"Line {number}: '{value_text}' is not a number.") from None
            if not value.is_finite() or value.as_tuple().exponent < -2:
                raise ValidationError(
                    f"Line {number}: '{value_text}' has more than two decimal places."
                )
            if period in rows:
                raise ValidationError(f"Line {number}: {month_text} appears twice.")
            rows[period] = value
        return rows
