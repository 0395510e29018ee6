"""Forms for the economic case: options, cost and benefit lines, deflators."""

from __future__ import annotations

import contextlib
import re
from decimal import Decimal, InvalidOperation
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from realise.appraisal.greenbook import MAX_OPTIMISM_BIAS, OPTIMISM_BIAS_PROJECT_TYPES
from realise.appraisal.models import (
    FIRST_FY,
    LAST_FY,
    BenefitLine,
    CostKind,
    CostLine,
    Option,
    Prices,
    fy_label,
)
from realise.appraisal.services import OPTION_FIELDS
from realise.benefits.models import Benefit
from realise.core.digits import number_problem
from realise.core.forms import GovukForm

_YEAR = re.compile(r"^(\d{4})(?:[/-](\d{2}|\d{4}))?$")


def parse_financial_year(text: str) -> int:
    """'2025', '2025/26' or '2025-26' -> 2025; ValueError otherwise."""
    match = _YEAR.match(text.strip())
    if not match:
        raise ValueError(text)
    start = int(match.group(1))
    if match.group(2):
        end = int(match.group(2))
        if end % 100 != (start + 1) % 100 or (len(match.group(2)) == 4 and end != start + 1):
            raise ValueError(text)
    if not FIRST_FY <= start <= LAST_FY:
        raise ValueError(text)
    return start


def parse_year_lines(text: str, *, places: int, what: str) -> dict[int, Decimal]:
    """Lines of 'YEAR AMOUNT' (the year as 2025 or 2025/26) into {2025: Decimal}."""
    rows: dict[int, Decimal] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.replace(",", "").split()
        if len(parts) != 2:
            raise ValidationError(
                _("Line %(number)s: write a financial year and %(what)s, e.g. 2025/26 125000.")
                % {"number": number, "what": what}
            )
        year_text, amount_text = parts
        try:
            year = parse_financial_year(year_text)
        except ValueError:
            raise ValidationError(
                _(
                    "Line %(number)s: '%(year_text)s' is not a financial year (write 2025 "
                    "or 2025/26)."
                )
                % {"number": number, "year_text": year_text}
            ) from None
        if number_problem(amount_text):
            raise ValidationError(
                _("Line %(number)s: %(amount_text)s")
                % {"number": number, "amount_text": number_problem(amount_text)}
            )
        try:
            amount = Decimal(amount_text.replace("£", ""))
        except InvalidOperation:
            raise ValidationError(
                _("Line %(number)s: '%(amount_text)s' is not a number.")
                % {"number": number, "amount_text": amount_text}
            ) from None
        if not amount.is_finite() or cast(int, amount.as_tuple().exponent) < -places:
            raise ValidationError(
                _("Line %(number)s: '%(amount_text)s' has more than %(places)s decimal places.")
                % {"number": number, "amount_text": amount_text, "places": places}
            )
        if abs(amount) >= Decimal("1e15"):
            raise ValidationError(
                _("Line %(number)s: '%(amount_text)s' is too large.")
                % {"number": number, "amount_text": amount_text}
            )
        if year in rows:
            raise ValidationError(
                _("Line %(number)s: %(year)s appears twice.")
                % {"number": number, "year": fy_label(year)}
            )
        rows[year] = amount
    return dict(sorted(rows.items()))


def year_lines(rows) -> str:
    """{2025: Decimal('1.00')} -> '2025/26 1.00' lines, for a form's initial text."""
    return "\n".join(f"{fy_label(year)} {amount}" for year, amount in sorted(rows))


class YearValuesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 10, "spellcheck": "false"})

    def __init__(self, *, places: int = 2, what: str = "an amount in pounds", **kwargs):
        self.places, self.what = places, what
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        return parse_year_lines(super().clean(value) or "", places=self.places, what=self.what)


PROJECT_TYPES_HELP = ", ".join(
    f"{key} ({(pt.cost_bias * 100).normalize():f}%)"
    for key, pt in OPTIMISM_BIAS_PROJECT_TYPES.items()
)


def clean_bias(text: str) -> str:
    """'24%' -> '0.24'; '0.24' and project-type keys are kept; '' is no bias."""
    text = (text or "").strip()
    if not text or text in OPTIMISM_BIAS_PROJECT_TYPES:
        return text
    problem = number_problem(text)
    if problem:
        raise ValidationError(problem)
    try:
        percent = text.endswith("%")
        fraction = Decimal(text.rstrip("%").strip()) / (100 if percent else 1)
    except InvalidOperation:
        raise ValidationError(
            _(
                "Enter a percentage such as 24%%, a fraction such as 0.24, or one of "
                "the project types: %(types)s."
            )
            % {"types": PROJECT_TYPES_HELP}
        ) from None
    if not fraction.is_finite() or not 0 <= fraction <= MAX_OPTIMISM_BIAS:
        raise ValidationError(_("Optimism bias must be from 0% to 200%."))
    return f"{fraction.normalize():f}"


class OptionForm(GovukForm, forms.ModelForm):
    class Meta:
        model = Option
        fields = list(OPTION_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("optimism_bias_capex", "optimism_bias_opex", "optimism_bias_other"):
            self.fields[name].help_text = _(
                "A percentage (24%), a fraction (0.24) or a project type such as "
                "standard_buildings (see the table below). Empty for none."
            )
            given = getattr(self.instance, name, "")
            if given and given not in OPTIMISM_BIAS_PROJECT_TYPES:
                with contextlib.suppress(InvalidOperation):
                    self.initial[name] = f"{(Decimal(given) * 100).normalize():f}%"
        for name in ("first_year", "price_base_year", "order"):
            self.fields[name].widget = forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}
            )

    def clean_optimism_bias_capex(self):
        return clean_bias(self.cleaned_data.get("optimism_bias_capex"))

    def clean_optimism_bias_opex(self):
        return clean_bias(self.cleaned_data.get("optimism_bias_opex"))

    def clean_optimism_bias_other(self):
        return clean_bias(self.cleaned_data.get("optimism_bias_other"))


class CostLineForm(GovukForm, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(choices=CostKind.choices, label=gettext_lazy("Kind of cost"))
    prices = forms.ChoiceField(
        label=gettext_lazy("Prices"), choices=Prices.choices, initial=Prices.REAL
    )
    values = YearValuesField(
        label=gettext_lazy("Costs by financial year"),
        help_text=gettext_lazy(
            "One year a line: the financial year (2025 or 2025/26), a space, then the "
            "cost in pounds. Years left out are nothing. Saving replaces every year."
        ),
    )

    @staticmethod
    def initial_for(line: CostLine) -> dict:
        return {
            "name": line.name,
            "kind": line.kind,
            "prices": line.prices,
            "values": year_lines(line.values.values_list("year", "amount")),
        }


class BenefitLineForm(GovukForm, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    prices = forms.ChoiceField(
        label=gettext_lazy("Prices"), choices=Prices.choices, initial=Prices.REAL
    )
    benefit = forms.ModelChoiceField(
        queryset=Benefit.objects.none(),
        required=False,
        label=gettext_lazy("Register benefit (optional)"),
        empty_label=gettext_lazy("None: enter the values below"),
        help_text=gettext_lazy(
            "A linked line takes its values from the benefit's planned profile, summed "
            "by financial year: pounds as they are, hours at the cost per hour below."
        ),
    )
    cost_per_hour = forms.DecimalField(
        label=gettext_lazy("Cost per hour (£)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
        help_text=gettext_lazy("Only for a benefit measured in hours: the value of one hour."),
    )
    values = YearValuesField(
        label=gettext_lazy("Benefits by financial year"),
        help_text=gettext_lazy(
            "Only for a line with no register benefit. One year a line: the financial "
            "year (2025 or 2025/26), a space, then the benefit in pounds."
        ),
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benefit"].queryset = Benefit.objects.filter(initiative=initiative).order_by(
            "reference"
        )
        self.fields["benefit"].label_from_instance = lambda b: (
            f"{b.reference} {b.title} ({b.get_unit_display()})"
        )

    def clean(self):
        data = super().clean()
        if data.get("benefit") is not None and data.get("values"):
            self.add_error(
                "values",
                _(
                    "A line linked to a register benefit takes its values from the benefit's "
                    "planned profile: leave the values empty, or choose no benefit."
                ),
            )
        return data

    @staticmethod
    def initial_for(line: BenefitLine) -> dict:
        return {
            "name": line.name,
            "prices": line.prices,
            "benefit": line.benefit_id,
            "cost_per_hour": line.cost_per_hour,
            "values": year_lines(line.values.values_list("year", "amount")),
        }


class DeflatorForm(GovukForm, forms.Form):
    series = YearValuesField(
        label=gettext_lazy("Deflator index by financial year"),
        places=4,
        what="an index",
        help_text=gettext_lazy(
            "One year a line: the financial year (2025 or 2025/26), a space, then the "
            "index (e.g. the GDP deflator, 100 in the price base year). Nominal lines need every "
            "year they use and the price base year. Saving replaces the whole series."
        ),
    )

    def clean_series(self):
        rows = self.cleaned_data["series"]
        for year, index in rows.items():
            if index <= 0:
                raise ValidationError(
                    _("The index for %(year)s must be greater than 0.") % {"year": fy_label(year)}
                )
        return rows


class ConfirmForm(GovukForm, forms.Form):
    """A form with nothing to fill in: the button confirms."""
