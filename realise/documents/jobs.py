"""Long documents and exports built in the background: board packs, highlight reports and
the register export.

A page that is asked for one calls `start_job`, which records a `DocumentJob` (what was
asked for, by whom) and queues `build_document_task` for the worker (`realise worker`);
the page redirects at once to the job's progress page. `run_job` builds the document with
the same builders the command line uses, as its requester sees the data, and keeps the
file with Django's storage. The requester, and only they, downloads it; whether they may
still see what it is about is checked again when they do.
"""

from __future__ import annotations

import datetime
import re
import tempfile
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from realise.benefits.realisation import parse_month
from realise.collaborations.models import Collaboration, Initiative
from realise.core.language import english
from realise.documents import building
from realise.documents.board_pack import build_board_pack
from realise.documents.highlight import build_highlight, find_report
from realise.documents.models import DocumentJob, DocumentKind
from realise.documents.render import render
from realise.governance.models import GovernanceBody
from realise.reports.register.xlsx import register_rows, register_scope, write_register

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# progress(done, total, message)
Progress = Callable[[int, int, str], None]

# The steps a job reports. Each is kept in English (`DocumentJob.message`, and what the
# command line's progress prints) and put into the reader's language when its page shows it
# (`step_shown`).
GATHERING = gettext_noop("Gathering the figures")
SAVING_PACK = gettext_noop("Saving the pack")
SAVING_REPORT = gettext_noop("Saving the report")
FINISHED = gettext_noop("Finished")
STEPS = frozenset({GATHERING, SAVING_PACK, SAVING_REPORT, FINISHED})
WRITING = re.compile(r"^Writing the ([A-Z]+)$")
ROWS = re.compile(r"^([0-9]+) of ([0-9]+) rows$")


def writing(format_: str) -> str:
    return f"Writing the {format_.upper()}"


def rows_done(done: int, total: int) -> str:
    return f"{done} of {total} rows"


def step_shown(message: str) -> str:
    """A step as kept (`STEPS`, `writing`, `rows_done`) in the language of the page, its
    numbers grouped in thousands ("1,200 of 48,000 rows"); anything else as it is kept."""
    if message in STEPS:
        return _(message)
    if found := WRITING.match(message):
        return _("Writing the %(format)s") % {"format": found[1]}
    if found := ROWS.match(message):
        return _("%(done)s of %(total)s rows") % {
            "done": f"{int(found[1]):,}",
            "total": f"{int(found[2]):,}",
        }
    return message


def start_job(kind: str, params: dict, *, user) -> DocumentJob:
    """Record the job and queue it for the worker once the request's transaction commits.
    A document asked for in Welsh is written in Welsh: the language, when it is not the
    default English, is kept with the job's parameters."""
    language = translation.get_language() or ""
    if language.startswith("cy"):
        params = {**params, "language": "cy"}
    job = DocumentJob.objects.create(kind=kind, params=params, requester=user)
    transaction.on_commit(lambda: build_document_task.enqueue(job.pk))
    return job


def jobs_of(user):
    """The user's own jobs (nobody else's are ever shown to them)."""
    if not user.is_authenticated:
        return DocumentJob.objects.none()
    return DocumentJob.objects.filter(requester=user)


# What a job is about, as its requester sees it now -------------------------------------------


def subject(job: DocumentJob) -> dict:
    """The objects the job is about, looked up among those the requester may see now;
    Http404 when one of them is no longer visible to them."""
    user, params = job.requester, job.params
    if not user.is_active:
        raise Http404("The requester's account is closed.")
    if job.kind == DocumentKind.BOARD_PACK:
        body = get_object_or_404(
            GovernanceBody.objects.visible_to(user).select_related("collaboration", "chair"),
            slug=params["body"],
        )
        return {"body": body}
    if job.kind == DocumentKind.HIGHLIGHT:
        initiative = get_object_or_404(
            Initiative.objects.visible_to(user).select_related("collaboration", "sro"),
            slug=params["initiative"],
        )
        return {"initiative": initiative}
    found: dict[str, Collaboration | Initiative | None] = {
        "collaboration": None,
        "initiative": None,
    }
    if params.get("collaboration"):
        found["collaboration"] = get_object_or_404(
            Collaboration.objects.visible_to(user), slug=params["collaboration"]
        )
    if params.get("initiative"):
        found["initiative"] = get_object_or_404(
            Initiative.objects.visible_to(user), slug=params["initiative"]
        )
    return found


# Builders: each writes the document to `out` and returns (filename, content type) ------------


def _board_pack(job: DocumentJob, found: dict, out, report: Progress) -> tuple[str, str]:
    params = job.params
    report(0, 3, GATHERING)
    day = datetime.date.fromisoformat(params["date"])
    document = build_board_pack(found["body"], day, marking=params["marking"], user=job.requester)
    report(1, 3, writing(params["format"]))
    rendered = render(document, params["format"])
    report(2, 3, SAVING_PACK)
    out.write(rendered.content)
    return rendered.filename, rendered.content_type


def _highlight(job: DocumentJob, found: dict, out, report: Progress) -> tuple[str, str]:
    params = job.params
    report(0, 3, GATHERING)
    month = parse_month(params["month"])
    initiative = found["initiative"]
    report_ = find_report(initiative, month)
    document = build_highlight(initiative, month, marking=params["marking"], report=report_)
    report(1, 3, writing(params["format"]))
    rendered = render(document, params["format"])
    report(2, 3, SAVING_REPORT)
    out.write(rendered.content)
    return rendered.filename, rendered.content_type


def _register(job: DocumentJob, found: dict, out, report: Progress) -> tuple[str, str]:
    user = job.requester
    scope = register_scope(
        Initiative.objects.visible_to(user),
        collaboration=found["collaboration"],
        initiative=found["initiative"],
    )
    filters = [
        (label, str(found[name]))
        for name, label in (("collaboration", "Collaboration"), ("initiative", "Initiative"))
        if found[name] is not None
    ]
    total = register_rows(scope)
    report(0, total, rows_done(0, total))
    write_register(
        out,
        scope,
        collaborations=Collaboration.objects.visible_to(user),
        reader=user,
        filters=filters,
        progress=lambda rows: report(min(rows, total), total, rows_done(rows, total)),
    )
    return f"realise-register-{timezone.localdate():%Y-%m-%d}.xlsx", XLSX


# What builds each kind of document (keyed by `DocumentJob.kind`).
BUILDERS: dict[str, Callable[[DocumentJob, dict, Any, Progress], tuple[str, str]]] = {
    DocumentKind.BOARD_PACK: _board_pack,
    DocumentKind.HIGHLIGHT: _highlight,
    DocumentKind.REGISTER_EXPORT: _register,
}


# Running a job -------------------------------------------------------------------------------


@task()
def build_document_task(job_id: int) -> str:
    """Build a queued board pack, highlight report or register export; returns its status."""
    return run_job(job_id).status


def run_job(job_id: int, progress: Progress | None = None) -> DocumentJob:
    """Build a queued job as its requester sees the data now; record the outcome."""
    job = DocumentJob.objects.select_related("requester").get(pk=job_id)
    own = DocumentJob.objects.filter(pk=job.pk)

    def report(done: int, total: int, message: str) -> None:
        job.done, job.total, job.message = done, total, message[:200]
        own.update(done=done, total=total, message=message[:200])
        if progress is not None:
            progress(done, total, message)

    def work() -> None:
        try:
            found = subject(job)
        except Http404 as missing:
            raise PermissionError("you may no longer see what it is about") from missing
        language = job.params.get("language") or settings.LANGUAGE_CODE
        with tempfile.TemporaryFile() as out, translation.override(language):
            filename, content_type = BUILDERS[job.kind](job, found, out, report)
            out.seek(0)
            job.file.save(filename, File(out, name=filename), save=False)
        job.filename, job.content_type = filename, content_type
        job.message = FINISHED
        job.done = job.total = max(job.total, 1)

    return building.run(
        job,
        work,
        lambda exc: f"The {english(job.get_kind_display).lower()} could not be built ({exc}).",
    )
