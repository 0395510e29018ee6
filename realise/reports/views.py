"""Pages of the Excel register: download it, upload it, and follow an import."""

from __future__ import annotations

import tempfile

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_htmx.http import HttpResponseClientRefresh

from realise.core.permissions import visible_collaborations, visible_initiatives
from realise.core.views import ObjectPermissionMixin
from realise.reports.forms import RegisterExportForm, RegisterUploadForm
from realise.reports.models import ImportJob
from realise.reports.register_jobs import live_progress, start_import
from realise.reports.register_xlsx import DATA_SHEETS, register_scope, write_register

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
    jobs = ImportJob.objects.filter(user=request.user)
    return {
        "form": form,
        "jobs": Paginator(jobs, JOBS_PER_PAGE).get_page(request.GET.get("page")),
    }


class RegisterExportView(LoginRequiredMixin, View):
    """The register (of what the user may see) as one workbook, streamed to a temporary
    file and sent as a download."""

    def get(self, request):
        form = RegisterExportForm(request.GET, user=request.user)
        if not form.is_valid():
            context = register_context(request, form)
            return render(request, RegisterView.template_name, context, status=400)
        scope = register_scope(
            visible_initiatives(request.user),
            collaboration=form.cleaned_data["collaboration"],
            initiative=form.cleaned_data["initiative"],
        )
        out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
        write_register(out, scope, collaborations=visible_collaborations(request.user))
        out.seek(0)
        name = f"realise-register-{timezone.localdate():%Y-%m-%d}.xlsx"
        return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


class ImportUploadView(ObjectPermissionMixin, FormView):
    form_class = RegisterUploadForm
    template_name = "core/form_page.html"
    permission_required = "reports.add_importjob"
    extra_context = {"page_title": "Import the register from Excel"}

    def get_permission_object(self):
        return None

    def form_valid(self, form):
        job = start_import(form.cleaned_data["file"], user=self.request.user)
        return redirect(job)


class ImportStatusView(ObjectPermissionMixin, DetailView):
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
        )
        return context


class ImportProgressView(ObjectPermissionMixin, DetailView):
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
