"""The figures each dashboard shows, built on the realisation engine, and their cache.

Pages ask this module, never the engine directly, so that every figure on a page, in its
charts and in its CSV and XLSX downloads comes from the same call with the same cut.

The cut
    `Cut` = the engine's `RealisationFilter` + the user's `Scope` (which benefits they may
    see) + the day "to date" is counted from. Users who may see every collaboration share
    the national scope (`base=None`), which keeps national queries plain grouped queries.

The cache
    Engine results are kept in Django's cache under a key made of the cut, the settings
    that change the maths, today's date and the *data version*: the head of the audit
    trail (`core.AuditHead`), which moves on every create, update and delete of domain
    data, whatever makes it (page, API, admin, import, demo), and is written while the
    writer holds the head's row lock, so versions follow the order writes commit in. A
    write therefore makes every earlier entry unreachable: cached figures are never stale.
    `forget_cached_figures()` is for data written behind the application's back (the
    benchmark's bulk generator). See docs/dashboards.md for the measurements.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from realise.benefits import realisation as engine
from realise.benefits.models import Attribution, Benefit, BenefitStatus, Nature, SubCategory
from realise.benefits.realisation import (
    MONEY,
    RagRollup,
    RealisationFilter,
    rag_rollup,
    rag_rollups,
)
from realise.collaborations.models import Collaboration, Initiative, InitiativeStatus, Stage
from realise.core import dataversion
from realise.core.language import force_name_by_code
from realise.core.permissions import access_for
from realise.governance.models import Escalation
from realise.organisations.models import Force

PAGE_SIZE = 25
SERVICE_AND_COMPLIANCE = ("2a", "2b", "3a", "3b", "3c")
MONEY_SUBCATEGORIES = engine.MEASURE_SUBCATEGORIES[MONEY]

# Who sees what ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The benefits a user may see: `base` for the engine (None: every benefit) and a key
    naming that set (the same for every user who sees the same collaborations)."""

    base: QuerySet | None
    key: str


def scope_for(user) -> Scope:
    """The user's scope: the benefits of the collaborations they may see.

    Equal to `Benefit.objects.visible_to(user)`; None as the base when that is every collaboration,
    so that national figures need no scoping subquery.
    """
    if access_for(user).administrator:
        return Scope(None, "all")
    ids = sorted(Collaboration.objects.visible_to(user).values_list("pk", flat=True))
    if len(ids) == Collaboration.objects.count():
        return Scope(None, "all")
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:24]
    return Scope(Benefit.objects.filter(initiative__collaboration_id__in=ids), f"c{digest}")


@dataclass(frozen=True)
class Cut:
    """One dashboard's cut: the filters, the user's scope and the day it is as at."""

    filters: RealisationFilter
    scope: Scope
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def to_date(self) -> datetime.date:
        return engine.last_complete_month(self.today)

    @property
    def base(self) -> QuerySet | None:
        return self.scope.base

    def narrowed(self, **changes) -> Cut:
        return replace(self, filters=replace(self.filters, **changes))

    def key(self) -> str:
        plain = self.filters.as_dict()
        for name in ("collaboration", "initiative", "force"):
            plain[name] = getattr(self.filters, f"{name}_id")
        return json.dumps(
            [plain, self.scope.key, self.today.isoformat()], sort_keys=True, default=str
        )


# The data version and the cache -------------------------------------------------------------


data_version = dataversion.data_version
# Make every cached figure unreachable (for data written without the audit trail).
forget_cached_figures = dataversion.forget_cached_data


# Changed whenever the engine's result types change (2: realised outside the plan), so
# that results cached in the old shape are never read back (4: qualitative counts by status
# code, named when shown; 5: each sub-category's plan to date and realised outside the plan).
_RESULT_SHAPE = 5


def cache_seconds() -> int:
    return int(getattr(settings, "REALISE_DASHBOARD_CACHE_SECONDS", 21600))


def _settings_key() -> str:
    return "|".join(
        str(getattr(settings, name, ""))
        for name in (
            "REALISE_RAG_GREEN",
            "REALISE_RAG_AMBER",
            "REALISE_MAINTAIN_TOLERANCE",
            "REALISE_MEASUREMENT_GRACE_DAYS",
            "REALISE_TREND_MONTHS",
        )
    )


class Figures:
    """Cached engine results for one cut, within one request (the data version is read
    once). Each method returns what the engine would, from the cache when it can."""

    def __init__(self, cut: Cut, version: str | None = None):
        self.cut = cut
        self.version = version if version is not None else data_version()
        self._memo: dict[str, Any] = {}

    def _key(self, name: str, *extra) -> str:
        raw = json.dumps(
            [_RESULT_SHAPE, self.version, _settings_key(), self.cut.key(), name, *extra],
            default=str,
        )
        return "realise:dashboards:" + hashlib.sha256(raw.encode()).hexdigest()

    def peek(self, name: str, *extra) -> Any:
        """A cached result, or None (nothing is computed)."""
        key = self._key(name, *extra)
        if key in self._memo:
            return self._memo[key]
        if cache_seconds() <= 0:
            return None
        return cache.get(key)

    def get(self, name: str, compute: Callable[[], Any], *extra) -> Any:
        key = self._key(name, *extra)
        if key in self._memo:
            return self._memo[key]
        seconds = cache_seconds()
        value = cache.get(key) if seconds > 0 else None
        if value is None:
            value = compute()
            if seconds > 0:
                cache.set(key, value, seconds)
        self._memo[key] = value
        return value

    # The engine's parts ---------------------------------------------------------------------

    def summaries(self, *, trend: bool = False) -> dict[str, engine.MeasureSummary]:
        """Money and hours: totals, slices, sub-categories and series (no force split).

        Without `trend`, a cached result that has the trend is used when there is one.
        """
        if not trend:
            found = self.peek("summaries", True)
            if found is not None:
                return found
        cut = self.cut
        return self.get(
            "summaries",
            lambda: engine.measure_summaries(
                cut.filters, base=cut.base, today=cut.today, include_trend=trend
            ),
            trend,
        )

    def forces(self) -> dict[str, engine.ForceBreakdown]:
        cut = self.cut
        return self.get(
            "forces",
            lambda: engine.force_breakdown(cut.filters, base=cut.base, today=cut.today),
        )

    def groups(self, group: str) -> list[engine.GroupFigures]:
        cut = self.cut
        return self.get(
            "groups",
            lambda: engine.breakdown(group, cut.filters, base=cut.base, today=cut.today),
            group,
        )

    def benefits(self) -> list[engine.BenefitRag]:
        """RAG of every benefit in the cut, exceptions first."""
        cut = self.cut
        return self.get(
            "benefits",
            lambda: engine.benefit_rag(cut.filters, base=cut.base, today=cut.today),
        )

    def rag_for_groups(self, group: str, keys: Iterable[int]) -> dict[int, RagRollup]:
        """RAG roll-ups of a few initiatives or collaborations (the rows a page shows):
        only their benefits are rated. Uses the whole cut's ratings when already cached."""
        keys = sorted(set(keys))
        if not keys:
            return {}
        attribute = "initiative_id" if group == "initiative" else "collaboration_id"
        everything = self.peek("benefits")
        if everything is not None:
            rollups = rag_rollups(everything, attribute)
            return {key: rollups[key] for key in keys if key in rollups}
        cut = self.cut
        lookup = (
            "initiative_id__in" if group == "initiative" else "initiative__collaboration_id__in"
        )

        def compute():
            base = (Benefit.objects.all() if cut.base is None else cut.base).filter(
                **{lookup: keys}
            )
            rows = engine.benefit_rag(cut.filters, base=base, today=cut.today)
            return rag_rollups(rows, attribute)

        return self.get("rag_for_groups", compute, group, keys)

    def rag(self) -> RagRollup:
        return rag_rollup(self.benefits())

    def subcategory_totals(
        self, summaries: dict[str, engine.MeasureSummary]
    ) -> dict[str, engine.Totals]:
        """Each money and hours sub-category's totals (plan to date, realised outside the
        plan...), so that its percentage of plan is like for like, as the headline's is:
        worked out by the engine in the same pass as the headline."""
        return {
            code: pair.totals()
            for summary in summaries.values()
            for code, pair in summary.by_subcategory.items()
        }

    def qualitative(self) -> list[dict]:
        """Qualitative benefits by status: they are reported as status, never summed."""
        cut = self.cut

        def compute():
            return dict(
                engine.filter_benefits(cut.filters, cut.base)
                .filter(nature=Nature.QUALITATIVE)
                .values("status")
                .annotate(count=Count("pk"))
                .values_list("status", "count")
                .order_by()
            )

        # The counts are cached; the statuses are named in the language of the reader.
        counts = self.get("qualitative", compute)
        return [
            {"status": str(label), "count": counts.get(value, 0)}
            for value, label in BenefitStatus.choices
        ]


# Shapes for the pages and their tables ------------------------------------------------------

MEASURE_NAMES = {"money": _("Money (£)"), "hours": _("Hours")}


def headline_rows(summaries: dict[str, engine.MeasureSummary]) -> list[dict]:
    """One row per measure: money and hours are never added together."""
    rows = []
    for measure, summary in summaries.items():
        rows.append(
            {
                "measure": str(MEASURE_NAMES[measure]),
                "key": measure,
                "planned_total": summary.planned_total,
                "planned_to_date": summary.planned_to_date,
                "actual_to_date": summary.actual_to_date,
                "outside_plan": summary.outside_plan,
                "verified_actual_to_date": summary.verified_actual_to_date,
                "percent": summary.percent_of_plan_to_date,
                "forecast_total": summary.forecast_total,
                "trend_forecast_total": summary.trend_forecast_total,
                "rag": summary.rag,
            }
        )
    return rows


OUTSIDE_PLAN = _("Realised outside the plan (benefits with no planned profile)")


def slice_rows(summaries: dict[str, engine.MeasureSummary], *, cashable_first=False) -> list:
    """Identified vs not identified in the business case; cashable vs non-cashable; and
    what benefits with no plan realised (not in the percentage of plan)."""
    slices = [
        ("identified", _("Identified in the business case")),
        ("not_identified", _("Not identified in the business case")),
        ("cashable", _("Cashable")),
        ("non_cashable", _("Non-cashable")),
    ]
    if cashable_first:
        slices = slices[2:] + slices[:2]
    slices.append(("outside_plan", OUTSIDE_PLAN))
    rows = []
    for measure, summary in summaries.items():
        for name, label in slices:
            if measure != MONEY and name in ("cashable", "non_cashable"):
                continue  # only money can be cashable
            pair = getattr(summary, name)
            if name == "outside_plan":
                pair = engine.Pair(engine.ZERO, pair)  # nothing planned, by definition
            rows.append(
                {
                    "measure": str(MEASURE_NAMES[measure]),
                    "measure_key": measure,
                    "slice": str(label),
                    "slice_key": name,
                    "planned_total": pair.planned_total,
                    "actual_to_date": pair.actual_to_date,
                }
            )
    return rows


def subcategory_rows(
    summaries: dict[str, engine.MeasureSummary], totals: dict[str, engine.Totals]
) -> list[dict]:
    """Each sub-category of money and hours, like for like as the headline: realised to
    date by its benefits with a plan, against their plan to date (`Figures.subcategory_totals`
    gives `totals`); what its benefits with no plan realised is shown apart."""
    labels = {value: str(label) for value, label in SubCategory.choices}
    rows = []
    for measure, summary in summaries.items():
        for code in summary.by_subcategory:
            figures = totals.get(code, engine.Totals())
            rows.append(
                {
                    "measure": str(MEASURE_NAMES[measure]),
                    "measure_key": measure,
                    "code": code,
                    "subcategory": labels.get(code, code),
                    "planned_total": figures.planned_total,
                    "planned_to_date": figures.planned_to_date,
                    "actual_to_date": figures.actual_to_date,
                    "outside_plan": figures.outside_plan,
                    "percent": figures.percent_of_plan_to_date,
                }
            )
    return rows


PERIODS = {"year": "years", "quarter": "quarters", "month": "months"}
PERIOD_NAMES = {"year": _("financial year"), "quarter": _("financial quarter"), "month": _("month")}


def period_rows(summary: engine.MeasureSummary, period: str = "year") -> list[dict]:
    return [
        {
            "period": row.label,
            "planned": row.planned,
            "actual": row.actual,
            "forecast": row.forecast,
            "cumulative_planned": row.cumulative_planned,
            "cumulative_actual": row.cumulative_actual,
            "complete": row.complete,
        }
        for row in getattr(summary, PERIODS[period])
    ]


NOT_ALLOCATED = _("Not allocated to a force")


def force_rows(forces: dict[str, engine.ForceBreakdown]) -> list[dict]:
    """Each force's share of money and of hours, and what belongs to no force."""
    codes = sorted(
        {code for breakdown in forces.values() for code in breakdown.codes()},
        key=lambda code: (forces[MONEY].names.get(code, code), code),
    )
    rows = []
    for code in codes:
        row: dict[str, str | Decimal | None] = {
            "force": force_name_by_code(code, forces[MONEY].names.get(code, code)),
            "ons_code": code,
        }
        for measure, breakdown in forces.items():
            totals = breakdown.totals(code)
            row[f"{measure}_planned_total"] = totals.planned_total
            row[f"{measure}_planned_to_date"] = totals.planned_to_date
            row[f"{measure}_actual_to_date"] = totals.actual_to_date
            row[f"{measure}_percent"] = totals.percent_of_plan_to_date
        rows.append(row)
    unallocated = {
        measure: (
            breakdown.unallocated_planned_total,
            breakdown.unallocated_planned_to_date,
            breakdown.unallocated_actual_to_date,
        )
        for measure, breakdown in forces.items()
    }
    if any(any(values) for values in unallocated.values()):
        row = {"force": str(NOT_ALLOCATED), "ons_code": ""}
        for measure, (planned, planned_to_date, actual) in unallocated.items():
            row[f"{measure}_planned_total"] = planned
            row[f"{measure}_planned_to_date"] = planned_to_date
            row[f"{measure}_actual_to_date"] = actual
            row[f"{measure}_percent"] = percent_of(
                actual - forces[measure].unallocated_outside_plan, planned_to_date
            )
        rows.append(row)
    return rows


def group_rows(groups: list[engine.GroupFigures], group: str) -> list[dict]:
    """Initiatives or collaborations with their money and hours (RAG filled in later)."""
    rows = []
    for item in groups:
        rows.append(
            {
                "key": item.key,
                "name": item.name,
                "slug": item.slug,
                "group": group,
                "stage": item.stage,
                "money_planned_total": item.money.planned_total,
                "money_planned_to_date": item.money.planned_to_date,
                "money_actual_to_date": item.money.actual_to_date,
                "money_percent": item.money.percent_of_plan_to_date,
                "hours_planned_total": item.hours.planned_total,
                "hours_planned_to_date": item.hours.planned_to_date,
                "hours_actual_to_date": item.hours.actual_to_date,
                "hours_percent": item.hours.percent_of_plan_to_date,
                "rag": None,
                "red": None,
                "amber": None,
                "green": None,
                "overdue": None,
            }
        )
    return rows


def fill_rag(rows: list[dict], rollups: dict[int, RagRollup]) -> None:
    for row in rows:
        rollup = rollups.get(row["key"])
        if rollup is None:
            row.update(rag=engine.NONE, red=0, amber=0, green=0, overdue=0)
            continue
        row.update(
            rag=rollup.overall,
            red=rollup.counts[engine.RED],
            amber=rollup.counts[engine.AMBER],
            green=rollup.counts[engine.GREEN],
            overdue=rollup.measurement_overdue,
        )


def benefit_rows(rows: Iterable[engine.BenefitRag]) -> list[dict]:
    statuses = {value: str(label) for value, label in BenefitStatus.choices}
    return [
        {
            "benefit_id": row.benefit_id,
            "reference": row.reference,
            "title": row.title,
            "initiative": row.initiative,
            "subcategory": row.subcategory,
            "kind": row.kind,
            "status": statuses.get(row.status, row.status),
            "rag": row.rag,
            "percent": row.percent,
            "planned": row.planned,
            "actual": row.actual,
            "latest_period": row.latest_period.strftime("%Y-%m") if row.latest_period else "",
            "overdue_months": row.overdue_months,
        }
        for row in rows
    ]


# Benefits shared between initiatives -----------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """What one initiative counts of a money or hours benefit with attributions: the share
    it claims and the engine's figures for that share, exactly as the initiative's totals
    count them (each month's value times the share, to the penny). Amounts read as the
    benefit's own do (a dis-benefit's are not negated), so a benefit table can show them."""

    percent: Decimal
    summary: engine.MeasureSummary
    sign: int = 1

    @property
    def planned_total(self) -> Decimal:
        return self.summary.planned_total * self.sign

    @property
    def planned_to_date(self) -> Decimal:
        return self.summary.planned_to_date * self.sign

    @property
    def actual_to_date(self) -> Decimal:
        return self.summary.actual_to_date * self.sign

    @property
    def forecast_total(self) -> Decimal:
        return self.summary.forecast_total * self.sign

    def in_month(self, month: datetime.date) -> tuple[Decimal, Decimal]:
        """Planned and realised in one month."""
        for row in self.summary.months:
            if row.start == month:
                return row.planned * self.sign, (row.actual or engine.ZERO) * self.sign
        return engine.ZERO, engine.ZERO


def initiative_claims(
    initiative: Initiative, benefits: Iterable[Benefit], today: datetime.date
) -> dict[int, Claim]:
    """The money and hours benefits among `benefits` that have attributions, each with
    what `initiative` claims of it (a share of 0% and no figures when it claims none).
    Benefits without attributions count whole and are left out."""
    by_id = {
        benefit.pk: benefit
        for benefit in benefits
        if benefit.subcategory in engine.SUBCATEGORY_MEASURE
    }
    percents: dict[int, Decimal] = {}
    for benefit_id, initiative_id, percent in Attribution.objects.filter(
        benefit_id__in=list(by_id)
    ).values_list("benefit_id", "initiative_id", "percent"):
        claimed = percent if initiative_id == initiative.pk else engine.ZERO
        percents[benefit_id] = percents.get(benefit_id, engine.ZERO) + claimed
    out = {}
    for benefit_id, percent in sorted(percents.items()):
        benefit = by_id[benefit_id]
        found = engine.measure_summaries(
            RealisationFilter(initiative=initiative),
            base=Benefit.objects.filter(pk=benefit_id),
            today=today,
            include_trend=False,
        )
        measure = engine.SUBCATEGORY_MEASURE[benefit.subcategory]
        out[benefit_id] = Claim(percent, found[measure], -1 if benefit.is_disbenefit else 1)
    return out


# Tables of initiatives or collaborations ------------------------------------------------------


def percent_of(actual: Decimal, planned: Decimal) -> Decimal | None:
    """Actual as a percentage of planned, to two places (None when nothing was planned)."""
    if not planned:
        return None
    return (actual * 100 / planned).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def group_items(figures: Figures, group: str) -> list[dict]:
    """The initiatives (or collaborations) the table lists, by name: those with benefits in
    the cut, and those the engine gives figures to (e.g. by claiming a share of a benefit)."""
    cut = figures.cut

    def compute():
        benefits = engine.filter_benefits(cut.filters, cut.base)
        if group == "collaboration":
            queryset = Collaboration.objects.filter(
                pk__in=benefits.values("initiative__collaboration_id")
            ).values("pk", "name", "slug")
        else:
            queryset = Initiative.objects.filter(pk__in=benefits.values("initiative_id")).values(
                "pk", "name", "slug", "stage"
            )
        items = {row["pk"]: row for row in queryset}
        for row in figures.groups(group):
            items.setdefault(
                row.key, {"pk": row.key, "name": row.name, "slug": row.slug, "stage": row.stage}
            )
        return sorted(items.values(), key=lambda item: (item["name"], item["pk"]))

    return figures.get("group_items", compute, group)


def _rows_for(items: list[dict], group: str, figures: dict, rollups: dict) -> list[dict]:
    empty = engine.GroupFigures(
        key=0, name="", slug="", stage=None, money=engine.Totals(), hours=engine.Totals()
    )
    listed = [
        replace(
            figures.get(item["pk"]) or empty,
            key=item["pk"],
            name=item["name"],
            slug=item["slug"],
            stage=item.get("stage"),
        )
        for item in items
    ]
    rows = group_rows(listed, group)
    fill_rag(rows, rollups)
    return rows


def group_page_rows(figures: Figures, group: str, items: list[dict]) -> list[dict]:
    """Figures and RAG of the initiatives (or collaborations) on one page of the table.
    The figures are the whole cut's (one grouped breakdown, cached); RAG is worked out
    for the benefits of the rows shown only."""
    numbers = {row.key: row for row in figures.groups(group)}
    rollups = figures.rag_for_groups(group, [item["pk"] for item in items])
    return _rows_for(items, group, numbers, rollups)


def all_group_rows(figures: Figures, group: str) -> list[dict]:
    """Every row of the table (for downloads): the whole cut's figures and RAG."""
    numbers = {row.key: row for row in figures.groups(group)}
    attribute = "initiative_id" if group == "initiative" else "collaboration_id"
    rollups = rag_rollups(figures.benefits(), attribute)
    return _rows_for(group_items(figures, group), group, numbers, rollups)


# Board cuts -----------------------------------------------------------------------------------

_RAG_ORDER = {engine.RED: 0, engine.AMBER: 1, engine.GREEN: 2, engine.NONE: 3}


def initiative_rows(figures: Figures) -> list[dict]:
    """Every initiative in the cut with its stage, status and RAG, exceptions first
    (red, then amber, then most measurements overdue); initiatives without benefits too."""
    cut = figures.cut
    initiatives = Initiative.objects.all()
    filters = cut.filters
    if filters.collaboration is not None:
        ids = engine.collaboration_and_descendants(filters.collaboration)
        initiatives = initiatives.filter(collaboration_id__in=ids)
    if filters.initiative_id is not None:
        initiatives = initiatives.filter(pk=filters.initiative_id)
    if filters.stages:
        initiatives = initiatives.filter(stage__in=filters.stages)
    if filters.initiative_statuses:
        initiatives = initiatives.filter(status__in=filters.initiative_statuses)
    if cut.base is not None:
        initiatives = initiatives.filter(
            collaboration_id__in=cut.base.values("initiative__collaboration_id")
        )
    rollups = rag_rollups(figures.benefits(), "initiative_id")
    money = {row.key: row for row in figures.groups("initiative")}

    stages = {value: str(label) for value, label in Stage.choices}
    statuses = {value: str(label) for value, label in InitiativeStatus.choices}
    rows: list[dict[str, Any]] = []
    for item in initiatives.values(
        "pk", "name", "slug", "stage", "status", "collaboration__name"
    ).order_by("name", "pk"):
        rollup = rollups.get(item["pk"])
        numbers = money.get(item["pk"])
        rows.append(
            {
                "key": item["pk"],
                "name": item["name"],
                "slug": item["slug"],
                "collaboration": item["collaboration__name"],
                "stage": stages.get(item["stage"], item["stage"]),
                "status": statuses.get(item["status"], item["status"]),
                "rag": rollup.overall if rollup else engine.NONE,
                "red": rollup.counts[engine.RED] if rollup else 0,
                "amber": rollup.counts[engine.AMBER] if rollup else 0,
                "green": rollup.counts[engine.GREEN] if rollup else 0,
                "overdue": rollup.measurement_overdue if rollup else 0,
                "money_planned_to_date": numbers.money.planned_to_date if numbers else Decimal(0),
                "money_actual_to_date": numbers.money.actual_to_date if numbers else Decimal(0),
                "hours_planned_to_date": numbers.hours.planned_to_date if numbers else Decimal(0),
                "hours_actual_to_date": numbers.hours.actual_to_date if numbers else Decimal(0),
            }
        )
    rows.sort(key=lambda row: (_RAG_ORDER[row["rag"]], -row["overdue"], row["name"]))
    return rows


def cashable_group_rows(figures: Figures, group: str = "initiative") -> list[dict]:
    """Money per initiative, cashable first: cashable and non-cashable planned and
    realised, from two grouped breakdowns of the cut (cashable, then not)."""
    cut = figures.cut
    split = {}
    for flag in (True, False):
        narrowed = Figures(cut.narrowed(cashable=flag), figures.version)
        split[flag] = {row.key: row for row in narrowed.groups(group)}
    keys = set(split[True]) | set(split[False])
    rows: list[dict[str, Any]] = []
    for key in keys:
        cashable, other = split[True].get(key), split[False].get(key)
        sample = cashable or other
        assert sample is not None  # the key came from one of the two breakdowns
        row: dict[str, Any] = {"key": key, "name": sample.name, "slug": sample.slug, "group": group}
        for prefix, item in (("cashable", cashable), ("non_cashable", other)):
            totals = item.money if item else engine.Totals()
            row[f"{prefix}_planned_total"] = totals.planned_total
            row[f"{prefix}_planned_to_date"] = totals.planned_to_date
            row[f"{prefix}_actual_to_date"] = totals.actual_to_date
        if not any(
            row[name]
            for name in (
                "cashable_planned_total",
                "cashable_actual_to_date",
                "non_cashable_planned_total",
                "non_cashable_actual_to_date",
            )
        ):
            continue  # hours only
        rows.append(row)
    rows.sort(key=lambda row: (-row["cashable_actual_to_date"], row["name"]))
    return rows


def escalation_rows(body, user) -> QuerySet:
    """Items escalated to a body that the user may see, open ones first, newest first."""
    return (
        Escalation.objects.visible_to(user)
        .filter(to_body=body)
        .select_related("from_body", "benefit", "initiative")
        .order_by(F("resolved_at").asc(nulls_first=True), "-raised_at")
    )


def member_forces(collaboration) -> list:
    return list(Force.objects.filter(shares__collaboration=collaboration).order_by("name"))


def default_force_for(user, choices: list) -> Any:
    """The signed-in user's force when it is among `choices` (from their memberships),
    else the first choice."""
    if not choices:
        return None
    mine = (
        set(user.memberships.values_list("force_id", flat=True)) if user.is_authenticated else set()
    )
    for force in choices:
        if force.pk in mine:
            return force
    return choices[0]
