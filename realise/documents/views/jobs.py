"""The progress page and the download of a document built in the background
(`realise.documents.jobs`). Only the job's requester sees either; anyone else, and the
requester once they may no longer see what the document is about, gets 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import TemplateView

from realise.documents.building import as_shown
from realise.documents.jobs import jobs_of, start_job, step_shown, subject
from realise.documents.models import DocumentJob, DocumentKind, PackStatus
from realise.reports.forms import RegisterExportForm
from realise.reports.views import RegisterView, register_context

REFRESH_SECONDS = 2


class DocumentJobMixin(LoginRequiredMixin):
    request: HttpRequest
    kwargs: Any

    def job(self) -> DocumentJob:
        job = get_object_or_404(
            jobs_of(self.request.user).select_related("requester"), pk=self.kwargs["pk"]
        )
        subject(job)  # 404 if the requester may no longer see what it is about
        return as_shown(job)  # failed, not waited for, once its process has gone


class DocumentJobView(DocumentJobMixin, TemplateView):
    template_name = "documents/document_job.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job()
        context.update(job=job, step=step_shown(job.message), refresh=REFRESH_SECONDS)
        return context


class DocumentJobDownloadView(DocumentJobMixin, View):
    def get(self, request, *args, **kwargs):
        job = self.job()
        if job.status != PackStatus.DONE or not job.file:
            raise Http404("The document is not ready.")
        try:
            stored = job.file.open("rb")
        except OSError as error:
            raise Http404("The document's file is missing.") from error
        return FileResponse(
            stored, as_attachment=True, filename=job.filename, content_type=job.content_type
        )


class RegisterExportView(LoginRequiredMixin, View):
    """The register (of what the user may see) as one workbook, built in the background:
    the form's choices start the job and the user is sent to its progress page."""

    def get(self, request):
        form = RegisterExportForm(request.GET, user=request.user)
        if not form.is_valid():
            context = register_context(request, form)
            return render(request, RegisterView.template_name, context, status=400)
        params = {
            name: (value.slug if value is not None else None)
            for name, value in (
                ("collaboration", form.cleaned_data["collaboration"]),
                ("initiative", form.cleaned_data["initiative"]),
            )
        }
        return redirect(start_job(DocumentKind.REGISTER_EXPORT, params, user=request.user))
