"""Regions, forces, named people and users' memberships of forces."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from realise.core.models import TimeStamped


class Region(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Force(models.Model):
    """A territorial police force, with its two corporations sole."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    ons_code = models.CharField(
        "ONS police force area code", max_length=9, unique=True, help_text="For example E23000028."
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="forces")
    commissioner_title = models.CharField(
        max_length=100,
        default="Police and Crime Commissioner",
        help_text="The policing body: PCC, PFCC or mayor.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("force-detail", args=[self.slug])


class Person(TimeStamped):
    """A named owner of benefits or an SRO; often not a user of the system."""

    name = models.CharField(max_length=200)
    role_title = models.CharField("role", max_length=200, blank=True)
    force = models.ForeignKey(
        Force, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="Link to a user account when this person signs in to Realise.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.name} ({self.role_title})" if self.role_title else self.name


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    PROGRAMME_TEAM = "programme_team", "Programme team"
    FORCE_LEAD = "force_lead", "Force benefits lead"
    BENEFIT_OWNER = "benefit_owner", "Benefit owner"
    VIEWER = "viewer", "Viewer (read only)"


class MembershipSource(models.TextChoices):
    MANUAL = "manual", "Granted by hand"
    SSO = "sso", "Single sign-on group"


class Membership(TimeStamped):
    """A user's force and role.

    Programme team members edit everything in the collaborations listed here (and the
    collaborations nested in them); with none listed, every collaboration their force
    belongs to.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    collaborations = models.ManyToManyField(
        "collaborations.Collaboration", blank=True, related_name="programme_memberships"
    )
    source = models.CharField(
        max_length=10,
        choices=MembershipSource.choices,
        default=MembershipSource.MANUAL,
        help_text="Memberships from single sign-on groups are renewed at each sign-in and "
        "removed when the group goes; those granted by hand are left alone.",
    )
    history = HistoricalRecords(m2m_fields=[collaborations])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "force", "role"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.force}"
