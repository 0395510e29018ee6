"""Highlight reports' narratives, and the closure of initiatives with the hand-over of their
outstanding benefits to business as usual."""

import datetime
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from realise.collaborations.models import Collaboration, Initiative
from realise.core.models import TimeStamped
from realise.core.permissions import access_for


class Marking(models.TextChoices):
    """Government Security Classifications: the protective marking printed on documents."""

    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"


class HighlightReport(TimeStamped):
    """What the programme team writes for an initiative's monthly highlight report; the
    figures come from the realisation engine when the report is produced."""

    initiative = models.ForeignKey(
        "collaborations.Initiative", on_delete=models.CASCADE, related_name="highlight_reports"
    )
    month = models.DateField(help_text=_("The month reported on (stored as its first day)."))
    progress = models.TextField(_("progress this month"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    issues = models.TextField(_("issues and risks"), blank=True)
    decisions_needed = models.TextField(
        _("decisions needed"), blank=True, help_text=_("Decisions asked of the governance bodies.")
    )
    author = models.ForeignKey(
        "organisations.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="highlight_reports",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marking = models.CharField(
        _("protective marking"), max_length=20, choices=Marking.choices, default=Marking.OFFICIAL
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["initiative__name", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "month"], name="unique_highlight_report")
        ]

    def __str__(self) -> str:
        return f"{self.initiative}: highlight report, {self.month:%B %Y}"

    def get_absolute_url(self) -> str:
        url = reverse("highlight-report", args=[self.initiative.slug])
        return f"{url}?month={self.month:%Y-%m}"

    @property
    def collaboration(self):
        return self.initiative.collaboration


class ClosureRecordQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """The closures of the initiatives `user` sees; an OFFICIAL-SENSITIVE one only for
        the collaboration's own forces (and whoever reads everything), as its lessons and
        report are."""
        access = access_for(user)
        seen = self.filter(initiative__in=Initiative.objects.visible_to(user).values("pk"))
        if access.reads_everything:
            return seen
        own = Collaboration.objects.own_to(access)
        return seen.filter(
            ~Q(marking=Marking.OFFICIAL_SENSITIVE) | Q(initiative__collaboration__in=own)
        )


class ClosureRecord(TimeStamped):
    """The closure of an initiative: who closed it and when, the benefits realised as
    computed at closure, the lessons it added to the lessons log, the post-implementation
    review and the closure report kept in the repository."""

    initiative = models.OneToOneField(
        "collaborations.Initiative", on_delete=models.PROTECT, related_name="closure"
    )
    closed_on = models.DateField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.TextField(_("closing summary"), blank=True)
    realised = models.JSONField(
        _("benefits realised"),
        default=dict,
        help_text=_("Money and hours planned and realised at closure, as computed then."),
    )
    lessons = models.ManyToManyField("knowledge.Lesson", blank=True, related_name="+")
    review = models.ForeignKey(
        "governance.PostImplementationReview",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document = models.ForeignKey(
        "knowledge.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The closure report in the repository."),
    )
    marking = models.CharField(
        _("protective marking"), max_length=20, choices=Marking.choices, default=Marking.OFFICIAL
    )
    history = HistoricalRecords(m2m_fields=[lessons])

    objects = ClosureRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-closed_on", "-pk"]

    def __str__(self) -> str:
        return f"Closure of {self.initiative}, {self.closed_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("initiative-closure", args=[self.initiative.slug])

    @property
    def collaboration(self):
        return self.initiative.collaboration


class BenefitHandover(TimeStamped):
    """A benefit not yet fully realised at closure, handed to a named owner in business as
    usual, with the measures that continue to be recorded."""

    closure = models.ForeignKey(ClosureRecord, on_delete=models.CASCADE, related_name="handovers")
    benefit = models.ForeignKey(
        "benefits.Benefit", on_delete=models.PROTECT, related_name="handovers"
    )
    bau_owner = models.ForeignKey(
        "organisations.Person",
        verbose_name=_("owner in business as usual"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    measurement_owner = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    continuing_measures = models.TextField(_("measures that continue"))
    previous_owner = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_measurement_owner = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["closure", "benefit__reference"]
        constraints = [
            models.UniqueConstraint(fields=["closure", "benefit"], name="unique_benefit_handover")
        ]

    def __str__(self) -> str:
        return f"{self.benefit.reference} handed to {self.bau_owner.name}"

    @property
    def collaboration(self):
        return self.closure.initiative.collaboration


class PackStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    BUILDING = "building", _("Being built")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")


class BackgroundBuild(models.Model):
    """A document built in the background (`realise.documents.building`): its state, when it
    ran, the heartbeat of the process building it and, if it failed, why."""

    status = models.CharField(max_length=10, choices=PackStatus.choices, default=PackStatus.QUEUED)
    error = models.TextField(blank=True, help_text=_("Why the build failed, if it did."))
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Last sign of life of the process building it.")
    )

    class Meta:
        abstract = True

    @property
    def running(self) -> bool:
        return self.status in (PackStatus.QUEUED, PackStatus.BUILDING)

    @property
    def stored_size(self) -> int | None:
        """The built file's size in bytes; None when no file is stored (any more)."""
        file = getattr(self, "file", None)
        if not file:
            return None
        try:
            return file.size
        except OSError:
            return None

    @property
    def kept_until(self) -> datetime.date | None:
        """The last day it is kept (the daily run removes it the day after, see
        `documents.retention`); None if it is kept for good."""
        days = settings.REALISE_DOCUMENT_DAYS
        if self.running or not days or self.finished_at is None:
            return None
        return timezone.localdate(self.finished_at) + datetime.timedelta(days=days)


class InspectionPack(BackgroundBuild):
    """One inspection pack of a collaboration (`realise.documents.inspection`): a ZIP of
    what the requester may see, built in the background with its progress kept here."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Whose view the pack holds; empty for a build from the command line."),
    )
    collaboration = models.ForeignKey(
        "collaborations.Collaboration", on_delete=models.CASCADE, related_name="+"
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Percent done."))
    step = models.CharField(max_length=200, blank=True, help_text=_("What is being done now."))
    with_evidence = models.BooleanField(
        default=False, help_text=_("Also hold the evidence files the requester may see.")
    )
    file = models.FileField(upload_to="inspection-packs/%Y/%m/", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Inspection pack of {self.collaboration} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("inspection-pack-status", args=[self.collaboration.slug, self.pk])

    @property
    def filename(self) -> str:
        return f"inspection-pack-{self.collaboration.slug}-{self.created_at:%Y-%m-%d}.zip"


class DocumentKind(models.TextChoices):
    BOARD_PACK = "board-pack", _("Board pack")
    HIGHLIGHT = "highlight", _("Highlight report")
    REGISTER_EXPORT = "register-export", _("Register export")


class DocumentJob(BackgroundBuild):
    """One long document or export (`realise.documents.jobs`) asked for on a page and built
    in the background, with its progress kept here; only its requester may follow it or
    download the result."""

    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    params = models.JSONField(
        default=dict, help_text=_("What was asked for (slugs, date, format).")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0, help_text=_("0 while the size is not known."))
    message = models.CharField(max_length=200, blank=True, help_text=_("What is being done now."))
    file = models.FileField(upload_to="documents/%Y/%m/", blank=True)
    filename = models.CharField(max_length=200, blank=True, help_text=_("The download's name."))
    content_type = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("document-job", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.status == PackStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
