"""The opportunities pipeline: ideas with a range and a confidence, before any business case.

An opportunity's estimate is never a plan or an actual: its figures are shown apart and
never added to realised or planned values. When one is taken forward it becomes an
initiative at stage 0 and keeps the link, so its original estimate stays visible.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from realise.benefits.models import Unit
from realise.core.models import TimeStamped, Versioned, money_field
from realise.core.types import StrOrPromise

PENNY = Decimal("0.01")


class Source(models.TextChoices):
    SCANNING = "scanning", _("Environmental scanning")
    FORCE_PROPOSAL = "force_proposal", _("A force's proposal")
    LESSON = "lesson", _("A lesson")


# An estimate is of money or hours: benefits' own unit codes and labels.
UNIT_CHOICES = [(Unit.GBP.value, Unit.GBP.label), (Unit.HOURS.value, Unit.HOURS.label)]
# At most 9,999,999,999.99 a year, so totals in hundredths of a penny stay exact integers.
ESTIMATE_DIGITS = 12


class OpportunityStatus(models.TextChoices):
    IDEA = "idea", _("Idea")
    ASSESSING = "assessing", _("Assessing")
    PROGRESSING = "progressing", _("Progressing")
    REJECTED = "rejected", _("Rejected")
    INITIATIVE = "initiative", _("Became an initiative")


def risk_weighted(most_likely: Decimal, confidence: int) -> Decimal:
    """Most likely x confidence / 100, to the penny (half up)."""
    return (Decimal(most_likely) * Decimal(confidence) / Decimal(100)).quantize(
        PENNY, rounding=ROUND_HALF_UP
    )


class Opportunity(Versioned, TimeStamped):
    collaboration = models.ForeignKey(
        "collaborations.Collaboration", on_delete=models.PROTECT, related_name="opportunities"
    )
    title = models.CharField(verbose_name=_("title"), max_length=200)
    description = models.TextField(verbose_name=_("description"), blank=True)
    source = models.CharField(
        _("where it came from"), max_length=20, choices=Source.choices, default=Source.SCANNING
    )
    lesson = models.ForeignKey(
        "knowledge.Lesson",
        verbose_name=_("lesson"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        help_text=_("The lesson it came from, if it came from one."),
    )
    low = money_field(
        verbose_name=_("low estimate"),
        max_digits=ESTIMATE_DIGITS,
        validators=[MinValueValidator(Decimal("0"))],
    )
    most_likely = money_field(
        verbose_name=_("most likely estimate"),
        max_digits=ESTIMATE_DIGITS,
        validators=[MinValueValidator(Decimal("0"))],
    )
    high = money_field(
        verbose_name=_("high estimate"),
        max_digits=ESTIMATE_DIGITS,
        validators=[MinValueValidator(Decimal("0"))],
    )
    unit = models.CharField(
        verbose_name=_("unit"),
        max_length=10,
        choices=UNIT_CHOICES,
        default=Unit.GBP,
        help_text=_("The estimates are of annual value in this unit."),
    )
    years = models.PositiveSmallIntegerField(
        _("years it would run"), default=1, validators=[MinValueValidator(1)]
    )
    confidence = models.PositiveSmallIntegerField(
        _("confidence (%)"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("How sure the estimate is, from 0 to 100%."),
    )
    owner = models.ForeignKey(
        "organisations.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    status = models.CharField(
        verbose_name=_("status"),
        max_length=12,
        choices=OpportunityStatus.choices,
        default=OpportunityStatus.IDEA,
    )
    rejection_reason = models.TextField(
        _("reason for rejection"), blank=True, help_text=_("Required when the status is rejected.")
    )
    initiative = models.OneToOneField(
        "collaborations.Initiative",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunity",
        help_text=_("The initiative it became."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["collaboration__name", "title"]
        verbose_name_plural = _("opportunities")
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "title"], name="unique_opportunity_title"
            ),
            models.CheckConstraint(
                condition=models.Q(low__lte=models.F("most_likely"))
                & models.Q(most_likely__lte=models.F("high")),
                name="opportunity_range_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(confidence__lte=100), name="opportunity_confidence_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("opportunity-detail", args=[self.pk])

    @property
    def risk_weighted(self) -> Decimal:
        return risk_weighted(self.most_likely, self.confidence)

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        low, likely, high = self.low, self.most_likely, self.high
        if low is not None and likely is not None and low > likely:
            errors["low"] = _(
                "The low estimate (%(low)s) is more than the most likely (%(likely)s)."
            ) % {"low": low, "likely": likely}
        if likely is not None and high is not None and likely > high:
            errors["high"] = _(
                "The high estimate (%(high)s) is less than the most likely (%(likely)s)."
            ) % {"high": high, "likely": likely}
        if self.status == OpportunityStatus.REJECTED and not (self.rejection_reason or "").strip():
            errors["rejection_reason"] = _("Say why the opportunity was rejected.")
        if self.status == OpportunityStatus.INITIATIVE and self.initiative_id is None:
            errors["status"] = _(
                "An opportunity becomes an initiative by turning it into one, "
                "not by setting its status."
            )
        if self.initiative_id is not None and self.status != OpportunityStatus.INITIATIVE:
            errors["status"] = _("It became an initiative; its status cannot change.")
        if self.collaboration_id is not None and self.title:
            same = Opportunity.objects.filter(
                collaboration_id=self.collaboration_id, title__iexact=self.title.strip()
            ).exclude(pk=self.pk)
            if same.exists():
                errors["title"] = _(
                    "This collaboration already has an opportunity called “%(title)s”."
                ) % {"title": self.title}
        if self.lesson_id is not None and self.source != Source.LESSON:
            errors["lesson"] = _("Link a lesson only when the opportunity came from one.")
        if errors:
            raise ValidationError(errors)
