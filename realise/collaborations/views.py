from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.forms import ModelForm
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView
from django_tables2 import SingleTableView

from realise.collaborations.filtersets import CollaborationFilter
from realise.collaborations.forms import (
    AgreementForm,
    AgreementReviewForm,
    CollaborationForm,
    ForceShareFormSet,
    InitiativeForm,
    StageChangeForm,
    add_gate_errors,
)
from realise.collaborations.models import Agreement, Collaboration, Initiative, Stage
from realise.collaborations.services import (
    GateRefused,
    check_writer_sees_it,
    move_problems,
    move_stage,
    record_agreement_review,
    save_agreement,
)
from realise.collaborations.tables import CollaborationTable
from realise.core.forms import mark_date_errors
from realise.core.history import set_history_user
from realise.core.paging import LastPageMixin
from realise.core.versioning import VersionConflictMixin
from realise.core.views import ObjectPermissionMixin


class CollaborationListView(LoginRequiredMixin, LastPageMixin, SingleTableView):
    table_class = CollaborationTable
    template_name = "collaborations/collaboration_list.html"
    paginate_by = 25

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        words = (self.request.GET.get("q") or "").strip()
        if words:
            table.empty_text = _("No collaborations match “%(words)s”.") % {"words": words}
        return table

    def get_queryset(self):
        queryset = Collaboration.objects.visible_to(self.request.user).select_related(
            "parent", "lead_force"
        )
        queryset = CollaborationFilter(self.request.GET, queryset).qs
        return (
            Collaboration.objects.filter(pk__in=queryset.values("pk"))
            .with_parent_seen(self.request.user)
            .select_related("parent", "lead_force")
            .annotate(
                member_count=Count("shares", distinct=True),
                initiative_count=Count("initiatives", distinct=True),
            )
            .order_by("name")
        )


def seen_ancestors(collaboration: Collaboration, user) -> list[Collaboration]:
    """The collaborations it sits within, top first, up to the first the user may not see:
    no name of a collaboration hidden from them, nor of those above it."""
    seen = set(Collaboration.objects.visible_to(user).values_list("pk", flat=True))
    chain = []
    for ancestor in collaboration.ancestors():
        if ancestor.pk not in seen:
            break
        chain.append(ancestor)
    return chain[::-1]


class CollaborationDetailView(ObjectPermissionMixin, DetailView):
    model = Collaboration
    permission_required = "collaborations.view_collaboration"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        collaboration = self.object
        user = self.request.user
        context.update(
            shares=collaboration.shares.select_related("force"),
            agreements=collaboration.agreements.select_related("review_body"),
            today=timezone.localdate(),
            children=Collaboration.objects.visible_to(user).filter(parent=collaboration),
            # What it sits within, as far as the reader may see (from the top down).
            ancestors=seen_ancestors(collaboration, user),
            initiatives=collaboration.initiatives.select_related("sro").annotate(
                benefit_count=Count("benefits")
            ),
            # (governance sits above collaborations: its bodies through the relation)
            bodies=collaboration.bodies.visible_to(user),
            can_edit=user.has_perm("collaborations.change_collaboration", collaboration),
        )
        return context


class CollaborationFormMixin:
    model = Collaboration
    form_class: type[ModelForm[Any]] | None = CollaborationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_shares_formset(self):
        return ForceShareFormSet(
            self.request.POST or None, instance=self.object or Collaboration(), prefix="shares"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("shares", self.get_shares_formset())
        return context

    def form_valid(self, form):
        shares = self.get_shares_formset()
        shares.instance = form.instance
        if not shares.is_valid():
            return self.render_to_response(self.get_context_data(form=form, shares=shares))
        opened = self.object
        try:
            with transaction.atomic():
                set_history_user(form.instance, self.request.user)
                self.object = form.save()
                shares.instance = self.object
                shares.save()
                check_writer_sees_it(self.object, self.request.user)
        except ValidationError as error:
            # Nothing was saved: the forms are made again from what was sent, with the refusal.
            self.object = None if opened is None else self.get_object()
            form = self.get_form()
            shares = self.get_shares_formset()
            if form.is_valid():
                shares.instance = form.instance
                shares.is_valid()
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
            return self.render_to_response(self.get_context_data(form=form, shares=shares))
        messages.success(self.request, _("Saved %(name)s.") % {"name": self.object})
        return redirect(self.object)


class CollaborationCreateView(ObjectPermissionMixin, CollaborationFormMixin, CreateView):
    permission_required = "collaborations.add_collaboration"

    def get_permission_object(self):
        return None


class CollaborationUpdateView(
    ObjectPermissionMixin, VersionConflictMixin, CollaborationFormMixin, UpdateView
):
    permission_required = "collaborations.change_collaboration"


class InitiativeDetailView(ObjectPermissionMixin, DetailView):
    model = Initiative
    permission_required = "collaborations.view_initiative"

    def get_queryset(self):
        return Initiative.objects.select_related("collaboration", "sro")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initiative = self.object
        context.update(
            benefits=initiative.benefits.select_related("owner", "measurement_owner"),
            decisions=initiative.decisions.select_related("body", "decided_by"),
            # a private body's name is not shown to readers outside it
            visible_body_ids=set(
                initiative.collaboration.bodies.visible_to(self.request.user).values_list(
                    "pk", flat=True
                )
            ),
            can_edit=self.request.user.has_perm("collaborations.change_initiative", initiative),
            stages=Stage.choices,
        )
        return context


class InitiativeFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class InitiativeCreateView(InitiativeFormMixin, ObjectPermissionMixin, CreateView):
    model = Initiative
    form_class = InitiativeForm
    permission_required = "collaborations.add_initiative"

    @cached_property
    def collaboration(self):
        return get_object_or_404(Collaboration, slug=self.kwargs["slug"])

    def get_permission_object(self):
        return self.collaboration

    def get_context_data(self, **kwargs):
        return super().get_context_data(collaboration=self.collaboration, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.instance.collaboration = self.collaboration
        return form

    def form_valid(self, form):
        set_history_user(form.instance, self.request.user)
        messages.success(self.request, _("Created %(name)s.") % {"name": form.instance.name})
        return super().form_valid(form)


class InitiativeUpdateView(
    InitiativeFormMixin, ObjectPermissionMixin, VersionConflictMixin, UpdateView
):
    model = Initiative
    form_class = InitiativeForm
    permission_required = "collaborations.change_initiative"

    def form_valid(self, form):
        set_history_user(form.instance, self.request.user)
        messages.success(self.request, _("Saved %(name)s.") % {"name": form.instance.name})
        return super().form_valid(form)


class StageChangeView(ObjectPermissionMixin, FormView):
    """Ask to move an initiative to a new stage: the gate refuses with reasons or records it."""

    form_class = StageChangeForm
    template_name = "collaborations/stage_change.html"
    permission_required = "collaborations.add_stagedecision"

    @cached_property
    def initiative(self):
        try:
            return (
                Initiative.objects.visible_to(self.request.user)
                .select_related("collaboration")
                .get(slug=self.kwargs["slug"])
            )
        except Initiative.DoesNotExist:
            raise Http404("No such initiative.") from None

    def get_permission_object(self):
        return self.initiative

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "initiative": self.initiative,
            "user": self.request.user,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(initiative=self.initiative, **kwargs)
        to_stage = self.request.GET.get("to_stage")
        if to_stage is not None and to_stage.isdigit() and "gate" not in context:
            # The rules of the move itself: a move back names its reason and who may make it.
            context["gate"] = move_problems(
                self.initiative, int(to_stage), body=None, user=self.request.user, notes=""
            )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            decision = move_stage(
                self.initiative,
                data["to_stage"],
                body=data["body"],
                decided_on=data["decided_on"],
                user=self.request.user,
                notes=data["notes"],
            )
        except GateRefused as refused:
            add_gate_errors(form, refused.result)
            return self.render_to_response(self.get_context_data(form=form, gate=refused.result))
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
            mark_date_errors(form)
            return self.form_invalid(form)
        text = (
            _("%(initiative)s moved back to %(stage)s by decision of %(body)s.")
            if decision.move_back
            else _("%(initiative)s moved to %(stage)s by decision of %(body)s.")
        )
        messages.success(
            self.request,
            text
            % {
                "initiative": self.initiative,
                "stage": decision.get_to_stage_display(),
                "body": decision.body,
            },
        )
        return redirect(self.initiative)


# Section 22A agreements --------------------------------------------------------------------


class CollaborationScopedMixin(ObjectPermissionMixin):
    """A page within a collaboration the reader may see (404 for anyone else)."""

    @cached_property
    def collaboration(self):
        try:
            return Collaboration.objects.visible_to(self.request.user).get(slug=self.kwargs["slug"])
        except Collaboration.DoesNotExist:
            raise Http404("No such collaboration.") from None

    def get_permission_object(self):
        return self.collaboration

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            collaboration=self.collaboration,
            today=timezone.localdate(),
            can_edit=user.has_perm("collaborations.change_agreement", self.collaboration),
        )
        return context


class AgreementScopedMixin(CollaborationScopedMixin):
    @cached_property
    def agreement(self):
        try:
            return self.collaboration.agreements.select_related("review_body").get(
                pk=self.kwargs["pk"]
            )
        except Agreement.DoesNotExist:
            raise Http404("No such agreement.") from None

    def get_permission_object(self):
        return self.agreement

    def get_context_data(self, **kwargs):
        return super().get_context_data(agreement=self.agreement, **kwargs)


class AgreementListView(CollaborationScopedMixin, TemplateView):
    template_name = "collaborations/agreement_list.html"
    permission_required = "collaborations.view_collaboration"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["agreements"] = self.collaboration.agreements.select_related(
            "review_body"
        ).order_by("-signed_on", "pk")
        return context


class AgreementDetailView(AgreementScopedMixin, TemplateView):
    template_name = "collaborations/agreement_detail.html"
    permission_required = "collaborations.view_agreement"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        agreement = self.agreement
        context.update(
            parties=agreement.parties.select_related("force"),
            documents=[
                d
                for d in agreement.documents.order_by("title")
                if user.has_perm("knowledge.view_document", d)
            ],
            reviews=agreement.reviews.select_related("body", "recorded_by"),
            can_review=user.has_perm("collaborations.add_agreementreview", agreement),
        )
        return context


class AgreementFormMixin:
    form_class: type[AgreementForm] | None = AgreementForm
    template_name: str | None = "collaborations/agreement_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "collaboration": self.collaboration}

    def form_valid(self, form):
        agreement = form.save(commit=False)
        agreement.collaboration = self.collaboration
        try:
            save_agreement(
                agreement,
                user=self.request.user,
                parties=form.cleaned_data["parties"],
                documents=list(form.cleaned_data["documents"]),
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved %(name)s.") % {"name": agreement.title})
        return redirect(agreement)


class AgreementCreateView(CollaborationScopedMixin, AgreementFormMixin, FormView):
    permission_required = "collaborations.add_agreement"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Agreement(collaboration=self.collaboration),
        }


class AgreementUpdateView(AgreementScopedMixin, VersionConflictMixin, AgreementFormMixin, FormView):
    permission_required = "collaborations.change_agreement"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.agreement}


class AgreementReviewView(AgreementScopedMixin, FormView):
    form_class = AgreementReviewForm
    template_name = "collaborations/agreement_review.html"
    permission_required = "collaborations.add_agreementreview"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agreement": self.agreement}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            review_months=settings.REALISE_AGREEMENT_REVIEW_MONTHS, **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            review = record_agreement_review(
                self.agreement,
                reviewed_on=data["reviewed_on"],
                body=data["body"],
                outcome=data["outcome"],
                notes=data["notes"],
                user=self.request.user,
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
            return self.form_invalid(form)
        latest = self.agreement.reviews.order_by("-reviewed_on", "-recorded_at").first()
        if latest is not None and latest.reviewed_on > review.reviewed_on:
            text = _(
                "Recorded the review of %(day)s. The next review is due on %(due)s, "
                "following the latest review (%(latest)s)."
            ) % {
                "day": formats.date_format(review.reviewed_on, "j F Y"),
                "due": formats.date_format(self.agreement.review_due, "j F Y"),
                "latest": formats.date_format(latest.reviewed_on, "j F Y"),
            }
        elif review.next_review_due:
            due = review.next_review_due
            text = _("Recorded the review. The next review is due on %(day)s.") % {
                "day": formats.date_format(due, "j F Y")
            }
        else:
            text = _("Recorded the review: the agreement ended on %(day)s.") % {
                "day": formats.date_format(review.reviewed_on, "j F Y")
            }
        messages.success(self.request, text)
        return redirect(self.agreement)
