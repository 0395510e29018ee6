"""The central repository: lessons learned, documents with their versions, and the search index."""

from __future__ import annotations

import uuid
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from realise.collaborations.models import OPEN_VISIBILITIES, Collaboration, ForceShare, Stage
from realise.core.inputs import FIRST_MONTH
from realise.core.models import TimeStamped, Visibility
from realise.core.permissions import access_for
from realise.core.uploads import storage_name

# Who sees a lesson or document: whoever may see both it and its collaboration; the
# narrowest visibility wins, so a private lesson is seen only by its collaboration's own
# forces (and programme team), however open the collaboration is. The same filter scopes
# the repository search index.


def visible_item_filter(user, prefix: str = "") -> Q:
    """A Q over lessons, documents or search entries: anything with its own `visibility`
    and a `collaboration` (with `prefix`, e.g. 'lesson__')."""
    access = access_for(user)
    if access.reads_everything:
        return Q()
    # The collaboration's visibility is tested through a small list of collaborations
    # rather than a join, so that a long list of items is filtered from one index.
    own_field, collaboration_field = f"{prefix}visibility", f"{prefix}collaboration_id__in"
    if not access.authenticated:
        public = Collaboration.objects.filter(visibility="public").values("pk")
        return Q(**{own_field: "public", collaboration_field: public})
    open_collaborations = Collaboration.objects.filter(visibility__in=OPEN_VISIBILITIES)
    open_to_policing = Q(
        **{
            f"{own_field}__in": OPEN_VISIBILITIES,
            collaboration_field: open_collaborations.values("pk"),
        }
    )
    member_of = ForceShare.objects.filter(force_id__in=access.forces).values("collaboration_id")
    own = Q(**{f"{prefix}collaboration_id__in": member_of}) | Q(
        **{f"{prefix}collaboration_id__in": access.collaborations}
    )
    # Items of no collaboration (networks and their resources in the search index): their
    # own visibility alone decides, and nothing of theirs is public.
    no_collaboration = Q(
        **{f"{prefix}collaboration_id__isnull": True, f"{own_field}__in": OPEN_VISIBILITIES}
    )
    return open_to_policing | own | no_collaboration


class ItemQuerySet(models.QuerySet):
    """Lessons or documents."""

    def visible_to(self, user: Any) -> Self:
        """The lessons or documents `user` may see."""
        return self.filter(visible_item_filter(user))


class Theme(models.TextChoices):
    GOVERNANCE = "governance", _("Governance")
    BENEFITS = "benefits", _("Benefits")
    WORKFORCE = "workforce", _("Workforce")
    TECHNOLOGY = "technology", _("Technology")
    FINANCE = "finance", _("Finance")
    PROCUREMENT = "procurement", _("Procurement")
    LEGAL = "legal", _("Legal")
    PARTNERSHIP = "partnership", _("Partnership")


class Lesson(TimeStamped):
    """One entry in a collaboration's lessons-learned log."""

    collaboration = models.ForeignKey(
        "collaborations.Collaboration",
        verbose_name=_("collaboration"),
        on_delete=models.CASCADE,
        related_name="lessons",
    )
    initiative = models.ForeignKey(
        "collaborations.Initiative",
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
    )
    title = models.CharField(
        verbose_name=_("title"), max_length=200, help_text=_("The lesson in one line.")
    )
    stage = models.PositiveSmallIntegerField(
        verbose_name=_("stage"),
        choices=Stage.choices,
        null=True,
        blank=True,
        help_text=_("The business-case stage the lesson was learned at."),
    )
    theme = models.CharField(verbose_name=_("theme"), max_length=20, choices=Theme.choices)
    what_happened = models.TextField(verbose_name=_("what happened"))
    what_to_repeat = models.TextField(_("what to repeat"), blank=True)
    what_to_avoid = models.TextField(_("what to avoid"), blank=True)
    recommendation = models.TextField(verbose_name=_("recommendation"), blank=True)
    author = models.ForeignKey(
        "organisations.Person",
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    date = models.DateField(
        verbose_name=_("date"), help_text=_("When the lesson was learned or logged.")
    )
    visibility = models.CharField(
        verbose_name=_("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.POLICING,
    )
    history = HistoricalRecords()

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """A lesson is dated when it was learned or logged: not in the future, and not before
        the first month Realise records."""
        super().clean()
        if self.date is None:
            return
        day = date_format(self.date, "j F Y")
        if self.date > timezone.localdate():
            raise ValidationError(
                {
                    "date": _(
                        "A lesson is recorded once it has been learned: %(day)s is in the future."
                    )
                    % {"day": day}
                }
            )
        if self.date < FIRST_MONTH:
            raise ValidationError(
                {
                    "date": _("A lesson's date is on or after %(first)s: %(day)s is before it.")
                    % {"first": date_format(FIRST_MONTH, "j F Y"), "day": day}
                }
            )

    def get_absolute_url(self) -> str:
        return reverse("lesson-detail", args=[self.pk])


class DocumentKind(models.TextChoices):
    BUSINESS_CASE = "business_case", _("Business case")
    AGREEMENT = "agreement", _("Agreement")
    CLOSURE_REPORT = "closure_report", _("Closure report")
    HIGHLIGHT_REPORT = "highlight_report", _("Highlight report")
    EVALUATION = "evaluation", _("Evaluation")
    OTHER = "other", _("Other")


class Document(TimeStamped):
    """A document kept in the repository; its file lives in versions, newest last."""

    collaboration = models.ForeignKey(
        "collaborations.Collaboration",
        verbose_name=_("collaboration"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    initiative = models.ForeignKey(
        "collaborations.Initiative",
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=DocumentKind.choices)
    stage = models.PositiveSmallIntegerField(
        verbose_name=_("stage"),
        choices=Stage.choices,
        null=True,
        blank=True,
        help_text=_("For a business case: the stage it was written for."),
    )
    title = models.CharField(verbose_name=_("title"), max_length=200)
    description = models.TextField(verbose_name=_("description"), blank=True)
    visibility = models.CharField(
        verbose_name=_("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.POLICING,
    )
    history = HistoricalRecords()

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("document-detail", args=[self.pk])

    @property
    def current_version(self) -> DocumentVersion | None:
        return self.versions.order_by("-number").first()


def version_path(instance: DocumentVersion, filename: str) -> str:
    return f"documents/{instance.document_id}/{uuid.uuid4().hex}/{storage_name(filename)}"


class DocumentVersion(models.Model):
    """One uploaded file of a document. Versions are never changed once uploaded."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_path, max_length=300)
    original_name = models.CharField(max_length=255)
    file_type = models.CharField(
        max_length=10, help_text=_("Detected from the content: pdf, docx...")
    )
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(help_text=_("Bytes."))
    extracted_text = models.TextField(blank=True)
    note = models.CharField(
        max_length=300, blank=True, help_text=_("What changed in this version.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["extracted_text"])

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_document_version")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    def get_download_url(self) -> str:
        return reverse("document-download", args=[self.document_id, self.number])


class SearchEntry(models.Model):
    """One searchable item (collaboration, initiative, benefit, lesson, document, decision).

    Rows are written by `realise.knowledge.indexing` whenever the item changes. The text
    index itself is database-specific and kept in step by the database: on PostgreSQL a
    generated `tsvector` column with a GIN index, on SQLite an FTS5 table maintained by
    triggers (both created by migration 0002).
    """

    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    collaboration = models.ForeignKey(
        "collaborations.Collaboration",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    visibility = models.CharField(
        max_length=10,
        choices=Visibility.choices,
        help_text=_("The item's own visibility; its collaboration's visibility applies as well."),
    )
    theme = models.CharField(max_length=20, blank=True)
    stage = models.PositiveSmallIntegerField(null=True)
    date = models.DateField(null=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="unique_search_entry")
        ]
        indexes = [
            models.Index(fields=["collaboration", "kind"], name="searchentry_collab_kind"),
            # Covers every column the visibility rules and filters read, so that SQLite
            # can list the entries a caller may see without reading their long bodies.
            models.Index(
                fields=["visibility", "collaboration", "kind", "theme", "stage", "date"],
                name="searchentry_visible",
            ),
        ]
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"
