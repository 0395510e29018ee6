"""Governance bodies of collaborations."""

from django.db import models
from simple_history.models import HistoricalRecords

from realise.core.models import TimeStamped, Visibility


class BodyType(models.TextChoices):
    SUMMIT = "summit", "Summit"
    PROGRAMME_BOARD = "programme_board", "Programme board"
    CHIEF_CONSTABLE_BOARD = "cc_board", "Chief Constable board"
    DEPUTY_CHIEF_CONSTABLE_BOARD = "dcc_board", "Deputy Chief Constable board"
    FINANCIAL_STEERING_GROUP = "financial_steering", "Financial steering group"
    PROCUREMENT_BOARD = "procurement_board", "Procurement governance board"
    OVERSIGHT_GROUP = "oversight_group", "Oversight group"
    OTHER = "other", "Other"


class Cadence(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    BIMONTHLY = "bimonthly", "Every two months"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"
    AD_HOC = "ad_hoc", "Ad hoc"


class GovernanceBody(TimeStamped):
    collaboration = models.ForeignKey(
        "collaborations.Collaboration", on_delete=models.CASCADE, related_name="bodies"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    body_type = models.CharField("type", max_length=20, choices=BodyType.choices)
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.MONTHLY)
    chair = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalates_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="escalated_from"
    )
    terms_of_reference = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.POLICING
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["collaboration__name", "name"]
        verbose_name_plural = "governance bodies"

    def __str__(self) -> str:
        return self.name
