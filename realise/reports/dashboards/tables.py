"""The dashboards' tables (django-tables2). Pages show formatted figures; the CSV and XLSX
downloads carry the same figures as plain numbers (`value_*`), pounds and hours with two
decimal places, percentages as numbers, RAG as words."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from realise.collaborations.models import Stage
from realise.core import formatting
from realise.core.cells import safe_row

CENT = Decimal("0.01")
NUMERIC = {
    "th": {"class": "govuk-table__header--numeric"},
    "td": {"class": "govuk-table__cell--numeric"},
}
RAG_TAGS = {
    "red": ("govuk-tag--red", _("Red")),
    "amber": ("govuk-tag--yellow", _("Amber")),
    "green": ("govuk-tag--green", _("Green")),
    "none": ("govuk-tag--grey", _("Not rated")),
}
RAG_WORDS = {key: words for key, (_css, words) in RAG_TAGS.items()}
QUALITATIVE_RAG = _("Qualitative: see status")


def rag_tag(value):
    css, words = RAG_TAGS.get(value, ("govuk-tag--grey", str(value)))
    words = str(words)
    return format_html('<strong class="govuk-tag {}">{}</strong>', css, words)


money = formatting.money
percent = formatting.percent


def hours(value) -> str:
    """Hours in a table: always two decimal places, as pounds are, so that a column reads
    alike ('18,400.80 hours' above '747.82 hours')."""
    if formatting.to_decimal(value) is None:
        return formatting.DASH
    return gettext("%(hours)s hours") % {"hours": formatting.number(value, 2)}


def plain(value):
    """A figure for a download: the Decimal itself, to two places (XLSX keeps it a number),
    blank for none."""
    if isinstance(value, Decimal):
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    return "" if value is None else value


class MoneyColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMERIC)
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("default", "–")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return money(value)

    def value(self, value):
        return plain(value)


class HoursColumn(MoneyColumn):
    def render(self, value):
        return hours(value)


class PercentColumn(MoneyColumn):
    def render(self, value):
        return percent(value)


class CountColumn(MoneyColumn):
    def render(self, value):
        return "–" if value is None else f"{value:,}"


class MeasureColumn(MoneyColumn):
    """A figure in the unit of its row's measure (money in pounds, hours in hours)."""

    def render(self, value, record):
        return (
            money(value)
            if record.get("key", record.get("measure_key")) == "money"
            else hours(value)
        )


class RagColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbose_name", "RAG")
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return rag_tag(value)

    def value(self, value):
        return str(RAG_WORDS.get(value, value or ""))


class DashboardTable(tables.Table):
    """A table of one dashboard; `name` is its download name (`?_export=csv&table=NAME`)."""

    name = ""

    def as_values(self, exclude_columns=None):
        """Rows of the CSV and XLSX downloads: text a spreadsheet would run as a formula is
        written as text (numbers stay numbers)."""
        for row in super().as_values(exclude_columns):
            yield safe_row(row)

    class Meta:
        orderable = False
        template_name = "reports/dashboards/table.html"


class HeadlineTable(DashboardTable):
    name = "headline"
    measure = tables.Column(verbose_name=_("Measure"))
    planned_total = MeasureColumn(verbose_name=_("Planned in total"))
    planned_to_date = MeasureColumn(verbose_name=_("Planned to date"))
    actual_to_date = MeasureColumn(verbose_name=_("Realised to date"))
    outside_plan = MeasureColumn(verbose_name=_("Of which realised outside the plan"))
    percent = PercentColumn(
        verbose_name=_("Realised as % of plan to date (benefits with a plan, like for like)")
    )
    forecast_total = MeasureColumn(verbose_name=_("Forecast: actuals plus remaining plan"))
    rag = RagColumn(verbose_name=_("RAG of totals"))
    verified_actual_to_date = MeasureColumn(verbose_name=_("Realised to date: verified"))

    class Meta(DashboardTable.Meta):
        empty_text = _("No money or hours benefits in this selection.")


class ForecastTable(DashboardTable):
    name = "forecast"
    measure = tables.Column(verbose_name=_("Measure"))
    actual_to_date = MeasureColumn(verbose_name=_("Realised to date"))
    forecast_total = MeasureColumn(verbose_name=_("Forecast: actuals plus remaining plan"))
    trend_forecast_total = MeasureColumn(verbose_name=_("Forecast: at the recent rate (trend)"))

    class Meta(DashboardTable.Meta):
        pass


class SliceTable(DashboardTable):
    name = "slices"
    measure = tables.Column(verbose_name=_("Measure"))
    slice = tables.Column(verbose_name=_("Benefits"))
    # Each in its row's unit on the page; plain figures in the downloads.
    planned_total = MeasureColumn(verbose_name=_("Planned in total"))
    actual_to_date = MeasureColumn(verbose_name=_("Realised to date"))

    class Meta(DashboardTable.Meta):
        pass


class SubcategoryTable(SliceTable):
    """Each sub-category like for like, as the headline: the percentage sets what its
    benefits with a plan realised against their plan to date."""

    name = "subcategories"
    slice = None
    subcategory = tables.Column(verbose_name=_("Sub-category"))
    planned_to_date = MeasureColumn(verbose_name=_("Planned to date"))
    outside_plan = MeasureColumn(verbose_name=_("Of which realised outside the plan"))
    percent = PercentColumn(
        verbose_name=_("Realised as % of plan to date (benefits with a plan, like for like)")
    )

    class Meta(SliceTable.Meta):
        sequence = (
            "measure",
            "subcategory",
            "planned_total",
            "planned_to_date",
            "actual_to_date",
            "outside_plan",
            "percent",
        )


class PeriodTable(DashboardTable):
    """Planned, realised and forecast by period for one measure: pounds, or hours (its
    figure columns are then hours columns, shown and downloaded as hours)."""

    period = tables.Column(verbose_name=_("Period"))
    planned = MoneyColumn(verbose_name=_("Planned"))
    actual = MoneyColumn(verbose_name=_("Realised"))
    forecast = MoneyColumn(verbose_name=_("Forecast"))
    cumulative_planned = MoneyColumn(verbose_name=_("Planned, cumulative"))
    cumulative_actual = MoneyColumn(verbose_name=_("Realised, cumulative"))

    FIGURES = ("planned", "actual", "forecast", "cumulative_planned", "cumulative_actual")

    def __init__(self, *args, measure: str = "money", **kwargs):
        if measure != "money":
            kwargs["extra_columns"] = [
                (name, HoursColumn(verbose_name=self.base_columns[name].verbose_name))
                for name in self.FIGURES
            ]
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.name = f"over-time-{measure}"

    class Meta(DashboardTable.Meta):
        pass


class ForceTable(DashboardTable):
    name = "forces"
    force = tables.Column(verbose_name=_("Force"))
    ons_code = tables.Column(verbose_name=_("ONS code"))
    money_planned_total = MoneyColumn(verbose_name=_("Money planned in total (£)"))
    money_planned_to_date = MoneyColumn(verbose_name=_("Money planned to date (£)"))
    money_actual_to_date = MoneyColumn(verbose_name=_("Money realised to date (£)"))
    money_percent = PercentColumn(verbose_name=_("Money: % of plan to date"))
    # Optional, so that MoneyForceTable can drop them (a column set to None is removed).
    hours_planned_total: HoursColumn | None = HoursColumn(verbose_name=_("Hours planned in total"))
    hours_planned_to_date: HoursColumn | None = HoursColumn(verbose_name=_("Hours planned to date"))
    hours_actual_to_date: HoursColumn | None = HoursColumn(verbose_name=_("Hours realised to date"))
    hours_percent: PercentColumn | None = PercentColumn(verbose_name=_("Hours: % of plan to date"))

    class Meta(DashboardTable.Meta):
        pass


class MoneyForceTable(ForceTable):
    hours_planned_total = hours_planned_to_date = hours_actual_to_date = hours_percent = None

    class Meta(ForceTable.Meta):
        pass


def _group_link(record) -> str | None:
    if record.get("group") == "collaboration":
        return reverse("dashboard-collaboration", args=[record["slug"]])
    if record.get("slug"):
        return reverse("initiative-detail", args=[record["slug"]])
    return None


class GroupTable(DashboardTable):
    """Money and hours per initiative or collaboration, with RAG."""

    name = "groups"
    group_name = tables.Column(
        accessor="name",
        verbose_name=_("Name"),
        linkify=_group_link,
        attrs={"a": {"class": "govuk-link"}},
    )
    stage = tables.Column(verbose_name=_("Stage"), default="")
    money_planned_total = MoneyColumn(verbose_name=_("Money planned in total (£)"))
    money_actual_to_date = MoneyColumn(verbose_name=_("Money realised to date (£)"))
    money_percent = PercentColumn(verbose_name=_("Money: % of plan to date"))
    # Optional, so that MoneyForceTable can drop them (a column set to None is removed).
    hours_planned_total: HoursColumn | None = HoursColumn(verbose_name=_("Hours planned in total"))
    hours_actual_to_date: HoursColumn | None = HoursColumn(verbose_name=_("Hours realised to date"))
    hours_percent: PercentColumn | None = PercentColumn(verbose_name=_("Hours: % of plan to date"))
    rag = RagColumn(verbose_name=_("RAG (worst benefit)"))
    red = CountColumn(verbose_name=_("Red"))
    amber = CountColumn(verbose_name=_("Amber"))
    green = CountColumn(verbose_name=_("Green"))
    overdue = CountColumn(verbose_name=_("Measurement overdue"))

    def __init__(self, *args, group: str = "initiative", **kwargs):
        if group != "initiative":
            kwargs["exclude"] = ("stage",)
        super().__init__(*args, **kwargs)
        self.columns["group_name"].column.verbose_name = (
            _("Initiative") if group == "initiative" else _("Collaboration")
        )

    def render_stage(self, value):
        return str(Stage(value).label) if value is not None else ""

    def value_stage(self, value):
        return self.render_stage(value)

    class Meta(DashboardTable.Meta):
        empty_text = _("No benefits in this selection.")


class CashableGroupTable(DashboardTable):
    """Money per initiative, cashable first."""

    name = "cashable"
    group_name = tables.Column(
        accessor="name",
        verbose_name=_("Initiative"),
        linkify=_group_link,
        attrs={"a": {"class": "govuk-link"}},
    )
    cashable_planned_total = MoneyColumn(verbose_name=_("Cashable: planned in total (£)"))
    cashable_actual_to_date = MoneyColumn(verbose_name=_("Cashable: realised to date (£)"))
    non_cashable_planned_total = MoneyColumn(verbose_name=_("Non-cashable: planned in total (£)"))
    non_cashable_actual_to_date = MoneyColumn(verbose_name=_("Non-cashable: realised to date (£)"))

    class Meta(DashboardTable.Meta):
        empty_text = _("No money benefits in this selection.")


class InitiativeRagTable(DashboardTable):
    """Every initiative with its stage and RAG, exceptions first (programme board)."""

    name = "initiatives"
    group_name = tables.Column(
        accessor="name",
        verbose_name=_("Initiative"),
        linkify=lambda record: reverse("initiative-detail", args=[record["slug"]]),
        attrs={"a": {"class": "govuk-link"}},
    )
    collaboration = tables.Column(verbose_name=_("Collaboration"))
    stage = tables.Column(verbose_name=_("Stage"))
    status = tables.Column(verbose_name=_("Status"))
    rag = RagColumn(verbose_name=_("RAG (worst benefit)"))
    red = CountColumn(verbose_name=_("Red"))
    amber = CountColumn(verbose_name=_("Amber"))
    green = CountColumn(verbose_name=_("Green"))
    overdue = CountColumn(verbose_name=_("Measurement overdue"))
    money_planned_to_date = MoneyColumn(verbose_name=_("Money planned to date (£)"))
    money_actual_to_date = MoneyColumn(verbose_name=_("Money realised to date (£)"))
    hours_planned_to_date: HoursColumn | None = HoursColumn(verbose_name=_("Hours planned to date"))
    hours_actual_to_date = HoursColumn(verbose_name=_("Hours realised to date"))

    class Meta(DashboardTable.Meta):
        empty_text = _("No initiatives in this selection.")


class BenefitRagTable(DashboardTable):
    """Benefits with their RAG (or, for qualitative ones, their status), exceptions first."""

    name = "benefits"
    reference = tables.Column(
        verbose_name=_("Reference"),
        linkify=lambda record: reverse("benefit-detail", args=[record["benefit_id"]]),
        attrs={"a": {"class": "govuk-link"}},
    )
    title = tables.Column(verbose_name=_("Benefit"))
    initiative = tables.Column(verbose_name=_("Initiative"))
    subcategory = tables.Column(verbose_name=_("Sub-category"))
    status = tables.Column(verbose_name=_("Status"))
    rag = RagColumn(verbose_name=_("RAG"))
    percent = PercentColumn(verbose_name=_("% of plan"))
    latest_period = tables.Column(verbose_name=_("Latest actual"), default="")
    overdue_months = CountColumn(verbose_name=_("Months overdue"))

    def render_rag(self, value, record):
        if record["kind"] == "qualitative":
            return str(QUALITATIVE_RAG)
        return rag_tag(value)

    def value_rag(self, value, record):
        if record["kind"] == "qualitative":
            return str(QUALITATIVE_RAG)
        return str(RAG_WORDS.get(value, value or ""))

    class Meta(DashboardTable.Meta):
        empty_text = _("No benefits in this selection.")


class QualitativeTable(DashboardTable):
    name = "qualitative"
    status = tables.Column(verbose_name=_("Status"))
    count = CountColumn(verbose_name=_("Qualitative benefits"))

    class Meta(DashboardTable.Meta):
        pass


class EscalationTable(DashboardTable):
    name = "escalations"
    raised_at = tables.DateColumn(verbose_name=_("Raised"), format="j M Y")
    kind = tables.Column(verbose_name=_("What"))
    from_body = tables.Column(verbose_name=_("From"))
    summary = tables.Column(
        verbose_name=_("Summary"),
        linkify=lambda record: record.get_absolute_url(),
        attrs={"a": {"class": "govuk-link"}},
    )
    subject = tables.Column(verbose_name=_("Initiative or benefit"), accessor="pk", default="")
    # Open items have no resolved_at: `empty_values=()` lets "Open" reach the downloads too.
    state = tables.Column(verbose_name=_("State"), accessor="resolved_at", empty_values=())

    def value_raised_at(self, value):
        """The day raised as the page shows it (in UK time), written YYYY-MM-DD."""
        return timezone.localdate(value).isoformat()

    def render_kind(self, record):
        return record.get_kind_display()

    def value_kind(self, record):
        return record.get_kind_display()

    def render_subject(self, record):
        if record.benefit_id:
            return f"{record.benefit.reference}: {record.benefit.title}"
        if record.initiative_id:
            return record.initiative.name
        return ""

    def value_subject(self, record):
        return self.render_subject(record)

    def render_state(self, value):
        if not value:
            return str(_("Open"))
        return _("Resolved %(day)s") % {"day": date_format(timezone.localdate(value), "j M Y")}

    def value_state(self, value):
        return self.render_state(value)

    class Meta(DashboardTable.Meta):
        empty_text = _("Nothing has been escalated to this body.")
