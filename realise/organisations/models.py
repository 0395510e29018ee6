"""Regions, forces, named people and users' memberships of forces."""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from realise.core.language import force_name
from realise.core.models import TimeStamped
from realise.core.oidc import ROLE_NAMES as CLI_ROLE_NAMES
from realise.core.permissions import access_for


class Region(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# The policing bodies' titles the forces are loaded with (`organisations/forces.py`), so that
# a Welsh page names them in Welsh (`Force.policing_body`).
COMMISSIONER_TITLES = (
    gettext_noop("Police and Crime Commissioner"),
    gettext_noop("Police, Fire and Crime Commissioner"),
    gettext_noop("Mayor's Office for Policing and Crime"),
    gettext_noop("Mayor of Greater Manchester"),
    gettext_noop("Mayor of South Yorkshire"),
    gettext_noop("Mayor of West Yorkshire"),
    gettext_noop("Mayor of York and North Yorkshire"),
    gettext_noop("Mayor of the West Midlands"),
)


class Force(models.Model):
    """A territorial police force, with its two corporations sole."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    ons_code = models.CharField(
        _("ONS police force area code"),
        max_length=9,
        unique=True,
        help_text=_("For example E23000028."),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="forces")
    commissioner_title = models.CharField(
        max_length=100,
        default="Police and Crime Commissioner",
        help_text=_("The policing body: PCC, PFCC or mayor."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("force-detail", args=[self.slug])

    @property
    def policing_body(self) -> str:
        """The force's policing body, in the language of the page: 'Police and Crime
        Commissioner for Kent'. A title other than those the forces are loaded with
        (`COMMISSIONER_TITLES`) reads as typed."""
        return gettext("%(title)s for %(force)s") % {
            "title": gettext(self.commissioner_title),
            "force": force_name(self),
        }

    @property
    def chief_constable(self) -> str:
        """'Chief Constable of Kent', in the language of the page."""
        return gettext("Chief Constable of %(force)s") % {"force": force_name(self)}


# The people who work on collaborations, as the apps above this one that name them tell
# (`register_person_links`, from their `rules.py`): each takes the ids of the collaborations
# a reader may see, and the reader (for records with a visibility of their own: a private
# body or decision, a lesson, a closure), and gives a filter of the people those records
# name (benefit owners and measurement owners, senior responsible officers, chairs and
# members of bodies, owners of actions, authors of lessons...), one subquery each.
PersonLinks = Callable[[QuerySet[Any], Any], Q]
PERSON_LINKS: list[PersonLinks] = []


def register_person_links(links: PersonLinks) -> PersonLinks:
    if links not in PERSON_LINKS:
        PERSON_LINKS.append(links)
    return links


class PersonQuerySet(models.QuerySet["Person"]):
    def known_to(self, user) -> "PersonQuerySet":
        """The people `user` may find in the directory of people: those named by a record
        the reader may see (`PERSON_LINKS`: who own or measure a benefit, are the senior
        responsible officer of an initiative, chair or sit on a governance body, own an
        action, wrote a lesson or a highlight report, own an opportunity, asked for a
        change, took a benefit over at closure); who hold a programme team, force lead or
        benefit owner role within a collaboration the reader may see or for a force as a
        whole; and who say which topics they lead. Someone known only through a private
        collaboration of other forces, or a private record, is not among them."""
        if not access_for(user).authenticated:
            return self.none()
        collaboration: Any = Membership._meta.get_field("collaborations").related_model
        visible = collaboration.objects.visible_to(user).values("pk")
        roles = Membership.objects.filter(role__in=COLLABORATION_ROLES)
        linked = (
            Q(user_id__in=roles.filter(collaborations__in=visible).values("user_id"))
            # A role for a force as a whole names no collaboration: it shows the force only.
            | Q(
                user_id__in=roles.filter(force__isnull=False, collaborations__isnull=True).values(
                    "user_id"
                )
            )
            | Q(pk__in=SharingPreference.objects.filter(topics__isnull=False).values("person_id"))
        )
        for links in PERSON_LINKS:
            linked |= links(visible, user)
        return self.filter(linked)

    def choosable_by(self, user, *, keeping: Iterable[int | None] = ()) -> "PersonQuerySet":
        """The people `user` may choose in a form (an owner, an author, a chair): those
        they may find in the directory (`known_to`), themself and the people they named;
        everyone for an administrator. `keeping`: the ids stored on the record being
        edited, kept as choices whoever edits it (and no one else beyond the rule)."""
        kept = Q(pk__in=[pk for pk in keeping if pk is not None])
        access = access_for(user)
        if access.administrator:
            return self.all()
        if not access.authenticated:
            return self.filter(kept)
        named = Person.history.filter(history_type="+", history_user_id=user.pk)
        return self.filter(
            Q(pk__in=self.known_to(user).values("pk"))
            | Q(user_id=user.pk)
            | Q(pk__in=named.values("id"))
            | kept
        )


class Person(TimeStamped):
    """A named owner of benefits or an SRO; often not a user of the system."""

    name = models.CharField(max_length=200)
    role_title = models.CharField(_("role"), max_length=200, blank=True)
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
        help_text=_("Link to a user account when this person signs in to Realise."),
    )
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.name} ({self.role_title})" if self.role_title else self.name


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    PROGRAMME_TEAM = "programme_team", _("Programme team")
    FORCE_LEAD = "force_lead", _("Force benefits lead")
    BENEFIT_OWNER = "benefit_owner", _("Benefit owner")
    VIEWER = "viewer", _("Viewer (read only)")
    INSPECTOR = "inspector", _("Inspector (reads everything, changes nothing)")


# The roles that link their holder to collaborations in the directory of people.
COLLABORATION_ROLES = (Role.PROGRAMME_TEAM, Role.FORCE_LEAD, Role.BENEFIT_OWNER)

# The names the command line, scripts and the single sign-on map use for the roles
# (`realise grant --role ...`): one table, kept in core.oidc because settings read it.
ROLE_NAMES = {name: Role(value) for name, value in CLI_ROLE_NAMES.items()}
ROLE_CLI_NAMES: dict[str, str] = {role: name for name, role in ROLE_NAMES.items()}


class MembershipSource(models.TextChoices):
    MANUAL = "manual", _("Granted by hand")
    SSO = "sso", _("Single sign-on group")


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
        help_text=_("Why it was last granted, changed or revoked (kept in its history)."),
    )
    source = models.CharField(
        max_length=10,
        choices=MembershipSource.choices,
        default=MembershipSource.MANUAL,
        help_text=_(
            "Memberships from single sign-on groups are renewed at each sign-in and "
            "removed when the group goes; those granted by hand are left alone."
        ),
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
    starts = models.DateField(_("first day"))
    ends = models.DateField(_("last day"))
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
        """Every problem at once, each on its field."""
        errors = {}
        if self.starts and self.ends and self.ends < self.starts:
            errors["ends"] = _("The last day must be on or after the first day.")
        if self.person_id and self.deputy_id and self.person.user_id == self.deputy_id:
            errors["deputy"] = _("A person cannot be their own deputy.")
        if errors:
            raise ValidationError(errors)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the person to accept")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


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
    sent_at = models.DateTimeField(help_text=_("When the latest link was sent."))
    sent_count = models.PositiveIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Invitation to {self.email}"


# The network of people: who leads collaboration work, by topic, and their networks ------


class Topic(models.Model):
    """An area of policing collaboration work: procurement, vetting, digital evidence..."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SharingPreference(TimeStamped):
    """What a person chose to show other signed-in users in the directory of people.

    Nothing is shared until the person says so: every choice is off by default.
    """

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="sharing")
    share_email = models.BooleanField(_("show my email address"), default=False)
    share_phone = models.BooleanField(_("show my phone number"), default=False)
    share_job_title = models.BooleanField(_("show my job title"), default=False)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    topics = models.ManyToManyField(
        Topic,
        blank=True,
        related_name="leads",
        verbose_name=_("topics I lead"),
        help_text=_("The collaboration work you lead for your force."),
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Sharing of {self.person.name}"


class NetworkAccess(models.TextChoices):
    OPEN = "open", _("Open to anyone signed in")
    MEMBERS = "members", _("Members only")


class NetworkRole(models.TextChoices):
    MEMBER = "member", _("Member")
    COORDINATOR = "coordinator", _("Coordinator")


class Network(TimeStamped):
    """A national network (community of practice) of the people leading similar work.

    Anyone signed in sees its name and description. An open network shows its members
    and resources to anyone signed in; a members-only one to its members only.
    """

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField()
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="networks"
    )
    access = models.CharField(max_length=10, choices=NetworkAccess.choices, default="open")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="NetworkMember", related_name="networks", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network-detail", args=[self.slug])

    @property
    def is_open(self) -> bool:
        return self.access == NetworkAccess.OPEN


class NetworkMember(TimeStamped):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_memberships"
    )
    role = models.CharField(max_length=12, choices=NetworkRole.choices, default="member")

    class Meta:
        ordering = ["network", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], name="unique_network_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.network}"


class ResourceKind(models.TextChoices):
    GUIDANCE = "guidance", _("Guidance")
    TEMPLATE = "template", _("Template")
    LESSON = "lesson", _("Lesson")
    LINK = "link", _("Link")


class NetworkResource(TimeStamped):
    """Something a network shares: guidance, a template, a lesson from the repository or
    a link. It points to an address, or to a lesson (seen only by whoever may see it)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=ResourceKind.choices)
    url = models.URLField(_("address"), max_length=500, blank=True)
    lesson = models.ForeignKey(
        "knowledge.Lesson",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="network_resources",
    )
    description = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    # Set for a reader by `knowledge.network.resources_for`: the lesson, if they may see it.
    visible_lesson: models.Model | None

    class Meta:
        ordering = ["network", "kind", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.network.get_absolute_url()}#resource-{self.pk}"

    def clean(self):
        if not self.url and not self.lesson_id:
            raise ValidationError(
                {"url": _("Give the address of the resource, or choose a lesson.")}
            )
        if self.url and self.lesson_id:
            raise ValidationError({"url": _("Give an address or a lesson, not both.")})
