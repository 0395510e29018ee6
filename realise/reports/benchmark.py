"""National benchmarking: collaborations side by side, and forces by what they get.

Every money and hours figure of a collaboration is its own dashboard's (the same cached
cut, `reports.dashboards.Figures`), so the figure and the page it links to never disagree;
like the dashboard, a collaboration counts the collaborations nested in it:

* realised to date: every actual up to the last complete month (net of dis-benefits);
* planned to date: the plan up to the last complete month;
* realised as a percentage of plan compares like for like: the actuals of the benefits
  that have a plan against that plan, over the same months (`Totals.percent_of_plan_to_date`).

Money (1a, 1c) and hours (1b) are kept apart; hours are never added to money.

Costs are those recorded in each initiative's economic case, for the option marked as
preferred; when none is marked and the initiative has exactly one option besides business
as usual, that one. Amounts are summed as entered (undiscounted, before optimism bias):
capital expenditure is investment, operating expenditure is running cost.

Collaborations the reader may not see are never named: they are added together into one
"Other collaborations (n)" row, and that row's figures are shown only when it holds at
least `MIN_HIDDEN_GROUP` collaborations (otherwise only how many it holds). The forces
table covers the collaborations the reader may see. See docs/benchmarking.md.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Min, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from realise.appraisal.models import CostKind, CostValue, Option
from realise.benefits import realisation as engine
from realise.benefits.models import CATEGORY_NAMES, Benefit, Measurement
from realise.benefits.realisation import HOURS, MONEY, RealisationFilter
from realise.collaborations.models import (
    Collaboration,
    ForceShare,
    Initiative,
    Stage,
    StageDecision,
)
from realise.organisations.models import Force
from realise.reports import dashboards

ZERO = Decimal("0")
CENT = Decimal("0.01")
CATEGORIES = tuple(CATEGORY_NAMES.values())  # Savings, Service, Compliance
# The categories as a page names them, in its language (the JSON keys stay in English).
CATEGORY_LABELS = dict(zip(CATEGORIES, (_("Savings"), _("Service"), _("Compliance")), strict=True))

# The fewest collaborations the reader may not see whose figures are shown together, as
# "Other collaborations"; with fewer, only how many there are. One or two would let a
# reader single out a private collaboration's figures: with one they are its figures
# exactly, with two a reader who knows either learns the other's. A collaboration nested
# in another of the group is not counted apart from it (its parent's figures hold its own).
MIN_HIDDEN_GROUP = 3

SORT_KEYS = (
    "name",
    "realised",
    "planned",
    "realised_percent",
    "verified_share",
    "running_costs",
    "investment_costs",
    "other_costs",
    "benefit_per_pound",
    "days_obc_to_implementation",
)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _ratio(top: Decimal | int, bottom: Decimal | int, scale: int = 1) -> Decimal | None:
    if not bottom:
        return None
    return _money(Decimal(top) * scale / Decimal(bottom))


def _fmt(value) -> str | None:
    if value is None:
        return None
    return f"{_money(Decimal(value)):f}"


@dataclass
class Row:
    """One collaboration (or every hidden one together) with its figures."""

    name: str
    slug: str | None
    pk: int | None = None
    count: int = 1  # how many collaborations the row stands for
    money: engine.Totals = field(default_factory=engine.Totals)
    hours: engine.Totals = field(default_factory=engine.Totals)
    actuals: int = 0
    verified: int = 0
    by_category: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    running_costs: Decimal = ZERO
    investment_costs: Decimal = ZERO
    other_costs: Decimal = ZERO
    costed: list[dict] = field(default_factory=list)  # initiatives whose costs are counted
    timed_days: list[int] = field(default_factory=list)

    # Figures --------------------------------------------------------------------------

    @property
    def realised(self) -> Decimal:
        return self.money.actual_to_date

    @property
    def planned(self) -> Decimal:
        return self.money.planned_to_date

    @property
    def realised_percent(self) -> Decimal | None:
        return self.money.percent_of_plan_to_date

    @property
    def hours_percent(self) -> Decimal | None:
        return self.hours.percent_of_plan_to_date

    @property
    def verified_share(self) -> Decimal | None:
        """Verified actuals as a percentage of the actuals recorded to date."""
        return _ratio(self.verified, self.actuals, 100)

    @property
    def total_costs(self) -> Decimal:
        return self.running_costs + self.investment_costs + self.other_costs

    @property
    def benefit_per_pound(self) -> Decimal | None:
        """Money realised to date for each pound of cost recorded (None: no costs)."""
        return _ratio(self.realised, self.total_costs)

    @property
    def days_obc_to_implementation(self) -> int | None:
        """The mean, over initiatives that reached both, of the days from the decision
        into the outline business case to the decision into implementation."""
        if not self.timed_days:
            return None
        mean = Decimal(sum(self.timed_days)) / len(self.timed_days)
        return int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def categories(self) -> list[tuple[Any, int]]:
        """(name in the page's language, count of benefits) for each category."""
        return [(CATEGORY_LABELS.get(name, name), n) for name, n in self.by_category.items()]

    # Links ----------------------------------------------------------------------------

    @property
    def links(self) -> dict[str, str]:
        """Where each figure comes from (none for the hidden row)."""
        if self.slug is None:
            return {}
        dashboard = reverse("dashboard-collaboration", args=[self.slug])
        detail = reverse("collaboration-detail", args=[self.slug])
        costs = self.costed[0]["url"] if len(self.costed) == 1 else detail
        return {
            "name": detail,
            "figures": dashboard,
            "verified": f"{reverse('measurement-verification')}?collaboration={self.pk}",
            "categories": dashboard,
            "costs": costs,
            "days": detail,
        }

    def add(self, other: Row) -> None:
        """Add another row's counts, costs and timings to this one (a collaboration's
        nested ones, or the hidden ones together). Money and hours are not added: they
        come from one cut over the rows together, so that each pound counts once."""
        self.actuals += other.actuals
        self.verified += other.verified
        for name, number in other.by_category.items():
            self.by_category[name] = self.by_category.get(name, 0) + number
        self.running_costs += other.running_costs
        self.investment_costs += other.investment_costs
        self.other_costs += other.other_costs
        self.costed.extend(other.costed)
        self.timed_days.extend(other.timed_days)

    def as_dict(self, *, hidden: bool = False) -> dict:
        out: dict[str, Any] = {} if hidden else {"name": self.name, "slug": self.slug}
        if hidden:
            out["count"] = self.count
        out.update(
            {
                "realised": _fmt(self.realised),
                "outside_plan": _fmt(self.money.outside_plan),
                "planned": _fmt(self.planned),
                "realised_percent": _fmt(self.realised_percent),
                "verified_share": _fmt(self.verified_share),
                "actuals": self.actuals,
                "verified_actuals": self.verified,
                "by_category": dict(self.by_category),
                "running_costs": _fmt(self.running_costs),
                "investment_costs": _fmt(self.investment_costs),
                "other_costs": _fmt(self.other_costs),
                "total_costs": _fmt(self.total_costs),
                "benefit_per_pound": _fmt(self.benefit_per_pound),
                "days_obc_to_implementation": self.days_obc_to_implementation,
            }
        )
        return out

    def hours_dict(self) -> dict:
        return {
            "realised": _fmt(self.hours.actual_to_date),
            "planned": _fmt(self.hours.planned_to_date),
            "realised_percent": _fmt(self.hours_percent),
        }


@dataclass
class ForceRow:
    """One force: its share of the money realised against its share of the costs."""

    name: str
    slug: str
    ons_code: str
    realised: Decimal
    costs: Decimal
    benefit_share: Decimal | None  # percent of all money realised in the table's scope
    cost_share: Decimal | None  # percent of all costs in the table's scope

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "slug": self.slug,
            "ons_code": self.ons_code,
            "realised": _fmt(self.realised),
            "costs": _fmt(self.costs),
            "benefit_share": _fmt(self.benefit_share),
            "cost_share": _fmt(self.cost_share),
        }


@dataclass
class Benchmark:
    as_at: datetime.date
    to_date: datetime.date  # the last complete month counted
    rows: list[Row]
    hidden: Row | None  # every collaboration the reader may not see, together
    forces: list[ForceRow]
    realised_total: Decimal  # money realised in the forces table's scope
    costs_total: Decimal  # costs in the forces table's scope
    unallocated_realised: Decimal  # realised money that belongs to no force
    hidden_count: int = 0  # how many collaborations the reader may not see

    @property
    def hidden_withheld(self) -> bool:
        """Collaborations the reader may not see are too few to show their figures."""
        return self.hidden is None and self.hidden_count > 0

    def sorted_rows(self, key: str = "name", descending: bool = False) -> list[Row]:
        """The visible rows ordered by a column; rows with no figure go last."""
        if key not in SORT_KEYS:
            key = "name"
        if key == "name":
            return sorted(self.rows, key=lambda row: row.name.lower(), reverse=descending)
        present = [row for row in self.rows if getattr(row, key) is not None]
        missing = [row for row in self.rows if getattr(row, key) is None]
        present.sort(key=lambda row: row.name.lower())
        present.sort(key=lambda row: getattr(row, key), reverse=descending)
        return present + sorted(missing, key=lambda row: row.name.lower())

    def as_dict(self) -> dict:
        hidden = self.hidden
        return {
            "as_at": self.as_at.isoformat(),
            "to_date": self.to_date.strftime("%Y-%m"),
            "collaborations": [row.as_dict() for row in self.rows],
            "hours": {
                "collaborations": {row.slug: row.hours_dict() for row in self.rows},
                "hidden": hidden.hours_dict() if hidden else None,
            },
            "forces": [row.as_dict() for row in self.forces],
            "forces_unallocated_realised": _fmt(self.unallocated_realised),
            "hidden": self.hidden_dict(),
        }

    def hidden_dict(self) -> dict:
        """The collaborations the reader may not see: none (`{"count": 0}`), too few to
        show (`"withheld": true`, only their number), or their figures together."""
        if self.hidden is not None:
            return {**self.hidden.as_dict(hidden=True), "withheld": False}
        if self.hidden_count:
            return {"count": self.hidden_count, "withheld": True, "minimum": MIN_HIDDEN_GROUP}
        return {"count": 0}


# Building it ------------------------------------------------------------------------------


def chosen_options(initiative_ids) -> dict[int, Option]:
    """The option whose costs count for each initiative: the preferred one, else the only
    option besides business as usual (initiatives with neither are left out)."""
    by_initiative: dict[int, list[Option]] = defaultdict(list)
    for option in Option.objects.filter(initiative_id__in=initiative_ids).select_related(
        "initiative"
    ):
        by_initiative[option.initiative_id].append(option)
    chosen: dict[int, Option] = {}
    for initiative_id, options in by_initiative.items():
        preferred = [option for option in options if option.is_preferred]
        others = [option for option in options if not option.is_business_as_usual]
        if preferred:
            chosen[initiative_id] = preferred[0]
        elif len(others) == 1:
            chosen[initiative_id] = others[0]
    return chosen


def _costs(rows: dict[int, Row]) -> None:
    initiatives = dict(
        Initiative.objects.filter(collaboration_id__in=rows).values_list("pk", "collaboration_id")
    )
    options = chosen_options(list(initiatives))
    sums = (
        CostValue.objects.filter(line__option__in=[option.pk for option in options.values()])
        .values("line__option_id", "line__kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    by_option: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for item in sums:
        amount = _money(Decimal(str(item["total"] or 0)))
        by_option[item["line__option_id"]][item["line__kind"]] = amount
    for initiative_id, option in sorted(options.items()):
        row = rows[initiatives[initiative_id]]
        amounts = by_option.get(option.pk, {})
        row.investment_costs += amounts.get(CostKind.CAPEX, ZERO)
        row.running_costs += amounts.get(CostKind.OPEX, ZERO)
        row.other_costs += amounts.get(CostKind.OTHER, ZERO)
        row.costed.append(
            {
                "initiative": option.initiative.name,
                "option": option.name,
                "url": reverse("economic-case-option", args=[option.initiative.slug, option.pk]),
            }
        )


def _timings(rows: dict[int, Row]) -> None:
    """Days from the first decision into OBC to the first into implementation."""
    first: dict[int, dict[int, datetime.date]] = defaultdict(dict)
    initiative_collaboration = {}
    decisions = (
        StageDecision.objects.filter(
            initiative__collaboration_id__in=rows,
            move_back=False,
            to_stage__in=(Stage.OBC, Stage.IMPLEMENTATION),
        )
        .values("initiative_id", "initiative__collaboration_id", "to_stage")
        .annotate(day=Min("decided_on"))
        .order_by()
    )
    for item in decisions:
        first[item["initiative_id"]][item["to_stage"]] = item["day"]
        initiative_collaboration[item["initiative_id"]] = item["initiative__collaboration_id"]
    for initiative_id, days in sorted(first.items()):
        if Stage.OBC in days and Stage.IMPLEMENTATION in days:
            gap = (days[Stage.IMPLEMENTATION] - days[Stage.OBC]).days
            if gap >= 0:
                rows[initiative_collaboration[initiative_id]].timed_days.append(gap)


def _rolled_up(pk: int, own: dict[int, Row], children: dict[int, list[int]], keep: set[int]):
    """Row `pk` with the counts, costs and timings of the collaborations nested in it (those
    in `keep`) added to its own, as its dashboard counts them."""
    base = own[pk]
    row = Row(name=base.name, slug=base.slug, pk=pk)
    stack, seen = [pk], set()
    while stack:
        current = stack.pop()
        if current in seen or current not in keep:
            continue
        seen.add(current)
        row.add(own[current])
        stack.extend(children.get(current, ()))
    return row


def benchmark(user, today: datetime.date | None = None) -> Benchmark:
    """The benchmark as `user` may see it (`today` defaults to today). `user=None` is the
    operator's view (the command line without --user): every collaboration, named.

    Each collaboration's figures are those of its own dashboard: its benefits and those of
    the collaborations nested in it that the reader may see (the same cached cut). A
    nested collaboration's figures are therefore also inside its parent's: rows are not
    added up. The hidden row counts every pound of the hidden collaborations once."""
    today = today or timezone.localdate()
    to_date = engine.last_complete_month(today)
    collaborations = (
        Collaboration.objects.all() if user is None else Collaboration.objects.visible_to(user)
    )
    visible = set(collaborations.values_list("pk", flat=True))
    own: dict[int, Row] = {}
    children: dict[int, list[int]] = defaultdict(list)
    for item in Collaboration.objects.values("pk", "name", "slug", "parent_id"):
        own[item["pk"]] = Row(name=item["name"], slug=item["slug"], pk=item["pk"])
        if item["parent_id"]:
            children[item["parent_id"]].append(item["pk"])
    # Actuals recorded to date, and how many are verified.
    counts = (
        Measurement.objects.filter(period__lte=to_date)
        .values("benefit__initiative__collaboration_id")
        .annotate(total=Count("pk"), verified=Count("pk", filter=Q(verified_at__isnull=False)))
        .order_by()
    )
    for tally in counts:
        row = own[tally["benefit__initiative__collaboration_id"]]
        row.actuals, row.verified = tally["total"], tally["verified"]
    # Benefits by category.
    benefits = (
        Benefit.objects.values("initiative__collaboration_id", "subcategory")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for group in benefits:
        name = CATEGORY_NAMES.get(group["subcategory"][:1])
        if name:
            own[group["initiative__collaboration_id"]].by_category[name] += group["total"]
    _costs(own)
    _timings(own)

    # Money and hours: each visible collaboration's dashboard cut, as the reader sees it.
    scope = dashboards.Scope(None, "all") if user is None else dashboards.scope_for(user)
    version = dashboards.data_version()
    shown = []
    for pk in sorted(visible, key=lambda pk: own[pk].name.lower()):
        row = _rolled_up(pk, own, children, visible)
        cut = dashboards.Cut(RealisationFilter(collaboration=pk), scope, today)
        summaries = dashboards.Figures(cut, version).summaries()
        row.money, row.hours = summaries[MONEY].totals, summaries[HOURS].totals
        shown.append(row)
    hidden_ids = sorted(set(own) - visible)
    hidden = None
    if separate_programmes(hidden_ids, children) >= MIN_HIDDEN_GROUP:
        hidden = Row(
            name=f"Other collaborations ({len(hidden_ids)})", slug=None, count=len(hidden_ids)
        )
        for pk in hidden_ids:
            hidden.add(own[pk])
        together = engine.measure_summaries(
            RealisationFilter(),
            base=Benefit.objects.filter(initiative__collaboration_id__in=hidden_ids),
            today=today,
            include_trend=False,
        )
        hidden.money, hidden.hours = together[MONEY].totals, together[HOURS].totals
    forces, realised_total, costs_total, unallocated = _forces(visible, own, today)
    return Benchmark(
        as_at=today,
        to_date=to_date,
        rows=shown,
        hidden=hidden,
        forces=forces,
        realised_total=realised_total,
        costs_total=costs_total,
        unallocated_realised=unallocated,
        hidden_count=len(hidden_ids),
    )


def separate_programmes(ids: list[int], children: dict[int, list[int]]) -> int:
    """How many of the collaborations `ids` are not nested in another of them."""
    group = set(ids)
    nested = set()
    for pk in group:
        stack = list(children.get(pk, ()))
        while stack:
            current = stack.pop()
            if current not in nested:
                nested.add(current)
                stack.extend(children.get(current, ()))
    return len(group - nested)


def _forces(visible: set[int], own: dict[int, Row], today: datetime.date):
    """Each force's share of the money realised (the engine's force split, each pound
    once) against its share of the costs (each collaboration's own recorded costs split
    by its agreed force shares), over the collaborations the reader may see."""
    base = Benefit.objects.filter(initiative__collaboration_id__in=visible)
    money = engine.force_breakdown(RealisationFilter(), base=base, today=today)[MONEY]
    realised_total = sum(money.actual_to_date.values(), ZERO) + money.unallocated_actual_to_date
    costs: dict[int, Decimal] = defaultdict(lambda: ZERO)
    costs_total = sum((own[pk].total_costs for pk in visible), ZERO)
    for share in ForceShare.objects.filter(collaboration_id__in=visible).values(
        "collaboration_id", "force_id", "percent"
    ):
        total = own[share["collaboration_id"]].total_costs
        costs[share["force_id"]] += total * share["percent"] / 100
    force_ids = set(costs) | set(
        Force.objects.filter(ons_code__in=list(money.actual_to_date)).values_list("pk", flat=True)
    )
    result = []
    for force in Force.objects.filter(pk__in=force_ids).order_by("name"):
        realised = money.actual_to_date.get(force.ons_code, ZERO)
        cost = _money(costs.get(force.pk, ZERO))
        result.append(
            ForceRow(
                name=force.name,
                slug=force.slug,
                ons_code=force.ons_code,
                realised=realised,
                costs=cost,
                benefit_share=_ratio(realised, realised_total, 100),
                cost_share=_ratio(cost, costs_total, 100),
            )
        )
    return result, realised_total, costs_total, money.unallocated_actual_to_date


__all__ = [
    "HOURS",
    "MIN_HIDDEN_GROUP",
    "MONEY",
    "SORT_KEYS",
    "Benchmark",
    "ForceRow",
    "Row",
    "benchmark",
]
