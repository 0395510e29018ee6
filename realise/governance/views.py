"""Pages for governance: bodies and their calendars, meetings with agendas, the decisions
log, escalations and notifications. Every list is scoped to what the user may see."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_tables2 import SingleTableView

from realise.collaborations.forms import add_gate_errors
from realise.collaborations.models import Collaboration, Initiative
from realise.collaborations.services import GateRefused
from realise.core import language
from realise.core.context_processors import shows_people
from realise.core.history import set_history_user
from realise.core.inspection import record_if_inspected
from realise.core.paging import LastPageMixin
from realise.core.views import ObjectPermissionMixin, PostPermissionMixin
from realise.governance import deadlines, ics, services, workdays
from realise.governance.filtersets import BodyFilter, DecisionFilter
from realise.governance.forms import (
    ActionFormSet,
    BodyMemberForm,
    DecisionForm,
    EscalationForm,
    GovernanceBodyForm,
    MeetingForm,
    PostImplementationReviewForm,
    ResolutionForm,
)
from realise.governance.models import (
    Action,
    BodyMember,
    Decision,
    Escalation,
    GovernanceBody,
    Meeting,
    MeetingStatus,
    PostImplementationReview,
)
from realise.governance.tables import DecisionTable, GovernanceBodyTable

PAGE_SIZE = 20
RAISED_PAGE_SIZE = 10  # escalations raised by a body, on its page
GENERATE_MONTHS_AHEAD = 12


def _paginate(request, queryset, param: str, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


class VisibleObjectMixin:
    """Fetch the object from what the user may see: 404 for the signed-in, sign-in otherwise."""

    def visible_queryset(self):
        raise NotImplementedError

    def get_visible(self, **lookup):
        try:
            return self.visible_queryset().get(**lookup)
        except self.visible_queryset().model.DoesNotExist:
            if not self.request.user.is_authenticated:
                raise _SignInFirst() from None
            raise Http404("Not found, or not visible to you.") from None

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except _SignInFirst:
            return redirect_to_login(request.get_full_path())


class _SignInFirst(Exception):
    pass


# Bodies ------------------------------------------------------------------------------------


class BodyListView(LastPageMixin, SingleTableView):
    table_class = GovernanceBodyTable
    template_name = "governance/body_list.html"
    paginate_by = 25

    def get_queryset(self):
        today = timezone.localdate()
        upcoming = (
            Meeting.objects.filter(body=OuterRef("pk"), date__gte=today)
            .exclude(status=MeetingStatus.CANCELLED)
            .values("body")
            .annotate(first=Min("date"))
            .values("first")
        )
        queryset = BodyFilter(
            self.request.GET, GovernanceBody.objects.visible_to(self.request.user)
        ).qs
        return (
            queryset.select_related("collaboration")
            .annotate(
                next_meeting=Subquery(upcoming),
                open_escalations=Count(
                    "escalations_received",
                    filter=Q(escalations_received__resolved_at__isnull=True),
                    distinct=True,
                ),
            )
            .order_by("collaboration__name", "name")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_authenticated:
            context["unread"] = user.notifications.filter(read=False).count()
        return context


class BodyDetailView(VisibleObjectMixin, DetailView):
    template_name = "governance/body_detail.html"
    context_object_name = "body"

    def visible_queryset(self):
        return GovernanceBody.objects.visible_to(self.request.user).select_related(
            "collaboration", "chair", "escalates_to"
        )

    def get_object(self, queryset=None):
        return self.get_visible(slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        body, user, today = self.object, self.request.user, timezone.localdate()
        seen = Decision.objects.visible_to(user).values("pk")
        meetings = body.meetings.annotate(
            decision_count=Count("decisions", filter=Q(decisions__in=seen))
        )
        feed = reverse("body-ics", args=[body.slug])
        if user.is_authenticated and not (
            body.visibility == "public" and body.collaboration.visibility == "public"
        ):
            feed += "?" + urlencode({"token": ics.feed_token(user, body)})
        escalates_to = body.escalates_to
        if escalates_to is not None and not user.has_perm(
            "governance.view_governancebody", escalates_to
        ):
            escalates_to = None
        context.update(
            members=body.members.select_related("person", "represents_force"),
            upcoming=_paginate(
                self.request, meetings.filter(date__gte=today).order_by("date"), "upcoming"
            ),
            past=_paginate(self.request, meetings.filter(date__lt=today).order_by("-date"), "past"),
            escalations=Escalation.objects.visible_to(user)
            .filter(to_body=body, resolved_at__isnull=True)
            .select_related("from_body", "benefit")
            .order_by("raised_at"),
            raised=_paginate(
                self.request,
                Escalation.objects.visible_to(user)
                .filter(from_body=body)
                .select_related("to_body")
                .order_by("-raised_at", "-pk"),
                "raised",
                RAISED_PAGE_SIZE,
            ),
            escalates_to=escalates_to,
            next_meeting=services.next_meeting(body, today),
            feed_url=self.request.build_absolute_uri(feed),
            can_edit=user.has_perm("governance.change_governancebody", body),
            can_escalate=body.escalates_to_id is not None
            and user.has_perm("governance.add_escalation", body),
            gate_stages=[services.Stage(s).label for s in sorted(body.decides_stages or [])],
        )
        return context


class BodyFormMixin:
    form_class: type[GovernanceBodyForm] | None = GovernanceBodyForm
    template_name: str | None = "governance/body_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["collaboration"] = self.collaboration
        kwargs["user"] = self.request.user
        if getattr(self, "body", None) is not None:
            kwargs["instance"] = self.body
        return kwargs

    def form_valid(self, form):
        form.instance.collaboration = self.collaboration
        body = form.save(commit=False)
        # The body and, when its cadence changed, its future calendar, saved at once.
        outcome = services.save_body(body, user=self.request.user)
        form.save_m2m()
        messages.success(self.request, _("Saved %(name)s.") % {"name": body})
        tell_rescheduled(self.request, outcome)
        return redirect(body)


def tell_rescheduled(request, outcome: services.Rescheduled) -> None:
    """Say what a change of cadence did to the calendar: the meetings cancelled and added,
    the escalations moved on, and each meeting kept on the old cadence and why."""
    if outcome.until is not None and (outcome.cancelled or outcome.added):
        said = [
            ngettext(
                "The cadence changed: cancelled %(count)s meeting on the old cadence.",
                "The cadence changed: cancelled %(count)s meetings on the old cadence.",
                len(outcome.cancelled),
            )
            % {"count": len(outcome.cancelled)},
            ngettext(
                "Added %(count)s meeting on the new cadence up to %(day)s.",
                "Added %(count)s meetings on the new cadence up to %(day)s.",
                len(outcome.added),
            )
            % {
                "count": len(outcome.added),
                "day": formats.date_format(outcome.until, "j F Y"),
            },
        ]
        if outcome.relanded:
            said.append(
                ngettext(
                    "%(count)s escalation due at a cancelled meeting moved to the next meeting.",
                    "%(count)s escalations due at a cancelled meeting moved to the next meeting.",
                    len(outcome.relanded),
                )
                % {"count": len(outcome.relanded)}
            )
        messages.success(request, " ".join(said))
    for kept in outcome.kept:
        messages.warning(
            request,
            _(
                "Kept the meeting on %(day)s, which is not on the new cadence: %(reason)s "
                "Cancel or move it if the body will not meet then."
            )
            % {"day": formats.date_format(kept.meeting.date, "j F Y"), "reason": kept.reason},
        )


class BodyCreateView(LoginRequiredMixin, ObjectPermissionMixin, BodyFormMixin, FormView):
    permission_required = "governance.add_governancebody"

    @cached_property
    def collaboration(self):
        return get_object_or_404(
            Collaboration.objects.visible_to(self.request.user), slug=self.kwargs["slug"]
        )

    def get_permission_object(self):
        return self.collaboration

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=_("Add a governance body to %(collaboration)s")
            % {"collaboration": self.collaboration},
            **kwargs,
        )


class BodyChangeMixin(LoginRequiredMixin, VisibleObjectMixin, ObjectPermissionMixin):
    """The body named in the URL, for those who may change it."""

    permission_required = "governance.change_governancebody"

    def visible_queryset(self):
        return GovernanceBody.objects.visible_to(self.request.user).select_related("collaboration")

    @cached_property
    def body(self):
        return self.get_visible(slug=self.kwargs["slug"])

    def get_permission_object(self):
        return self.body


class BodyUpdateView(BodyChangeMixin, BodyFormMixin, FormView):
    @property
    def collaboration(self):
        return self.body.collaboration

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=_("Edit %(name)s") % {"name": self.body}, body=self.body, **kwargs
        )


class BodyMembersView(BodyChangeMixin, FormView):
    form_class = BodyMemberForm
    template_name = "governance/body_members.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "body": self.body, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            body=self.body,
            members=self.body.members.select_related("person", "represents_force"),
            **kwargs,
        )

    def form_valid(self, form):
        form.instance.body = self.body
        set_history_user(form.instance, self.request.user)
        member = form.save()
        messages.success(
            self.request,
            _("Added %(person)s (%(represents)s).")
            % {"person": member.person.name, "represents": member.represents},
        )
        return redirect("body-members", self.body.slug)


class BodyMemberRemoveView(LoginRequiredMixin, PostPermissionMixin, View):
    permission_required = "governance.change_governancebody"

    @cached_property
    def member(self):
        return get_object_or_404(
            BodyMember.objects.filter(
                body__in=GovernanceBody.objects.visible_to(self.request.user)
            ).select_related("body"),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.member.body

    def post(self, request, pk):
        member = self.member
        set_history_user(member, request.user)
        member.delete()
        messages.success(
            request,
            _("Removed %(person)s from %(body)s.")
            % {"person": member.person.name, "body": member.body},
        )
        return redirect("body-members", member.body.slug)


class BodyCalendarView(View):
    """The body's meetings as an iCalendar feed (a year back and everything ahead)."""

    def get(self, request, slug):
        body = get_object_or_404(GovernanceBody.objects.select_related("collaboration"), slug=slug)
        user = request.user
        token = request.GET.get("token")
        owner = ics.user_from_token(token, body) if token else None
        user = owner or user
        if not user.has_perm("governance.view_governancebody", body):
            raise Http404("No such calendar.")
        since = timezone.localdate() - datetime.timedelta(days=366)
        meetings = body.meetings.filter(date__gte=since).select_related(
            "body__collaboration", "body__chair__user"
        )
        base, domain = _feed_base(request)
        # A calendar program sends no language: a link's feed is in its owner's.
        speaking = language.of_user(owner) if owner else translation.get_language()
        with translation.override(speaking):
            text = ics.body_calendar(
                body,
                meetings.order_by("date")[:500],
                base_url=base,
                domain=domain,
                people=shows_people(user),
            )
        # As a page is: an inspector's read of a private body is audited, in the name of the
        # link's owner, without the link's token (a credential) in the trail.
        record_if_inspected(user, body, request.path)
        return _calendar_response(text, body.slug)


def _feed_base(request) -> tuple[str, str]:
    base = settings.REALISE_BASE_URL or request.build_absolute_uri("/")
    return base, urlparse(base).hostname or request.get_host().split(":")[0]


def _calendar_response(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    return response


DEADLINES_AHEAD = datetime.timedelta(days=400)


class MyCalendarView(LoginRequiredMixin, TemplateView):
    """My deadlines, and the personal feed link that carries them to my calendar: everything
    still overdue, however long ago it fell due, then what falls due in the next three
    months."""

    template_name = "governance/my_calendar.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        feed = reverse("my-calendar-ics") + "?" + urlencode({"token": ics.feed_token(user)})
        context.update(
            deadlines=deadlines.my_deadlines(user, None, today + datetime.timedelta(days=92)),
            feed_url=self.request.build_absolute_uri(feed),
            today=today,
        )
        return context

    def post(self, request):
        ics.revoke_feeds(request.user)
        messages.success(
            request,
            _(
                "New calendar links issued: the old links of your deadlines and of every body's "
                "calendar have stopped working. Subscribe again with the new links."
            ),
        )
        return redirect("my-calendar")


class MyCalendarFeedView(View):
    """The personal deadlines feed: needs its token, which names the user."""

    def get(self, request):
        user = ics.user_from_token(request.GET.get("token", ""))
        if user is None:
            raise Http404("No such calendar.")
        today = timezone.localdate()
        base, domain = _feed_base(request)
        # A calendar program sends no session or language: the feed is in its owner's.
        with translation.override(language.of_user(user)):
            found = deadlines.my_deadlines(user, None, today + DEADLINES_AHEAD)
            name = _("Realise deadlines of %(name)s") % {
                "name": user.get_full_name() or user.username
            }
            text = ics.deadlines_calendar(name, found, base_url=base, domain=domain)
        return _calendar_response(text, "my-deadlines")


# Meetings ----------------------------------------------------------------------------------


class MeetingGenerateView(LoginRequiredMixin, PostPermissionMixin, View):
    permission_required = "governance.add_meeting"

    @cached_property
    def body(self):
        return get_object_or_404(
            GovernanceBody.objects.visible_to(self.request.user), slug=self.kwargs["slug"]
        )

    def get_permission_object(self):
        return self.body

    def post(self, request, slug):
        body = self.body
        if not body.is_regular:
            messages.error(
                request,
                _("%(body)s has no regular cadence and first meeting date.") % {"body": body},
            )
            return redirect(body)
        today = timezone.localdate()
        until = services.add_months(today, GENERATE_MONTHS_AHEAD)
        created = services.generate_meetings(body, start=today, until=until, user=request.user)
        messages.success(
            request,
            ngettext(
                "Added %(count)s meeting to the calendar up to %(day)s.",
                "Added %(count)s meetings to the calendar up to %(day)s.",
                len(created),
            )
            % {"count": len(created), "day": formats.date_format(until, "j F Y")},
        )
        return redirect(body)


class MeetingFormView(LoginRequiredMixin, ObjectPermissionMixin, FormView):
    """Add or edit a meeting of `body`: the page is titled by `page_title()` and the saved
    meeting announced by `saved_message()`."""

    form_class = MeetingForm
    template_name = "governance/meeting_form.html"

    def page_title(self) -> str:
        raise NotImplementedError

    def saved_message(self, meeting) -> str:
        raise NotImplementedError

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "body": self.body}

    def get_context_data(self, **kwargs):
        return super().get_context_data(body=self.body, page_title=self.page_title(), **kwargs)

    def form_valid(self, form):
        form.instance.body = self.body
        set_history_user(form.instance, self.request.user)
        with transaction.atomic():
            # One meeting saved at a time per body: the same form sent twice adds one.
            GovernanceBody.objects.select_for_update().filter(pk=self.body.pk).first()
            problem = (
                None
                if form.instance.status == MeetingStatus.CANCELLED
                else services.meeting_day_problem(
                    self.body, form.instance.date, form.instance, form.instance.start_time
                )
            )
            if problem:
                form.add_error("date", problem)
                return self.form_invalid(form)
            meeting = form.save()
            # Escalations due at a cancelled meeting go on to the body's next one.
            services.reland_escalations(meeting, self.request.user)
        messages.success(self.request, self.saved_message(meeting))
        return redirect(meeting)


class MeetingCreateView(MeetingFormView):
    permission_required = "governance.add_meeting"

    @cached_property
    def body(self):
        return get_object_or_404(
            GovernanceBody.objects.visible_to(self.request.user).select_related("collaboration"),
            slug=self.kwargs["slug"],
        )

    def get_permission_object(self):
        return self.body

    def page_title(self) -> str:
        return _("Add a meeting of %(body)s") % {"body": self.body}

    def saved_message(self, meeting) -> str:
        return _("Added the meeting on %(day)s.") % {
            "day": formats.date_format(meeting.date, "j F Y")
        }


class MeetingUpdateView(MeetingFormView):
    permission_required = "governance.change_meeting"

    @cached_property
    def meeting(self):
        return get_object_or_404(
            Meeting.objects.visible_to(self.request.user).select_related("body__collaboration"),
            pk=self.kwargs["pk"],
        )

    @property
    def body(self):
        return self.meeting.body

    def get_permission_object(self):
        return self.meeting

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.meeting}

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)

    def page_title(self) -> str:
        return _("Edit %(name)s") % {"name": self.meeting}

    def saved_message(self, meeting) -> str:
        return _("Saved %(name)s.") % {"name": meeting}


class MeetingDetailView(VisibleObjectMixin, DetailView):
    template_name = "governance/meeting_detail.html"
    context_object_name = "meeting"

    def visible_queryset(self):
        return Meeting.objects.visible_to(self.request.user).select_related("body__collaboration")

    def get_object(self, queryset=None):
        return self.get_visible(pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting, user = self.object, self.request.user
        context.update(
            agenda=services.build_agenda(meeting, user),
            body=meeting.body,
            adjusted_reason=workdays.why_not_working(meeting.adjusted_from)
            if meeting.adjusted_from
            else None,
            today=timezone.localdate(),
            amber_percent=(settings.REALISE_RAG_AMBER * 100).normalize(),
            can_edit=user.has_perm("governance.change_meeting", meeting),
            can_decide=user.has_perm("governance.add_decision", meeting.body)
            and meeting.status != MeetingStatus.CANCELLED
            and services.meeting_date_problem(meeting) is None,
        )
        return context


# Decisions ---------------------------------------------------------------------------------


class DecisionCreateView(LoginRequiredMixin, ObjectPermissionMixin, FormView):
    form_class = DecisionForm
    template_name = "governance/decision_form.html"
    permission_required = "governance.add_decision"

    @cached_property
    def meeting(self):
        return get_object_or_404(
            Meeting.objects.visible_to(self.request.user).select_related("body__collaboration"),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.meeting.body

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["body"] = self.meeting.body
        kwargs["meeting"] = self.meeting
        initiative = self.request.GET.get("initiative")
        to_stage = self.request.GET.get("to_stage")
        if self.request.method == "GET" and initiative and initiative.isdigit():
            kwargs["initial"] = {"initiative": int(initiative)}
            if to_stage and to_stage.isdigit():
                kwargs["initial"]["to_stage"] = int(to_stage)
        return kwargs

    def get_actions(self):
        return ActionFormSet(
            self.request.POST or None,
            prefix="actions",
            form_kwargs={"decided_on": self.meeting.date, "user": self.request.user},
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("actions", self.get_actions())
        return super().get_context_data(
            meeting=self.meeting,
            page_title=_("Record a decision of %(meeting)s") % {"meeting": self.meeting},
            **kwargs,
        )

    def form_valid(self, form):
        actions = self.get_actions()
        if not actions.is_valid():
            return self.render_to_response(self.get_context_data(form=form, actions=actions))
        data = form.cleaned_data
        specs = [
            services.ActionSpec(a["text"], a.get("owner"), a.get("due_on"))
            for a in actions.cleaned_data
            if a and (a.get("text") or "").strip()
        ]
        try:
            decision = services.record_decision(
                self.meeting,
                text=data["text"],
                rationale=data["rationale"],
                initiative=data["initiative"],
                to_stage=data["to_stage"],
                visibility=data["visibility"],
                actions=specs,
                user=self.request.user,
            )
        except GateRefused as refused:
            add_gate_errors(form, refused.result)
            return self.render_to_response(
                self.get_context_data(form=form, actions=actions, gate=refused.result)
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form, actions=actions))
        messages.success(self.request, _("Decision recorded in the decisions log."))
        return redirect(decision.meeting)


class DecisionListView(LastPageMixin, SingleTableView):
    """The decisions log: every decision the user may see, searchable."""

    table_class = DecisionTable
    template_name = "governance/decision_list.html"
    paginate_by = 25

    def get_queryset(self):
        queryset = Decision.objects.visible_to(self.request.user).select_related(
            "body", "initiative"
        )
        queryset = DecisionFilter(self.request.GET, queryset).qs
        return queryset.order_by("-decided_on", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bodies"] = GovernanceBody.objects.visible_to(self.request.user).order_by("name")
        return context


class DecisionDetailView(VisibleObjectMixin, DetailView):
    template_name = "governance/decision_detail.html"
    context_object_name = "decision"

    def visible_queryset(self):
        return Decision.objects.visible_to(self.request.user).select_related(
            "body__collaboration", "meeting", "initiative", "stage_decision", "recorded_by"
        )

    def get_object(self, queryset=None):
        return self.get_visible(pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        actions = list(self.object.actions.select_related("owner"))
        for action in actions:
            action.can_complete = not action.done and user.has_perm(
                "governance.change_action", action
            )
        context.update(actions=actions, today=timezone.localdate())
        return context


class ActionDoneView(LoginRequiredMixin, PostPermissionMixin, View):
    permission_required = "governance.change_action"
    permission_denied_message = "You may not change this action."

    @cached_property
    def action(self):
        return get_object_or_404(
            Action.objects.filter(
                decision__in=Decision.objects.visible_to(self.request.user)
            ).select_related("decision__body__collaboration"),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.action

    def post(self, request, pk):
        action = self.action
        services.complete_action(action, user=request.user)
        messages.success(request, _("Action marked as done."))
        return redirect(action.decision)


# Post-implementation reviews ---------------------------------------------------------------


class PostImplementationReviewView(LoginRequiredMixin, ObjectPermissionMixin, FormView):
    """Record a post-implementation review as carried out: it then leaves the worklist, the
    reminders and the agendas."""

    form_class = PostImplementationReviewForm
    template_name = "governance/post_implementation_review.html"
    permission_required = "governance.change_postimplementationreview"

    @cached_property
    def review(self):
        return get_object_or_404(
            PostImplementationReview.objects.filter(
                initiative__in=Initiative.objects.visible_to(self.request.user)
            ).select_related("initiative__collaboration", "initiative__sro"),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.review

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.review}

    def get_context_data(self, **kwargs):
        title = _("Post-implementation review of %(initiative)s") % {
            "initiative": self.review.initiative.name
        }
        return super().get_context_data(
            review=self.review, page_title=title, today=timezone.localdate(), **kwargs
        )

    def form_valid(self, form):
        set_history_user(form.instance, self.request.user)
        review = form.save()
        messages.success(
            self.request,
            _("Recorded the post-implementation review of %(initiative)s.")
            % {"initiative": review.initiative.name},
        )
        return redirect(review.initiative)


# Escalations -------------------------------------------------------------------------------


class EscalationCreateView(LoginRequiredMixin, ObjectPermissionMixin, FormView):
    form_class = EscalationForm
    template_name = "governance/escalation_form.html"
    permission_required = "governance.add_escalation"

    @cached_property
    def body(self):
        return get_object_or_404(
            GovernanceBody.objects.visible_to(self.request.user).select_related(
                "collaboration", "escalates_to"
            ),
            slug=self.kwargs["slug"],
        )

    def get_permission_object(self):
        return self.body

    def has_permission(self):
        # Those who may escalate from a body with nowhere to escalate to find no such page;
        # everyone else is answered by the permission alone.
        allowed = super().has_permission()
        if allowed and self.body.escalates_to is None:
            raise Http404(f"{self.body} has no body to escalate to.")
        return allowed

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "body": self.body}
        benefit = self.request.GET.get("benefit")
        if self.request.method == "GET" and benefit and benefit.isdigit():
            kwargs["initial"] = {"kind": "benefit_off_track", "benefit": int(benefit)}
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            body=self.body,
            page_title=_("Escalate from %(body)s to %(to)s")
            % {"body": self.body, "to": self.body.escalates_to},
            landing=services.next_meeting(self.body.escalates_to, timezone.localdate()),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            escalation = services.escalate(
                self.body,
                kind=data["kind"],
                summary=data["summary"],
                benefit=data["benefit"],
                initiative=data["initiative"],
                user=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        where = (
            _("its meeting on %(day)s")
            % {"day": formats.date_format(escalation.meeting.date, "j F Y")}
            if escalation.meeting
            else _("its next meeting")
        )
        messages.success(
            self.request,
            _("Escalated to %(body)s: on the agenda of %(where)s.")
            % {"body": escalation.to_body, "where": where},
        )
        return redirect(escalation)


class EscalationDetailView(VisibleObjectMixin, DetailView):
    template_name = "governance/escalation_detail.html"
    context_object_name = "escalation"

    def visible_queryset(self):
        return Escalation.objects.visible_to(self.request.user).select_related(
            "from_body", "to_body", "benefit", "initiative", "meeting", "raised_by", "resolved_by"
        )

    def get_object(self, queryset=None):
        return self.get_visible(pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        escalation, user = self.object, self.request.user
        can_resolve = not escalation.is_resolved and user.has_perm(
            "governance.change_escalation", escalation
        )
        context.update(
            can_resolve=can_resolve,
            form=kwargs.get("form") or (ResolutionForm() if can_resolve else None),
            next_meeting=services.next_meeting(escalation.to_body, timezone.localdate())
            if not escalation.is_resolved
            else None,
        )
        return context


class EscalationResolveView(LoginRequiredMixin, PostPermissionMixin, View):
    permission_required = "governance.change_escalation"

    @cached_property
    def escalation(self):
        return get_object_or_404(
            Escalation.objects.visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.escalation

    def post(self, request, pk):
        escalation = self.escalation
        form = ResolutionForm(request.POST)
        if form.is_valid():
            try:
                services.resolve(
                    escalation, resolution=form.cleaned_data["resolution"], user=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Resolution recorded."))
                return redirect(escalation)
        view = EscalationDetailView()
        view.setup(request, pk=pk)
        view.object = view.get_object()
        return view.render_to_response(view.get_context_data(object=view.object, form=form))


# Notifications -----------------------------------------------------------------------------


class NotificationListView(LoginRequiredMixin, LastPageMixin, ListView):
    template_name = "governance/notifications.html"
    context_object_name = "notifications"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return self.request.user.notifications.order_by("read", "-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread"] = self.request.user.notifications.filter(read=False).count()
        return context


class NotificationOpenView(LoginRequiredMixin, View):
    def post(self, request, pk):
        notification = get_object_or_404(request.user.notifications, pk=pk)
        notification.read = True
        notification.save(update_fields=["read"])
        if notification.url and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}
        ):
            return redirect(notification.url)
        return redirect("governance-notifications")


class NotificationsReadView(LoginRequiredMixin, View):
    def post(self, request):
        count = request.user.notifications.filter(read=False).update(read=True)
        messages.success(
            request,
            ngettext(
                "Marked %(count)s notification as read.",
                "Marked %(count)s notifications as read.",
                count,
            )
            % {"count": count},
        )
        return redirect("governance-notifications")
