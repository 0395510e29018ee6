"""Inspectors read everything, private collaborations included: what they open is recorded.

`InspectionAuditMiddleware` writes one audit record (action `view`) for each page of a
private record an inspector opens: a record of a private collaboration, or one that is
private itself (a lesson, document, body or decision), and each such record an inspector
reads through the API (`via` "api", from `DomainReading.retrieve`). The record names the
page; it is
chained and hashed like every other audit record, so the inspected can see who looked.
"""

from __future__ import annotations

from django.db import models

from realise.core.audit import Entry, append, collaboration_id_of
from realise.core.models import AuditAction
from realise.core.permissions import access_for, collaboration_model

# Where a page keeps the record it shows, most specific first.
CONTEXT_NAMES = (
    "object",
    "decision",
    "meeting",
    "escalation",
    "lesson",
    "document",
    "option",
    "benefit",
    "body",
    "initiative",
    "collaboration",
)


def opened_record(context: dict | None):
    """The record a page shows, from its template context (None: a list or other page)."""
    for name in CONTEXT_NAMES:
        value = (context or {}).get(name)
        if isinstance(value, models.Model) and value.pk is not None:
            return value
    return None


def is_private(record) -> bool:
    if getattr(record, "visibility", None) == "private":
        return True
    collaboration_id = collaboration_id_of(record)
    model = collaboration_model()  # registered by the collaborations app
    if collaboration_id is None or model is None:
        return False
    return model.objects.filter(pk=collaboration_id, visibility="private").exists()


def record_view(user, record, page: str, via: str = "page") -> None:
    append(
        [
            Entry(
                user_id=user.pk,
                username=user.get_username(),
                action=AuditAction.VIEW,
                model=record._meta.label_lower,
                object_id=str(record.pk),
                object_repr=str(record)[:200],
                collaboration_id=collaboration_id_of(record),
                via=via,
                before=None,
                after={"page": page[:500]},
            )
        ]
    )


def record_if_inspected(user, record, page: str, via: str = "page") -> None:
    """Write the view to the audit trail when an inspector opens a private record."""
    if user is None or not user.is_authenticated or not access_for(user).inspector:
        return
    if record is not None and is_private(record):
        record_view(user, record, page, via=via)


class InspectionAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        context = getattr(response, "context_data", None)
        if context:
            record_if_inspected(
                getattr(request, "user", None), opened_record(context), request.get_full_path()
            )
        return response
