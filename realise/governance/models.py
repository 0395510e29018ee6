"""Governance of collaborations: bodies, their members and meetings, decisions with their
actions, escalations between bodies, post-implementation reviews, and the reminders and
in-app notifications that keep the rhythm."""

import datetime
from typing import Any, Self
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from realise.collaborations.models import OPEN_VISIBILITIES, Collaboration
from realise.core import inputs
from realise.core.language import force_name
from realise.core.models import TimeStamped, Visibility
from realise.core.permissions import access_for
from realise.governance.workdays import WEEKDAYS_AFTER_SECOND, WEEKDAYS_IN_A_SENTENCE

LONDON = ZoneInfo("Europe/London")


def day_range_problem(day: datetime.date | None, label: str) -> str | None:
    """Why `day` (what the person knows as `label`, e.g. 'due date') lies outside the days
    Realise records, those of the months `inputs.month_problem` accepts (2000 to fifty years
    ahead), or None when it does not."""
    if day is None or inputs.month_problem(day.replace(day=1)) is None:
        return None
    first, last = inputs.days_recorded()
    return gettext("The %(field)s must be from %(first)s to %(last)s.") % {
        "field": label,
        "first": first.isoformat(),
        "last": last.isoformat(),
    }


def day_problem(model: models.Model, name: str) -> dict[str, str]:
    """{name: message} when the date in field `name` lies outside the days Realise records
    (`day_range_problem`)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    problem = day_range_problem(getattr(model, name), str(field.verbose_name))
    return {name: problem} if problem else {}


# Who sees a governance record: whoever may see its collaboration AND its body (AND, for a
# decision, the decision itself): the narrowest visibility wins, so a private body or
# decision is never seen outside its collaboration however open the collaboration is. An
# escalation is seen by whoever sees the body that raised it or the body it went to.


def visible_body_filter(user, prefix: str = "", extra: tuple[str, ...] = ()) -> Q:
    """A Q over governance bodies (with `prefix`, e.g. 'body__'); `extra` names further
    visibility fields (relative to the filtered model) that must also be open enough."""
    access = access_for(user)
    if access.reads_everything:
        return Q()
    fields = [f"{prefix}collaboration__visibility", f"{prefix}visibility", *extra]
    if not access.authenticated:
        return Q(**{f: "public" for f in fields})
    open_to_policing = Q()
    for name in fields:
        open_to_policing &= Q(**{f"{name}__in": OPEN_VISIBILITIES})
    own = Collaboration.objects.own_to(access)
    return open_to_policing | Q(**{f"{prefix}collaboration__in": own})


class GovernanceBodyQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """The bodies `user` may see."""
        return self.filter(visible_body_filter(user))


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """The meetings of the bodies `user` may see."""
        return self.filter(visible_body_filter(user, "body__"))


class DecisionQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """The decisions `user` may see: their body's visibility and their own."""
        return self.filter(visible_body_filter(user, "body__", ("visibility",)))


class EscalationQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """The escalations raised by, or sent to, a body `user` may see."""
        return self.filter(
            visible_body_filter(user, "from_body__") | visible_body_filter(user, "to_body__")
        )


class BodyType(models.TextChoices):
    SUMMIT = "summit", _("Summit")
    PROGRAMME_BOARD = "programme_board", _("Programme board")
    CHIEF_CONSTABLE_BOARD = "cc_board", _("Chief Constable board")
    DEPUTY_CHIEF_CONSTABLE_BOARD = "dcc_board", _("Deputy Chief Constable board")
    FINANCIAL_STEERING_GROUP = "financial_steering", _("Financial steering group")
    PROCUREMENT_BOARD = "procurement_board", _("Procurement governance board")
    OVERSIGHT_GROUP = "oversight_group", _("Oversight group")
    OTHER = "other", _("Other")


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    MONTHLY_WEEKDAY = (
        "monthly_weekday",
        _("Monthly, on the same weekday as the first meeting (e.g. the first Tuesday)"),
    )
    LAST_WORKING_DAY = "last_working_day", _("Monthly, on the last working day")
    BIMONTHLY = "bimonthly", _("Every two months")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
    WEEKS = "weeks", _("Every few weeks")
    AD_HOC = "ad_hoc", _("Ad hoc")


# 'Monthly, on the first Tuesday': by the week of the month its first meeting fell in (the
# fifth is the last), whole sentences so that each language orders the words its own way.
MONTHLY_ON = (
    _("Monthly, on the first %(weekday)s"),
    _("Monthly, on the second %(weekday)s"),
    _("Monthly, on the third %(weekday)s"),
    _("Monthly, on the fourth %(weekday)s"),
    _("Monthly, on the last %(weekday)s"),
)
CADENCE_MONTHS: dict[str, int] = {
    Cadence.MONTHLY: 1,
    Cadence.MONTHLY_WEEKDAY: 1,
    Cadence.LAST_WORKING_DAY: 1,
    Cadence.BIMONTHLY: 2,
    Cadence.QUARTERLY: 3,
    Cadence.YEARLY: 12,
}


class GovernanceBody(TimeStamped):
    collaboration = models.ForeignKey(
        "collaborations.Collaboration", on_delete=models.CASCADE, related_name="bodies"
    )
    name = models.CharField(verbose_name=_("name"), max_length=200)
    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)
    body_type = models.CharField(_("type"), max_length=20, choices=BodyType.choices)
    cadence = models.CharField(
        verbose_name=_("cadence"), max_length=20, choices=Cadence.choices, default=Cadence.MONTHLY
    )
    every_weeks = models.PositiveSmallIntegerField(
        _("weeks between meetings"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_("For a body that meets every few weeks: 1 for weekly, 2 for fortnightly."),
    )
    meeting_time = models.TimeField(
        _("usual start time"), default=datetime.time(10, 0), help_text=_("UK time, e.g. 10:00.")
    )
    meeting_minutes = models.PositiveSmallIntegerField(
        _("usual length (minutes)"),
        default=120,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    location = models.CharField(
        _("usual place or online link"),
        max_length=300,
        blank=True,
        help_text=_("A room and address, or the link to join online."),
    )
    chair = models.ForeignKey(
        "organisations.Person",
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    escalates_to = models.ForeignKey(
        "self",
        verbose_name=_("escalates to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="escalated_from",
    )
    terms_of_reference = models.TextField(verbose_name=_("terms of reference"), blank=True)
    visibility = models.CharField(
        verbose_name=_("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.POLICING,
    )
    meets_from = models.DateField(
        _("first meeting"),
        null=True,
        blank=True,
        help_text=_("The date of the first meeting; later meetings follow the cadence from it."),
    )
    decides_stages = models.JSONField(
        _("stage gates decided"),
        default=list,
        blank=True,
        help_text=_("The stages (1 to 5) this body approves entry to."),
    )
    history = HistoricalRecords()

    objects = GovernanceBodyQuerySet.as_manager()

    class Meta:
        ordering = ["collaboration__name", "name"]
        verbose_name_plural = _("governance bodies")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("body-detail", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        problem = day_problem(self, "meets_from")
        if problem:
            raise ValidationError(problem)

    @property
    def cadence_months(self) -> int | None:
        return CADENCE_MONTHS.get(self.cadence)

    @property
    def cadence_text(self) -> str:
        """The cadence as people say it, in the language of the page: 'Monthly, on the
        first Tuesday'."""
        anchor = self.meets_from
        if self.cadence == Cadence.WEEKS and self.every_weeks:
            if self.every_weeks == 1:
                return gettext("Weekly")
            return ngettext("Every %(weeks)s week", "Every %(weeks)s weeks", self.every_weeks) % {
                "weeks": self.every_weeks
            }
        if self.cadence == Cadence.MONTHLY_WEEKDAY and anchor is not None:
            nth = (anchor.day - 1) // 7
            # Welsh words "the second Tuesday" with the weekday mutated ("yr ail ddydd").
            names = WEEKDAYS_AFTER_SECOND if nth == 1 else WEEKDAYS_IN_A_SENTENCE
            return str(MONTHLY_ON[nth]) % {"weekday": names[anchor.weekday()]}
        return self.get_cadence_display()

    @property
    def is_regular(self) -> bool:
        """Does the body meet on a cadence the calendar can follow?"""
        if self.meets_from is None:
            return False
        if self.cadence == Cadence.WEEKS:
            return bool(self.every_weeks)
        return self.cadence_months is not None


class CorporationSole(models.TextChoices):
    PCC = "pcc", _("Police and Crime Commissioner (or PFCC, mayor)")
    CHIEF_CONSTABLE = "chief_constable", _("Chief Constable")
    OTHER = "other", _("Other")


class BodyMember(TimeStamped):
    """A person sitting on a body, and the corporation sole (if any) they represent."""

    body = models.ForeignKey(GovernanceBody, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "organisations.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="body_memberships",
    )
    represents_kind = models.CharField(
        _("represents"),
        max_length=20,
        choices=CorporationSole.choices,
        default=CorporationSole.OTHER,
    )
    represents_force = models.ForeignKey(
        "organisations.Force",
        verbose_name=_("for force"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    represents_other = models.CharField(
        _("represents (other)"),
        max_length=200,
        blank=True,
        help_text=_("For other members: whom they represent, e.g. 'Chief Finance Officers'."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["body", "represents_force__name", "represents_kind", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "person"], name="unique_body_member")
        ]

    def __str__(self) -> str:
        return f"{self.person.name}: {self.represents}"

    @property
    def represents(self) -> str:
        """Whom the member represents, in the language of the page."""
        force = self.represents_force
        if self.represents_kind == CorporationSole.PCC and force is not None:
            return force.policing_body
        if self.represents_kind == CorporationSole.CHIEF_CONSTABLE and force is not None:
            return force.chief_constable
        return self.represents_other or (force_name(force) if force is not None else "")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(TimeStamped):
    body = models.ForeignKey(GovernanceBody, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(verbose_name=_("date"))
    status = models.CharField(
        verbose_name=_("status"),
        max_length=10,
        choices=MeetingStatus.choices,
        default=MeetingStatus.SCHEDULED,
    )
    notes = models.TextField(verbose_name=_("notes"), blank=True)
    start_time = models.TimeField(
        verbose_name=_("start time"),
        null=True,
        blank=True,
        help_text=_("UK time. Leave empty for the body's usual time."),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
        help_text=_("Leave empty for the body's usual length."),
    )
    location = models.CharField(
        _("place or online link"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty for the body's usual place."),
    )
    cadence_date = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("The cadence date this meeting was generated for; kept when it is moved."),
    )
    adjusted_from = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The cadence date that fell on a weekend or bank holiday, when the calendar "
            "moved the meeting to the working day before."
        ),
    )
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["date", "body__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "cadence_date"],
                condition=models.Q(cadence_date__isnull=False),
                name="unique_meeting_cadence_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.body.name}, {self.date:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("meeting-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        problem = day_problem(self, "date")
        if problem:
            raise ValidationError(problem)
        if self.status == MeetingStatus.HELD and self.date > timezone.localdate():
            raise ValidationError(
                {"status": gettext("A meeting is held on its day: this one is yet to come.")}
            )

    @property
    def collaboration(self):
        return self.body.collaboration

    @property
    def time(self) -> datetime.time:
        return self.start_time or self.body.meeting_time

    @property
    def minutes(self) -> int:
        return self.duration_minutes or self.body.meeting_minutes

    @property
    def place(self) -> str:
        return self.location or self.body.location

    @property
    def starts_at(self) -> datetime.datetime:
        """The start in UK time (Europe/London), whatever the server's time zone."""
        return datetime.datetime.combine(self.date, self.time, tzinfo=LONDON)

    @property
    def ends_at(self) -> datetime.datetime:
        """The end in UK time: the length is time elapsed, so a meeting across the clocks
        changing ends an hour earlier or later on the clock."""
        elapsed = self.starts_at.astimezone(datetime.UTC) + datetime.timedelta(minutes=self.minutes)
        return elapsed.astimezone(LONDON)


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACTIONED = "actioned", _("Actioned")


class Decision(TimeStamped):
    """A decision recorded in a body's decisions log, usually at a meeting."""

    body = models.ForeignKey(GovernanceBody, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    decided_on = models.DateField()
    text = models.TextField(_("decision"))
    rationale = models.TextField(blank=True)
    initiative = models.ForeignKey(
        "collaborations.Initiative",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="governance_decisions",
    )
    stage_decision = models.OneToOneField(
        "collaborations.StageDecision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="logged_decision",
        help_text=_("The stage-gate decision this records, when it is one."),
    )
    status = models.CharField(
        max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    visibility = models.CharField(
        max_length=10,
        choices=Visibility.choices,
        blank=True,
        help_text=_(
            "Defaults to the body's visibility; never wider than the body's or the collaboration's."
        ),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        first = self.text.strip().splitlines()[0] if self.text.strip() else "Decision"
        return first if len(first) <= 80 else first[:77] + "..."

    def get_absolute_url(self) -> str:
        return reverse("governance-decision-detail", args=[self.pk])

    @property
    def collaboration(self):
        return self.body.collaboration

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.visibility and self.body_id:
            rank = {"private": 0, "policing": 1, "public": 2}
            candidates = (self.body.visibility, self.body.collaboration.visibility)
            self.visibility = min(candidates, key=lambda v: rank.get(v, 0))
        if self.decided_on is None and self.meeting_id:
            self.decided_on = self.meeting.date
        super().save(*args, **kwargs)


class Action(TimeStamped):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField(_("action"))
    owner = models.ForeignKey(
        "organisations.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="governance_actions",
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(default=False)
    done_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["done", "due_on", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def collaboration(self):
        return self.decision.body.collaboration

    def is_overdue(self, today) -> bool:
        return not self.done and self.due_on is not None and self.due_on < today


class EscalationKind(models.TextChoices):
    BENEFIT_OFF_TRACK = "benefit_off_track", _("Benefit off track")
    RISK = "risk", _("Risk")
    DECISION_NEEDED = "decision_needed", _("Decision needed")


class Escalation(TimeStamped):
    """An item one body passes to the body it escalates to, until that body resolves it."""

    from_body = models.ForeignKey(
        GovernanceBody, on_delete=models.PROTECT, related_name="escalations_raised"
    )
    to_body = models.ForeignKey(
        GovernanceBody, on_delete=models.PROTECT, related_name="escalations_received"
    )
    kind = models.CharField(max_length=20, choices=EscalationKind.choices)
    benefit = models.ForeignKey(
        "benefits.Benefit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    initiative = models.ForeignKey(
        "collaborations.Initiative",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField()
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="escalations",
        help_text=_("The meeting of the receiving body it lands on."),
    )
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    objects = EscalationQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.from_body} to {self.to_body}"

    def get_absolute_url(self) -> str:
        return reverse("governance-escalation-detail", args=[self.pk])

    @property
    def collaboration(self):
        return self.to_body.collaboration

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class PostImplementationReview(TimeStamped):
    initiative = models.ForeignKey(
        "collaborations.Initiative", on_delete=models.CASCADE, related_name="reviews"
    )
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("post-implementation review")

    def __str__(self) -> str:
        return f"Post-implementation review of {self.initiative}, due {self.due_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("post-implementation-review", args=[self.pk])

    @property
    def collaboration(self):
        return self.initiative.collaboration


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ReminderLog(models.Model):
    """One line per reminder sent, so that a reminder is never sent twice."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.key


class CalendarFeed(models.Model):
    """A user's calendar feed links: issuing new ones moves the generation on, and every
    link of an older generation stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    generation = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Calendar feeds of {self.user}"
