"""Regions, forces, named people and users' memberships of forces."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from realise.core.models import TimeStamped
from realise.core.oidc import ROLE_NAMES as CLI_ROLE_NAMES


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
    INSPECTOR = "inspector", "Inspector (reads everything, changes nothing)"


# The names the command line, scripts and the single sign-on map use for the roles
# (`realise grant --role ...`): one table, kept in core.oidc because settings read it.
ROLE_NAMES = {name: Role(value) for name, value in CLI_ROLE_NAMES.items()}
ROLE_CLI_NAMES = {role: name for name, role in ROLE_NAMES.items()}


class MembershipSource(models.TextChoices):
    MANUAL = "manual", "Granted by hand"
    SSO = "sso", "Single sign-on group"


class Membership(TimeStamped):
    """A user's role, for a force and (optionally) within named collaborations.

    Programme team members edit everything in the collaborations listed here (and the
    collaborations nested in them); with none listed, every collaboration their force
    belongs to. Whatever the role, the collaborations listed (and those nested in them)
    are visible to the user, private ones included. An administrator or an inspector
    needs no force.

    Grant, change and revoke memberships through `realise.organisations.services`: it
    checks who may do so and records why (`reason`) in the history and audit trail.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    force = models.ForeignKey(
        Force, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    collaborations = models.ManyToManyField(
        "collaborations.Collaboration", blank=True, related_name="programme_memberships"
    )
    reason = models.CharField(
        max_length=500,
        blank=True,
        help_text="Why it was last granted, changed or revoked (kept in its history).",
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
            models.UniqueConstraint(fields=["user", "force", "role"], name="unique_membership"),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(force__isnull=True),
                name="unique_membership_without_force",
            ),
        ]

    def __str__(self) -> str:
        where = f", {self.force}" if self.force_id else ""
        return f"{self.user} – {self.get_role_display()}{where}"


class Cover(TimeStamped):
    """A deputy who acts for a benefit owner or measurement owner for a range of dates
    (both days included): holiday, sickness or secondment cover.

    While it runs, the deputy may do what the person may do as an owner (the rules that
    check ownership consult it: `core.permissions.acts_for`), and reminders to the person
    go to the deputy too.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="covers")
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deputising"
    )
    starts = models.DateField("first day")
    ends = models.DateField("last day")
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gte=models.F("starts")), name="cover_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deputy} for {self.person.name}, {self.starts} to {self.ends}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.starts and self.ends and self.ends < self.starts:
            raise ValidationError({"ends": "The last day must be on or after the first day."})
        if self.person_id and self.deputy_id and self.person.user_id == self.deputy_id:
            raise ValidationError({"deputy": "A person cannot be their own deputy."})


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the person to accept"
    ACCEPTED = "accepted", "Accepted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Invitation(TimeStamped):
    """An invitation by email to a new user, with the roles they are granted.

    The user is created inactive with the roles; the link in the email (a one-time token,
    valid for REALISE_INVITATION_DAYS) lets them set a password, which activates them.
    """

    email = models.EmailField()
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitation"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    sent_at = models.DateTimeField(help_text="When the latest link was sent.")
    sent_count = models.PositiveIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Invitation to {self.email}"
