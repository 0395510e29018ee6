"""The pipeline's pages: lists (per collaboration and national), one opportunity, add, edit
and turning it into an initiative. What the reader may not see answers 404.

The pipeline is for signed-in users only, even a public collaboration's: ideas before a
business case (future tenders, say) are not published."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, TemplateView, UpdateView
from django_tables2 import SingleTableView

from realise.collaborations.models import Collaboration
from realise.core.history import set_history_user
from realise.core.paging import LastPageMixin
from realise.core.versioning import VersionConflictMixin
from realise.core.views import ObjectPermissionMixin
from realise.knowledge.models import Lesson
from realise.pipeline.filtersets import PipelineFilter
from realise.pipeline.forms import OpportunityForm
from realise.pipeline.models import Opportunity, OpportunityStatus
from realise.pipeline.services import (
    WEIGHTED_UNITS,
    money_and_hours,
    turn_into_initiative,
    visible_opportunities,
)
from realise.pipeline.tables import OpportunityTable


class _SignInFirst(Exception):
    pass


class VisibleMixin:
    """Objects come from what the user may see: 404 when signed in, sign-in otherwise."""

    def not_visible(self):
        if not self.request.user.is_authenticated:
            raise _SignInFirst
        raise Http404("Not found, or not visible to you.")

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except _SignInFirst:
            return redirect_to_login(request.get_full_path())


class PipelineListView(LoginRequiredMixin, VisibleMixin, LastPageMixin, SingleTableView):
    """The national pipeline, or one collaboration's (with `slug`)."""

    table_class = OpportunityTable
    template_name = "pipeline/opportunity_list.html"
    paginate_by = 25

    @cached_property
    def collaboration(self):
        slug = self.kwargs.get("slug")
        if slug is None:
            return None
        collaboration = (
            Collaboration.objects.visible_to(self.request.user).filter(slug=slug).first()
        )
        if collaboration is None:
            self.not_visible()
        return collaboration

    @cached_property
    def filterset(self):
        queryset = visible_opportunities(self.request.user)
        if self.collaboration is not None:
            queryset = queryset.filter(collaboration=self.collaboration)
        return PipelineFilter(
            self.request.GET or None, queryset, request=self.request, within=self.collaboration
        )

    def filtered(self):
        return self.filterset.qs.all()

    def get_queryset(self):
        return (
            self.filtered()
            .select_related("collaboration", "owner")
            .annotate(weighted_units=WEIGHTED_UNITS)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            collaboration=self.collaboration,
            filters=self.filterset.form,
            totals=money_and_hours(self.filtered()),
            filters_applied=self.filterset.filtered,
            can_add=self.collaboration is not None
            and user.has_perm(
                "pipeline.add_opportunity", Opportunity(collaboration=self.collaboration)
            ),
        )
        return context


class OpportunityObjectMixin(VisibleMixin):
    def get_object(self, queryset=None):
        try:
            return (
                visible_opportunities(self.request.user)
                .select_related("collaboration", "owner", "lesson", "initiative")
                .get(pk=self.kwargs["pk"])
            )
        except Opportunity.DoesNotExist:
            self.not_visible()


class OpportunityDetailView(LoginRequiredMixin, OpportunityObjectMixin, DetailView):
    template_name = "pipeline/opportunity_detail.html"
    context_object_name = "opportunity"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, opportunity = self.request.user, self.object
        context.update(
            can_edit=user.has_perm("pipeline.change_opportunity", opportunity),
            can_turn=opportunity.initiative_id is None
            and opportunity.status != OpportunityStatus.REJECTED
            and user.has_perm("pipeline.change_opportunity", opportunity)
            and user.has_perm("collaborations.add_initiative", opportunity.collaboration),
            history=opportunity.history.select_related("history_user")[:20],
            # The lesson it came from is named only to readers who may see the lesson.
            lesson=Lesson.objects.visible_to(user).filter(pk=opportunity.lesson_id).first()
            if opportunity.lesson_id
            else None,
        )
        return context


class OpportunityCreateView(VisibleMixin, ObjectPermissionMixin, CreateView):
    model = Opportunity
    form_class = OpportunityForm
    template_name = "pipeline/opportunity_form.html"
    permission_required = "pipeline.add_opportunity"

    @cached_property
    def collaboration(self):
        collaboration = (
            Collaboration.objects.visible_to(self.request.user)
            .filter(slug=self.kwargs["slug"])
            .first()
        )
        if collaboration is None:
            self.not_visible()
        return collaboration

    def get_permission_object(self):
        return Opportunity(collaboration=self.collaboration)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "collaboration": self.collaboration,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(collaboration=self.collaboration, **kwargs)

    def form_valid(self, form):
        set_history_user(form.instance, self.request.user)
        messages.success(
            self.request, _("Added %(title)s to the pipeline.") % {"title": form.instance.title}
        )
        return super().form_valid(form)


class OpportunityUpdateView(
    OpportunityObjectMixin, ObjectPermissionMixin, VersionConflictMixin, UpdateView
):
    model = Opportunity
    form_class = OpportunityForm
    template_name = "pipeline/opportunity_form.html"
    permission_required = "pipeline.change_opportunity"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(collaboration=self.object.collaboration, **kwargs)

    def form_valid(self, form):
        set_history_user(form.instance, self.request.user)
        messages.success(self.request, _("Saved %(title)s.") % {"title": form.instance.title})
        return super().form_valid(form)


class TurnIntoInitiativeView(OpportunityObjectMixin, ObjectPermissionMixin, TemplateView):
    """Ask to confirm (GET), then create the initiative at stage 0 (POST)."""

    template_name = "pipeline/turn_into_initiative.html"
    permission_required = "pipeline.change_opportunity"

    @cached_property
    def opportunity(self):
        return self.get_object()

    def get_permission_object(self):
        return self.opportunity

    def get_context_data(self, **kwargs):
        return super().get_context_data(opportunity=self.opportunity, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            initiative = turn_into_initiative(self.opportunity, request.user)
        except ValidationError as error:
            context = self.get_context_data(errors=error.messages)
            return self.render_to_response(context, status=400)
        messages.success(
            request,
            _("%(opportunity)s is now the initiative %(initiative)s, at stage 0.")
            % {"opportunity": self.opportunity, "initiative": initiative},
        )
        return redirect(initiative)
