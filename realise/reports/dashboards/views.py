"""Dashboard pages: national, collaboration, force ("what has collaboration given my force")
and one per governance body type, with their charts and downloads.

Each page is one GET form (works without JavaScript; htmx swaps only the results) over
one cut. Every table downloads as CSV and XLSX from the same page URL
(`?_export=csv&table=NAME`, django-tables2's ExportMixin) with the same figures. Parts that
are slow for the whole country (each force's share, the trend forecast) are loaded after
the page (htmx, with a plain link without JavaScript) unless already cached.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import RequestConfig
from django_tables2.export import ExportMixin

from realise.benefits.models import BenefitStatus
from realise.benefits.realisation import HOURS, MONEY, RAG_VALUES
from realise.collaborations.models import Collaboration
from realise.core import formatting
from realise.core.language import force_name
from realise.core.types import HtmxHttpRequest, signed_in_user
from realise.governance.models import BodyType, GovernanceBody
from realise.organisations.models import Force
from realise.reports import charts, dashboards, table_xlsx
from realise.reports.dashboards import MEASURE_NAMES, PAGE_SIZE, Cut, Figures
from realise.reports.dashboards import tables as t
from realise.reports.dashboards.forms import DashboardFilterForm, filter_query
from realise.reports.dashboards.sections import BOARD_SECTIONS, DEFAULT_BOARD_SECTIONS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

EXPORT_FORMATS = ("csv", "xlsx")
LAZY = ("forces", "trend", "groups")
PERIOD_LABELS = dashboards.PERIOD_NAMES


class DashboardPage(LoginRequiredMixin, ExportMixin, TemplateView):
    """One dashboard. Subclasses fix part of the cut and choose the sections shown."""

    request: HtmxHttpRequest
    template_name = "reports/dashboards/dashboard.html"
    results_template = "reports/dashboards/_results.html"
    form_template = "reports/dashboards/_form.html"
    section_template = "reports/dashboards/section.html"
    export_formats = EXPORT_FORMATS
    fixed: tuple[str, ...] = ()
    sections: tuple[str, ...] = (
        "headline",
        "trend",
        "slices",
        "subcategories",
        "over_time",
        "forces",
        "groups",
        "qualitative",
    )
    slug = "national"
    default_group = "initiative"

    # The cut ------------------------------------------------------------------------------

    def form_kwargs(self) -> dict:
        return {}

    def fixed_filters(self) -> dict:
        """Parts of the cut set by the page (its collaboration, force...)."""
        return {}

    def chart_params(self) -> dict:
        """The fixed parts of the cut as filter parameters, for chart URLs."""
        return {}

    @cached_property
    def form(self) -> DashboardFilterForm:
        form = DashboardFilterForm(
            self.request.GET or None,
            user=self.request.user,
            fixed=self.fixed,
            **self.form_kwargs(),
        )
        if "by" in form.fields:
            form.fields["by"].initial = self.default_group
        return form

    def related_links(self) -> list[dict]:
        """The user's own force views, and the data-quality check of the figures shown."""
        forces = (
            Force.objects.filter(memberships__user=signed_in_user(self.request))
            .distinct()
            .order_by("name")
        )
        collaboration = self.cut.filters.collaboration
        quality = reverse("data-quality")
        if getattr(collaboration, "slug", None):
            quality += "?" + urlencode({"collaboration": collaboration.slug})
        return [
            {
                "url": reverse("dashboard-force", args=[force.slug]),
                "text": _("What collaboration has given %(force)s") % {"force": force_name(force)},
            }
            for force in forces
        ] + [
            {
                "url": quality,
                "text": _("Data quality: what in these figures would mislead a board"),
            },
            {"url": reverse("benchmark"), "text": _("Benchmarking: collaborations side by side")},
        ]

    @cached_property
    def cut(self) -> Cut:
        filters = self.form.filters(**self.fixed_filters())
        return Cut(filters=filters, scope=dashboards.scope_for(self.request.user))

    @cached_property
    def figures(self) -> Figures:
        return Figures(self.cut)

    @property
    def national(self) -> bool:
        f = self.cut.filters
        return f.collaboration is None and f.initiative is None and f.force is None

    @property
    def group(self) -> str:
        value = self.form.value("by") if "by" in self.form.fields else None
        return value or self.default_group

    @property
    def period(self) -> str:
        return self.form.over_time_by()

    # Requests ---------------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        export = request.GET.get(self.export_trigger_param)
        if export:
            if (
                export not in self.export_formats
                or request.GET.get("table") not in self.table_names()
            ):
                raise Http404("No such download.")
            return self.create_export(export)
        section = request.GET.get("section")
        if section:
            if section not in self.sections:
                raise Http404("No such part of this dashboard.")
            return self.render_section(section)
        context = self.get_context_data(**kwargs)
        if request.htmx and request.htmx.target == "dashboard-results":
            return HttpResponse(context["results_html"])
        return self.render_to_response(context)

    def render_section(self, section: str):
        context = self.base_context()
        context["section"] = self.section_context(section, lazy=False)
        template = self.section_template
        if self.request.htmx:
            template = f"reports/dashboards/_{section}.html"
        return TemplateResponse(self.request, template, context)

    # Downloads (django-tables2's ExportMixin) --------------------------------------------------

    def table_names(self) -> list[str]:
        """The tables the page shows: over time, one for each of its measures."""
        names: list[str] = []
        for section in self.sections:
            names.extend(SECTION_TABLES.get(section, (section,)))
        shown = {f"over-time-{measure}" for measure in self.measures()}
        return [name for name in names if not name.startswith("over-time-") or name in shown]

    def get_table_kwargs(self):
        return {}

    def get_table(self, **kwargs):
        return self.build_table(self.request.GET["table"], paginate=False)

    def get_export_filename(self, export_format):
        return f"{self.slug}-{self.request.GET['table']}.{export_format}"

    def get_dataset_kwargs(self):
        return {"title": self.request.GET["table"][:31]}

    def create_export(self, export_format):
        """CSV as plain figures; XLSX with number formats, an "as at" line and the filters.

        The XLSX download is for people and follows the page's language; the CSV is data
        for other programs and keeps its English column names and words in any language."""
        if export_format != "xlsx":
            with translation.override("en-gb"):  # the content is written here, not later
                return super().create_export(export_format)
        table = self.get_table()
        title = str(getattr(table, "caption", "") or self.request.GET["table"])
        content = table_xlsx.workbook(
            table,
            title=title,
            as_at=timezone.localdate(),
            filters=self.filters_used(),
            # The tab reads as the table's caption, in the page's language.
            sheet_title=table_xlsx.sheet_name(title),
        )
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = self.get_export_filename(export_format)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def filters_used(self) -> list[tuple[str, str]]:
        """The cut of the figures in words, for the head of a download."""
        f = self.cut.filters
        used = []
        for label, value in (
            (_("Collaboration"), f.collaboration),
            (_("Initiative"), f.initiative),
            (_("Force"), f.force),
        ):
            if value is not None:
                used.append((label, str(getattr(value, "name", value))))
        for label, values in (
            (_("Sub-categories"), f.subcategories),
            (_("Stages"), f.stages),
            (_("Statuses"), [BenefitStatus(status).label for status in f.statuses]),
        ):
            if values:
                used.append((label, ", ".join(str(v) for v in values)))
        for label, value in (
            (_("Cashable"), f.cashable),
            (_("In the business case"), f.identified),
        ):
            if value is not None:
                used.append((label, str(_("yes") if value else _("no"))))
        if f.period_from or f.period_to:
            start = formatting.month(f.period_from) if f.period_from else _("the start")
            end = formatting.month(f.period_to) if f.period_to else _("the latest")
            used.append((_("Months"), _("%(start)s to %(end)s") % {"start": start, "end": end}))
        return [(str(label), value) for label, value in used]

    def build_table(self, name: str, *, paginate: bool = True):
        builder = getattr(self, f"table_{name.replace('-', '_')}", None)
        if builder is None:
            raise Http404("No such table.")
        table = builder(paginate=paginate)
        table.name = name
        return table

    # Tables -----------------------------------------------------------------------------------

    def measures(self) -> tuple[str, ...]:
        return (MONEY, HOURS)

    # Whether this response shows the trend: the headline, slices and series are then read
    # from the same summaries, worked out once with the trend, rather than twice.
    trend_shown = False

    def summaries(self, *, trend: bool = False) -> dict:
        found = self.figures.summaries(trend=trend or self.trend_shown)
        return {measure: found[measure] for measure in self.measures()}

    def table_headline(self, paginate=True):
        table = t.HeadlineTable(dashboards.headline_rows(self.summaries()))
        table.caption = _("Money and hours planned, realised and forecast (never added together)")
        return table

    def table_forecast(self, paginate=True):
        rows = dashboards.headline_rows(self.summaries(trend=True))
        table = t.ForecastTable(rows)
        table.caption = _("Forecasts of the total: from the plan, and at the recent rate")
        return table

    def table_slices(self, paginate=True):
        rows = dashboards.slice_rows(self.summaries(), cashable_first=self.cashable_first)
        table = t.SliceTable(rows)
        table.caption = _(
            "Identified and not identified in the business case; cashable and non-cashable"
        )
        return table

    cashable_first = False

    def table_subcategories(self, paginate=True):
        summaries = self.summaries()
        rows = dashboards.subcategory_rows(summaries, self.figures.subcategory_totals(summaries))
        table = t.SubcategoryTable(rows)
        table.caption = _("By sub-category")
        return table

    def _period_table(self, measure: str):
        summary = self.summaries()[measure]
        table = t.PeriodTable(dashboards.period_rows(summary, self.period), measure=measure)
        table.caption = _("%(measure)s planned and realised by %(period)s") % {
            "measure": MEASURE_NAMES[measure],
            "period": PERIOD_LABELS[self.period],
        }
        return table

    def table_over_time_money(self, paginate=True):
        return self._period_table(MONEY)

    def table_over_time_hours(self, paginate=True):
        return self._period_table(HOURS)

    def table_forces(self, paginate=True):
        rows = dashboards.force_rows(self.figures.forces())
        table_class = t.MoneyForceTable if self.measures() == (MONEY,) else t.ForceTable
        table = table_class(rows)
        table.caption = _("Each force's share")
        return table

    def group_items(self):
        """The page of initiatives (or collaborations) the table shows."""
        items = dashboards.group_items(self.figures, self.group)
        return Paginator(items, PAGE_SIZE).get_page(self.request.GET.get("page"))

    def table_groups(self, paginate=True):
        if paginate:
            page = self.group_items()
            rows = dashboards.group_page_rows(self.figures, self.group, list(page.object_list))
        else:
            page = None
            rows = dashboards.all_group_rows(self.figures, self.group)
        table = t.GroupTable(rows, group=self.group)
        table.caption = (
            _("By initiative, with RAG")
            if self.group == "initiative"
            else _("By collaboration, with RAG")
        )
        table.page_of_items = page
        return table

    def table_qualitative(self, paginate=True):
        table = t.QualitativeTable(self.figures.qualitative())
        table.caption = _("Qualitative benefits by status (reported as status, not summed)")
        return table

    # Context ------------------------------------------------------------------------------------

    def heading(self) -> StrOrPromise:
        return _("National benefits dashboard")

    def caption(self) -> StrOrPromise:
        return _("Dashboards")

    def description(self) -> StrOrPromise:
        return _(
            "Every collaboration you can see: what was planned, what has been realised and "
            "what is forecast."
        )

    def chart_query(self) -> str:
        """The charts' filters: the cut the tables show, so values the form left out of it
        (explained in its error summary) are left out of the charts too."""
        left_out: dict[str, Any] = {name: None for name in self.form.errors}
        return filter_query(self.request.GET, **{**left_out, **self.chart_params()})

    def base_context(self) -> dict:
        query = filter_query(self.request.GET)
        return {
            "view": self,
            "form": self.form,
            "cut": self.cut,
            "heading": self.heading(),
            "caption": self.caption(),
            "description": self.description(),
            "query": query,
            "page_url": self.request.path,
            "chart_query": self.chart_query(),
            "period": self.period,
            "period_label": PERIOD_LABELS[self.period],
            "measures": self.measures(),
            "filters_applied": bool(query),
            "related_links": self.related_links(),
            "share_force": self.cut.filters.force,
        }

    def get_context_data(self, **kwargs):
        """The page: its form and its results, each rendered once per data version and
        query, then served from the cache (the results hold no per-user content beyond
        the user's scope, which is part of the cut)."""
        context = super().get_context_data(**kwargs)
        context.update(self.base_context())
        request = self.request
        query = sorted((key, tuple(request.GET.getlist(key))) for key in request.GET)
        lazy = tuple(self.is_lazy(name) for name in self.sections)
        self.trend_shown = ("trend", False) in zip(self.sections, lazy, strict=True)

        def results():
            context["section_list"] = [
                self.section_context(name, lazy=is_lazy)
                for name, is_lazy in zip(self.sections, lazy, strict=True)
            ]
            return render_to_string(self.results_template, context, request)

        def form():
            return render_to_string(self.form_template, context, request)

        # The cached HTML is in the page's language: English and Welsh are kept apart.
        language = translation.get_language()
        context["results_html"] = self.figures.get(
            "html", results, request.path, query, lazy, language
        )
        context["form_html"] = self.figures.get("form", form, request.path, query, language)
        return context

    def is_lazy(self, section: str) -> bool:
        """Slow parts wait for their own request on national cuts, unless cached."""
        if section not in LAZY or not self.national:
            return False
        if section == "forces":
            return self.figures.peek("forces") is None
        if section == "groups":
            return self.figures.peek("groups", self.group) is None
        return self.figures.peek("summaries", True) is None

    def section_context(self, name: str, *, lazy: bool) -> dict:
        out = {"name": name, "template": f"reports/dashboards/_{name}.html", "lazy": lazy}
        if lazy:
            out["url"] = f"{self.request.path}?{filter_query(self.request.GET, section=name)}"
            out["template"] = "reports/dashboards/_lazy.html"
            out["title"] = SECTION_TITLES[name]
            return out
        builder = getattr(self, f"context_{name}", None)
        if builder is not None:
            out.update(builder())
        return out

    def context_headline(self):
        return {"table": self.build_table("headline"), "rag": None}

    def context_trend(self):
        return {"table": self.build_table("forecast")}

    def context_slices(self):
        return {"table": self.build_table("slices")}

    def context_subcategories(self):
        return {"table": self.build_table("subcategories")}

    def context_over_time(self):
        parts = []
        for measure in self.measures():
            table = self.build_table(f"over-time-{measure}")
            rows = table.data.data
            first, last = (rows[0]["period"], rows[-1]["period"]) if rows else ("", "")
            parts.append(
                {
                    "measure": measure,
                    "title": MEASURE_NAMES[measure],
                    "table": table,
                    "chart": reverse("dashboard-chart", args=[f"over-time-{measure}", "svg"]),
                    "png": reverse("dashboard-chart", args=[f"over-time-{measure}", "png"]),
                    "alt": (
                        _(
                            "Bar chart of %(measure)s planned and realised by %(period)s, "
                            "%(first)s to %(last)s, with the forecast of periods not yet "
                            "complete. The same figures are in the table below."
                        )
                        if rows
                        else _(
                            "Bar chart of %(measure)s planned and realised by %(period)s, "
                            "with the forecast of periods not yet complete. The same figures "
                            "are in the table below."
                        )
                    )
                    % {
                        "measure": MEASURE_NAMES[measure].lower(),
                        "period": PERIOD_LABELS[self.period],
                        "first": first,
                        "last": last,
                    },
                }
            )
        periods = [
            {"value": value, "label": label, "query": filter_query(self.request.GET, period=value)}
            for value, label in (
                ("year", _("Financial year")),
                ("quarter", _("Quarter")),
                ("month", _("Month")),
            )
        ]
        return {"parts": parts, "periods": periods}

    def context_forces(self):
        table = self.build_table("forces")
        charts_ = [
            {
                "measure": measure,
                "chart": reverse("dashboard-chart", args=[f"forces-{measure}", "svg"]),
                "png": reverse("dashboard-chart", args=[f"forces-{measure}", "png"]),
                "alt": _(
                    "Horizontal bar chart of each force's share of %(measure)s planned and "
                    "realised to date. The same figures are in the table below."
                )
                % {"measure": MEASURE_NAMES[measure].lower()},
            }
            for measure in self.measures()
        ]
        return {"table": table, "charts": charts_}

    def context_groups(self):
        table = self.build_table("groups")
        page = table.page_of_items
        return {
            "table": table,
            "page": page,
            "group": self.group,
            "pages": _page_links(self.request, page),
        }

    def context_qualitative(self):
        return {"table": self.build_table("qualitative")}


SECTION_TABLES = {
    "trend": ("forecast",),
    "over_time": ("over-time-money", "over-time-hours"),
}
SECTION_TITLES = {
    "forces": _("By force"),
    "trend": _("Forecasts"),
    "headline": _("Headline figures"),
    "slices": _("Identified and cashable"),
    "subcategories": _("By sub-category"),
    "over_time": _("Realised against plan over time"),
    "groups": _("By initiative"),
    "qualitative": _("Qualitative benefits"),
    "cashable": _("Money by initiative, cashable first"),
    "initiatives": _("Every initiative, exceptions first"),
    "benefits": _("Benefits, exceptions first"),
    "escalations": _("Items escalated"),
}


def _page_links(request, page) -> dict | None:
    if page is None or page.paginator.num_pages <= 1:
        return None
    out: list[dict[str, Any]] = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == Paginator.ELLIPSIS:
            out.append({"ellipsis": True})
        else:
            out.append(
                {
                    "number": number,
                    "current": number == page.number,
                    "query": filter_query(request.GET, page=number),
                }
            )
    return {
        "links": out,
        "previous": filter_query(request.GET, page=page.previous_page_number())
        if page.has_previous()
        else None,
        "next": filter_query(request.GET, page=page.next_page_number())
        if page.has_next()
        else None,
    }


class NationalDashboard(DashboardPage):
    pass


class CollaborationDashboard(DashboardPage):
    fixed = ("collaboration",)
    slug = "collaboration"

    @cached_property
    def collaboration(self):
        return get_object_or_404(
            Collaboration.objects.visible_to(self.request.user), slug=self.kwargs["slug"]
        )

    def form_kwargs(self):
        return {"collaboration": self.collaboration}

    def fixed_filters(self):
        return {"collaboration": self.collaboration}

    def chart_params(self):
        return {"collaboration": self.collaboration.slug}

    def related_links(self):
        bodies = GovernanceBody.objects.visible_to(self.request.user).filter(
            collaboration=self.collaboration
        )
        return [
            {
                "url": reverse("dashboard-board", args=[body.slug]),
                "text": _("%(body)s dashboard") % {"body": body.name},
            }
            for body in bodies.order_by("name")[:20]
        ] + super().related_links()

    def heading(self):
        return _("%(collaboration)s: benefits dashboard") % {
            "collaboration": self.collaboration.name
        }

    def caption(self):
        return _("Collaboration dashboard")

    def description(self):
        return _("This collaboration and the collaborations within it.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["collaboration"] = self.collaboration
        return context


class ForceDashboard(DashboardPage):
    """What collaboration has given one force: its share across every collaboration it
    belongs to (that the user may see)."""

    fixed = ("force",)
    slug = "force"
    default_group = "collaboration"
    sections = (
        "headline",
        "trend",
        "slices",
        "subcategories",
        "over_time",
        "groups",
        "qualitative",
    )

    @cached_property
    def force(self):
        return get_object_or_404(Force, slug=self.kwargs["slug"])

    def fixed_filters(self):
        return {"force": self.force}

    def chart_params(self):
        return {"force": self.force.slug}

    def heading(self):
        return _("What collaboration has given %(force)s") % {"force": force_name(self.force)}

    def caption(self):
        return _("Force dashboard")

    def description(self):
        return _(
            "%(force)s's share of every collaboration it belongs to: what it recorded itself, "
            "plus its agreed share of what was recorded for the whole collaboration."
        ) % {"force": force_name(self.force)}


# Boards --------------------------------------------------------------------------------------


class BoardDashboard(DashboardPage):
    """The cut a governance body needs, chosen by its type."""

    fixed = ("collaboration",)
    slug = "board"

    @cached_property
    def body(self):
        return get_object_or_404(
            GovernanceBody.objects.visible_to(self.request.user).select_related("collaboration"),
            slug=self.kwargs["slug"],
        )

    @property
    def body_type(self) -> str:
        return self.body.body_type

    @property
    def forces_board(self) -> bool:
        return self.body_type in (
            BodyType.CHIEF_CONSTABLE_BOARD,
            BodyType.DEPUTY_CHIEF_CONSTABLE_BOARD,
        )

    @cached_property
    def member_forces(self) -> list:
        return dashboards.member_forces(self.body.collaboration)

    @cached_property
    def chosen_force(self):
        if not self.forces_board:
            return None
        chosen = self.form.value("force")
        return chosen or dashboards.default_force_for(self.request.user, self.member_forces)

    @property
    def sections(self):
        return BOARD_SECTIONS.get(self.body_type, DEFAULT_BOARD_SECTIONS)

    @property
    def cashable_first(self):
        return self.body_type == BodyType.FINANCIAL_STEERING_GROUP

    def measures(self):
        if self.body_type == BodyType.FINANCIAL_STEERING_GROUP:
            return (MONEY,)
        return (MONEY, HOURS)

    def form_kwargs(self):
        out = {"collaboration": self.body.collaboration}
        if self.forces_board:
            out["force_choices"] = self.member_forces
        return out

    @cached_property
    def form(self):
        fixed = ("collaboration", "by")
        if not self.forces_board:
            fixed += ("force",)
        return DashboardFilterForm(
            self.request.GET or None,
            user=self.request.user,
            fixed=fixed,
            **self.form_kwargs(),
        )

    def fixed_filters(self):
        out = {"collaboration": self.body.collaboration}
        if self.forces_board:
            out["force"] = self.chosen_force
        if self.body_type == BodyType.FINANCIAL_STEERING_GROUP:
            chosen = self.form.value("subcategory", ())
            out["subcategories"] = (
                tuple(c for c in chosen if c in dashboards.MONEY_SUBCATEGORIES)
                or dashboards.MONEY_SUBCATEGORIES
            )
        return out

    def chart_params(self):
        out = {"collaboration": self.body.collaboration.slug}
        if self.chosen_force is not None:
            out["force"] = self.chosen_force.slug
        if self.body_type == BodyType.FINANCIAL_STEERING_GROUP:
            out["subcategory"] = self.cut.filters.subcategories  # money only, as the tables
        return out

    def heading(self):
        return _("%(body)s: dashboard") % {"body": self.body.name}

    def caption(self):
        return _("%(type)s of %(collaboration)s") % {
            "type": self.body.get_body_type_display(),
            "collaboration": self.body.collaboration.name,
        }

    def description(self):
        texts = {
            BodyType.FINANCIAL_STEERING_GROUP: _(
                "Money: savings and cost avoidance, cashable first."
            ),
            BodyType.PROGRAMME_BOARD: _(
                "Every initiative with its stage and RAG, exceptions first."
            ),
            BodyType.SUMMIT: _("The headline figures and the items escalated to the summit."),
        }
        if self.forces_board:
            if self.chosen_force is None:
                return _(
                    "A member force's share of the collaboration's benefits, and its service "
                    "and compliance benefits."
                )
            return _(
                "%(force)s's share of the collaboration's benefits, and its service and "
                "compliance benefits."
            ) % {"force": force_name(self.chosen_force)}
        return texts.get(self.body_type, _("The collaboration's headline figures."))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["body"] = self.body
        context["chosen_force"] = self.chosen_force
        return context

    # Board tables -------------------------------------------------------------------------------

    def table_cashable(self, paginate=True):
        rows = dashboards.cashable_group_rows(self.figures)
        table = t.CashableGroupTable(rows)
        table.caption = _("Money by initiative, cashable first")
        if paginate:
            RequestConfig(self.request, paginate={"per_page": PAGE_SIZE}).configure(table)
        return table

    def table_initiatives(self, paginate=True):
        table = t.InitiativeRagTable(dashboards.initiative_rows(self.figures), prefix="i-")
        table.caption = _("Every initiative with its stage and RAG, exceptions first")
        if paginate:
            RequestConfig(self.request, paginate={"per_page": PAGE_SIZE}).configure(table)
        return table

    def benefit_cut_rows(self):
        rows = self.figures.benefits()
        if self.forces_board:
            rows = [row for row in rows if row.subcategory in dashboards.SERVICE_AND_COMPLIANCE]
        return dashboards.benefit_rows(rows)

    def table_benefits(self, paginate=True):
        table = t.BenefitRagTable(self.benefit_cut_rows(), prefix="b-")
        table.caption = (
            _("Service and compliance benefits, exceptions first")
            if self.forces_board
            else _("Benefits, exceptions first")
        )
        if paginate:
            RequestConfig(self.request, paginate={"per_page": PAGE_SIZE}).configure(table)
        return table

    def table_escalations(self, paginate=True):
        table = t.EscalationTable(
            dashboards.escalation_rows(self.body, self.request.user), prefix="e-"
        )
        table.caption = _("Items escalated to this body, open ones first")
        if paginate:
            RequestConfig(self.request, paginate={"per_page": PAGE_SIZE}).configure(table)
        return table

    def context_cashable(self):
        return {"table": self.build_table("cashable")}

    def context_initiatives(self):
        return {"table": self.build_table("initiatives")}

    def context_benefits(self):
        return {"table": self.build_table("benefits")}

    def context_escalations(self):
        return {"table": self.build_table("escalations")}

    def context_headline(self):
        out = super().context_headline()
        if self.body_type in (BodyType.SUMMIT, BodyType.PROGRAMME_BOARD):
            rollup = self.figures.rag()
            out["rag"] = {
                "overall": rollup.overall,
                "counts": [(value, rollup.counts[value]) for value in RAG_VALUES],
                "overdue": rollup.measurement_overdue,
            }
        return out


# Charts ---------------------------------------------------------------------------------------

CHARTS = {
    "over-time-money",
    "over-time-hours",
    "forces-money",
    "forces-hours",
}


class DashboardChart(LoginRequiredMixin, View):
    """A dashboard's chart as SVG (pages) or PNG (documents), for the cut in its query."""

    def get(self, request, name: str, fmt: str):
        if name not in CHARTS or fmt not in charts.FORMATS:
            raise Http404("No such chart.")
        form = DashboardFilterForm(request.GET or None, user=request.user)
        if form.is_bound and not form.is_valid():
            raise Http404("No such chart.")
        cut = Cut(filters=form.filters(), scope=dashboards.scope_for(request.user))
        figures = Figures(cut)
        measure = MONEY if name.endswith("money") else HOURS
        period = form.over_time_by()

        def draw() -> bytes:
            title_measure = MEASURE_NAMES[measure]
            if name.startswith("over-time"):
                summary = figures.summaries()[measure]
                return charts.over_time(
                    dashboards.period_rows(summary, period),
                    measure=measure,
                    title=str(
                        _("%(measure)s: planned and realised by %(period)s")
                        % {"measure": title_measure, "period": PERIOD_LABELS[period]}
                    ),
                    fmt=fmt,
                )
            rows = dashboards.force_rows(figures.forces())
            return charts.by_force(
                rows,
                measure=measure,
                title=str(
                    _("%(measure)s: each force's share to date") % {"measure": title_measure}
                ),
                fmt=fmt,
            )

        # A chart's words are in the page's language: English and Welsh are cached apart.
        content = figures.get("chart", draw, name, fmt, period, translation.get_language())
        response = HttpResponse(content, content_type=charts.FORMATS[fmt])
        response["Cache-Control"] = "private, no-cache"
        if fmt == "png":
            response["Content-Disposition"] = f'inline; filename="{name}.png"'
        return response
