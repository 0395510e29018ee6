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
from realise.benefits.forms import AmountField
from realise.benefits.models import Benefit
from realise.core.digits import commas_misplaced, number_problem
from realise.core.forms import GovukForm
from realise.core.inputs import number_text_problem
from realise.core.types import StrOrPromise

_YEAR = re.compile(r"^([0-9]{4})(?:[/-]([0-9]{2}|[0-9]{4}))?$")
# Spaces people leave inside an amount: after a pound sign, a sign or an opening bracket,
# and before a closing one ('£ 1,250', '( 300 )').
_SPACES_IN_AMOUNT = re.compile(r"(?<=[£(+\-])\s+|\s+(?=\))")
# A negative in accounting format: '(1,250)', '£(1,250)' or '(£1,250)'.
_BRACKETED = re.compile(r"^(£?)\((£?)([^()£+\-]*)\)$")

AN_AMOUNT = gettext_lazy("an amount in pounds")
AN_INDEX = gettext_lazy("an index")


def financial_year_start(text: str) -> int:
    """'2025', '2025/26', '2025-26' or '2025/2026' -> 2025, whatever the year; ValueError
    for text that does not name a financial year."""
    match = _YEAR.match(text.strip())
    if not match:
        raise ValueError(text)
    start = int(match.group(1))
    if match.group(2):
        end = int(match.group(2))
        if end % 100 != (start + 1) % 100 or (len(match.group(2)) == 4 and end != start + 1):
            raise ValueError(text)
    return start


def parse_financial_year(text: str) -> int:
    """'2025', '2025/26' or '2025-26' -> 2025, from FIRST_FY to LAST_FY; ValueError otherwise."""
    start = financial_year_start(text)
    if not FIRST_FY <= start <= LAST_FY:
        raise ValueError(text)
    return start


def _line_problem(number: int, problem: StrOrPromise) -> ValidationError:
    return ValidationError(
        _("Line %(number)s: %(amount_text)s") % {"number": number, "amount_text": problem}
    )


def read_amount(typed: str, *, number: int) -> Decimal:
    """An amount as finance teams write it: '1250.50', '£1,250.50', '-£1,250', '£-1,250', or
    negative in brackets, '(1,250)', '£(1,250)', '(£1,250)'. Commas only between thousands:
    '12,50' is refused rather than read as 1,250. ValidationError names the line."""
    text = typed
    negative = False
    bracketed = _BRACKETED.match(text)
    if bracketed and not (bracketed[1] and bracketed[2]):
        text, negative = bracketed[3], True
    else:
        sign = ""
        for _turn in range(2):  # -£1,250 and £-1,250 alike
            if text[:1] in ("+", "-") and not sign:
                sign, text = text[0], text[1:]
            text = text.removeprefix("£")
        negative = sign == "-"
    # One sign at most: '--1,250' or '-£-1,250' is a slip, never read as 1,250.
    if not text or number_problem(text) or "£" in text or text[:1] in ("+", "-"):
        if any(char.isnumeric() and not char.isascii() for char in typed):
            raise _line_problem(number, number_text_problem(typed) or "")
        raise ValidationError(
            _("Line %(number)s: '%(amount_text)s' is not a number.")
            % {"number": number, "amount_text": typed}
        )
    if commas_misplaced(text):
        raise _line_problem(
            number,
            _(
                "'%(value)s' is not an amount: use commas only between thousands "
                "and a full stop for decimals, e.g. 1,250.50."
            )
            % {"value": typed},
        )
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise ValidationError(
            _("Line %(number)s: '%(amount_text)s' is not a number.")
            % {"number": number, "amount_text": typed}
        )
    return -amount if negative else amount


def parse_year_lines(text: str, *, places: int, what: StrOrPromise) -> dict[int, Decimal]:
    """Lines of 'YEAR AMOUNT' (the year as 2025 or 2025/26) into {2025: Decimal}."""
    rows: dict[int, Decimal] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(None, 1)
        amount_text = _SPACES_IN_AMOUNT.sub("", parts[1].strip()) if len(parts) == 2 else ""
        if not amount_text or any(char.isspace() for char in amount_text):
            raise ValidationError(
                _("Line %(number)s: write a financial year and %(what)s, e.g. 2025/26 125000.")
                % {"number": number, "what": what}
            )
        year_text = parts[0].rstrip(",:;")
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
        amount = read_amount(amount_text, number=number)
        if abs(amount) >= Decimal("1e15"):
            raise ValidationError(
                _("Line %(number)s: '%(amount_text)s' is too large.")
                % {"number": number, "amount_text": amount_text}
            )
        exact = amount.quantize(Decimal(1).scaleb(-places))
        if amount != exact:
            raise ValidationError(
                _("Line %(number)s: '%(amount_text)s' has more than %(places)s decimal places.")
                % {"number": number, "amount_text": amount_text, "places": places}
            )
        if year in rows:
            raise ValidationError(
                _("Line %(number)s: %(year)s appears twice.")
                % {"number": number, "year": fy_label(year)}
            )
        # '1.500' is 1.50; '1000' keeps its own digits, for the checks of what is kept
        rows[year] = exact if cast(int, amount.as_tuple().exponent) < -places else amount
    return dict(sorted(rows.items()))


def year_lines(rows) -> str:
    """{2025: Decimal('1.00')} -> '2025/26 1.00' lines, for a form's initial text."""
    return "\n".join(f"{fy_label(year)} {amount}" for year, amount in sorted(rows))


class YearValuesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 10, "spellcheck": "false"})

    def __init__(self, *, places: int = 2, what: StrOrPromise = AN_AMOUNT, **kwargs):
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
    problem = number_text_problem(text)
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


class FinancialYearField(forms.Field):
    """A financial year typed as 2025 or 2025/26 (2025-26 and 2025/2026 too), kept as the
    year it starts in; the model's validators keep it within range."""

    widget = forms.TextInput

    def __init__(self, *, min_value=None, max_value=None, step_size=None, **kwargs):
        super().__init__(**kwargs)  # the model's range is checked by its validators

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if any(char.isnumeric() and not char.isascii() for char in text):
            raise ValidationError(number_text_problem(text) or "", code="invalid")
        try:
            return financial_year_start(text)
        except ValueError:
            raise ValidationError(
                _("'%(value)s' is not a financial year: write 2025 or 2025/26.") % {"value": text},
                code="invalid",
            ) from None


class OptionForm(GovukForm, forms.ModelForm):
    class Meta:
        model = Option
        fields = list(OPTION_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"first_year": FinancialYearField, "price_base_year": FinancialYearField}

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
        for name, width in (("first_year", 5), ("price_base_year", 5), ("order", 4)):
            self.fields[name].widget = forms.TextInput(
                attrs={"inputmode": "numeric", "class": f"govuk-input--width-{width}"}
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
    cost_per_hour = AmountField(
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
        what=AN_INDEX,
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
