"""The inspection pack pages: ask for a pack of a collaboration, follow it, download it.

Only inspectors, administrators and the collaboration's programme team see them, and only
for a collaboration they can see; a requester sees only their own packs. Anyone else gets
404 on every one of these addresses, as if the collaboration had no such page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from realise.documents.building import as_shown, fail_stale_now
from realise.documents.inspection import packs_of, requestable, start_pack
from realise.documents.models import InspectionPack, PackStatus

REFRESH_SECONDS = 2


class CollaborationPackMixin(LoginRequiredMixin):
    request: HttpRequest
    kwargs: Any

    @cached_property
    def collaboration(self):
        return get_object_or_404(requestable(self.request.user), slug=self.kwargs["slug"])

    def pack(self) -> InspectionPack:
        pack = get_object_or_404(
            packs_of(self.request.user, self.collaboration), pk=self.kwargs["pk"]
        )
        return as_shown(pack)  # failed, not waited for, once its process has gone


class InspectionPackView(CollaborationPackMixin, TemplateView):
    template_name = "documents/inspection_pack.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fail_stale_now()  # a pack whose process has gone is listed as failed
        context.update(
            collaboration=self.collaboration,
            packs=packs_of(self.request.user, self.collaboration)[:10],
        )
        return context

    def post(self, request, *args, **kwargs):
        pack = start_pack(
            self.collaboration,
            user=request.user,
            with_evidence=request.POST.get("with_evidence") == "yes",
        )
        return redirect(pack)


class InspectionPackStatusView(CollaborationPackMixin, TemplateView):
    template_name = "documents/inspection_pack_status.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(collaboration=self.collaboration, pack=self.pack(), refresh=REFRESH_SECONDS)
        return context


class InspectionPackDownloadView(CollaborationPackMixin, View):
    def get(self, request, *args, **kwargs):
        pack = self.pack()
        if pack.status != PackStatus.DONE or not pack.file:
            raise Http404("The pack is not ready.")
        try:
            stored = pack.file.open("rb")
        except OSError as error:
            raise Http404("The pack's file is missing.") from error
        return FileResponse(
            stored, as_attachment=True, filename=pack.filename, content_type="application/zip"
        )
