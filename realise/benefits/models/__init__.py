"""The benefits register: benefits, their planned profiles, actuals and evidence."""

import datetime
import posixpath
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from realise.collaborations.models import Collaboration, Stage, within_visible_collaborations
from realise.core import inputs
from realise.core.models import TimeStamped, Versioned, money_field
from realise.core.permissions import access_for
from realise.core.uploads import storage_name

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class SubCategory(models.TextChoices):
    MONEY = "1a", _("1a Savings: money")
    TIME = "1b", _("1b Savings: time")
    COST_AVOIDANCE = "1c", _("1c Savings: cost avoidance")
    SERVICE_INTERNAL = "2a", _("2a Service: internal (officers and staff)")
    SERVICE_EXTERNAL = "2b", _("2b Service: external (the public)")
    LEGAL = "3a", _("3a Compliance: legal obligations")
    INSPECTION = "3b", _("3b Compliance: HMICFRS or APP recommendations")
    LOCAL_POLICY = "3c", _("3c Compliance: local policy")


CATEGORY_NAMES = {"1": "Savings", "2": "Service", "3": "Compliance"}
MONEY_SUBCATEGORIES = (SubCategory.MONEY, SubCategory.COST_AVOIDANCE)
HOURS_SUBCATEGORIES = (SubCategory.TIME,)


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase")
    DECREASE = "decrease", _("Decrease")
    MAINTAIN = "maintain", _("Maintain")


class Unit(models.TextChoices):
    GBP = "GBP", _("Pounds (GBP)")
    HOURS = "hours", _("Hours")
    COUNT = "count", _("Count")
    PERCENT = "percent", _("Percent")
    SCORE = "score", _("Score")
    TEXT = "text", _("Text (qualitative)")


class Nature(models.TextChoices):
    QUANTITATIVE = "quantitative", _("Quantitative")
    QUALITATIVE = "qualitative", _("Qualitative")


class BenefitStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    REALISING = "realising", _("Realising")
    REALISED = "realised", _("Realised")
    CLOSED = "closed", _("Closed")


class BenefitQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """The benefits of the collaborations `user` may see."""
        return within_visible_collaborations(self, user, "initiative__collaboration")


class MeasurementQuerySet(models.QuerySet):
    def verifiable_by(self, user):
        """The actuals `user` may verify, as a query: `benefits.verify_measurement` over
        many rows (the measurement owner's deputy too, as in `may_verify`,
        benefits/rules.py), less those they entered or last changed."""
        access = access_for(user)
        if not access.authenticated:
            return self.none()
        scope = self.filter(
            benefit__initiative__collaboration__in=Collaboration.objects.visible_to(user).values(
                "pk"
            )
        )
        if not access.administrator:
            scope = scope.filter(
                Q(benefit__initiative__collaboration_id__in=access.programme_collaborations)
                | Q(
                    benefit__measurement_owner_id__in={access.person_id, *access.acting_for}
                    - {None}
                )
            )
        return scope.exclude(entered_by=user).exclude(changed_by=user)


class Benefit(Versioned, TimeStamped):
    initiative = models.ForeignKey(
        "collaborations.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.PROTECT,
        related_name="benefits",
    )
    reference = models.CharField(
        verbose_name=_("reference"),
        max_length=30,
        unique=True,
        help_text=_("A stable reference used in spreadsheets, e.g. 7FP-B01."),
    )
    title = models.CharField(verbose_name=_("title"), max_length=200)
    description = models.TextField(verbose_name=_("description"), blank=True)
    subcategory = models.CharField(
        _("sub-category"), max_length=2, choices=SubCategory.choices, blank=True
    )
    direction = models.CharField(
        verbose_name=_("direction"), max_length=10, choices=Direction.choices, blank=True
    )
    measure = models.CharField(
        verbose_name=_("measure"),
        max_length=300,
        blank=True,
        help_text=_("What is measured, e.g. 'Annual contract spend'."),
    )
    unit = models.CharField(
        verbose_name=_("unit"), max_length=10, choices=Unit.choices, default=Unit.GBP
    )
    nature = models.CharField(
        verbose_name=_("nature"), max_length=12, choices=Nature.choices, default=Nature.QUANTITATIVE
    )
    baseline_value = money_field(verbose_name=_("baseline value"), null=True, blank=True)
    baseline_date = models.DateField(verbose_name=_("baseline date"), null=True, blank=True)
    target_value = money_field(verbose_name=_("target value"), null=True, blank=True)
    target_date = models.DateField(verbose_name=_("target date"), null=True, blank=True)
    owner = models.ForeignKey(
        "organisations.Person",
        verbose_name=_("benefit owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_benefits",
        help_text=_("Accountable for delivering the benefit."),
    )
    measurement_owner = models.ForeignKey(
        "organisations.Person",
        verbose_name=_("measurement owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measured_benefits",
        help_text=_("Records and evidences the actuals."),
    )
    cashable = models.BooleanField(
        verbose_name=_("cashable"),
        default=False,
        help_text=_("For savings: does it release money from the revenue budget?"),
    )
    is_disbenefit = models.BooleanField(
        _("dis-benefit"), default=False, help_text=_("A negative consequence of the change.")
    )
    identified_in_business_case = models.BooleanField(
        verbose_name=_("identified in business case"), default=True
    )
    identified_at_stage = models.PositiveSmallIntegerField(
        verbose_name=_("identified at stage"),
        choices=Stage.choices,
        null=True,
        blank=True,
        help_text=_("The business-case stage at which the benefit was identified."),
    )
    status = models.CharField(
        verbose_name=_("status"),
        max_length=10,
        choices=BenefitStatus.choices,
        default=BenefitStatus.PROPOSED,
    )
    history = HistoricalRecords()

    objects = BenefitQuerySet.as_manager()

    class Meta:
        ordering = ["initiative__name", "reference"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("benefit-detail", args=[self.pk])

    @property
    def category(self) -> str:
        return CATEGORY_NAMES.get(self.subcategory[:1], "") if self.subcategory else ""

    @property
    def is_quantitative(self) -> bool:
        return self.nature == Nature.QUANTITATIVE

    def clean(self):
        errors = {}
        if self.nature == Nature.QUALITATIVE and self.unit != Unit.TEXT:
            errors["unit"] = _("A qualitative benefit is measured as text.")
        if self.nature == Nature.QUANTITATIVE and self.unit == Unit.TEXT:
            errors["unit"] = _("A quantitative benefit needs a numeric unit.")
        if self.subcategory in MONEY_SUBCATEGORIES and self.unit != Unit.GBP:
            errors["unit"] = _(
                "Savings of money and cost avoidance (1a, 1c) are measured in pounds."
            )
        if self.subcategory in HOURS_SUBCATEGORIES and self.unit != Unit.HOURS:
            errors["unit"] = _("Savings of time (1b) are measured in operational hours.")
        if self.cashable and self.subcategory not in ("1a", "1c"):
            errors["cashable"] = _("Only savings of money or cost avoidance can be cashable.")
        for name, message in self.date_problems().items():
            errors.setdefault(name, message)
        for name, message in self.target_problems().items():
            errors.setdefault(name, message)
        if errors:
            raise ValidationError(errors)

    def _verbose_name(self, name: str) -> str:
        field = self._meta.get_field(name)
        assert isinstance(field, models.Field)
        return str(field.verbose_name)

    def date_problems(self) -> dict[str, str]:
        """The baseline and target dates within the months Realise records (those of
        `inputs.month_problem`), the target not before the baseline: {field: message}."""
        problems: dict[str, str] = {}
        first, last = inputs.FIRST_MONTH, inputs.last_month()
        last_day = (last + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)
        for name in ("baseline_date", "target_date"):
            day = getattr(self, name)
            if day is not None and not first <= day <= last_day:
                problems[name] = _("The %(field)s must be from %(first)s to %(last)s.") % {
                    "field": self._verbose_name(name),
                    "first": first.isoformat(),
                    "last": last_day.isoformat(),
                }
        if (
            not problems
            and self.baseline_date is not None
            and self.target_date is not None
            and self.target_date < self.baseline_date
        ):
            problems["target_date"] = _(
                "The target date cannot be before the baseline date (%(date)s)."
            ) % {"date": self.baseline_date.isoformat()}
        return problems

    def target_problems(self) -> dict[str, str]:
        """The baseline and target against the direction of travel: {field: message}.

        Savings of money and time (1a, 1b, 1c) record the amount delivered as a positive
        number whatever their direction (docs/realisation.md, RAG), so neither is below
        zero. Any other quantitative benefit is a level: one that should increase has its
        target above its baseline, one that should decrease below it. A dis-benefit's
        target is the harm expected, which may run either way; a maintained level is not
        checked.
        """
        if self.nature != Nature.QUANTITATIVE:
            return {}
        baseline, target = self.baseline_value, self.target_value
        if self.subcategory in (*MONEY_SUBCATEGORIES, *HOURS_SUBCATEGORIES):
            problems: dict[str, str] = {}
            for name, value in (("baseline_value", baseline), ("target_value", target)):
                if value is not None and value < 0:
                    problems[name] = _(
                        "Savings record the amount delivered, so the %(field)s cannot be "
                        "below zero."
                    ) % {"field": self._verbose_name(name)}
            return problems
        if baseline is None or target is None or self.is_disbenefit:
            return {}
        if self.direction == Direction.INCREASE and target <= baseline:
            return {
                "target_value": _(
                    "The direction of travel is increase, so the target must be above the "
                    "baseline (%(baseline)s)."
                )
                % {"baseline": baseline}
            }
        if self.direction == Direction.DECREASE and target >= baseline:
            return {
                "target_value": _(
                    "The direction of travel is decrease, so the target must be below the "
                    "baseline (%(baseline)s)."
                )
                % {"baseline": baseline}
            }
        return {}


class PeriodMixin(models.Model):
    period = models.DateField(
        verbose_name=_("month"), help_text=_("The calendar month (stored as its first day).")
    )

    class Meta:
        abstract = True

    @property
    def period_label(self) -> str:
        return self.period.strftime("%Y-%m")

    def clean(self):
        super().clean()
        if self.period and self.period.day != 1:
            raise ValidationError({"period": _("A period is a calendar month (its first day).")})
        if self.period:
            inputs.check_month(self.period, field="period")


class PlannedValue(Versioned, PeriodMixin):
    """What a benefit is expected to deliver in one month (its realisation profile)."""

    benefit = models.ForeignKey(
        Benefit, on_delete=models.CASCADE, related_name="planned_values", verbose_name=_("benefit")
    )
    value = money_field(verbose_name=_("value"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["benefit", "period"]
        constraints = [
            models.UniqueConstraint(fields=["benefit", "period"], name="unique_planned_value")
        ]
        # Covers the months after "to date" read by the trend forecast, without the table.
        indexes = [
            models.Index(fields=["period", "benefit", "value"], name="plannedvalue_period_cover")
        ]

    def __str__(self) -> str:
        return f"{self.benefit} {self.period_label}: {self.value}"


class Measurement(Versioned, PeriodMixin, TimeStamped):
    """An actual value delivered in one month, for one force or the whole collaboration."""

    # Set by a correction that cleared a verification: who had verified it (see services).
    verification_cleared: "User | None"
    # Set for a page of actuals read through the API: their evidence ids (see benefits.api).
    evidence_ids: list[int]

    benefit = models.ForeignKey(
        Benefit, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("benefit")
    )
    force = models.ForeignKey(
        "organisations.Force",
        verbose_name=_("force"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measurements",
        help_text=_("Leave empty for a value recorded for the whole collaboration."),
    )
    value = money_field(
        verbose_name=_("value"),
        null=True,
        blank=True,
        help_text=_("Empty for qualitative benefits."),
    )
    assessment = models.TextField(
        verbose_name=_("assessment"),
        blank=True,
        help_text=_("For qualitative benefits: what changed."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(verbose_name=_("verified at"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who last changed the actual (value, evidence); they may not verify it."),
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who sent the actual back to be corrected, instead of verifying it."),
    )
    returned_at = models.DateTimeField(verbose_name=_("returned at"), null=True, blank=True)
    return_reason = models.TextField(verbose_name=_("reason for return"), blank=True)
    history = HistoricalRecords()

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["benefit", "period", "force__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["benefit", "period", "force"], name="unique_measurement_per_force"
            ),
            models.UniqueConstraint(
                fields=["benefit", "period"],
                condition=models.Q(force__isnull=True),
                name="unique_measurement_collaboration_wide",
            ),
        ]
        # Covers the actuals of recent months read by the trend forecast, without the table.
        indexes = [
            models.Index(
                fields=["period", "benefit", "value"],
                condition=models.Q(value__isnull=False),
                name="measurement_period_cover",
            )
        ]

    def __str__(self) -> str:
        who = self.force or "collaboration"
        return f"{self.benefit} {self.period_label} ({who}): {self.value}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_returned(self) -> bool:
        return self.returned_at is not None


def evidence_path(instance: "Evidence", filename: str) -> str:
    return f"evidence/{instance.measurement.benefit_id}/{storage_name(filename)}"


class Evidence(TimeStamped):
    measurement = models.ForeignKey(
        Measurement, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("actual")
    )
    note = models.TextField(verbose_name=_("note"), blank=True)
    file = models.FileField(verbose_name=_("file"), upload_to=evidence_path, blank=True)
    original_name = models.CharField(
        verbose_name=_("original name"),
        max_length=255,
        blank=True,
        help_text=_("The file's name as uploaded; it downloads under this name."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.note[:60] or self.file.name or "evidence"

    @property
    def file_name(self) -> str:
        """The name the file downloads under: as uploaded, or for a file stored before that
        was kept, its stored name ('' when there is no file)."""
        if not self.file.name:
            return ""
        return self.original_name or posixpath.basename(self.file.name)


class BenefitShare(models.Model):
    """A benefit's own split between forces, used instead of its collaboration's shares.

    Optional: when a benefit has no shares of its own, values recorded for the whole
    collaboration are split by the collaboration's `ForceShare`. When present, a benefit's
    shares add up to exactly 100 (see `services.replace_benefit_shares`).
    """

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="force_shares")
    force = models.ForeignKey(
        "organisations.Force", on_delete=models.PROTECT, related_name="benefit_shares"
    )
    percent = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Share in percent, e.g. 14.2857. A benefit's shares sum to exactly 100."),
    )
    basis = models.CharField(
        max_length=200, blank=True, help_text=_("Why this benefit is split differently.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["benefit", "force__name"]
        constraints = [
            models.UniqueConstraint(fields=["benefit", "force"], name="unique_benefit_share")
        ]

    def __str__(self) -> str:
        return f"{self.benefit} – {self.force}: {self.percent}%"


# Benefits management to the IPA guide (map, baselines, contributions, attribution).
from realise.benefits.ipa.models import (  # noqa: E402, F401
    Attribution,
    BaselineValue,
    Change,
    ChangeRequest,
    ChangeRequestStatus,
    ChangeRequestValue,
    Contribution,
    ContributionPath,
    NotDuplicate,
    Objective,
    PlanBaseline,
)

# Monthly totals kept by database triggers, for national figures without a full scan.
from realise.benefits.models.totals import (  # noqa: E402, F401
    BenefitTotal,
    BenefitTotalAnchor,
    MonthlyTotal,
    TotalKind,
)
