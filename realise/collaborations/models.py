"""Collaborations, their member forces' shares, agreements, initiatives and stage decisions."""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Self, TypeVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from realise.core.models import TimeStamped, Versioned, Visibility
from realise.core.permissions import access_for

# The visibilities that let anyone signed in see a record.
OPEN_VISIBILITIES = ("policing", "public")


# Past this many visible collaborations, queries test visibility with a subquery rather than
# a list of ids (a list that long would cost more than it saves).
_VISIBLE_LIST_LIMIT = 500


def open_or_own(forces: Iterable[int], collaborations: Iterable[int], prefix: str = "") -> Q:
    """A Q over collaborations: those open to every signed-in user (policing, public) and
    those of `forces` (a share) or named in `collaborations`."""
    own = Q(**{f"{prefix}shares__force_id__in": forces}) | Q(**{f"{prefix}pk__in": collaborations})
    return Q(**{f"{prefix}visibility__in": OPEN_VISIBILITIES}) | own


def _visible_ids(access) -> list[int] | None:
    """The ids to test visibility with, or None for the subquery: when not worked out, when
    too many, and when none (an empty list makes a query that cannot be written as SQL,
    which the engine's hand-joined queries would have to catch)."""
    visible = access.visible_collaborations
    if not visible or len(visible) > _VISIBLE_LIST_LIMIT:
        return None
    return sorted(visible)


def visible_collaboration_filter(user, prefix: str = "") -> Q:
    """A Q over collaborations (with `prefix`, e.g. 'initiative__collaboration__')."""
    access = access_for(user)
    if not access.authenticated:
        return Q(**{f"{prefix}visibility": "public"})
    if access.reads_everything:
        return Q()
    ids = _visible_ids(access)
    if ids is not None:
        return Q(**{f"{prefix}pk__in": ids})
    return open_or_own(access.forces, access.collaborations, prefix)


class CollaborationQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """The collaborations `user` may see."""
        return self.filter(visible_collaboration_filter(user)).distinct()

    def with_parent_seen(self, user: Any) -> Self:
        """Each with `parent_seen`: whether `user` may see the collaboration it sits within
        (an open collaboration may sit within a private one, whose name is not theirs to
        read)."""
        seen = Collaboration.objects.visible_to(user).values("pk")
        return self.annotate(
            parent_seen=models.ExpressionWrapper(
                Q(parent__in=seen), output_field=models.BooleanField()
            )
        )

    def own_to(self, access):
        """The ids of the collaborations that are the user's own (their forces' and those
        named on their memberships), whatever their visibility."""
        return self.filter(
            Q(shares__force_id__in=access.forces) | Q(pk__in=access.collaborations)
        ).values("pk")


_QS = TypeVar("_QS", bound=models.QuerySet)


def within_visible_collaborations(queryset: _QS, user: Any, path: str) -> _QS:
    """`queryset` narrowed to the records whose collaboration (reached through `path`, e.g.
    'initiative__collaboration') `user` may see; not narrowed at all for those who read
    everything, so their queries carry no subquery."""
    access = access_for(user)
    if access.authenticated and access.reads_everything:
        return queryset.all()
    ids = _visible_ids(access)  # None for the signed-out: their access lists none
    if ids is not None:
        return queryset.filter(**{f"{path}__in": ids})
    return queryset.filter(**{f"{path}__in": Collaboration.objects.visible_to(user)})


class InitiativeQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """The initiatives of the collaborations `user` may see."""
        return within_visible_collaborations(self, user, "collaboration")


class Function(models.TextChoices):
    PROCUREMENT = "procurement", _("Procurement")
    VETTING = "vetting", _("Vetting")
    FORENSICS = "forensics", _("Forensics")
    FIREARMS = "firearms", _("Firearms")
    ROADS_POLICING = "roads_policing", _("Roads policing")
    MAJOR_CRIME = "major_crime", _("Major crime")
    ORGANISED_CRIME = "organised_crime", _("Organised crime")
    TRAINING = "training", _("Training")
    IT = "it", _("IT and digital")
    HR = "hr", _("HR")
    ESTATES = "estates", _("Estates")
    STRATEGIC = "strategic", _("Strategic alliance")
    OTHER = "other", _("Other")


class Stage(models.IntegerChoices):
    STRATEGIC_ASSESSMENT = 0, _("0 Strategic assessment")
    SOC = 1, _("1 Strategic outline case (SOC)")
    OBC = 2, _("2 Outline business case (OBC)")
    FBC = 3, _("3 Full business case (FBC)")
    IMPLEMENTATION = 4, _("4 Implementation")
    EVALUATION = 5, _("5 Evaluation and feedback")


class InitiativeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    CLOSED = "closed", _("Closed")


class Collaboration(Versioned, TimeStamped):
    name = models.CharField(verbose_name=_("name"), max_length=200, unique=True)
    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The collaboration this one sits within, e.g. a preferred partnership in 7F."),
    )
    purpose = models.TextField(
        verbose_name=_("purpose"), help_text=_("Why the forces collaborate, in plain English.")
    )
    objectives = models.TextField(
        verbose_name=_("objectives"), blank=True, help_text=_("One objective per line.")
    )
    function = models.CharField(
        verbose_name=_("function"), max_length=20, choices=Function.choices, default=Function.OTHER
    )
    lead_force = models.ForeignKey(
        "organisations.Force",
        verbose_name=_("lead force"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_collaborations",
    )
    legal_basis = models.CharField(
        verbose_name=_("legal basis"),
        max_length=200,
        default="Section 22A, Police Act 1996",
        blank=True,
    )
    visibility = models.CharField(
        verbose_name=_("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.POLICING,
    )
    forces = models.ManyToManyField(
        "organisations.Force", through="ForceShare", related_name="collaborations"
    )
    history = HistoricalRecords()

    objects = CollaborationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("collaboration-detail", args=[self.slug])

    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]

    def ancestors(self) -> list["Collaboration"]:
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain


class ForceShare(Versioned, models.Model):
    """A member force and its agreed share (percent) of the collaboration's costs and benefits."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="shares"
    )
    force = models.ForeignKey(
        "organisations.Force", on_delete=models.PROTECT, related_name="shares"
    )
    percent = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Share in percent, e.g. 14.2857. A collaboration's shares sum to exactly 100."),
    )
    basis = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("How the split was agreed, e.g. share of net revenue."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["force__name"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "force"], name="unique_force_share")
        ]

    def __str__(self) -> str:
        return f"{self.force}: {self.percent}%"


def months_on(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last = (following - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def next_review_due(day: datetime.date) -> datetime.date:
    """When an agreement reviewed (or signed) on `day` is next due for review."""
    return months_on(day, settings.REALISE_AGREEMENT_REVIEW_MONTHS)


class AgreementQuerySet(models.QuerySet):
    def in_force(self) -> Self:
        """Agreements not terminated: only these fall due for their annual review."""
        return self.filter(terminated_on__isnull=True)


class Agreement(Versioned, TimeStamped):
    """The legal agreement (usually Section 22A) behind a collaboration; reviewed every year."""

    collaboration = models.ForeignKey(
        Collaboration,
        on_delete=models.CASCADE,
        related_name="agreements",
        verbose_name=_("collaboration"),
    )
    title = models.CharField(verbose_name=_("title"), max_length=200)
    legal_basis = models.CharField(
        verbose_name=_("legal basis"), max_length=200, default="Section 22A, Police Act 1996"
    )
    signed_on = models.DateField(verbose_name=_("signed on"))
    review_due = models.DateField(
        verbose_name=_("review due"),
        blank=True,
        help_text=_("Defaults to a year after signing; each review sets the next."),
    )
    review_body = models.ForeignKey(
        "governance.GovernanceBody",
        verbose_name=_("responsible body"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements_reviewed",
        help_text=_(
            "The governance body that reviews the agreement; an overdue review stays "
            "on its agenda until recorded."
        ),
    )
    documents = models.ManyToManyField(
        "knowledge.Document",
        verbose_name=_("documents"),
        blank=True,
        related_name="agreements",
        help_text=_("The signed agreement and its schedules, kept in the repository."),
    )
    terminated_on = models.DateField(
        null=True, blank=True, editable=False, help_text=_("Set by a review that terminates it.")
    )
    notes = models.TextField(verbose_name=_("notes"), blank=True)
    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_on"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreement-detail", args=[self.collaboration.slug, self.pk])

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.review_due is None and self.signed_on:
            self.review_due = next_review_due(self.signed_on)
        super().save(*args, **kwargs)

    @property
    def is_terminated(self) -> bool:
        return self.terminated_on is not None

    def review_overdue(self, today: datetime.date) -> bool:
        return not self.is_terminated and self.review_due is not None and self.review_due < today


class PartyRole(models.TextChoices):
    PCC = "pcc", _("Police and Crime Commissioner (or PFCC, mayor)")
    CHIEF_CONSTABLE = "chief_constable", _("Chief Constable")


class AgreementParty(models.Model):
    """A party to an agreement: a member force's policing body (PCC) or its Chief Constable."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    force = models.ForeignKey(
        "organisations.Force", on_delete=models.PROTECT, related_name="agreement_parties"
    )
    role = models.CharField(max_length=20, choices=PartyRole.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["force__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "force", "role"], name="unique_agreement_party"
            )
        ]

    def __str__(self) -> str:
        """The party, in the language of the page (the audit trail asks in English)."""
        if self.role == PartyRole.PCC:
            return self.force.policing_body
        return self.force.chief_constable


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", _("Continue unchanged")
    VARY = "vary", _("Vary the agreement")
    TERMINATE = "terminate", _("Terminate the agreement")


class AgreementReview(models.Model):
    """A review of an agreement by a governance body, and when the next one falls due."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("date of review"))
    body = models.ForeignKey(
        "governance.GovernanceBody",
        verbose_name=_("deciding body"),
        on_delete=models.PROTECT,
        related_name="agreement_reviews",
    )
    outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices)
    notes = models.TextField(blank=True)
    next_review_due = models.DateField(
        null=True, blank=True, help_text=_("Empty when the review terminated the agreement.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"Review of {self.agreement} on {self.reviewed_on:%-d %B %Y}"

    @property
    def collaboration(self):
        return self.agreement.collaboration


class Initiative(Versioned, TimeStamped):
    """One piece of collaborative change, taken through the Green Book stages."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.PROTECT, related_name="initiatives"
    )
    name = models.CharField(verbose_name=_("name"), max_length=200)
    slug = models.SlugField(verbose_name=_("slug"), max_length=100, unique=True)
    sro = models.ForeignKey(
        "organisations.Person",
        verbose_name=_("senior responsible officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sro_initiatives",
    )
    stage = models.PositiveSmallIntegerField(
        choices=Stage.choices, default=Stage.STRATEGIC_ASSESSMENT
    )
    status = models.CharField(
        verbose_name=_("status"),
        max_length=10,
        choices=InitiativeStatus.choices,
        default=InitiativeStatus.ACTIVE,
    )
    purpose = models.TextField(verbose_name=_("purpose"), blank=True)
    start_date = models.DateField(verbose_name=_("start date"), null=True, blank=True)
    end_date = models.DateField(verbose_name=_("end date"), null=True, blank=True)
    history = HistoricalRecords()

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["collaboration__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "name"], name="unique_initiative_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("initiative-detail", args=[self.slug])


class StageDecision(models.Model):
    """A governance body's decision to move an initiative from one stage to another."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="decisions")
    from_stage = models.PositiveSmallIntegerField(choices=Stage.choices)
    to_stage = models.PositiveSmallIntegerField(choices=Stage.choices)
    body = models.ForeignKey(
        "governance.GovernanceBody",
        verbose_name=_("deciding body"),
        on_delete=models.PROTECT,
        related_name="stage_decisions",
    )
    decided_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True, help_text=_("For a move back: the reason."))
    move_back = models.BooleanField(
        default=False, help_text=_("A move back to an earlier stage, not a stage gate passed.")
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-recorded_at"]

    def __str__(self) -> str:
        moved = "moved back from" if self.move_back else "stage"
        return f"{self.initiative}: {moved} {self.from_stage} to {self.to_stage}"
