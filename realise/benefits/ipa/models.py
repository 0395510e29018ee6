"""Benefits management to the IPA guide: the benefits map, baselined plans with change
control, benefits contributing to benefits higher up, and attribution between initiatives.

Imported by `realise.benefits.models`, so these models belong to the benefits app.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from realise.core.models import TimeStamped, money_field

# The benefits map ---------------------------------------------------------------------------


class Objective(TimeStamped):
    """One of a collaboration's objectives: what its benefits are for."""

    collaboration = models.ForeignKey(
        "collaborations.Collaboration", on_delete=models.CASCADE, related_name="objective_rows"
    )
    text = models.CharField(_("objective"), max_length=300)
    order = models.PositiveSmallIntegerField(
        verbose_name=_("order"), default=0, help_text=_("Lower numbers come first.")
    )
    benefits = models.ManyToManyField(
        "benefits.Benefit",
        blank=True,
        related_name="objectives",
        help_text=_("The benefits that serve this objective."),
    )
    history = HistoricalRecords(m2m_fields=[benefits])

    class Meta:
        ordering = ["collaboration", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class Change(TimeStamped):
    """A change an enabler (an initiative or project) makes, which delivers benefits."""

    initiative = models.ForeignKey(
        "collaborations.Initiative",
        verbose_name=_("enabler"),
        on_delete=models.CASCADE,
        related_name="changes",
        help_text=_("The initiative whose map holds the change."),
    )
    description = models.CharField(_("change"), max_length=300)
    enablers = models.ManyToManyField(
        "collaborations.Initiative",
        blank=True,
        related_name="enabled_changes",
        verbose_name=_("other enablers"),
        help_text=_("Other initiatives or projects the change also depends on."),
    )
    benefits = models.ManyToManyField(
        "benefits.Benefit",
        blank=True,
        related_name="changes",
        help_text=_("The benefits this change delivers."),
    )
    history = HistoricalRecords(m2m_fields=[enablers, benefits])

    class Meta:
        ordering = ["initiative", "pk"]

    def __str__(self) -> str:
        return self.description


# Baselines and change requests --------------------------------------------------------------


class PlanBaseline(models.Model):
    """An approved benefits realisation plan, frozen: the rows are in `BaselineValue`.

    Approving the full business case freezes every benefit of the initiative; an approved
    change request re-baselines the one benefit it changes. Earlier baselines are kept.
    """

    initiative = models.ForeignKey(
        "collaborations.Initiative", on_delete=models.CASCADE, related_name="plan_baselines"
    )
    benefit = models.ForeignKey(
        "benefits.Benefit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="plan_baselines",
        help_text=_("Set when one benefit was re-baselined; empty for the whole plan."),
    )
    approved_on = models.DateField()
    body = models.ForeignKey(
        "governance.GovernanceBody",
        verbose_name=_("approving body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stage_decision = models.ForeignKey(
        "collaborations.StageDecision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    change_request = models.OneToOneField(
        "benefits.ChangeRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="baseline",
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["approved_on", "pk"]

    def __str__(self) -> str:
        what = self.benefit or self.initiative
        return f"Baseline of {what} approved {self.approved_on:%d %B %Y}"


class BaselineValue(models.Model):
    """One frozen month of a baseline."""

    baseline = models.ForeignKey(PlanBaseline, on_delete=models.CASCADE, related_name="values")
    benefit = models.ForeignKey(
        "benefits.Benefit", on_delete=models.CASCADE, related_name="baseline_values"
    )
    period = models.DateField()
    value = money_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["baseline", "benefit", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["baseline", "benefit", "period"], name="unique_baseline_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.benefit} {self.period:%Y-%m}: {self.value}"


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ChangeRequest(TimeStamped):
    """A request to re-profile a baselined benefit, and the decision on it."""

    benefit = models.ForeignKey(
        "benefits.Benefit", on_delete=models.CASCADE, related_name="change_requests"
    )
    reason = models.TextField(help_text=_("Why the profile should change."))
    requested_by = models.ForeignKey(
        "organisations.Person",
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Who asked for the change."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.ForeignKey(
        "governance.GovernanceBody",
        verbose_name=_("approving body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The governance body that decides the request."),
    )
    status = models.CharField(
        max_length=10, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING
    )
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Change request {self.pk} for {self.benefit}"

    def get_absolute_url(self) -> str:
        return reverse("change-request-detail", args=[self.pk])


class ChangeRequestValue(models.Model):
    """One month of the profile a change request proposes."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="values"
    )
    period = models.DateField()
    value = money_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["change_request", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["change_request", "period"], name="unique_change_request_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m}: {self.value}"


# Double counting and attribution ------------------------------------------------------------


class Contribution(TimeStamped):
    """`child` is part of `parent`: a force's saving inside its collaboration's saving.

    A benefit contributes to at most one benefit; a benefit others contribute to cannot be
    deleted while they do.
    """

    child = models.OneToOneField(
        "benefits.Benefit", on_delete=models.CASCADE, related_name="contribution"
    )
    parent = models.ForeignKey(
        "benefits.Benefit", on_delete=models.PROTECT, related_name="contributions"
    )
    note = models.CharField(max_length=300, blank=True, help_text=_("How the two relate."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["parent", "child"]

    def __str__(self) -> str:
        return f"{self.child} contributes to {self.parent}"


class ContributionPath(models.Model):
    """Derived from `Contribution`: `ancestor` holds the pounds of `descendant`, directly
    or through benefits in between. Rebuilt by `contributions` whenever a link changes."""

    descendant = models.ForeignKey("benefits.Benefit", on_delete=models.CASCADE, related_name="+")
    ancestor = models.ForeignKey("benefits.Benefit", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["descendant", "ancestor"], name="unique_contribution_path"
            )
        ]

    def __str__(self) -> str:
        return f"{self.descendant_id} within {self.ancestor_id}"


class Attribution(TimeStamped):
    """The share of one measured outcome that an initiative claims.

    Several initiatives may claim parts of one benefit; their shares add up to at most
    100. Once a benefit has attributions, only the initiatives named claim it.
    """

    benefit = models.ForeignKey(
        "benefits.Benefit", on_delete=models.CASCADE, related_name="attributions"
    )
    initiative = models.ForeignKey(
        "collaborations.Initiative", on_delete=models.PROTECT, related_name="attributions"
    )
    percent = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("100"))],
        help_text=_("The share claimed, in percent."),
    )
    basis = models.CharField(max_length=300, blank=True, help_text=_("How the share was agreed."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["benefit", "-percent", "initiative__name"]
        constraints = [
            models.UniqueConstraint(fields=["benefit", "initiative"], name="unique_attribution")
        ]

    def __str__(self) -> str:
        return f"{self.initiative}: {self.percent}% of {self.benefit}"


class NotDuplicate(TimeStamped):
    """Two benefits the data-quality check suspected of being the same benefit counted
    twice, which a person judged distinct, with the reason. Kept, so that the pair is not
    suspected again. `first` is the benefit with the lower id."""

    first = models.ForeignKey("benefits.Benefit", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("benefits.Benefit", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(
        max_length=300, help_text=_("Why the two are different benefits, e.g. different contracts.")
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["first", "second"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="unique_not_duplicate"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")),
                name="not_duplicate_first_is_lower",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first} is not a duplicate of {self.second}"
