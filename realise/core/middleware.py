"""Requests refused before any view sees them, so that no request of any shape gives a 500."""

from __future__ import annotations

from django.http import HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError

from realise.core.inputs import has_nul

NUL_MESSAGE = "The request carries a NUL character (\\x00) in '{name}'; remove it and try again."
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _nul_in(params) -> str | None:
    for key, values in params.lists():
        if has_nul(key):
            return key.replace("\x00", "\\x00")
        if any(has_nul(value) for value in values):
            return key
    return None


class RefuseNulMiddleware:
    """400 for a NUL character in a query parameter or a form field (name or value).

    PostgreSQL refuses NUL in text, so such a value would fail deep in a query; it is never
    meaningful in typed text, so it is refused here once for every page, filter and form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = "the address" if has_nul(request.path) else _nul_in(request.GET)
        if name is None and request.method == "POST" and request.content_type in FORM_TYPES:
            try:
                name = _nul_in(request.POST)
            except MultiPartParserError:
                name = None  # a broken upload is refused by the view's own parsing
        if name is not None:
            message = NUL_MESSAGE.format(name=name)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
