import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView

from realise.benefits import baselines, monthly
from realise.benefits.baselines import check_plan_open
from realise.benefits.forms import (
    BenefitForm,
    MeasurementForm,
    MonthActualsForm,
    MonthChoiceForm,
    PlanForm,
)
from realise.benefits.history import benefit_changes
from realise.benefits.models import Benefit, Evidence, Measurement
from realise.benefits.profile import monthly_series
from realise.benefits.realisation.forces import month_plan_parts
from realise.benefits.services import cleared_message, record_measurement, replace_plan
from realise.benefits.standard import benefit_standard
from realise.collaborations.models import Initiative
from realise.core.context_processors import shows_people
from realise.core.downloads import file_download
from realise.core.history import set_history_user
from realise.core.language import force_name, month_year
from realise.core.permissions import access_for
from realise.core.versioning import VersionConflictMixin
from realise.core.views import ObjectPermissionMixin
from realise.organisations.models import Force

# Actuals shown on a page of a benefit: two years of a seven-force collaboration's months
# run to some 170, each with its evidence and verification.
ACTUALS_PER_PAGE = 50


class BenefitDetailView(ObjectPermissionMixin, DetailView):
    model = Benefit
    permission_required = "benefits.view_benefit"

    def get_queryset(self):
        return Benefit.objects.select_related(
            "initiative__collaboration", "owner", "measurement_owner"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        benefit, user = self.object, self.request.user
        # A visitor who is not signed in sees a published benefit as the public pages show
        # it: its verified actuals only, with no one named and no evidence.
        public = not shows_people(user)
        forces = Force.objects.filter(
            shares__collaboration=benefit.initiative.collaboration
        ).order_by("name")
        force = None
        choice = self.request.GET.get("force", "")
        if choice:
            force = next((f for f in forces if str(f.pk) == choice), None)
            if force is None:
                raise Http404("No such force in this collaboration.")
        # The latest first: the months people check and verify are on the first page.
        measurements = (
            benefit.measurements.select_related(
                "force", "entered_by", "changed_by", "verified_by", "returned_by"
            )
            .prefetch_related("evidence")
            # The whole collaboration's line (no force) before the forces', on every database.
            .order_by("-period", F("force__name").asc(nulls_first=True), "pk")
        )
        if force is not None:
            measurements = measurements.filter(force=force)
        if public:
            measurements = measurements.filter(verified_at__isnull=False)
        # The whole benefit's comparison: the panel shows it, and so does the series when
        # no force is chosen (worked out once for both).
        whole = baselines.compare(benefit, verified_only=public)
        context.update(
            series=monthly_series(
                benefit, force=force, comparison=None if force else whole, verified_only=public
            ),
            comparison=whole,
            verified_only=public,
            forces=forces,
            force=force,
            chart_query=urlencode({"force": force.pk}) if force else "",
            measurements=Paginator(measurements, ACTUALS_PER_PAGE).get_page(
                self.request.GET.get("actuals")
            ),
            standard=benefit_standard(benefit),
            can_edit=user.has_perm("benefits.change_benefit", benefit),
            can_record=bool(recordable_forces(user, benefit).exists())
            or user.has_perm("benefits.add_measurement", _candidate(benefit, None)),
        )
        return context


def _candidate(benefit, force):
    return Measurement(benefit=benefit, force=force)


def recordable_forces(user, benefit: Benefit):
    """The member forces this user may record actuals for on this benefit."""
    members = Force.objects.filter(shares__collaboration=benefit.initiative.collaboration)
    if user.has_perm("benefits.add_measurement", _candidate(benefit, None)):
        return members
    collaboration_id = benefit.initiative.collaboration_id
    return members.filter(pk__in=access_for(user).leads_in(collaboration_id))


class BenefitFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class BenefitCreateView(BenefitFormMixin, ObjectPermissionMixin, CreateView):
    model = Benefit
    form_class = BenefitForm
    permission_required = "benefits.add_benefit"

    @cached_property
    def initiative(self):
        return get_object_or_404(Initiative, slug=self.kwargs["slug"])

    def get_permission_object(self):
        return self.initiative

    def get_context_data(self, **kwargs):
        return super().get_context_data(initiative=self.initiative, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.instance.initiative = self.initiative
        return form

    def form_valid(self, form):
        set_history_user(form.instance, self.request.user)
        messages.success(
            self.request, _("Added benefit '%(title)s'.") % {"title": form.instance.title}
        )
        return super().form_valid(form)


class BenefitUpdateView(BenefitFormMixin, ObjectPermissionMixin, VersionConflictMixin, UpdateView):
    model = Benefit
    form_class = BenefitForm
    permission_required = "benefits.change_benefit"

    def form_valid(self, form):
        set_history_user(form.instance, self.request.user)
        messages.success(
            self.request, _("Saved benefit '%(title)s'.") % {"title": form.instance.title}
        )
        return super().form_valid(form)


class BenefitObjectMixin(ObjectPermissionMixin):
    """A page about the benefit named in the URL, checked against that benefit."""

    @cached_property
    def benefit(self):
        return get_object_or_404(
            Benefit.objects.select_related("initiative__collaboration"), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.benefit

    def get_context_data(self, **kwargs):
        return super().get_context_data(benefit=self.benefit, **kwargs)


class BenefitChildFormView(BenefitObjectMixin, FormView):
    """A form about one benefit (its plan, an actual)."""


class MeasurementCreateView(BenefitChildFormView):
    form_class = MeasurementForm
    template_name = "benefits/measurement_form.html"
    permission_required = "benefits.view_benefit"

    def has_permission(self):
        user = self.request.user
        return super().has_permission() and (
            recordable_forces(user, self.benefit).exists()
            or user.has_perm("benefits.add_measurement", _candidate(self.benefit, None))
        )

    def get_form_kwargs(self):
        user = self.request.user
        return {
            **super().get_form_kwargs(),
            "benefit": self.benefit,
            "forces": list(recordable_forces(user, self.benefit)),
            "whole": user.has_perm("benefits.add_measurement", _candidate(self.benefit, None)),
            "own_force": Force.objects.filter(pk__in=access_for(user).forces).first(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(
            day=1
        )
        plan = (
            self.benefit.planned_values.filter(period=last_month)
            .values_list("value", flat=True)
            .first()
        )
        # A force lead's form starts on their own force: beside it, that force's part.
        user, plan_force = self.request.user, None
        if not user.has_perm("benefits.add_measurement", _candidate(self.benefit, None)):
            plan_force = context["form"].initial_force()
        if plan_force is not None and plan is not None:
            part = month_plan_parts([(self.benefit, plan_force)], last_month)
            if (self.benefit.pk, plan_force.pk) in part:
                plan = part[(self.benefit.pk, plan_force.pk)]
            else:
                plan_force = None  # a level: the collaboration's plan
        context.update(
            last_month=last_month,
            last_month_plan=plan,
            plan_force=plan_force,
            latest_actual=self.benefit.measurements.exclude(value__isnull=True)
            .select_related("force")
            .order_by("-period")
            .first(),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            measurement = record_measurement(
                self.benefit,
                data["period"],
                user=self.request.user,
                force=data.get("force"),
                value=data.get("value"),
                assessment=data.get("assessment", ""),
                evidence_note=data.get("evidence_note", ""),
                evidence_file=data.get("evidence_file"),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        except PermissionDenied as denied:
            form.add_error("force", str(denied))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Recorded the actual for %(month)s.") % {"month": month_year(data["period"])},
        )
        cleared = cleared_message(measurement)
        if cleared:
            messages.warning(self.request, cleared)
        return redirect(self.benefit)


class PlanUpdateView(BenefitChildFormView):
    form_class = PlanForm
    template_name = "benefits/plan_form.html"
    permission_required = "benefits.change_plannedvalue"

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission():
            try:
                check_plan_open(self.benefit)
            except ValidationError as error:
                messages.info(request, " ".join(error.messages))
                return redirect("change-request-create", self.benefit.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        lines = [
            f"{pv.period:%Y-%m} {pv.value}" for pv in self.benefit.planned_values.order_by("period")
        ]
        return {"profile": "\n".join(lines)}

    def form_valid(self, form):
        count = replace_plan(self.benefit, form.cleaned_data["profile"], user=self.request.user)
        messages.success(
            self.request, _("Saved the planned profile (%(count)s months).") % {"count": count}
        )
        return redirect(self.benefit)


class BenefitHistoryView(ObjectPermissionMixin, DetailView):
    """Every change to the benefit, its plan and its actuals: who, when, what."""

    model = Benefit
    permission_required = "benefits.view_benefit"
    template_name = "benefits/benefit_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["changes"] = benefit_changes(self.object, people=shows_people(user), reader=user)
        return context


def evidence_download(request, pk: int):
    evidence = get_object_or_404(
        Evidence.objects.select_related("measurement__benefit__initiative__collaboration"), pk=pk
    )
    if not evidence.file or not request.user.has_perm("benefits.view_evidence", evidence):
        raise Http404("No such evidence file.")
    return file_download(evidence.file.open("rb"), evidence.file_name, default="evidence")


class RecordMonthView(LoginRequiredMixin, TemplateView):
    """Record this month's actuals: every line the person may record for, on one page,
    saved all or nothing."""

    template_name = "benefits/record_month.html"

    def month(self) -> datetime.date | None:
        """The month chosen (last month when none is); None when the choice is not a month
        that has begun: then no lines are shown and nothing is saved."""
        chooser = MonthChoiceForm(self.request.GET if "month" in self.request.GET else None)
        self.chooser = chooser
        if chooser.is_bound:
            return chooser.cleaned_data["period"] if chooser.is_valid() else None
        last = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
        self.chooser = MonthChoiceForm(initial={"month": last.month, "year": last.year})
        return last.replace(day=1)

    def setup_lines(self):
        self.period = self.month()
        self.lines, self.more = (
            monthly.lines_for(self.request.user, self.period) if self.period else ([], False)
        )

    def get(self, request, *args, **kwargs):
        self.setup_lines()
        form = MonthActualsForm(lines=self.lines)
        status = 200 if self.period else 400
        return self.render_to_response(self.get_context_data(form=form), status=status)

    def post(self, request, *args, **kwargs):
        self.setup_lines()
        form = MonthActualsForm(request.POST, request.FILES, lines=self.lines)
        if self.period is None or not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        entries, unchanged = form.entries(), form.unchanged()
        if not entries:
            form.add_error(
                None,
                _("Nothing changed: every actual you gave is the one already recorded.")
                if unchanged
                else _("Enter at least one actual."),
            )
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            saved = monthly.record_month(
                self.period,
                entries,
                user=request.user,
                batch_note=form.cleaned_data["batch_note"],
                evidence_file=form.cleaned_data["evidence_file"],
            )
        except monthly.MonthRefused as refused:
            for key, messages_ in refused.errors.items():
                for message in messages_:
                    form.add_error(f"value-{key}", message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        said = ngettext(
            "Recorded %(count)s actual for %(month)s. It waits for someone else to verify it.",
            "Recorded %(count)s actuals for %(month)s. They wait for someone else to verify them.",
            len(saved),
        ) % {"count": len(saved), "month": month_year(self.period)}
        if unchanged:
            said += " " + ngettext(
                "%(count)s line given as already recorded was left as it was.",
                "%(count)s lines given as already recorded were left as they were.",
                unchanged,
            ) % {"count": unchanged}
        messages.success(request, said)
        for measurement in saved:
            cleared = cleared_message(measurement)
            if cleared:
                whose = (
                    force_name(measurement.force) if measurement.force else _("Whole collaboration")
                )
                messages.warning(request, f"{measurement.benefit.reference}, {whose}: {cleared}")
        query = urlencode({"month": self.period.month, "year": self.period.year})
        return redirect(f"{request.path}?{query}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            period=self.period,
            chooser=self.chooser,
            more=self.more,
            max_lines=monthly.MAX_LINES,
            month_not_over=self.period is not None
            and self.period >= timezone.localdate().replace(day=1),
        )
        return context
