"""Pages of an initiative's economic case: options side by side, chart, XLSX, ex post, forms."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from realise.appraisal import services, words
from realise.appraisal.charts import net_flows_svg
from realise.appraisal.forms import (
    BenefitLineForm,
    ConfirmForm,
    CostLineForm,
    DeflatorForm,
    OptionForm,
    year_lines,
)
from realise.appraisal.models import BenefitLine, CostLine, Deflator, Option
from realise.appraisal.xlsx import economic_case_workbook
from realise.collaborations.models import Initiative
from realise.core.views import ObjectPermissionMixin

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _history_user(request):
    return request.user if request.user.is_authenticated else None


def case_url(initiative) -> str:
    return reverse("economic-case", args=[initiative.slug])


class CaseMixin(ObjectPermissionMixin):
    """A page about one initiative's economic case; permission is checked on the initiative."""

    request: HttpRequest
    kwargs: Any

    permission_required = "appraisal.view_option"

    @cached_property
    def initiative(self) -> Initiative:
        return get_object_or_404(
            Initiative.objects.select_related("collaboration"), slug=self.kwargs["slug"]
        )

    def get_permission_object(self):
        return self.initiative

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            initiative=self.initiative,
            case_url=case_url(self.initiative),
            can_edit=self.request.user.has_perm("appraisal.change_option", self.initiative),
        )
        return context

    def comparison(self, **kwargs):
        return services.compare_options(self.initiative, user=_history_user(self.request), **kwargs)


class OptionMixin(CaseMixin):
    @cached_property
    def option(self) -> Option:
        return get_object_or_404(
            Option.objects.select_related("initiative"),
            pk=self.kwargs["option_pk"],
            initiative=self.initiative,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(option=self.option, **kwargs)


class EconomicCaseView(CaseMixin, TemplateView):
    template_name = "appraisal/economic_case.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        comparison = self.comparison()
        appraised = [a for a in comparison.appraisals if a.result is not None]
        chart_rows = []
        for year in comparison.years:
            cells = []
            for appraisal in appraised:
                match = [y for y in appraisal.result.years if y.year == year]
                cells.append(match[0].pv_net if match else None)
            chart_rows.append((year, cells))
        alternatives = [a for a in comparison.appraisals if not a.option.is_business_as_usual]
        context.update(
            comparison=comparison,
            appraised=appraised,
            alternatives=alternatives,
            chart_rows=chart_rows,
        )
        return context


class ChartView(CaseMixin, View):
    def get(self, request, *args, **kwargs):
        svg = net_flows_svg(self.comparison())
        response = HttpResponse(svg, content_type="image/svg+xml")
        response["Cache-Control"] = "private, no-cache"
        response["X-Content-Type-Options"] = "nosniff"
        # The drawing styles its shapes with style attributes; it runs no script and loads
        # nothing, so opened on its own it needs inline styles and nothing else.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
        )
        return response


class WorkbookView(CaseMixin, View):
    def get(self, request, *args, **kwargs):
        content = economic_case_workbook(self.comparison())
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"{self.initiative.slug}-economic-case.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ExPostView(CaseMixin, TemplateView):
    template_name = "appraisal/ex_post.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evaluation = services.ex_post(self.initiative, user=_history_user(self.request))
        missing = {}
        for row in evaluation.rows:
            missing.update(services.missing_actuals(row.option, as_of=evaluation.as_of))
        context.update(evaluation=evaluation, missing=missing)
        return context


class OptionDetailView(OptionMixin, TemplateView):
    template_name = "appraisal/option_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        appraisal = services.appraise_option(self.option)
        years = appraisal.years
        by_year = {}
        if appraisal.result is not None:
            by_year = {y.year: y for y in appraisal.result.years}
        rows = [
            (year, [f.values.get(year) for f in appraisal.lines], by_year.get(year))
            for year in years
        ]
        context.update(
            appraisal=appraisal,
            rows=rows,
            deflators=Deflator.objects.filter(option=self.option).order_by("year"),
        )
        return context


# Forms ------------------------------------------------------------------------------------------


class CaseFormView(CaseMixin, FormView):
    template_name: str | None = "appraisal/form_page.html"
    permission_required = "appraisal.change_option"
    page_title: StrOrPromise = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=self.page_title, cancel_url=self.get_success_url(), **kwargs
        )

    def get_success_url(self):
        return case_url(self.initiative)

    def run(self, form, action):
        """Call a service; show its ValidationError on the form."""
        try:
            return action()
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
            return None


class OptionFormMixin:
    form_class: type[OptionForm] | None = OptionForm
    template_name: str | None = "appraisal/option_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(project_types=words.project_types(), **kwargs)

    def save(self, form, option):
        fields = {name: form.cleaned_data[name] for name in services.OPTION_FIELDS}
        return self.run(
            form,
            lambda: services.save_option(
                self.initiative, user=self.request.user, option=option, **fields
            ),
        )


class OptionCreateView(OptionFormMixin, CaseFormView):
    page_title = gettext_lazy("Add an option")

    def get_initial(self):
        baseline = services.business_as_usual(self.initiative, user=self.request.user)
        return {
            "first_year": baseline.first_year,
            "price_base_year": baseline.price_base_year,
            "discount_schedule": baseline.discount_schedule,
            "order": self.initiative.options.count(),
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Option(initiative=self.initiative)}

    def form_valid(self, form):
        option = self.save(form, None)
        if option is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Added the option '%(name)s'.") % {"name": option.name})
        return redirect(option)


class OptionUpdateView(OptionFormMixin, OptionMixin, CaseFormView):
    @property
    def page_title(self):
        return _("Edit '%(name)s'") % {"name": self.option.name}

    def get_success_url(self):
        return self.option.get_absolute_url()

    def get_form_kwargs(self):
        # A copy, so a refused change leaves the option as it was for the page around it.
        return {**super().get_form_kwargs(), "instance": Option.objects.get(pk=self.option.pk)}

    def form_valid(self, form):
        option = self.save(form, form.instance)
        if option is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Saved the option '%(name)s'.") % {"name": option.name})
        return redirect(option)


class OptionDeleteView(OptionMixin, CaseFormView):
    form_class = ConfirmForm
    template_name = "appraisal/confirm_delete.html"

    @property
    def page_title(self):
        return _("Delete '%(name)s'") % {"name": self.option.name}

    def get_success_url(self):
        return self.option.get_absolute_url()

    def form_valid(self, form):
        self.run(form, lambda: services.delete_option(self.option, user=self.request.user))
        if form.errors:
            return self.form_invalid(form)
        messages.success(
            self.request, _("Deleted the option '%(name)s'.") % {"name": self.option.name}
        )
        return redirect(case_url(self.initiative))


class DeflatorView(CaseFormView):
    form_class = DeflatorForm
    page_title = gettext_lazy("Deflators for the economic case")

    @property
    def option(self) -> Option | None:
        """The option whose deflators these are: none, the case's own series."""
        return None

    def get_initial(self):
        rows = Deflator.objects.filter(initiative=self.initiative, option=self.option)
        return {"series": year_lines(rows.values_list("year", "index"))}

    def form_valid(self, form):
        count = self.run(
            form,
            lambda: services.replace_deflators(
                self.initiative,
                form.cleaned_data["series"],
                user=self.request.user,
                option=self.option,
            ),
        )
        if count is None:
            return self.form_invalid(form)
        if count:
            saved = ngettext(
                "Saved the deflator series (%(count)s year).",
                "Saved the deflator series (%(count)s years).",
                count,
            ) % {"count": count}
        else:
            saved = _("Cleared the deflator series: no years are left.")
        messages.success(self.request, saved)
        return redirect(self.get_success_url())


class OptionDeflatorView(OptionMixin, DeflatorView):
    @property
    def page_title(self):
        return _("Deflators for '%(name)s' only") % {"name": self.option.name}

    def get_success_url(self):
        return self.option.get_absolute_url()


class LineFormView(OptionMixin, CaseFormView):
    line_model: type[CostLine] | type[BenefitLine] = CostLine
    what = "cost line"
    add_title = gettext_lazy("Add a cost line to '%(option)s'")
    edit_title = gettext_lazy("Edit the cost line '%(line)s'")
    saved_text = gettext_lazy("Saved the cost line '%(line)s'.")

    @cached_property
    def line(self):
        if "line_pk" not in self.kwargs:
            return None
        return get_object_or_404(self.line_model, pk=self.kwargs["line_pk"], option=self.option)

    @property
    def page_title(self):
        if self.line is None:
            return self.add_title % {"option": self.option.name}
        return self.edit_title % {"line": self.line.name}

    def get_success_url(self):
        return self.option.get_absolute_url()

    def get_initial(self):
        return self.form_class.initial_for(self.line) if self.line else {}

    def form_valid(self, form):
        saved = self.run(form, lambda: self.save(form.cleaned_data))
        if saved is None:
            return self.form_invalid(form)
        messages.success(self.request, self.saved_text % {"line": saved.name})
        return redirect(self.get_success_url())


class CostLineFormView(LineFormView):
    form_class = CostLineForm

    def save(self, data):
        return services.save_cost_line(
            self.option,
            user=self.request.user,
            line=self.line,
            name=data["name"],
            kind=data["kind"],
            prices=data["prices"],
            values=data["values"],
        )


class BenefitLineFormView(LineFormView):
    form_class = BenefitLineForm
    line_model = BenefitLine
    what = "benefit line"
    add_title = gettext_lazy("Add a benefit line to '%(option)s'")
    edit_title = gettext_lazy("Edit the benefit line '%(line)s'")
    saved_text = gettext_lazy("Saved the benefit line '%(line)s'.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "initiative": self.initiative}

    def save(self, data):
        return services.save_benefit_line(
            self.option,
            user=self.request.user,
            line=self.line,
            name=data["name"],
            prices=data["prices"],
            benefit=data.get("benefit"),
            cost_per_hour=data.get("cost_per_hour"),
            values=data["values"],
        )


class LineDeleteView(OptionMixin, CaseFormView):
    form_class = ConfirmForm
    template_name = "appraisal/confirm_delete.html"
    line_model: type[CostLine] | type[BenefitLine] = CostLine

    @cached_property
    def line(self):
        return get_object_or_404(self.line_model, pk=self.kwargs["line_pk"], option=self.option)

    @property
    def page_title(self):
        return _("Delete the line '%(name)s'") % {"name": self.line.name}

    def get_success_url(self):
        return self.option.get_absolute_url()

    def form_valid(self, form):
        services.delete_line(self.line, user=self.request.user)
        messages.success(self.request, _("Deleted the line '%(name)s'.") % {"name": self.line.name})
        return redirect(self.get_success_url())


class BenefitLineDeleteView(LineDeleteView):
    line_model = BenefitLine
