"""Pages of the central repository, the search, the public pages and the open data."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from realise.collaborations.decisions import decisions_of
from realise.collaborations.models import Agreement, Collaboration, ForceShare, Function, Initiative
from realise.core.cells import safe_cell
from realise.core.context_processors import shows_people
from realise.core.downloads import file_download
from realise.core.filtersets import PageFilterSet
from realise.core.paging import LastPageMixin
from realise.core.views import ObjectPermissionMixin
from realise.knowledge import datapackage, published, services
from realise.knowledge.filtersets import CatalogueFilter, DocumentFilter, LessonFilter
from realise.knowledge.forms import (
    DocumentEditForm,
    DocumentForm,
    LessonForm,
    SearchForm,
    VersionForm,
)
from realise.knowledge.models import (
    Document,
    DocumentKind,
    DocumentVersion,
    Lesson,
    Theme,
    visible_item_filter,
)
from realise.knowledge.search import related, search
from realise.organisations.models import Force, Region

PAGE_SIZE = 20

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for text in error.messages:
            form.add_error(None, text)


# The catalogue -------------------------------------------------------------------------------


class RepositoryHomeView(TemplateView):
    """The national catalogue: every collaboration the user may see, filterable."""

    template_name = "knowledge/repository_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, params = self.request.user, self.request.GET
        collaborations = CatalogueFilter(params, Collaboration.objects.visible_to(user)).qs
        selected = {name: params.get(name, "") for name in CatalogueFilter.base_filters}
        catalogue = (
            Collaboration.objects.filter(pk__in=collaborations.values("pk"))
            .with_parent_seen(user)
            .select_related("lead_force", "parent")
            .annotate(
                member_count=Count("shares", distinct=True),
                initiative_count=Count("initiatives", distinct=True),
                lesson_count=Count(
                    "lessons", filter=visible_item_filter(user, "lessons__"), distinct=True
                ),
            )
            .order_by("name")
        )
        page = Paginator(catalogue, PAGE_SIZE).get_page(params.get("page"))
        context.update(
            page=page,
            functions=Function.choices,
            forces=Force.objects.order_by("name"),
            regions=Region.objects.order_by("name"),
            selected=selected,
            recent_lessons=Lesson.objects.visible_to(user).select_related("collaboration")[:5],
            recent_documents=Document.objects.visible_to(user).select_related("collaboration")[:5],
            can_add_lesson=user.has_perm("knowledge.add_lesson", None),
            can_add_document=user.has_perm("knowledge.add_document", None),
        )
        return context


class CatalogueEntryView(ObjectPermissionMixin, DetailView):
    """One collaboration as the repository shows it: what it is, did, decided and learned."""

    model = Collaboration
    permission_required = "collaborations.view_collaboration"
    template_name = "knowledge/catalogue_entry.html"
    context_object_name = "collaboration"

    def get_queryset(self):
        return Collaboration.objects.select_related("lead_force", "parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        collaboration, user = self.object, self.request.user
        # Figures shown to the public count verified actuals only, as on the public pages.
        public_reader = not user.is_authenticated
        context.update(
            shares=collaboration.shares.select_related("force", "force__region"),
            agreement=collaboration.agreements.order_by("-signed_on").first(),
            # (governance sits beside knowledge: its bodies are reached through the relation)
            bodies=collaboration.bodies.visible_to(user),
            initiatives=collaboration.initiatives.select_related("sro"),
            summary=published.headline(collaboration, verified_only=public_reader),
            verified_only=published.VERIFIED_ONLY if public_reader else "",
            lessons=Lesson.objects.visible_to(user)
            .filter(collaboration=collaboration)
            .select_related("initiative")[:50],
            documents=Document.objects.visible_to(user)
            .filter(collaboration=collaboration)
            .select_related("initiative")[:50],
            # (governance sits beside knowledge: it registers how its decisions are found)
            decisions=decisions_of(collaboration, user),
            related=related(collaboration, user=user),
            can_add=user.has_perm("knowledge.add_lesson", Lesson(collaboration=collaboration)),
        )
        return context


# Lessons ------------------------------------------------------------------------------------


class RepositoryListView(LastPageMixin, ListView):
    """Lessons or documents the user may see, narrowed by one choice (`filter_name`) and
    by collaboration (`?collaboration=<slug>`), newest first."""

    paginate_by = PAGE_SIZE
    filterset_class: type[PageFilterSet]
    filter_name = ""
    filter_label: StrOrPromise = ""
    choices: list = []
    add_permission = ""
    ordering: str | Sequence[str] | None = ()
    noun = ""

    def visible(self):
        raise NotImplementedError

    def get_queryset(self):
        items = self.visible().select_related("collaboration", "initiative")
        items = self.filterset_class(self.request.GET, items).qs
        return items.order_by(*self.ordering)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_name=self.filter_name,
            filter_label=self.filter_label,
            filter_choices=self.choices,
            filter_selected=self.request.GET.get(self.filter_name, ""),
            can_add=self.request.user.has_perm(self.add_permission, None),
            noun=self.noun,
            nouns=f"{self.noun}s",
            **kwargs,
        )


class LessonListView(RepositoryListView):
    template_name = "knowledge/lesson_list.html"
    context_object_name = "lessons"
    filterset_class = LessonFilter
    filter_name, filter_label, choices = "theme", _("Theme"), Theme.choices
    add_permission = "knowledge.add_lesson"
    noun = "lesson"
    ordering = ("-date", "-pk")

    def visible(self):
        return Lesson.objects.visible_to(self.request.user)


class LessonDetailView(ObjectPermissionMixin, DetailView):
    model = Lesson
    permission_required = "knowledge.view_lesson"

    def get_queryset(self):
        return Lesson.objects.select_related("collaboration", "initiative", "author")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lesson, user = self.object, self.request.user
        context.update(
            related=related(lesson, user=user),
            can_edit=user.has_perm("knowledge.change_lesson", lesson),
            can_delete=user.has_perm("knowledge.delete_lesson", lesson),
            can_see_collaboration=user.has_perm(
                "collaborations.view_collaboration", lesson.collaboration
            ),
        )
        return context


class LessonFormMixin:
    form_class: type[LessonForm] | None = LessonForm
    template_name: str | None = "knowledge/item_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class LessonCreateView(LoginRequiredMixin, ObjectPermissionMixin, LessonFormMixin, FormView):
    permission_required = "knowledge.add_lesson"
    permission_denied_message = "You may not add lessons."

    def get_permission_object(self):
        return None

    def get_initial(self):
        initial = {"date": timezone.localdate()}
        slug = self.request.GET.get("collaboration")
        if slug:
            initial["collaboration"] = Collaboration.objects.filter(slug=slug).first()
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=_("Add a lesson"), cancel_url=reverse("lesson-list"), **kwargs
        )

    def form_valid(self, form):
        data = {k: v for k, v in form.cleaned_data.items()}
        try:
            lesson = services.create_lesson(user=self.request.user, **data)
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Added the lesson '%(lesson)s'.") % {"lesson": lesson})
        return redirect(lesson)


class LessonUpdateView(ObjectPermissionMixin, LessonFormMixin, FormView):
    permission_required = "knowledge.change_lesson"

    @cached_property
    def lesson(self):
        return get_object_or_404(Lesson, pk=self.kwargs["pk"])

    def get_permission_object(self):
        return self.lesson

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.lesson}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=_("Edit the lesson '%(lesson)s'") % {"lesson": self.lesson},
            cancel_url=self.lesson.get_absolute_url(),
            **kwargs,
        )

    def form_valid(self, form):
        lesson = Lesson.objects.get(pk=self.lesson.pk)
        try:
            services.update_lesson(lesson, user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved the lesson '%(lesson)s'.") % {"lesson": lesson})
        return redirect(lesson)


class DeleteConfirmView(ObjectPermissionMixin, TemplateView):
    """Ask, then delete through the service on POST."""

    template_name = "knowledge/confirm_delete.html"
    model: type[Lesson] | type[Document] | None = None
    service: Callable[..., None] | None = None
    done_url = ""

    @cached_property
    def item(self):
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    def get_permission_object(self):
        return self.item

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.item, **kwargs)

    def post(self, request, *args, **kwargs):
        name = str(self.item)
        type(self).service(self.item, user=request.user)
        messages.success(request, _("Deleted '%(name)s'.") % {"name": name})
        return redirect(self.done_url)


class LessonDeleteView(DeleteConfirmView):
    model = Lesson
    permission_required = "knowledge.delete_lesson"
    service = services.delete_lesson
    done_url = "lesson-list"


# Documents ----------------------------------------------------------------------------------


class DocumentListView(RepositoryListView):
    template_name = "knowledge/document_list.html"
    context_object_name = "documents"
    filterset_class = DocumentFilter
    filter_name, filter_label, choices = "kind", _("Kind"), DocumentKind.choices
    add_permission = "knowledge.add_document"
    noun = "document"
    ordering = ("-updated_at", "-pk")

    def visible(self):
        return Document.objects.visible_to(self.request.user).annotate(
            version_count=Count("versions")
        )


class DocumentDetailView(ObjectPermissionMixin, DetailView):
    model = Document
    permission_required = "knowledge.view_document"

    def get_queryset(self):
        return Document.objects.select_related("collaboration", "initiative").prefetch_related(
            Prefetch(
                "versions",
                queryset=DocumentVersion.objects.select_related("uploaded_by").order_by("-number"),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document, user = self.object, self.request.user
        context.update(
            versions=document.versions.all(),
            can_edit=user.has_perm("knowledge.change_document", document),
            can_delete=user.has_perm("knowledge.delete_document", document),
            can_see_collaboration=user.has_perm(
                "collaborations.view_collaboration", document.collaboration
            ),
        )
        return context


class DocumentCreateView(LoginRequiredMixin, ObjectPermissionMixin, FormView):
    form_class = DocumentForm
    template_name = "knowledge/item_form.html"
    permission_required = "knowledge.add_document"
    permission_denied_message = "You may not add documents."

    def get_permission_object(self):
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        slug = self.request.GET.get("collaboration")
        if slug:
            return {"collaboration": Collaboration.objects.filter(slug=slug).first()}
        return {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=_("Add a document"), cancel_url=reverse("document-list"), **kwargs
        )

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        upload, note = data.pop("file"), data.pop("note", "")
        try:
            document = services.create_document(
                user=self.request.user, upload=upload, note=note, **data
            )
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Added the document '%(document)s'.") % {"document": document}
        )
        return redirect(document)


class DocumentItemMixin(ObjectPermissionMixin):
    permission_required = "knowledge.change_document"

    @cached_property
    def document(self):
        return get_object_or_404(Document, pk=self.kwargs["pk"])

    def get_permission_object(self):
        return self.document


class DocumentUpdateView(DocumentItemMixin, FormView):
    form_class = DocumentEditForm
    template_name = "knowledge/item_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "instance": self.document,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=_("Edit the document '%(document)s'") % {"document": self.document},
            cancel_url=self.document.get_absolute_url(),
            **kwargs,
        )

    def form_valid(self, form):
        document = Document.objects.get(pk=self.document.pk)
        try:
            services.update_document(document, user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Saved the document '%(document)s'.") % {"document": document}
        )
        return redirect(document)


class VersionUploadView(DocumentItemMixin, FormView):
    form_class = VersionForm
    template_name = "knowledge/item_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=_("Upload a new version of '%(document)s'") % {"document": self.document},
            cancel_url=self.document.get_absolute_url(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            version = services.upload_version(
                self.document,
                user=self.request.user,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Uploaded version %(number)s.") % {"number": version.number}
        )
        return redirect(self.document)


class DocumentDeleteView(DeleteConfirmView):
    model = Document
    permission_required = "knowledge.delete_document"
    service = services.delete_document
    done_url = "document-list"


def document_download(request, pk: int, number: int):
    version = get_object_or_404(
        DocumentVersion.objects.select_related("document__collaboration"),
        document_id=pk,
        number=number,
    )
    if not request.user.has_perm("knowledge.view_document", version.document):
        raise Http404("No such document.")
    # A visitor gets a file built from the register naming no one, never the stored copy
    # its signed-in readers get (`services.public_copy`).
    copy = None if shows_people(request.user) else services.public_copy(version)
    try:
        stored = io.BytesIO(copy) if copy is not None else version.file.open("rb")
    except OSError as error:
        raise Http404("The version's file is missing.") from error
    response = file_download(
        stored,
        version.original_name,
        "document",
        content_type=version.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Search -------------------------------------------------------------------------------------


class SearchView(TemplateView):
    template_name = "knowledge/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SearchForm(self.request.GET or None)
        context["form"] = form
        if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
            results = search(form.cleaned_data["q"], user=self.request.user, filters=form.filters())
            context["searched"] = True
            # Only punctuation, common words or words to leave out: say so, not "0 results".
            context["nothing_to_search"] = not results.query
            context["page"] = Paginator(results, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return context


# Public pages -------------------------------------------------------------------------------


class PublicIndexView(LastPageMixin, ListView):
    template_name = "knowledge/public_index.html"
    paginate_by = PAGE_SIZE
    context_object_name = "collaborations"

    def get_queryset(self):
        return published.catalogue()

    def get_context_data(self, **kwargs):
        return super().get_context_data(verified_only=published.VERIFIED_ONLY, **kwargs)


class PublicCollaborationView(DetailView):
    template_name = "knowledge/public_collaboration.html"
    context_object_name = "collaboration"

    def get_queryset(self):
        return published.published_collaborations().select_related("lead_force")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        collaboration, anonymous = self.object, AnonymousUser()
        context.update(
            shares=collaboration.shares.select_related("force"),
            initiatives=collaboration.initiatives.all(),
            summary=published.headline(collaboration, verified_only=True),
            verified_only=published.VERIFIED_ONLY,
            lessons=Lesson.objects.visible_to(anonymous).filter(collaboration=collaboration)[:50],
            documents=Document.objects.visible_to(anonymous).filter(collaboration=collaboration)[
                :50
            ],
        )
        return context


class MeasuringBenefitsView(TemplateView):
    template_name = "knowledge/public_measuring.html"


# Open data ----------------------------------------------------------------------------------

LICENCE, LICENCE_URL = datapackage.LICENCE, datapackage.LICENCE_URL
COLLABORATION_COLUMNS = datapackage.columns(datapackage.COLLABORATION_FIELDS)
BENEFIT_COLUMNS = datapackage.columns(datapackage.BENEFIT_FIELDS)
MONTHLY_COLUMNS = datapackage.columns(datapackage.MONTHLY_FIELDS)


def _decimal(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def _month(value) -> str | None:
    return value.strftime("%Y-%m") if value else None


def collaboration_records(request) -> list[dict]:
    collaborations = published.catalogue().prefetch_related(
        Prefetch("shares", queryset=ForceShare.objects.select_related("force")),
        Prefetch("initiatives", queryset=Initiative.objects.order_by("name")),
        Prefetch("agreements", queryset=Agreement.objects.order_by("-signed_on")),
    )
    records = []
    for c in collaborations:
        agreements = list(c.agreements.all())
        records.append(
            {
                "slug": c.slug,
                "name": c.name,
                "purpose": c.purpose,
                "objectives": c.objective_list(),
                "function": c.function,
                "parent": c.parent.slug
                if c.parent_id and c.parent.visibility == "public"
                else None,
                "lead_force": c.lead_force.name if c.lead_force_id else None,
                "legal_basis": c.legal_basis,
                "agreement_review_due": agreements[0].review_due.isoformat()
                if agreements
                else None,
                "member_forces": [
                    {
                        "name": s.force.name,
                        "ons_code": s.force.ons_code,
                        "share_percent": f"{s.percent:.4f}",
                    }
                    for s in c.shares.all()
                ],
                "initiatives": [
                    {"name": i.name, "stage": i.stage, "status": i.status}
                    for i in c.initiatives.all()
                ],
                "realised_money_gbp": _decimal(c.realised_money),
                "realised_hours": _decimal(c.realised_hours),
                "url": request.build_absolute_uri(reverse("public-collaboration", args=[c.slug])),
                "disbenefit_money_gbp": _decimal(c.disbenefit_money),
                "net_money_gbp": _decimal(c.net_money),
                "disbenefit_hours": _decimal(c.disbenefit_hours),
                "net_hours": _decimal(c.net_hours),
            }
        )
    return records


def benefit_records() -> list[dict]:
    records = []
    for b in published.published_benefits():
        records.append(
            {
                "collaboration": b.collaboration_slug,
                "initiative": b.initiative.name,
                "initiative_stage": b.initiative.stage,
                "reference": b.reference,
                "title": b.title,
                "category": b.category or None,
                "subcategory": b.subcategory or None,
                "direction": b.direction or None,
                "measure": b.measure,
                "unit": b.unit,
                "nature": b.nature,
                "cashable": b.cashable,
                "is_disbenefit": b.is_disbenefit,
                "identified_in_business_case": b.identified_in_business_case,
                "status": b.status,
                "baseline_value": _decimal(b.baseline_value),
                "target_value": _decimal(b.target_value),
                "target_date": b.target_date.isoformat() if b.target_date else None,
                "realised_total": _decimal(b.realised_total),
                "measurement_count": b.measurement_count,
                "first_period": _month(b.first_period),
                "last_period": _month(b.last_period),
            }
        )
    return records


def _open_headers(response, filename: str):
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=900"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _json(data_key: str, records: list[dict], filename: str) -> JsonResponse:
    payload = {
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "figures": published.VERIFIED_ONLY,
        "count": len(records),
        data_key: records,
    }
    return _open_headers(JsonResponse(payload, json_dumps_params={"ensure_ascii": False}), filename)


class _Echo:
    def write(self, value):
        return value


def _csv(columns: list[str], rows, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(columns)
        for row in rows:
            yield writer.writerow([_cell(row.get(column)) for column in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    return _open_headers(response, filename)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = "; ".join(_cell_item(v) for v in value)
    return safe_cell(str(value))  # keep spreadsheet programs from running it as a formula


def _cell_item(value) -> str:
    if isinstance(value, dict):
        return str(value.get("name", json.dumps(value)))
    return str(value)


def _flatten_collaboration(record: dict) -> dict:
    return {
        **record,
        "member_forces": [s["name"] for s in record["member_forces"]],
        "member_force_codes": [s["ons_code"] for s in record["member_forces"]],
        "initiatives": [
            f"{i['name']} (stage {i['stage']}, {i['status']})" for i in record["initiatives"]
        ],
    }


class OpenDataView(TemplateView):
    template_name = "knowledge/open_data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            collaboration_columns=COLLABORATION_COLUMNS,
            benefit_columns=BENEFIT_COLUMNS,
            monthly_columns=MONTHLY_COLUMNS,
            licence=LICENCE,
            licence_url=LICENCE_URL,
            verified_only=published.VERIFIED_ONLY,
            **kwargs,
        )


def open_collaborations_json(request):
    return _json("collaborations", collaboration_records(request), "collaborations.json")


def open_collaborations_csv(request):
    rows = (_flatten_collaboration(r) for r in collaboration_records(request))
    return _csv(COLLABORATION_COLUMNS, rows, "collaborations.csv")


def open_benefits_json(request):
    return _json("benefits", benefit_records(), "benefits.json")


def open_benefits_csv(request):
    return _csv(BENEFIT_COLUMNS, benefit_records(), "benefits.csv")


def monthly_records() -> list[dict]:
    return [
        {**row, "planned": _decimal(row["planned"]), "actual": _decimal(row["actual"])}
        for row in published.monthly_rows()
    ]


def open_monthly_json(request):
    return _json("months", monthly_records(), "monthly.json")


def open_monthly_csv(request):
    return _csv(MONTHLY_COLUMNS, monthly_records(), "monthly.csv")


def open_datapackage(request):
    """Every CSV file of the open data as a Frictionless Data Package."""
    payload = datapackage.descriptor(request.build_absolute_uri(reverse("open-data")))
    return _open_headers(
        JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 2}),
        "datapackage.json",
    )
