import copy
import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from realise.benefits.models import Benefit, Nature, Unit
from realise.benefits.services import (
    EVIDENCE_NOTE_LIMIT,
    benefit_change_errors,
    check_evidence_file,
    evidence_note_problem,
)
from realise.benefits.standard import standard_errors
from realise.core import inputs
from realise.core.forms import (
    AmountInput,
    DateInput,
    GovukForm,
    MonthInputField,
    model_choice_field,
)
from realise.core.language import force_name
from realise.core.versioning import VersionedFormMixin
from realise.organisations.models import Force, Person

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The benefit as stored, before the form's values are put on it.
        self.stored = copy.copy(self.instance) if self.instance.pk else None
        for name in ("owner", "measurement_owner"):
            model_choice_field(self, name).queryset = Person.objects.choosable_by(
                user, keeping=[getattr(self.instance, f"{name}_id")]
            ).order_by("name")

    def _post_clean(self):
        """After the model's own checks: the minimum standard of the initiative's stage, and
        whether a stored benefit's figures may move to another cut."""
        super()._post_clean()
        benefit = self.instance
        if benefit.initiative_id is None:
            return
        errors = standard_errors(benefit, benefit.initiative.stage)
        if self.stored is not None:
            for name, messages in benefit_change_errors(self.stored, benefit).items():
                errors.setdefault(name, []).extend(messages)
        for name, messages in errors.items():
            if name in self.fields and name not in self.errors:
                for message in messages:
                    self.add_error(name, message)


# The units as the form names them, in the language of the page (the stored choices and the
# API keep the English labels).
UNIT_NAMES: dict[str, "StrOrPromise"] = {
    Unit.GBP: gettext_lazy("Pounds (GBP)"),
    Unit.HOURS: gettext_lazy("Hours"),
    Unit.COUNT: gettext_lazy("Count"),
    Unit.PERCENT: gettext_lazy("Percent"),
    Unit.SCORE: gettext_lazy("Score"),
}


class AmountField(forms.DecimalField):
    """An actual, typed as the pages show amounts: a pound sign and commas between
    thousands are read (£1,250.50 is 1250.50); a comma anywhere else is refused rather than
    read as another amount (12,50 is not 1,250)."""

    def to_python(self, value):
        if isinstance(value, str) and ("," in value or "£" in value):
            text = value.strip()
            sign = ""
            for _turn in range(2):  # -£1,250 and £-1,250 alike
                if text[:1] in ("+", "-") and not sign:
                    sign, text = text[0], text[1:]
                text = text.removeprefix("£")
            if inputs.commas_misplaced(text) or inputs.number_problem(text):
                raise ValidationError(
                    _(
                        "'%(value)s' is not an amount: use commas only between thousands "
                        "and a full stop for decimals, e.g. 1,250.50."
                    )
                    % {"value": value.strip()},
                    code="invalid",
                )
            value = sign + text.replace(",", "")
        return super().to_python(value)


class MeasurementForm(GovukForm, forms.Form):
    period = MonthInputField(
        label=gettext_lazy("Month"),
        help_text=gettext_lazy("The month the value was delivered, for example 3 2026."),
    )
    force = forms.ModelChoiceField(
        queryset=Force.objects.none(),
        required=False,
        label=gettext_lazy("Force"),
        empty_label=gettext_lazy("The whole collaboration"),
        help_text=gettext_lazy("The force this actual belongs to."),
    )
    value = AmountField(
        max_digits=18,
        decimal_places=2,
        required=False,
        label=gettext_lazy("Value"),
        help_text=gettext_lazy("The value delivered."),
    )
    assessment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label=gettext_lazy("Assessment"),
        help_text=gettext_lazy("For qualitative benefits: what changed this month."),
    )
    evidence_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=EVIDENCE_NOTE_LIMIT,
        label=gettext_lazy("Evidence note"),
        help_text=gettext_lazy(
            "Where the figure comes from, e.g. 'Finance ledger extract, cost centre 4410'."
        ),
    )
    evidence_file = forms.FileField(required=False, label=gettext_lazy("Evidence file (optional)"))

    def __init__(self, *args, benefit: Benefit, forces, whole=True, own_force=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.benefit = benefit
        # The list offers the forces the user may record for (their own first), and "the
        # whole collaboration" only to those who may record it; any force is accepted here so
        # that the measurement rules (`services.record_measurement`) answer for every force,
        # in the same words as the API and the Excel import.
        field = model_choice_field(self, "force")
        field.queryset = Force.objects.all()
        forces = sorted(forces, key=lambda f: (f.pk != getattr(own_force, "pk", None), f.name))
        choices: list[tuple[int | str, StrOrPromise | None]] = [
            (f.pk, force_name(f)) for f in forces
        ]
        if whole:
            choices.append(("", field.empty_label))
        field.widget.choices = choices
        if not self.is_bound and forces:
            self.initial.setdefault("force", forces[0].pk)
        if benefit.nature == Nature.QUALITATIVE:
            del self.fields["value"]
        else:
            del self.fields["assessment"]
            unit = UNIT_NAMES.get(benefit.unit, benefit.get_unit_display())
            self.fields["value"].label = _("Value (%(unit)s)") % {"unit": unit}
            self.fields["value"].widget = AmountInput(
                attrs={"class": "govuk-input--width-10"},
                prefix="£" if benefit.unit == Unit.GBP else "",
                suffix={str(Unit.HOURS): _("hours"), str(Unit.PERCENT): "%"}.get(benefit.unit, ""),
            )

    def initial_force(self) -> Force | None:
        """The force the form starts on (the user's own, first), if it starts on one."""
        chosen = self.initial.get("force")
        return Force.objects.filter(pk=chosen).first() if chosen else None


# A planned value is stored with 18 digits, two of them after the decimal point.
PLAN_VALUE_DIGITS = 16
PLAN_VALUE_LIMIT = Decimal(10) ** PLAN_VALUE_DIGITS


class PlanForm(GovukForm, forms.Form):
    """The planned profile, one month a line: `2026-04 12500.00`."""

    profile = forms.CharField(
        label=gettext_lazy("Planned profile"),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        required=False,
        help_text=gettext_lazy(
            "One month a line: the month as YYYY-MM, a space, then the planned value. "
            "Months left out have no plan. Saving replaces the whole profile."
        ),
    )

    def clean_profile(self) -> dict[datetime.date, Decimal]:
        rows: dict[datetime.date, Decimal] = {}
        for number, line in enumerate(self.cleaned_data["profile"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.replace(",", "").split()
            if len(parts) != 2:
                raise ValidationError(
                    _("Line %(number)s: write a month and a value, e.g. 2026-04 1250.")
                    % {"number": number}
                )
            month_text, value_text = parts
            try:
                period = inputs.parse_month(month_text)
            except ValueError as error:
                raise ValidationError(
                    _("Line %(number)s: %(error)s") % {"number": number, "error": error}
                ) from None
            problem = inputs.number_text_problem(value_text)
            if problem:
                raise ValidationError(
                    _("Line %(number)s: %(value_text)s") % {"number": number, "value_text": problem}
                )
            try:
                value = Decimal(value_text.lstrip("£"))
            except InvalidOperation:
                raise ValidationError(
                    _("Line %(number)s: '%(value_text)s' is not a number.")
                    % {"number": number, "value_text": value_text}
                ) from None
            if not value.is_finite():
                raise ValidationError(
                    _("Line %(number)s: '%(value_text)s' is not a number.")
                    % {"number": number, "value_text": value_text}
                )
            if abs(value) >= PLAN_VALUE_LIMIT:
                raise ValidationError(
                    _(
                        "Line %(number)s: '%(value_text)s' is too large: a planned value has at "
                        "most %(digits)s digits before the decimal point."
                    )
                    % {"number": number, "value_text": value_text, "digits": PLAN_VALUE_DIGITS}
                )
            if cast(int, value.as_tuple().exponent) < -2:
                raise ValidationError(
                    _("Line %(number)s: '%(value_text)s' has more than two decimal places.")
                    % {"number": number, "value_text": value_text}
                )
            if period in rows:
                raise ValidationError(
                    _("Line %(number)s: %(month_text)s appears twice.")
                    % {"number": number, "month_text": month_text}
                )
            rows[period] = value
        return rows


class MonthChoiceForm(GovukForm, forms.Form):
    """Which month's actuals to record (the GOV.UK month input: month and year)."""

    month = forms.IntegerField(label=gettext_lazy("Month"), min_value=1, max_value=12)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)

    def clean(self):
        data = super().clean()
        if data.get("month") and data.get("year"):
            chosen = datetime.date(data["year"], data["month"], 1)
            if chosen > timezone.localdate().replace(day=1):
                raise ValidationError(_("Choose a month that has begun."))
            data["period"] = chosen
        return data


class MonthActualsForm(GovukForm, forms.Form):
    """One value and evidence note per line, one note for the batch, an optional file."""

    batch_note = forms.CharField(
        label=gettext_lazy("Evidence for every line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
        help_text=gettext_lazy("Where the figures come from, unless a line has a note of its own."),
    )
    evidence_file = forms.FileField(
        label=gettext_lazy("Evidence file for every line (optional)"), required=False
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"value-{line.key}"] = AmountField(
                label=_("Actual for %(reference)s, %(whose)s")
                % {"reference": line.benefit.reference, "whose": line.whose},
                max_digits=18,
                decimal_places=2,
                required=False,
                initial=line.current,
            )
            self.fields[f"note-{line.key}"] = forms.CharField(
                label=_("Evidence note for %(reference)s, %(whose)s")
                % {"reference": line.benefit.reference, "whose": line.whose},
                required=False,
                max_length=EVIDENCE_NOTE_LIMIT,
            )
            # The actual as the page showed it, so that a line changed by someone else since
            # is neither overwritten by the value shown nor silently replaced.
            self.fields[f"shown-{line.key}"] = forms.CharField(
                widget=forms.HiddenInput,
                required=False,
                initial="" if line.current is None else str(line.current),
            )

    def clean(self):
        data = super().clean()
        changed_since = {}
        for line in self.lines:
            value = data.get(f"value-{line.key}")
            shown = self._shown(line)
            if value is None and None not in (shown, line.current) and self._emptied(line):
                self.add_error(
                    f"value-{line.key}",
                    _(
                        "%(value)s is already recorded for this line and cannot be removed "
                        "here: enter the corrected value, or leave %(value)s to keep it."
                    )
                    % {"value": line.current},
                )
                continue
            if value is None or value == shown or shown == line.current:
                continue
            if line.current is None:
                message = _(
                    "Someone else removed this actual since you opened the page. Check the "
                    "line, then save again to record yours."
                )
            else:
                message = _(
                    "Someone else recorded %(value)s for this line since you opened the page. "
                    "Check it, then save again to replace it with yours."
                ) % {"value": line.current}
            self.add_error(f"value-{line.key}", message)
            changed_since[line.key] = line.current
        if changed_since:
            # Sent again, the form replaces what the others recorded (as they were shown).
            posted = self.data.copy()
            for line_key, current in changed_since.items():
                posted[self.add_prefix(f"shown-{line_key}")] = (
                    "" if current is None else str(current)
                )
            self.data = posted
        return data

    def _emptied(self, line) -> bool:
        """Whether the line's value box was sent, and sent empty."""
        name = self.add_prefix(f"value-{line.key}")
        return name in self.data and not str(self.data.get(name) or "").strip()

    def _shown(self, line) -> Decimal | None:
        """The line's actual as the page showed it (as recorded now, for a post without it)."""
        name = f"shown-{line.key}"
        if self.add_prefix(name) not in self.data:
            return line.current
        text = (self.cleaned_data.get(name) or "").strip()
        try:
            return Decimal(text) if text else None
        except InvalidOperation:
            return line.current

    def clean_batch_note(self):
        """Checked once here, so that a note too long is refused beside its own field rather
        than on every line it would have been given to."""
        note = self.cleaned_data.get("batch_note") or ""
        problem = evidence_note_problem(note)
        if problem:
            raise ValidationError(problem)
        return note

    def clean_evidence_file(self):
        """Checked once here, so that a refused file is named beside its own field rather
        than on every line it would have been attached to."""
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            try:
                check_evidence_file(upload)
            except ValidationError as refused:
                raise ValidationError(refused.message_dict["evidence_file"]) from None
        return upload

    def entries(self):
        """(line, value, note) for each line whose value is new or changed. A line shown with
        its recorded value and saved as it was is left alone: its version, evidence and
        verification stay as they are."""
        return [
            (line, value, self.cleaned_data.get(f"note-{line.key}", ""))
            for line, value in self._given()
            if self._shown(line) is None or value != self._shown(line)
        ]

    def unchanged(self) -> int:
        """How many lines were saved with the value shown as recorded (left alone)."""
        return sum(
            1
            for line, value in self._given()
            if self._shown(line) is not None and value == self._shown(line)
        )

    def _given(self):
        for line in self.lines:
            value = self.cleaned_data.get(f"value-{line.key}")
            if value is not None:
                yield line, value

    def rows(self):
        """Each line with its bound fields, for the template."""
        return [
            (line, self[f"value-{line.key}"], self[f"note-{line.key}"], self[f"shown-{line.key}"])
            for line in self.lines
        ]
