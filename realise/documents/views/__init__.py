"""Pages for highlight reports, board packs and closure, and the downloads of each document."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from realise.benefits.realisation import add_months, parse_month
from realise.collaborations.models import Initiative, InitiativeStatus
from realise.core import language
from realise.core.views import ObjectPermissionMixin, PostPermissionMixin
from realise.documents import closure as closure_content
from realise.documents.forms import (
    BoardPackForm,
    ClosureForm,
    DownloadForm,
    HandoverForm,
    HighlightMonthForm,
    HighlightReportForm,
    LessonForm,
    LessonFormSet,
    closure_plan,
)
from realise.documents.highlight import find_report, month_problem
from realise.documents.jobs import start_job
from realise.documents.models import ClosureRecord, DocumentKind, Marking
from realise.documents.render import PDF, Rendered, render
from realise.documents.services import (
    ClosureRefused,
    Problem,
    check_closure,
    close_initiative,
    save_highlight_report,
)
from realise.governance.models import GovernanceBody
from realise.governance.services import next_meeting
from realise.knowledge.models import Lesson


def file_response(rendered: Rendered) -> HttpResponse:
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response


def download_options(request, marking: str = Marking.OFFICIAL) -> tuple[str, str]:
    """(format, marking) from the query string: PDF and `marking` unless chosen."""
    form = DownloadForm(
        {
            "format": request.GET.get("format") or PDF,
            "marking": request.GET.get("marking") or marking,
        }
    )
    if not form.is_valid():
        raise Http404("No such format or protective marking.")
    return form.cleaned_data["format"], form.cleaned_data["marking"]


def last_month(today: datetime.date | None = None) -> datetime.date:
    return add_months(today or timezone.localdate(), -1)


class InitiativeMixin(LoginRequiredMixin):
    """The initiative named in the URL, if the user may see it."""

    @cached_property
    def initiative(self):
        return get_object_or_404(
            Initiative.objects.visible_to(self.request.user).select_related("collaboration", "sro"),
            slug=self.kwargs["slug"],
        )


# Highlight reports -------------------------------------------------------------------------


class HighlightReportView(InitiativeMixin, PostPermissionMixin, TemplateView):
    """An initiative's highlight report on a month: the narrative form and the downloads."""

    template_name = "documents/highlight.html"
    permission_required = "documents.add_highlightreport"

    def get_permission_object(self):
        return self.initiative

    @cached_property
    def month_form(self) -> HighlightMonthForm:
        return HighlightMonthForm(self.request.GET if "month" in self.request.GET else None)

    @cached_property
    def month(self) -> datetime.date:
        if self.month_form.is_bound and self.month_form.is_valid():
            return self.month_form.cleaned_data["month"]
        return last_month()

    @property
    def month_refused(self) -> bool:
        """A month asked for that cannot be reported on (not a month, or not yet ended): the
        page names it, and offers neither the narrative nor the downloads of another month."""
        return self.month_form.is_bound and not self.month_form.is_valid()

    @property
    def can_write(self) -> bool:
        return not self.month_refused and self.request.user.has_perm(
            "documents.add_highlightreport", self.initiative
        )

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        report = find_report(self.initiative, self.month)
        if form is None and self.can_write:
            initial = {"marking": report.marking if report else Marking.OFFICIAL}
            if report:
                initial.update(
                    progress=report.progress,
                    issues=report.issues,
                    decisions_needed=report.decisions_needed,
                    next_steps=report.next_steps,
                )
            form = HighlightReportForm(initial=initial)
        context.update(
            initiative=self.initiative,
            month=self.month,
            month_form=self.month_form,
            report=report,
            form=form,
            can_write=self.can_write,
            month_refused=self.month_refused,
            download_form=DownloadForm(
                initial={"marking": report.marking if report else Marking.OFFICIAL}
            ),
            download_url=reverse(
                "highlight-download", args=[self.initiative.slug, f"{self.month:%Y-%m}"]
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        if self.month_refused:  # never saved to another month than the one asked for
            return self.render_to_response(self.get_context_data(), status=400)
        form = HighlightReportForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        save_highlight_report(
            self.initiative,
            self.month,
            user=request.user,
            marking=data["marking"],
            progress=data["progress"],
            issues=data["issues"],
            decisions_needed=data["decisions_needed"],
            next_steps=data["next_steps"],
        )
        messages.success(
            request,
            _("Highlight report for %(month)s saved.") % {"month": language.month_year(self.month)},
        )
        url = reverse("highlight-report", args=[self.initiative.slug])
        return redirect(f"{url}?month={self.month:%Y-%m}")


class HighlightDownloadView(InitiativeMixin, View):
    def get(self, request, slug, month):
        try:
            day = parse_month(month)
        except ValueError:
            raise Http404("No such month.") from None
        if month_problem(day):
            raise Http404("No report on a month not yet ended.")
        report = find_report(self.initiative, day)
        format_, marking = download_options(request, report.marking if report else Marking.OFFICIAL)
        params = {
            "initiative": self.initiative.slug,
            "month": f"{day:%Y-%m}",
            "format": format_,
            "marking": marking,
        }
        return redirect(start_job(DocumentKind.HIGHLIGHT, params, user=request.user))


# Board packs -------------------------------------------------------------------------------


class BoardPackView(LoginRequiredMixin, TemplateView):
    """Choose a meeting date, format and marking; with them, the pack itself."""

    template_name = "documents/board_pack_form.html"

    @cached_property
    def body(self):
        return get_object_or_404(
            GovernanceBody.objects.visible_to(self.request.user).select_related(
                "collaboration", "chair"
            ),
            slug=self.kwargs["slug"],
        )

    def get(self, request, *args, **kwargs):
        form = BoardPackForm(request.GET if "date" in request.GET else None)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            params = {
                "body": self.body.slug,
                "date": data["date"].isoformat(),
                "format": data["format"],
                "marking": data["marking"],
            }
            return redirect(start_job(DocumentKind.BOARD_PACK, params, user=request.user))
        if not form.is_bound:
            upcoming = next_meeting(self.body, timezone.localdate())
            form = BoardPackForm(
                initial={"date": upcoming.date if upcoming else timezone.localdate()}
            )
        return self.render_to_response(self.get_context_data(form=form, body=self.body))


# Closure -----------------------------------------------------------------------------------


class ClosureView(InitiativeMixin, ObjectPermissionMixin, TemplateView):
    """Close an initiative: lessons, the benefits realised, hand-over and review date."""

    template_name = "documents/closure_form.html"
    permission_required = "documents.close_initiative"

    def get_permission_object(self):
        return self.initiative

    def dispatch(self, request, *args, **kwargs):
        # Once closed, whoever may see the initiative is sent to its closure record, before
        # (and whatever) the permission to close it.
        if request.user.is_authenticated and self.initiative.status == InitiativeStatus.CLOSED:
            closures = ClosureRecord.objects.visible_to(request.user)
            if closures.filter(initiative=self.initiative).exists():
                return redirect("initiative-closure", self.initiative.slug)
            raise Http404("This initiative was closed without the closure workflow.")
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def today(self) -> datetime.date:
        return timezone.localdate()

    @cached_property
    def outstanding(self):
        return closure_content.outstanding_benefits(self.initiative)

    def forms(self, data=None):
        form = ClosureForm(data)
        lessons = LessonFormSet(data, prefix="lessons")
        handovers = [
            HandoverForm(data, benefit=benefit, user=self.request.user)
            for benefit in self.outstanding
        ]
        return form, lessons, handovers

    def get_context_data(self, form=None, lessons=None, handovers=None, problems=(), **kwargs):
        context = super().get_context_data(**kwargs)
        if form is None:
            form, lessons, handovers = self.forms()
        realised = closure_content.benefits_realised(self.initiative, self.today)
        context.update(
            initiative=self.initiative,
            form=form,
            lessons=lessons,
            handovers=handovers,
            problems=[
                {
                    "message": problem.message,
                    "href": "#close" if problem.field == "__all__" else f"#id_{problem.field}",
                }
                for problem in problems
            ],
            realised_rows=closure_content.realised_rows(realised),
            realised=realised,
        )
        return context

    def post(self, request, *args, **kwargs):
        if "more_lessons" in request.POST:
            data = request.POST.copy()
            # A count that is not a whole number (or is out of range) counts as no lessons yet.
            count = (data.get("lessons-TOTAL_FORMS") or "").strip()
            total = int(count) if count.isascii() and count.isdigit() else 0
            data["lessons-TOTAL_FORMS"] = str(min(total + 1, 50))
            form, lessons, handovers = self.forms(data)
            return self.render_to_response(
                self.get_context_data(form=form, lessons=lessons, handovers=handovers)
            )
        form, lessons, handovers = self.forms(request.POST)
        type_errors = [
            self._type_error(item, name, error)
            for item in (form, *lessons.forms, *handovers)
            if not item.is_valid()
            for name, errors in item.errors.items()
            for error in errors
        ]
        if not lessons.is_valid() and lessons.non_form_errors():
            type_errors += [Problem("__all__", str(e)) for e in lessons.non_form_errors()]
        plan = closure_plan(form, lessons, handovers, self.today)
        # A field whose value is of the wrong kind is named once, as such, not also as missing.
        wrong = {problem.field for problem in type_errors} - {"__all__"}
        problems = [
            problem
            for problem in check_closure(
                self.initiative, plan, outstanding=self.outstanding, today=self.today
            )
            if problem.field not in wrong
        ]
        if not (type_errors or problems):
            try:
                close_initiative(self.initiative, plan, user=request.user, today=self.today)
            except ClosureRefused as refused:
                problems = refused.problems
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s is closed. Its lessons are in the lessons log and its "
                        "closure report is in the repository."
                    )
                    % {"name": self.initiative.name},
                )
                return redirect("initiative-closure", self.initiative.slug)
        self._attach(problems, form, lessons, handovers)
        context = self.get_context_data(
            form=form, lessons=lessons, handovers=handovers, problems=type_errors + problems
        )
        return self.render_to_response(context, status=400)

    @staticmethod
    def _type_error(form, name: str, error: str) -> Problem:
        """A value of the wrong kind (a date that is not one...), named by its field, and
        by its lesson or benefit when the form holds one of several."""
        if name == "__all__" or name not in form.fields:
            return Problem("__all__", str(error))
        label = str(form.fields[name].label or name)
        if isinstance(form, LessonForm):
            index = int(str(form.prefix).rsplit("-", 1)[-1])
            item = _("Lesson %(number)s") % {"number": index + 1}
        elif isinstance(form, HandoverForm):
            item = f"{form.benefit.reference} {form.benefit.title}"
        else:
            return Problem(form.add_prefix(name), f"{label}: {error}")
        words = {"item": item, "field": label[:1].lower() + label[1:], "error": error}
        return Problem(form.add_prefix(name), _("%(item)s, %(field)s: %(error)s") % words)

    @staticmethod
    def _attach(problems, form, lessons, handovers) -> None:
        """Show each problem beside the field it is about."""
        by_prefix = {item.prefix: item for item in handovers}
        for problem in problems:
            parts = problem.field.split("-")
            if parts[0] == "lessons" and len(parts) == 3 and parts[1].isdigit():
                index = int(parts[1])
                if index < len(lessons.forms):
                    lessons.forms[index].add_error(parts[2], problem.message)
                    continue
            if parts[0] == "handover" and len(parts) == 3:
                target = by_prefix.get(f"handover-{parts[1]}")
                if target is not None:
                    target.add_error(parts[2], problem.message)
                    continue
            if problem.field in form.fields:
                form.add_error(problem.field, problem.message)


class ClosureRecordMixin(InitiativeMixin):
    request: HttpRequest

    @cached_property
    def record(self) -> ClosureRecord:
        return get_object_or_404(
            ClosureRecord.objects.visible_to(self.request.user).select_related(
                "review", "document", "closed_by"
            ),
            initiative=self.initiative,
        )


class ClosureDetailView(ClosureRecordMixin, TemplateView):
    template_name = "documents/closure_detail.html"

    def visible_document(self):
        document = self.record.document
        if document and self.request.user.has_perm("knowledge.view_document", document):
            return document
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.record
        context.update(
            initiative=self.initiative,
            record=record,
            handovers=record.handovers.select_related(
                "benefit", "bau_owner", "measurement_owner", "previous_owner"
            ),
            lessons=record.lessons.filter(
                pk__in=Lesson.objects.visible_to(self.request.user).values("pk")
            ).order_by("pk"),
            realised_rows=closure_content.realised_rows(record.realised),
            document=record.document
            if record.document
            and self.request.user.has_perm("knowledge.view_document", record.document)
            else None,
            download_form=DownloadForm(initial={"marking": record.marking}),
            download_url=reverse("closure-download", args=[self.initiative.slug]),
        )
        return context


class ClosureDownloadView(ClosureRecordMixin, View):
    def get(self, request, slug):
        record = self.record
        format_, marking = download_options(request, record.marking)
        stored = record.document.current_version if record.document else None
        # Signed-in readers only (`InitiativeMixin`): the copy that names people is theirs.
        if (
            format_ == PDF
            and marking == record.marking
            and stored is not None
            and request.user.has_perm("knowledge.view_document", record.document)
        ):
            with stored.file.open("rb") as handle:
                content = handle.read()
            return file_response(Rendered(content, f"closure-{slug}.pdf", stored.content_type))
        document = closure_content.build_closure(record, marking=marking)
        return file_response(render(document, format_))
