"""The progress page and the download of a document built in the background
(`realise.documents.jobs`). Only the job's requester sees either; anyone else, and the
requester once they may no longer see what the document is about, gets 404."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import TemplateView

from realise.documents.jobs import jobs_of, subject
from realise.documents.models import DocumentJob, PackStatus

REFRESH_SECONDS = 2


class DocumentJobMixin(LoginRequiredMixin):
    def job(self) -> DocumentJob:
        job = get_object_or_404(
            jobs_of(self.request.user).select_related("requester"), pk=self.kwargs["pk"]
        )
        subject(job)  # 404 if the requester may no longer see what it is about
        return job


class DocumentJobView(DocumentJobMixin, TemplateView):
    template_name = "documents/document_job.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(job=self.job(), refresh=REFRESH_SECONDS)
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
