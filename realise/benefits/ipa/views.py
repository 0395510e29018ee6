"""Pages for benefits management to the IPA guide: the benefits map, change requests,
the plan as at a date, contributions, attribution, the links report and benefit profiles."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from realise.benefits import baselines, contributions, maps
from realise.benefits.ipa.forms import (
    AsAtForm,
    AttributionForm,
    ChangeForm,
    ChangeRequestForm,
    ContributionForm,
    DecisionForm,
    ObjectiveForm,
)
from realise.benefits.models import (
    Attribution,
    Benefit,
    Change,
    ChangeRequest,
    ChangeRequestStatus,
    Contribution,
    Objective,
)
from realise.benefits.profile import render_profile_pdf
from realise.benefits.views import BenefitObjectMixin
from realise.collaborations.models import Collaboration, Initiative
from realise.core.cells import CsvWriter
from realise.core.context_processors import shows_people
from realise.core.history import set_history_user
from realise.core.views import ObjectPermissionMixin

PAGE_SIZE = 25


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        for message in error.messages:
            form.add_error(None, message)


# The benefits map --------------------------------------------------------------------------


class _MapMixin(ObjectPermissionMixin):
    permission_required = "benefits.view_benefitsmap"
    kind = ""
    request: HttpRequest

    @cached_property
    def subject(self):
        if self.kind == "initiative":
            return get_object_or_404(
                Initiative.objects.select_related("collaboration"), slug=self.kwargs["slug"]
            )
        return get_object_or_404(Collaboration, slug=self.kwargs["slug"])

    def get_permission_object(self):
        return self.subject

    def build(self) -> maps.BenefitsMap:
        if self.kind == "initiative":
            return maps.initiative_map(self.subject, self.request.user)
        return maps.collaboration_map(self.subject, self.request.user)

    def svg_url(self) -> str:
        return reverse(f"{self.kind}-map-svg", args=[self.subject.slug])


class MapView(_MapMixin, TemplateView):
    template_name = "benefits/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        benefits_map = self.build()
        page = Paginator(benefits_map.rows(), PAGE_SIZE).get_page(self.request.GET.get("page"))
        collaboration = self.subject.collaboration if self.kind == "initiative" else self.subject
        context.update(
            kind=self.kind,
            subject=self.subject,
            collaboration=collaboration,
            map=benefits_map,
            page_obj=page,
            svg_url=self.svg_url(),
            can_edit=self.request.user.has_perm("benefits.change_benefitsmap", self.subject),
        )
        return context


class MapSvgView(_MapMixin, View):
    def get(self, request, *args, **kwargs):
        dot = maps.to_dot(self.build())
        try:
            svg = maps.render_svg(dot)
        except maps.MapUnavailable as error:
            return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
        response = HttpResponse(svg, content_type="image/svg+xml")
        response["Content-Disposition"] = f'inline; filename="{self.subject.slug}-map.svg"'
        response["Cache-Control"] = "private, max-age=60"
        return response


class _MapEditMixin(ObjectPermissionMixin):
    permission_required = "benefits.change_benefitsmap"
    template_name: str | None = "benefits/ipa_form.html"

    def form_valid(self, form):
        instance = form.save(commit=False)
        set_history_user(instance, self.request.user)
        instance.save()
        form.save_m2m()
        messages.success(self.request, self.saved_message(instance))
        return redirect(self.success_url_for(instance))


class ObjectiveFormView(_MapEditMixin, FormView):
    form_class = ObjectiveForm

    @cached_property
    def objective(self):
        if "pk" in self.kwargs:
            return get_object_or_404(Objective, pk=self.kwargs["pk"])
        return None

    @cached_property
    def collaboration(self):
        if self.objective is not None:
            return self.objective.collaboration
        return get_object_or_404(Collaboration, slug=self.kwargs["slug"])

    def get_permission_object(self):
        return self.collaboration

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["collaboration"] = self.collaboration
        kwargs["user"] = self.request.user
        kwargs["instance"] = self.objective or Objective(
            collaboration=self.collaboration,
            order=self.collaboration.objective_rows.count() + 1,
        )
        return kwargs

    def get_context_data(self, **kwargs):
        title = (
            _("Change an objective of %(collaboration)s")
            if self.objective
            else _("Add an objective of %(collaboration)s")
        )
        return super().get_context_data(
            page_title=title % {"collaboration": self.collaboration.name},
            cancel_url=reverse("collaboration-map", args=[self.collaboration.slug]),
            **kwargs,
        )

    def saved_message(self, instance):
        return _("Saved the objective '%(text)s'.") % {"text": instance.text}

    def success_url_for(self, instance):
        return reverse("collaboration-map", args=[self.collaboration.slug])


class ObjectivesFromTextView(ObjectPermissionMixin, View):
    """Turn the collaboration's 'one per line' objectives into map rows (POST only)."""

    permission_required = "benefits.change_benefitsmap"

    @cached_property
    def collaboration(self):
        return get_object_or_404(Collaboration, slug=self.kwargs["slug"])

    def get_permission_object(self):
        return self.collaboration

    def post(self, request, *args, **kwargs):
        created = maps.ensure_objectives(self.collaboration, user=request.user)
        messages.success(request, _("The map has %(count)s objectives.") % {"count": len(created)})
        return redirect("collaboration-map", self.collaboration.slug)


class ChangeFormView(_MapEditMixin, FormView):
    form_class = ChangeForm

    @cached_property
    def change(self):
        if "pk" in self.kwargs:
            return get_object_or_404(
                Change.objects.select_related("initiative"), pk=self.kwargs["pk"]
            )
        return None

    @cached_property
    def initiative(self):
        if self.change is not None:
            return self.change.initiative
        return get_object_or_404(Initiative, slug=self.kwargs["slug"])

    def get_permission_object(self):
        return self.initiative

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["initiative"] = self.initiative
        kwargs["user"] = self.request.user
        kwargs["instance"] = self.change or Change(initiative=self.initiative)
        return kwargs

    def get_context_data(self, **kwargs):
        title = (
            _("Change a change made by %(initiative)s")
            if self.change
            else _("Add a change made by %(initiative)s")
        )
        return super().get_context_data(
            page_title=title % {"initiative": self.initiative.name},
            cancel_url=reverse("initiative-map", args=[self.initiative.slug]),
            **kwargs,
        )

    def saved_message(self, instance):
        return _("Saved the change '%(text)s'.") % {"text": instance.description}

    def success_url_for(self, instance):
        return reverse("initiative-map", args=[self.initiative.slug])


# Benefit pages --------------------------------------------------------------------------------


class ChangeRequestCreateView(BenefitObjectMixin, FormView):
    form_class = ChangeRequestForm
    template_name = "benefits/ipa_form.html"
    permission_required = "benefits.add_changerequest"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "benefit": self.benefit, "user": self.request.user}

    def get_initial(self):
        lines = [f"{pv.period:%Y-%m} {pv.value}" for pv in self.benefit.planned_values.all()]
        return {"profile": "\n".join(lines)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=_("Ask to change the plan of '%(title)s'") % {"title": self.benefit.title},
            cancel_url=self.benefit.get_absolute_url(),
            intro=_(
                "The plan was baselined when the full business case was approved. Give the "
                "whole new profile; the body named decides, and an approved request "
                "re-baselines the benefit while keeping every earlier baseline."
            ),
            submit_label=_("Send the change request"),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            request = baselines.raise_change_request(
                self.benefit,
                data["profile"],
                reason=data["reason"],
                requested_by=data.get("requested_by"),
                body=data.get("body"),
                user=self.request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Sent the change request for a decision."))
        return redirect(request)


class ChangeRequestDetailView(ObjectPermissionMixin, FormView):
    form_class = DecisionForm
    template_name = "benefits/change_request.html"
    permission_required = "benefits.view_changerequest"

    @cached_property
    def change_request(self):
        return get_object_or_404(
            ChangeRequest.objects.select_related(
                "benefit__initiative__collaboration", "requested_by", "body", "entered_by"
            ),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.change_request

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "change_request": self.change_request,
            "user": self.request.user,
        }

    def get_context_data(self, **kwargs):
        request = self.change_request
        benefit = request.benefit
        proposed = baselines.proposed_rows(request)
        # Once approved, today's plan is the proposed one: show the plan it replaced.
        replaced = baselines.replaced_rows(request)
        current = (
            replaced
            if replaced is not None
            else dict(benefit.planned_values.values_list("period", "value"))
        )
        rows = [
            {"period": p, "current": current.get(p), "proposed": proposed.get(p)}
            for p in sorted(set(proposed) | set(current))
        ]
        totals = {
            "current": sum(current.values(), Decimal("0")),
            "proposed": sum(proposed.values(), Decimal("0")),
        }
        can_decide = request.status == ChangeRequestStatus.PENDING and self.request.user.has_perm(
            "benefits.decide_changerequest", benefit
        )
        return super().get_context_data(
            change_request=request,
            benefit=benefit,
            rows=rows,
            totals=totals,
            replaced=replaced is not None,
            can_decide=can_decide,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("benefits.decide_changerequest", self.change_request.benefit):
            raise PermissionDenied(_("You may not decide this change request."))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            decided = baselines.decide_change_request(
                self.change_request,
                approve=data["decision"] == "approve",
                decided_on=data["decided_on"],
                body=data["body"],
                note=data.get("note", ""),
                user=self.request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The change request was approved.")
            if decided.status == ChangeRequestStatus.APPROVED
            else _("The change request was rejected."),
        )
        return redirect(decided.benefit)


class PlanAsAtView(BenefitObjectMixin, TemplateView):
    template_name = "benefits/plan_as_at.html"
    permission_required = "benefits.view_benefit"

    def get_context_data(self, **kwargs):
        form = AsAtForm(self.request.GET or None)
        rows, total, day = None, None, None
        if form.is_valid():
            day = form.cleaned_data["date"]
            rows, total = baselines.plan_as_at(self.benefit, day)
        return super().get_context_data(form=form, day=day, rows=rows, total=total, **kwargs)


class ContributionView(BenefitObjectMixin, FormView):
    form_class = ContributionForm
    template_name = "benefits/ipa_form.html"
    permission_required = "benefits.change_contribution"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "benefit": self.benefit, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=_("What '%(title)s' contributes to") % {"title": self.benefit.title},
            cancel_url=self.benefit.get_absolute_url(),
            intro=_(
                "Link a benefit to the benefit higher up that already includes its figures "
                "(a force's saving inside its collaboration's saving). Totals then count "
                "those pounds once, wherever they are looked at from."
            ),
            **kwargs,
        )

    def form_valid(self, form):
        parent = form.cleaned_data.get("parent")
        if form.keeps_hidden_link:
            messages.info(
                self.request,
                _("Nothing changed: the benefit still contributes to a benefit you may not see."),
            )
            return redirect(self.benefit)
        try:
            if parent is None:
                contributions.remove_contribution(self.benefit, user=self.request.user)
                messages.success(self.request, _("The benefit no longer contributes to another."))
            else:
                contributions.set_contribution(
                    self.benefit, parent, user=self.request.user, note=form.cleaned_data["note"]
                )
                messages.success(
                    self.request,
                    _("'%(benefit)s' contributes to '%(parent)s'.")
                    % {"benefit": self.benefit, "parent": parent},
                )
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        return redirect(self.benefit)


class AttributionView(BenefitObjectMixin, FormView):
    form_class = AttributionForm
    template_name = "benefits/ipa_form.html"
    permission_required = "benefits.change_attribution"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "benefit": self.benefit, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=_("Initiatives claiming '%(title)s'") % {"title": self.benefit.title},
            cancel_url=self.benefit.get_absolute_url(),
            intro=_(
                "Where several initiatives contribute to one measured outcome, each claims a "
                "stated share; the shares add up to at most 100%. Totals count each "
                "initiative's share only. Leave every share empty to give the whole benefit "
                "back to its own initiative."
            ),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            contributions.replace_attributions(
                self.benefit,
                form.shares(),
                basis=form.cleaned_data.get("basis", ""),
                user=self.request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved the initiatives' shares."))
        return redirect(self.benefit)


class BenefitProfilePdfView(BenefitObjectMixin, View):
    permission_required = "benefits.view_benefit"

    def get(self, request, *args, **kwargs):
        pdf = render_profile_pdf(
            self.benefit,
            base_url=request.build_absolute_uri("/"),
            people=shows_people(request.user),
            reader=request.user,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            True, f"benefit-profile-{self.benefit.reference}.pdf"
        )
        return response


# The auditor's report of links ---------------------------------------------------------------


def _visible_links(user):
    visible = Benefit.objects.visible_to(user)
    links = (
        Contribution.objects.filter(child__in=visible, parent__in=visible)
        .select_related(
            "child__initiative__collaboration", "parent__initiative__collaboration", "created_by"
        )
        .order_by("parent__reference", "child__reference")
    )
    claims = (
        Attribution.objects.filter(
            benefit__in=visible, initiative__in=Initiative.objects.visible_to(user)
        )
        .select_related("benefit__initiative", "initiative__collaboration")
        .order_by("benefit__reference", "-percent", "initiative__name")
    )
    return links, claims


def _two_places(value):
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _with_totals(links):
    """Each link with the planned totals of both benefits (two grouped queries)."""
    links = list(links)
    ids = {link.child_id for link in links} | {link.parent_id for link in links}
    totals = dict(
        Benefit.objects.filter(pk__in=ids)
        .annotate(total=Sum("planned_values__value"))
        .values_list("pk", "total")
    )
    for link in links:
        link.child_total = _two_places(totals.get(link.child_id))
        link.parent_total = _two_places(totals.get(link.parent_id))
    return links


class LinksReportView(TemplateView):
    template_name = "benefits/links_report.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        links, claims = _visible_links(self.request.user)
        link_page = Paginator(links, PAGE_SIZE).get_page(self.request.GET.get("page"))
        claim_page = Paginator(claims, PAGE_SIZE).get_page(self.request.GET.get("claims"))
        return super().get_context_data(
            link_page=link_page,
            links=_with_totals(link_page.object_list),
            claim_page=claim_page,
            **kwargs,
        )


class _Echo:
    def write(self, value):
        return value


def links_csv(request):
    """Every contribution and attribution the user may see, as CSV, streamed."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    links, claims = _visible_links(request.user)
    writer = CsvWriter(_Echo())
    header = [
        "kind",
        "benefit_reference",
        "benefit",
        "benefit_initiative",
        "benefit_collaboration",
        "benefit_planned_total",
        "linked_to_reference",
        "linked_to",
        "linked_to_initiative",
        "linked_to_collaboration",
        "linked_to_planned_total",
        "share_percent",
        "note",
    ]

    def rows():
        yield writer.writerow(header)
        for chunk_start in range(0, links.count(), 500):
            for link in _with_totals(links[chunk_start : chunk_start + 500]):
                child, parent = link.child, link.parent
                yield writer.writerow(
                    [
                        "contributes to",
                        child.reference,
                        child.title,
                        child.initiative.name,
                        child.initiative.collaboration.name,
                        link.child_total if link.child_total is not None else "",
                        parent.reference,
                        parent.title,
                        parent.initiative.name,
                        parent.initiative.collaboration.name,
                        link.parent_total if link.parent_total is not None else "",
                        "",
                        link.note,
                    ]
                )
        for claim in claims.iterator(chunk_size=500):
            benefit = claim.benefit
            yield writer.writerow(
                [
                    "claimed by",
                    benefit.reference,
                    benefit.title,
                    benefit.initiative.name,
                    "",
                    "",
                    "",
                    claim.initiative.name,
                    claim.initiative.name,
                    claim.initiative.collaboration.name,
                    "",
                    f"{claim.percent.normalize():f}",
                    claim.basis,
                ]
            )

    today = datetime.date.today().isoformat()
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="benefit-links-{today}.csv"'
    return response
