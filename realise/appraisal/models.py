"""The economic case of an initiative: options, their cost and benefit lines by financial year.

Years are UK financial years named by the calendar year they start in: 2025 is 2025/26
(1 April 2025 to 31 March 2026). Amounts are pounds; a benefit line linked to a register
benefit has no values of its own (they come from the benefit's planned profile, see
`services.linked_values`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from realise.appraisal import words
from realise.appraisal.greenbook import (
    OPTIMISM_BIAS_PROJECT_TYPES,
    AppraisalError,
    resolve_optimism_bias,
)
from realise.core.models import TimeStamped, money_field
from realise.core.types import StrOrPromise

FIRST_FY = 1900
LAST_FY = 2999
year_validators = [MinValueValidator(FIRST_FY), MaxValueValidator(LAST_FY)]


def fy_label(year: int) -> str:
    """2025 -> '2025/26'."""
    return f"{year}/{(year + 1) % 100:02d}"


class DiscountSchedule(models.TextChoices):
    STANDARD = "standard", _("Standard (social time preference rate, 3.5%)")
    HEALTH = "health", _("Health and life values (1.5%)")


class CostKind(models.TextChoices):
    CAPEX = "capex", _("Capital expenditure")
    OPEX = "opex", _("Operating expenditure")
    OTHER = "other", _("Other")


class Prices(models.TextChoices):
    REAL = "real", _("Real (price base year)")
    NOMINAL = "nominal", _("Nominal (cash)")


def validate_optimism_bias(value: str) -> None:
    if not value:
        return
    try:
        resolve_optimism_bias(value, "optimism bias")
    except AppraisalError:
        raise ValidationError(
            _("Give a fraction from 0 to 2 (e.g. 0.24 for 24%) or a project type.")
        ) from None


def bias_field(verbose_name: StrOrPromise) -> models.CharField:
    return models.CharField(
        verbose_name,
        max_length=40,
        blank=True,
        validators=[validate_optimism_bias],
        help_text=_(
            "A fraction (0.24 for 24%) or a project type from the Green Book "
            "supplementary guidance; empty for none."
        ),
    )


class Option(TimeStamped):
    """One option of an initiative's economic case. Each initiative has exactly one
    business-as-usual option (see `services.business_as_usual`)."""

    initiative = models.ForeignKey(
        "collaborations.Initiative", on_delete=models.CASCADE, related_name="options"
    )
    name = models.CharField(verbose_name=_("name"), max_length=200)
    description = models.TextField(verbose_name=_("description"), blank=True)
    is_business_as_usual = models.BooleanField(
        _("business as usual"), default=False, editable=False
    )
    first_year = models.PositiveSmallIntegerField(
        _("first financial year"),
        validators=year_validators,
        help_text=_(
            "Year 0 of the appraisal, not discounted: the year the financial year "
            "starts in, e.g. 2025 for 2025/26."
        ),
    )
    price_base_year = models.PositiveSmallIntegerField(
        _("price base year"),
        null=True,
        blank=True,
        validators=year_validators,
        help_text=_("The financial year whose prices real values are in. Empty: the first year."),
    )
    discount_schedule = models.CharField(
        verbose_name=_("discount schedule"),
        max_length=10,
        choices=DiscountSchedule.choices,
        default=DiscountSchedule.STANDARD,
    )
    optimism_bias_capex = bias_field(_("optimism bias on capital expenditure"))
    optimism_bias_opex = bias_field(_("optimism bias on operating expenditure"))
    optimism_bias_other = bias_field(_("optimism bias on other costs"))
    order = models.PositiveSmallIntegerField(
        verbose_name=_("order"), default=0, help_text=_("Position among the options.")
    )
    is_preferred = models.BooleanField(
        _("preferred option"),
        default=False,
        help_text=_(
            "The option the business case recommends. Its costs are the ones "
            "benchmarking compares; marking it unmarks the initiative's other options."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["initiative", "-is_business_as_usual", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "name"], name="unique_option_name"),
            models.UniqueConstraint(
                fields=["initiative"],
                condition=models.Q(is_business_as_usual=True),
                name="one_business_as_usual_option",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("economic-case-option", args=[self.initiative.slug, self.pk])

    @property
    def base_year(self) -> int:
        return self.price_base_year or self.first_year

    def optimism_bias(self) -> dict[str, str]:
        """The bias given for each cost kind (engine form: a fraction or a project type)."""
        given = {
            CostKind.CAPEX: self.optimism_bias_capex,
            CostKind.OPEX: self.optimism_bias_opex,
            CostKind.OTHER: self.optimism_bias_other,
        }
        return {str(kind): value for kind, value in given.items() if value}

    def optimism_bias_labels(self) -> list[str]:
        """The bias on each cost kind in words, e.g. 'Capital expenditure: 24% (Standard
        buildings upper bound)', in the language of the page (`language.english` for an
        English output such as the workbook)."""
        labels = []
        for kind, given in self.optimism_bias().items():
            try:
                fraction = resolve_optimism_bias(given, kind)
            except AppraisalError:
                labels.append(
                    _("%(kind)s: '%(given)s' is not a valid bias")
                    % {"kind": CostKind(kind).label, "given": given}
                )
                continue
            text = _("%(kind)s: %(percent)s%%") % {
                "kind": CostKind(kind).label,
                "percent": format((fraction * 100).normalize(), "f"),
            }
            if given in OPTIMISM_BIAS_PROJECT_TYPES:
                text += " (%s)" % (
                    _("%(type)s upper bound") % {"type": words.project_type_label(given)}
                )
            labels.append(text)
        return labels


class LineBase(TimeStamped):
    name = models.CharField(max_length=200)
    prices = models.CharField(max_length=10, choices=Prices.choices, default=Prices.REAL)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class CostLine(LineBase):
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="cost_lines")
    kind = models.CharField(max_length=10, choices=CostKind.choices, default=CostKind.CAPEX)
    history = HistoricalRecords()

    class Meta:
        ordering = ["option", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["option", "name"], name="unique_cost_line_name")
        ]


class BenefitLine(LineBase):
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="benefit_lines")
    benefit = models.ForeignKey(
        "benefits.Benefit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appraisal_lines",
        verbose_name=_("register benefit"),
        help_text=_("Take the values from this benefit's planned profile."),
    )
    cost_per_hour = models.DecimalField(
        _("cost per hour (£)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("For a benefit measured in hours: the value of one hour."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["option", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["option", "name"], name="unique_benefit_line_name"),
            models.UniqueConstraint(
                fields=["option", "benefit"],
                condition=models.Q(benefit__isnull=False),
                name="unique_linked_benefit_per_option",
            ),
        ]

    @property
    def is_linked(self) -> bool:
        return self.benefit_id is not None


class ValueBase(models.Model):
    year = models.PositiveSmallIntegerField(
        validators=year_validators, help_text=_("The financial year, by the year it starts in.")
    )
    amount = money_field()
    line: models.Model  # each concrete model's foreign key to its line

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.line} {fy_label(self.year)}: {self.amount}"

    @property
    def year_label(self) -> str:
        return fy_label(self.year)


class CostValue(ValueBase):
    line = models.ForeignKey(CostLine, on_delete=models.CASCADE, related_name="values")
    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "year"]
        constraints = [
            models.UniqueConstraint(fields=["line", "year"], name="unique_cost_value_year")
        ]


class BenefitValue(ValueBase):
    line = models.ForeignKey(BenefitLine, on_delete=models.CASCADE, related_name="values")
    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "year"]
        constraints = [
            models.UniqueConstraint(fields=["line", "year"], name="unique_benefit_value_year")
        ]


class Deflator(models.Model):
    """A price index for one financial year, for an initiative's case or one option in it.

    An option uses the initiative's series with its own rows in place of those years.
    """

    initiative = models.ForeignKey(
        "collaborations.Initiative", on_delete=models.CASCADE, related_name="deflators"
    )
    option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.CASCADE, related_name="deflators"
    )
    year = models.PositiveSmallIntegerField(validators=year_validators)
    index = models.DecimalField(max_digits=12, decimal_places=4, validators=[MinValueValidator(0)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["initiative", "option", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "year"],
                condition=models.Q(option__isnull=True),
                name="unique_initiative_deflator_year",
            ),
            models.UniqueConstraint(
                fields=["option", "year"],
                condition=models.Q(option__isnull=False),
                name="unique_option_deflator_year",
            ),
            models.CheckConstraint(condition=models.Q(index__gt=0), name="deflator_positive"),
        ]

    def __str__(self) -> str:
        return f"{fy_label(self.year)}: {self.index}"
