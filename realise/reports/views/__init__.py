"""Pages of the Excel register: download it, upload it, and follow an import."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_htmx.http import HttpResponseClientRefresh

from realise.benefits.models import Benefit
from realise.benefits.profile import monthly_series
from realise.collaborations.models import Collaboration, Initiative
from realise.core.context_processors import shows_people
from realise.core.language import force_name
from realise.core.permissions import access_for
from realise.core.views import ObjectPermissionMixin
from realise.organisations.models import Force
from realise.reports import charts
from realise.reports.context_processors import remember
from realise.reports.forms import (
    MappedUploadForm,
    MappingForm,
    RegisterExportForm,
    RegisterUploadForm,
    mapping_initial,
)
from realise.reports.mapped.grid import GridError, column_letter, read_grid
from realise.reports.mapped.mapping import (
    MappingError,
    guess_header_row,
    header_cells,
    locate,
    parse_mapping,
    suggest_columns,
)
from realise.reports.mapped.translate import import_mapped, preview
from realise.reports.models import ImportJob, ImportStatus, RegisterMapping
from realise.reports.register.jobs import (
    fail_stale_jobs,
    live_progress,
    run_again,
    start_import,
    start_mapped_import,
)
from realise.reports.register.xlsx import DATA_SHEETS
from realise.reports.worklist import worklist_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_PER_PAGE = 50
JOBS_PER_PAGE = 10


class RegisterView(LoginRequiredMixin, TemplateView):
    """The register's home: the export form, the upload link and your recent imports."""

    template_name = "reports/register.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(register_context(self.request, RegisterExportForm(user=self.request.user)))
        return context


def register_context(request, form: RegisterExportForm) -> dict:
    fail_stale_jobs()
    jobs = ImportJob.objects.filter(user=request.user)
    return {
        "form": form,
        "can_import": may_write_register(request.user),
        "jobs": Paginator(jobs, JOBS_PER_PAGE).get_page(request.GET.get("page")),
    }


class ImportUploadView(ObjectPermissionMixin, FormView):
    form_class = RegisterUploadForm
    template_name = "core/form_page.html"
    permission_required = "reports.add_importjob"
    extra_context = {"page_title": gettext_lazy("Import the register from Excel")}

    def get_permission_object(self):
        return None

    def form_valid(self, form):
        job = start_import(form.cleaned_data["file"], user=self.request.user)
        return redirect(job)


class StaleJobsFailedMixin:
    """A job whose process has gone is shown as failed, not as running for ever."""

    def get_object(self, queryset=None):
        fail_stale_jobs()
        return super().get_object(queryset)


class ImportStatusView(StaleJobsFailedMixin, ObjectPermissionMixin, DetailView):
    model = ImportJob
    permission_required = "reports.view_importjob"
    template_name = "reports/import_status.html"
    context_object_name = "job"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.object
        summary = [(sheet, job.summary.get(sheet, {})) for sheet in DATA_SHEETS if job.summary]
        context.update(
            progress=live_progress(job),
            summary=summary,
            errors=Paginator(job.errors, ERRORS_PER_PAGE).get_page(self.request.GET.get("page")),
            unlisted=max(job.error_count - len(job.errors), 0),
            notes=(job.summary or {}).get("notes", []),
            # Rows created or updated: none when the workbook was exported and imported unchanged.
            changed=sum(
                counts.get("created", 0) + counts.get("updated", 0) for _, counts in summary
            ),
        )
        return context


class ImportProgressView(StaleJobsFailedMixin, ObjectPermissionMixin, DetailView):
    """The progress bar alone, polled by htmx while the import runs; once it has finished,
    htmx is told to reload the page so it shows the outcome."""

    model = ImportJob
    permission_required = "reports.view_importjob"
    template_name = "reports/_import_progress.html"
    context_object_name = "job"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if request.htmx and not self.object.running:
            return HttpResponseClientRefresh()
        return self.render_to_response(
            self.get_context_data(object=self.object, progress=live_progress(self.object))
        )


# Bring your own register ----------------------------------------------------------------------


class MappedUploadView(ObjectPermissionMixin, FormView):
    """Upload a force's own register; its columns are mapped on the next page."""

    form_class = MappedUploadForm
    template_name = "reports/map_upload.html"
    permission_required = "reports.add_importjob"
    extra_context = {"page_title": gettext_lazy("Import your own register")}

    def get_permission_object(self):
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            read_grid(upload.read(), upload.name)
        except GridError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        upload.seek(0)
        saved = form.cleaned_data["saved"]
        job = ImportJob(
            original_name=upload.name[:255],
            user=self.request.user,
            status=ImportStatus.DRAFT,
            mapping=saved.mapping if saved else None,
        )
        job.file.save(upload.name, upload, save=False)
        job.save()
        return redirect("register-map", job.pk)


class MapRegisterView(ObjectPermissionMixin, DetailView):
    """Map the columns of an uploaded register, preview it, try it, import it."""

    model = ImportJob
    permission_required = "reports.view_importjob"
    template_name = "reports/map_register.html"
    context_object_name = "job"

    def get_queryset(self):
        return ImportJob.objects.filter(status=ImportStatus.DRAFT)

    @cached_property
    def grid(self):
        with self.object.file.open("rb") as stored:
            return read_grid(stored.read(), self.object.original_name)

    def form_for(self, data=None):
        grid = self.grid
        if data is not None:
            sheet_name, row = data.get("sheet"), data.get("header_row")
        else:
            initial = self.initial()
            sheet_name, row = initial["sheet"], initial["header_row"]
        sheet = grid.sheets.get(sheet_name) or grid.first_shown
        try:
            row = int(row)
        except (TypeError, ValueError):
            row = guess_header_row(sheet)
        headers = header_cells(sheet, row)
        self.sheet, self.header_row = sheet, row
        return MappingForm(
            data,
            initial=None if data is not None else self.initial(),
            sheets=grid.sheets.values(),
            headers=headers,
            user=self.request.user,
        )

    def initial(self) -> dict:
        grid, mapping = self.grid, self.object.mapping
        if mapping:
            initial = mapping_initial(mapping)
            sheet = grid.sheets.get(initial["sheet"])
            if sheet is not None and initial.get("header_row"):
                headers = header_cells(sheet, int(initial["header_row"]))
                for key, value in list(initial.items()):
                    if key.startswith("col_") and value:
                        with contextlib.suppress(ValueError):
                            initial[key] = headers.get(
                                locate(sheet, int(initial["header_row"]), value), value
                            )
            return initial
        sheet = grid.first_shown
        row = guess_header_row(sheet)
        initial = {"sheet": sheet.name, "header_row": row}
        for name, text in suggest_columns(sheet, row).items():
            initial[f"col_{name}"] = text
        return initial

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.file_removed_at:  # its page says so (register.retention)
            return redirect(self.object)
        return self.render_to_response(self.get_context_data(form=self.form_for()))

    def post(self, request, *args, **kwargs):
        self.object = job = self.get_object()
        if job.file_removed_at:
            return redirect(job)
        form = self.form_for(request.POST)
        action = request.POST.get("action", "preview")
        context = {"form": form}
        if action == "refresh" or not form.is_valid():
            return self.render_to_response(self.get_context_data(**context))
        data = form.mapping_json()
        try:
            mapping = parse_mapping(data)
        except MappingError as exc:
            context["problems"] = [str(exc)]
            return self.render_to_response(self.get_context_data(**context))
        job.mapping = data
        job.save(update_fields=["mapping"])
        saved = self.save_mapping(form, data)
        if saved:
            messages.success(
                request,
                _("The mapping is saved as '%(name)s' for %(collaboration)s.")
                % {"name": saved.name, "collaboration": saved.collaboration},
            )
        if action == "import":
            result = preview(self.grid, mapping, user=request.user)
            if not result.ok:
                context.update(problems=result.problems, notes=result.notes)
                return self.render_to_response(self.get_context_data(**context))
            rows = sum(1 for _ in self.grid.sheets[mapping.sheet].rows) - mapping.header_row
            job = start_mapped_import(job, data, rows=max(rows, 0))
            return redirect(job)
        if action == "dry-run":
            result = import_mapped(self.grid, mapping, user=request.user, dry_run=True)
            context.update(
                result=result, problems=result.problems, notes=result.notes, dry_run=True
            )
        else:
            result = preview(self.grid, mapping, user=request.user)
            context.update(
                result=result, problems=result.problems, notes=result.notes, previewed=True
            )
        return self.render_to_response(self.get_context_data(**context))

    def save_mapping(self, form, data):
        name = form.cleaned_data.get("save_as", "").strip()
        collaboration = form.cleaned_data.get("collaboration")
        if not name:
            return None
        if collaboration is None or not self.request.user.has_perm(
            "collaborations.change_collaboration", collaboration
        ):
            form.add_error(
                "collaboration", _("Choose a collaboration whose mappings you may change.")
            )
            return None
        saved, _created = RegisterMapping.objects.update_or_create(
            collaboration=collaboration,
            name=name,
            defaults={"mapping": data, "created_by": self.request.user},
        )
        return saved

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        sheet = self.sheet
        width = min(max((len(r) for r in sheet.rows[:12]), default=0), 26)
        context.update(
            sample_letters=[column_letter(i) for i in range(width)],
            sample_rows=[
                (number, ["" if v is None else v for v in (row + [None] * width)[:width]])
                for number, row in enumerate(sheet.rows[:12], start=1)
            ],
            header_row=self.header_row,
            field_rows=[form[name] for name in form.field_names],
            block_rows=[
                (form[f"block{i}_kind"], form[f"block{i}_first"], form[f"block{i}_last"])
                for i in form.block_names
            ],
        )
        return context


def may_write_register(user) -> bool:
    """Whether importing could change anything for this person: readers are not offered it."""
    access = access_for(user)
    return bool(
        access.administrator
        or access.programme_collaborations
        or access.lead_forces
        or access.lead_scopes
        or access.benefit_owner
    )


# Home: my work ----------------------------------------------------------------------------


class HomeView(TemplateView):
    """Signed in: what this person has to do, most urgent first. Otherwise: what Realise is."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_authenticated:
            context["worklist"] = worklist_for(user, timezone.localdate())
            remember(user, context["worklist"].count)
            access = access_for(user)
            context["can_record"] = bool(
                access.administrator
                or access.lead_forces
                or access.lead_scopes
                or access.programme_collaborations
                or Benefit.objects.filter(
                    Q(owner__user=user) | Q(measurement_owner__user=user)
                ).exists()
            )
            context["counts"] = {
                "collaborations": Collaboration.objects.visible_to(user).count(),
                "initiatives": Initiative.objects.visible_to(user).count(),
                "benefits": Benefit.objects.visible_to(user).count(),
            }
            context["collaborations"] = (
                Collaboration.objects.visible_to(user)
                .filter(parent__isnull=True)
                .annotate(initiative_count=Count("initiatives", distinct=True))
                .order_by("name")[:10]
            )
            context["can_add_collaboration"] = user.has_perm("collaborations.add_collaboration")
        return context


class ImportAgainView(ObjectPermissionMixin, View):
    """Run the workbook of a failed import again, as a new import (POST only)."""

    permission_required = "reports.view_importjob"

    def get_permission_object(self):
        return get_object_or_404(ImportJob, pk=self.kwargs["pk"])

    def post(self, request, pk):
        job = self.get_permission_object()
        if (
            not job.failed
            or job.file_removed_at  # the workbook is gone: its page says so
            or not request.user.has_perm("reports.add_importjob")
        ):
            return redirect(job)
        return redirect(run_again(job, user=request.user))


class BenefitChartView(View):
    """A benefit's cumulative baseline, plan and actuals as SVG (its page) or PNG, drawn from
    the same figures as the table beside it; `?force=ID` for one force's actuals. A visitor
    who is not signed in gets a published benefit's chart as its page shows it to them: of
    the verified actuals only."""

    def get(self, request, pk: int, fmt: str):
        if fmt not in charts.FORMATS:
            raise Http404("No such chart.")
        benefit = get_object_or_404(
            Benefit.objects.visible_to(request.user).select_related("initiative__collaboration"),
            pk=pk,
        )
        force = None
        if request.GET.get("force"):
            force = Force.objects.filter(
                shares__collaboration=benefit.initiative.collaboration,
                pk__in=[request.GET["force"]] if request.GET["force"].isdigit() else [],
            ).first()
            if force is None:
                raise Http404("No such force in this collaboration.")
        series = monthly_series(benefit, force=force, verified_only=not shows_people(request.user))
        names = {"reference": benefit.reference, "force": force_name(force)}
        if series["level"]:
            title = (
                gettext("%(reference)s: levels month by month (%(force)s)") % names
                if force
                else gettext("%(reference)s: levels month by month") % names
            )
        else:
            title = (
                gettext("%(reference)s: running totals (%(force)s)") % names
                if force
                else gettext("%(reference)s: running totals") % names
            )
        content = charts.cumulative(
            series["months"], unit=benefit.unit, title=title, fmt=fmt, level=series["level"]
        )
        response = HttpResponse(content, content_type=charts.FORMATS[fmt])
        response["Cache-Control"] = "private, no-cache"
        if fmt == "png":
            response["Content-Disposition"] = (
                content_disposition_header(False, f"{benefit.reference}.png")
                or f'inline; filename="benefit-{benefit.pk}.png"'
            )
        return response
