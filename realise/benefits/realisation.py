"""The realisation engine: what was planned, what has been realised, what is forecast.

Pure computation over querysets, free of HTTP. Every total is a grouped query in the
database; Python only combines grouped rows (months, benefits, forces), never
individual planned values or measurements. The rules are written up in
docs/realisation.md.

Public API
----------
* `RealisationFilter`: the cut (collaboration incl. nested ones, initiative, force,
  sub-categories, stages, statuses, cashable, identified, period range).
* `filter_benefits(filters, base=None)`: the benefits in that cut.
* `realisation(filters, base=None, today=None, ...)`: the headline `Realisation`
  (money and hours, each with totals, splits, monthly/quarterly/yearly series, by force;
  RAG per benefit and rolled up). `Realisation.as_dict()` is the CLI's JSON.
* `measure_summaries(...)`, `force_breakdown(...)`, `benefit_rag(...)`,
  `breakdown(...)`, `rag_rollup(...)`, `rag_rollups(...)`: the parts, for pages that
  need only some of them.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum

from realise.benefits.models import (
    Benefit,
    BenefitShare,
    Direction,
    Measurement,
    Nature,
    PlannedValue,
    TotalKind,
    Unit,
)
from realise.benefits.splits import Splitter, to_units
from realise.collaborations.models import Collaboration, ForceShare, Initiative
from realise.organisations.models import Force

ZERO = Decimal("0")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")

MONEY = "money"
HOURS = "hours"
MEASURES = (MONEY, HOURS)
MEASURE_SUBCATEGORIES = {MONEY: ("1a", "1c"), HOURS: ("1b",)}
MEASURE_UNITS = {MONEY: Unit.GBP, HOURS: Unit.HOURS}
SUBCATEGORY_MEASURE = {"1a": MONEY, "1c": MONEY, "1b": HOURS}

# Kinds of benefit for RAG: summed savings, levels (counts, scores...) and qualitative.
LEVEL = "level"
QUALITATIVE = "qualitative"

GREEN = "green"
AMBER = "amber"
RED = "red"
NONE = "none"
RAG_VALUES = (RED, AMBER, GREEN, NONE)
_WORST_FIRST = {RED: 0, AMBER: 1, GREEN: 2, NONE: 3}

# Benefit fields that split the money and hours totals (grouped on in the database).
_DIMENSIONS = ("subcategory", "is_disbenefit", "identified_in_business_case", "cashable")
_GROUPS = {"initiative": "initiative_id", "collaboration": "initiative__collaboration_id"}


# Settings ---------------------------------------------------------------------------------


def _setting(name: str, default):
    return getattr(settings, name, default)


def green_threshold() -> Decimal:
    return Decimal(str(_setting("REALISE_RAG_GREEN", Decimal("0.95"))))


def amber_threshold() -> Decimal:
    return Decimal(str(_setting("REALISE_RAG_AMBER", Decimal("0.80"))))


def maintain_tolerance() -> Decimal:
    return Decimal(str(_setting("REALISE_MAINTAIN_TOLERANCE", Decimal("0.05"))))


def grace_days() -> int:
    return int(_setting("REALISE_MEASUREMENT_GRACE_DAYS", 30))


def trend_months() -> int:
    return max(int(_setting("REALISE_TREND_MONTHS", 3)), 1)


# Months, quarters and UK financial years -------------------------------------------------


def add_months(day: datetime.date, count: int) -> datetime.date:
    """The first of the month `count` months after the month of `day`."""
    index = day.year * 12 + day.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_span(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(day)
        day = add_months(day, 1)
    return out


def last_complete_month(today: datetime.date) -> datetime.date:
    """'To date' runs up to and including this month: the last whole month before today."""
    return add_months(today, -1)


def last_overdue_month(today: datetime.date, grace: int | None = None) -> datetime.date:
    """The latest month that ended more than `grace` days before `today`.

    A planned month up to this one with no actual recorded is "measurement overdue".
    """
    grace = grace_days() if grace is None else grace
    latest_end = today - datetime.timedelta(days=grace + 1)
    if (latest_end + datetime.timedelta(days=1)).day == 1:
        return latest_end.replace(day=1)
    return add_months(latest_end, -1)


def financial_year(day: datetime.date) -> int:
    """The calendar year in which the UK financial year (April to March) of `day` starts."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def financial_quarter(day: datetime.date) -> int:
    """1 for April-June ... 4 for January-March."""
    return (day.month - 4) % 12 // 3 + 1


def parse_month(text: str) -> datetime.date:
    """'2026-10' -> 1 October 2026; ValueError otherwise."""
    parts = text.strip().split("-")
    if len(parts) != 2 or len(parts[0]) != 4 or len(parts[1]) != 2:
        raise ValueError(f"'{text}' is not a month; write it as YYYY-MM, e.g. 2026-10.")
    try:
        return datetime.date(int(parts[0]), int(parts[1]), 1)
    except ValueError:
        raise ValueError(f"'{text}' is not a month; write it as YYYY-MM, e.g. 2026-10.") from None


def _as_of(today: datetime.date | None) -> datetime.date:
    if today is None:
        from django.utils import timezone

        return timezone.localdate()
    return today


# The cut ------------------------------------------------------------------------------------


def _pk(value) -> int | None:
    if value is None:
        return None
    return value if isinstance(value, int) else value.pk


@dataclass(frozen=True)
class RealisationFilter:
    """Which benefits and months to count. Every field is optional.

    `collaboration`, `initiative` and `force` take a model instance or its primary key.
    A collaboration includes the collaborations nested in it. With a `force`, the
    benefits are those of collaborations the force belongs to (or that give it a share of
    their own) and every money and hours figure is that force's share.
    `statuses` are benefit statuses; `initiative_statuses` the initiative's.
    Periods are months (any day is taken as its month); both ends are included.
    """

    collaboration: Any = None
    initiative: Any = None
    force: Any = None
    subcategories: tuple[str, ...] = ()
    stages: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    initiative_statuses: tuple[str, ...] = ()
    cashable: bool | None = None
    identified: bool | None = None
    period_from: datetime.date | None = None
    period_to: datetime.date | None = None

    def __post_init__(self):
        for name in ("subcategories", "stages", "statuses", "initiative_statuses"):
            value = getattr(self, name)
            if isinstance(value, str | int):
                value = (value,)
            object.__setattr__(self, name, tuple(value or ()))
        for name in ("period_from", "period_to"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, value.replace(day=1))
        if self.period_from and self.period_to and self.period_from > self.period_to:
            raise ValueError("The period starts after it ends.")

    @property
    def collaboration_id(self) -> int | None:
        return _pk(self.collaboration)

    @property
    def initiative_id(self) -> int | None:
        return _pk(self.initiative)

    @property
    def force_id(self) -> int | None:
        return _pk(self.force)

    def as_dict(self) -> dict:
        """The cut in plain values (slugs and codes where the instances were given)."""

        def name(value, attribute):
            if value is None or isinstance(value, int):
                return value
            return getattr(value, attribute)

        return {
            "collaboration": name(self.collaboration, "slug"),
            "initiative": name(self.initiative, "slug"),
            "force": name(self.force, "ons_code"),
            "subcategories": list(self.subcategories),
            "stages": list(self.stages),
            "statuses": list(self.statuses),
            "initiative_statuses": list(self.initiative_statuses),
            "cashable": self.cashable,
            "identified": self.identified,
            "from": self.period_from.strftime("%Y-%m") if self.period_from else None,
            "to": self.period_to.strftime("%Y-%m") if self.period_to else None,
        }


def collaboration_and_descendants(collaboration) -> list[int]:
    """The collaboration's id and the ids of every collaboration nested in it."""
    found = {_pk(collaboration)}
    frontier = set(found)
    while frontier:
        frontier = set(
            Collaboration.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
        found |= frontier
    return sorted(found)


def _benefit_q(filters: RealisationFilter, prefix: str = "", resolved: dict | None = None) -> Q:
    """The cut as a Q over Benefit (or, with prefix 'benefit__', over a related model).

    `resolved` keeps the collaborations and memberships looked up, to look them up once.
    """
    own = "pk" if not prefix else prefix[:-2]
    resolved = {} if resolved is None else resolved
    q = Q()
    if filters.collaboration is not None:
        if "collaborations" not in resolved:
            resolved["collaborations"] = collaboration_and_descendants(filters.collaboration)
        ids = resolved["collaborations"]
        q &= Q(**{f"{prefix}initiative__collaboration_id__in": ids})
    if filters.initiative is not None:
        q &= Q(**{f"{prefix}initiative_id": filters.initiative_id})
    if filters.force is not None:
        if "member_of" not in resolved:
            resolved["member_of"] = list(
                ForceShare.objects.filter(force_id=filters.force_id).values_list(
                    "collaboration_id", flat=True
                )
            )
        member_of = resolved["member_of"]
        q &= Q(**{f"{prefix}initiative__collaboration_id__in": member_of}) | Q(
            **{
                f"{own}__in": BenefitShare.objects.filter(force_id=filters.force_id).values(
                    "benefit_id"
                )
            }
        )
    if filters.subcategories:
        q &= Q(**{f"{prefix}subcategory__in": filters.subcategories})
    if filters.stages:
        q &= Q(**{f"{prefix}initiative__stage__in": filters.stages})
    if filters.statuses:
        q &= Q(**{f"{prefix}status__in": filters.statuses})
    if filters.initiative_statuses:
        q &= Q(**{f"{prefix}initiative__status__in": filters.initiative_statuses})
    if filters.cashable is not None:
        q &= Q(**{f"{prefix}cashable": filters.cashable})
    if filters.identified is not None:
        q &= Q(**{f"{prefix}identified_in_business_case": filters.identified})
    return q


def filter_benefits(
    filters: RealisationFilter | None = None, base: QuerySet | None = None
) -> QuerySet:
    """The benefits in the cut, within `base` (e.g. `visible_benefits(user)`)."""
    filters = filters or RealisationFilter()
    queryset = Benefit.objects.all() if base is None else base
    return queryset.filter(_benefit_q(filters))


def _summable_q(prefix: str = "") -> Q:
    """Benefits whose values are summed: money (1a, 1c in GBP) and hours (1b in hours)."""
    return Q(
        **{f"{prefix}subcategory__in": MEASURE_SUBCATEGORIES[MONEY], f"{prefix}unit": Unit.GBP}
    ) | Q(**{f"{prefix}subcategory__in": MEASURE_SUBCATEGORIES[HOURS], f"{prefix}unit": Unit.HOURS})


@dataclass
class _Cut:
    """A resolved cut: the filters, the scope, the 'to date' month and the force."""

    filters: RealisationFilter
    base: QuerySet | None
    today: datetime.date
    to_date: datetime.date
    force: Force | None
    _q: dict[str, Q] = field(default_factory=dict, repr=False)
    _resolved: dict = field(default_factory=dict, repr=False)

    @classmethod
    def make(cls, filters, base, today) -> _Cut:
        filters = filters or RealisationFilter()
        today = _as_of(today)
        force = None
        if filters.force is not None:
            force = filters.force if isinstance(filters.force, Force) else None
            force = force or Force.objects.get(pk=filters.force_id)
        return cls(filters, base, today, last_complete_month(today), force)

    def benefit_q(self, prefix: str = "") -> Q:
        """The cut's filters as a Q (worked out once: they may look up collaborations)."""
        if prefix not in self._q:
            self._q[prefix] = _benefit_q(self.filters, prefix, self._resolved)
        return self._q[prefix]

    def rows_q(self) -> Q:
        """A Q over PlannedValue, Measurement or BenefitShare selecting the rows the cut
        counts: each pound once (see `contributions.counted_q`)."""
        from realise.benefits.contributions import counted_q

        if "counted" not in self._q:
            self._q["counted"] = counted_q(self.filters, self._resolved, self.base)
        return self._q["counted"]

    def listed_rows_q(self) -> Q:
        """Like `rows_q`, but every benefit the cut lists, whole (for RAG per benefit)."""
        from realise.benefits.contributions import listed_q

        if "listed" not in self._q:
            self._q["listed"] = listed_q(self.filters, self._resolved, self.base)
        return self._q["listed"]

    def value(self, name: str = "value"):
        """The amount of a row the cut counts (attributed benefits: the shares claimed)."""
        from realise.benefits.contributions import claimed_value

        return claimed_value(self.filters, self._resolved, name)

    def claimant(self):
        """A row's benefit id when the benefit has attributions, else null."""
        from realise.benefits.contributions import claimant

        return claimant(self._resolved)

    def benefits(self) -> QuerySet:
        from realise.benefits.contributions import listed_q

        queryset = Benefit.objects.all() if self.base is None else self.base
        if "listed_benefits" not in self._q:
            self._q["listed_benefits"] = listed_q(self.filters, self._resolved, None, "")
        return queryset.filter(self._q["listed_benefits"])

    def period_q(self, upto: datetime.date | None = None, prefix: str = "") -> Q:
        """Months in the cut's range, and not after `upto` when given."""
        q = Q()
        if self.filters.period_from:
            q &= Q(**{f"{prefix}period__gte": self.filters.period_from})
        end = self.filters.period_to
        if upto is not None:
            end = upto if end is None else min(end, upto)
        if end is not None:
            q &= Q(**{f"{prefix}period__lte": end})
        return q


# Result types -----------------------------------------------------------------------------


def _percent(actual: Decimal, planned: Decimal) -> Decimal | None:
    if not planned:
        return None
    return (actual * HUNDRED / planned).quantize(CENT, rounding=ROUND_HALF_UP)


def rag_for_score(score: Decimal | None) -> str:
    """green at or above the green threshold, amber at or above amber, red below."""
    if score is None:
        return NONE
    if score >= green_threshold():
        return GREEN
    if score >= amber_threshold():
        return AMBER
    return RED


@dataclass(frozen=True)
class Pair:
    """Planned over the whole range and actual to date, for one slice of a measure."""

    planned_total: Decimal = ZERO
    actual_to_date: Decimal = ZERO

    def as_dict(self) -> dict:
        return {
            "planned_total": _fmt(self.planned_total),
            "actual_to_date": _fmt(self.actual_to_date),
        }


@dataclass(frozen=True)
class Totals:
    """Planned, actual and forecast totals of one measure (net of dis-benefits)."""

    planned_total: Decimal = ZERO
    planned_to_date: Decimal = ZERO
    actual_to_date: Decimal = ZERO

    @property
    def planned_remaining(self) -> Decimal:
        return self.planned_total - self.planned_to_date

    @property
    def forecast_total(self) -> Decimal:
        """Forecast (plan): actuals to date plus the plan for the months still to come."""
        return self.actual_to_date + self.planned_remaining

    @property
    def percent_of_plan_to_date(self) -> Decimal | None:
        return _percent(self.actual_to_date, self.planned_to_date)

    @property
    def rag(self) -> str:
        """The weighted RAG: actual to date against plan to date, all benefits together."""
        if self.planned_to_date <= 0:
            return NONE
        return rag_for_score(self.actual_to_date / self.planned_to_date)


@dataclass(frozen=True)
class PeriodFigures:
    """One month, financial quarter or financial year of a measure."""

    label: str  # "2024-05", "2024/25 Q1" or "2024/25"
    start: datetime.date  # its first month
    end: datetime.date  # its last month
    planned: Decimal
    actual: Decimal | None  # None when no month of it is complete yet
    forecast: Decimal  # actuals of complete months plus the plan of the others
    cumulative_planned: Decimal
    cumulative_actual: Decimal | None
    complete: bool  # every month of it is complete (up to the "to date" month)

    def as_dict(self) -> dict:
        return {
            "period": self.label,
            "planned": _fmt(self.planned),
            "actual": _fmt(self.actual),
            "forecast": _fmt(self.forecast),
            "cumulative_planned": _fmt(self.cumulative_planned),
            "cumulative_actual": _fmt(self.cumulative_actual),
            "complete": self.complete,
        }


@dataclass(frozen=True)
class ForceBreakdown:
    """Each force's share of one measure, keyed by ONS code.

    `unallocated_*` hold collaboration-wide values of benefits whose collaboration has no
    shares (and that have none of their own): they belong to no force, so the parts plus
    the unallocated amount always equal the whole.
    """

    actual_to_date: dict[str, Decimal] = field(default_factory=dict)
    planned_total: dict[str, Decimal] | None = None
    planned_to_date: dict[str, Decimal] | None = None
    unallocated_actual_to_date: Decimal = ZERO
    unallocated_planned_total: Decimal = ZERO
    unallocated_planned_to_date: Decimal = ZERO
    names: dict[str, str] = field(default_factory=dict)  # ONS code -> force name

    def codes(self) -> list[str]:
        found = set(self.actual_to_date) | set(self.planned_total or ())
        return sorted(found, key=lambda code: (self.names.get(code, code), code))

    def totals(self, code: str) -> Totals:
        return Totals(
            planned_total=(self.planned_total or {}).get(code, ZERO),
            planned_to_date=(self.planned_to_date or {}).get(code, ZERO),
            actual_to_date=self.actual_to_date.get(code, ZERO),
        )


@dataclass(frozen=True)
class MeasureSummary:
    """Money or hours for a cut: totals, its slices, its series and its force shares."""

    measure: str  # "money" or "hours"
    totals: Totals
    trend_forecast_total: Decimal | None  # None when not asked for
    identified: Pair
    not_identified: Pair
    cashable: Pair
    non_cashable: Pair
    by_subcategory: dict[str, Pair]
    months: list[PeriodFigures]
    quarters: list[PeriodFigures]
    years: list[PeriodFigures]
    forces: ForceBreakdown | None = None

    planned_total = property(lambda self: self.totals.planned_total)
    planned_to_date = property(lambda self: self.totals.planned_to_date)
    actual_to_date = property(lambda self: self.totals.actual_to_date)
    forecast_total = property(lambda self: self.totals.forecast_total)
    percent_of_plan_to_date = property(lambda self: self.totals.percent_of_plan_to_date)
    rag = property(lambda self: self.totals.rag)

    def as_dict(self) -> dict:
        out = {
            "planned_total": _fmt(self.planned_total),
            "planned_to_date": _fmt(self.planned_to_date),
            "actual_to_date": _fmt(self.actual_to_date),
            "forecast_total": _fmt(self.forecast_total),
            "trend_forecast_total": _fmt(self.trend_forecast_total),
            "percent_of_plan_to_date": _fmt(self.percent_of_plan_to_date),
            "rag": self.rag,
            "identified": self.identified.as_dict(),
            "not_identified": self.not_identified.as_dict(),
            "cashable": self.cashable.as_dict(),
            "non_cashable": self.non_cashable.as_dict(),
            "by_subcategory": {code: pair.as_dict() for code, pair in self.by_subcategory.items()},
        }
        if self.forces is not None:
            forces = self.forces
            codes = forces.codes()
            out["by_force"] = {code: _fmt(forces.actual_to_date.get(code, ZERO)) for code in codes}
            if forces.planned_total is not None:
                out["by_force_planned"] = {
                    code: {
                        "planned_total": _fmt(forces.planned_total.get(code, ZERO)),
                        "planned_to_date": _fmt(forces.planned_to_date.get(code, ZERO)),
                    }
                    for code in codes
                }
            out["unallocated"] = {
                "planned_total": _fmt(forces.unallocated_planned_total),
                "actual_to_date": _fmt(forces.unallocated_actual_to_date),
            }
        out["by_year"] = [row.as_dict() for row in self.years]
        out["by_quarter"] = [row.as_dict() for row in self.quarters]
        out["by_month"] = [row.as_dict() for row in self.months]
        return out


@dataclass(frozen=True)
class BenefitRag:
    """One benefit's RAG, its figures to date and whether a measurement is overdue.

    `kind` is "money", "hours" (cumulative savings), "level" (counts, percentages,
    scores: the latest actual against the plan for that month) or "qualitative".
    `score` is the share of the plan achieved (1 = on plan; direction-aware), or for
    `maintain` benefits the deviation from the baseline as a fraction.
    For money and hours, `planned` and `actual` are cumulative to date; for levels, the
    planned and actual level in `latest_period`.
    """

    benefit_id: int
    reference: str
    title: str
    initiative_id: int
    initiative: str
    collaboration_id: int
    subcategory: str
    kind: str
    direction: str
    is_disbenefit: bool
    status: str
    rag: str
    score: Decimal | None
    planned: Decimal | None
    actual: Decimal | None
    latest_period: datetime.date | None
    overdue_months: int
    first_overdue: datetime.date | None

    @property
    def measurement_overdue(self) -> bool:
        return self.overdue_months > 0

    @property
    def percent(self) -> Decimal | None:
        if self.score is None:
            return None
        return (self.score * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)

    def as_dict(self) -> dict:
        return {
            "reference": self.reference,
            "title": self.title,
            "initiative": self.initiative,
            "subcategory": self.subcategory,
            "kind": self.kind,
            "direction": self.direction,
            "dis_benefit": self.is_disbenefit,
            "status": self.status,
            "rag": self.rag,
            "percent": _fmt(self.percent),
            "planned": _fmt(self.planned),
            "actual": _fmt(self.actual),
            "latest_period": self.latest_period.strftime("%Y-%m") if self.latest_period else None,
            "measurement_overdue": self.measurement_overdue,
            "overdue_months": self.overdue_months,
            "first_overdue": self.first_overdue.strftime("%Y-%m") if self.first_overdue else None,
        }


@dataclass(frozen=True)
class RagRollup:
    """RAG of a group of benefits: the worst rated member, and how many of each."""

    overall: str
    counts: dict[str, int]
    measurement_overdue: int

    def as_dict(self) -> dict:
        return {
            "overall": self.overall,
            "counts": dict(self.counts),
            "measurement_overdue": self.measurement_overdue,
        }


@dataclass(frozen=True)
class Realisation:
    """The figures a dashboard shows for one cut."""

    filters: RealisationFilter
    today: datetime.date
    to_date: datetime.date  # the last complete month
    money: MeasureSummary
    hours: MeasureSummary
    rag: RagRollup
    benefits: list[BenefitRag] | None  # exceptions first; None when not asked for

    def measure(self, name: str) -> MeasureSummary:
        return {MONEY: self.money, HOURS: self.hours}[name]

    def as_dict(self) -> dict:
        rag = self.rag.as_dict()
        rag["money"] = self.money.rag
        rag["hours"] = self.hours.rag
        if self.benefits is not None:
            rag["benefits"] = [row.as_dict() for row in self.benefits]
        return {
            "as_at": self.today.isoformat(),
            "to_date": self.to_date.strftime("%Y-%m"),
            "trend_months": trend_months(),
            "filters": self.filters.as_dict(),
            "money": self.money.as_dict(),
            "hours": self.hours.as_dict(),
            "rag": rag,
        }


def _dec(value) -> Decimal:
    """A sum read from the database, in pennies (None, an empty sum, is zero).

    SQLite hands back sums with stray digits; PostgreSQL exact ones. Both become
    exact two-place decimals here.
    """
    if value is None:
        return ZERO
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _fmt(value: Decimal | None) -> str | None:
    """Two decimal places as a string (None stays None)."""
    if value is None:
        return None
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):f}"


# Grouped rows -----------------------------------------------------------------------------

# A ledger line: (subcategory, is_disbenefit, identified, cashable, month) -> amount, with
# dis-benefits counted as negative.


def _sign(is_disbenefit: bool) -> int:
    return -1 if is_disbenefit else 1


@dataclass
class _Ledger:
    """Signed planned and actual amounts per (dimensions, period), per measure."""

    planned: dict[tuple, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    actual: dict[tuple, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def add(self, kind: str, dims: tuple, period, amount: Decimal) -> None:
        book = self.planned if kind == "planned" else self.actual
        book[(*dims, period)] += amount


def _grouped(cut: _Cut, only: Iterable[int] | None = None, plain: bool = False) -> dict:
    """{kind: {(dimensions, month): [rows, amount]}} from two grouped queries (plan and
    actuals), amounts unsigned. `only` narrows them to some benefits; `plain` sums those
    benefits' rows whole, as the monthly totals hold them, rather than as the cut counts
    them (attributed shares, each pound once)."""
    if plain:
        base = _benefit_q(cut.filters, "benefit__", cut._resolved)
        value = F("value")
    else:
        base = cut.rows_q()
        value = cut.value()
    base &= _summable_q("benefit__")
    if only is not None:
        base &= Q(benefit_id__in=list(only))
    names = [f"benefit__{name}" for name in _DIMENSIONS]
    queries = (
        ("planned", PlannedValue.objects.filter(base & cut.period_q())),
        (
            "actual",
            Measurement.objects.filter(base & cut.period_q(cut.to_date) & Q(value__isnull=False)),
        ),
    )
    out: dict[str, dict] = {}
    for kind, queryset in queries:
        rows = queryset.values(*names, "period").annotate(n=Count("pk"), total=Sum(value))
        book = out[kind] = {}
        for row in rows.order_by():
            dims = tuple(row[name] for name in names)
            book[(dims, row["period"])] = [row["n"], _dec(row["total"])]
    return out


def _ledger_of(grouped: dict) -> _Ledger:
    ledger = _Ledger()
    for kind, book in grouped.items():
        for (dims, period), (rows, amount) in book.items():
            if rows > 0:
                ledger.add(kind, dims, period, amount * _sign(dims[1]))
    return ledger


def _ledger_from_database(cut: _Cut) -> _Ledger:
    """Two grouped queries: plan and actuals per (dimensions, month)."""
    return _ledger_of(_grouped(cut))


def _reads_totals(cut: _Cut) -> bool:
    """Whether the cut can be read from the monthly totals: every benefit, narrowed only
    by what the totals are kept by (sub-category, cashable, identified, months)."""
    f = cut.filters
    return (
        cut.base is None
        and cut.force is None
        and f.collaboration is None
        and f.initiative is None
        and not (f.stages or f.statuses or f.initiative_statuses)
    )


def _ledger_from_totals(cut: _Cut, linked: list[int]) -> _Ledger:
    """The monthly totals (a few hundred rows) in place of every planned and measured
    month. Benefits counted other than whole (`linked`: attributed, or contributing to
    another) are taken out of the totals and counted as the cut counts them."""
    from realise.benefits import totals

    f = cut.filters
    q = _summable_q()
    if f.subcategories:
        q &= Q(subcategory__in=f.subcategories)
    if f.cashable is not None:
        q &= Q(cashable=f.cashable)
    if f.identified is not None:
        q &= Q(identified=f.identified)
    books: dict[str, dict] = {"planned": {}, "actual": {}}
    planned = Q(kind=TotalKind.PLANNED) & cut.period_q()
    measured = Q(kind=TotalKind.ACTUAL) & cut.period_q(cut.to_date)
    for row in totals.read(q & (planned | measured)):
        dims = (row.subcategory, row.is_disbenefit, row.identified, row.cashable)
        kind = "planned" if row.kind == TotalKind.PLANNED else "actual"
        books[kind][(dims, row.period)] = [row.rows, row.amount]
    if linked:
        for sign, grouped in ((-1, _grouped(cut, linked, plain=True)), (1, _grouped(cut, linked))):
            for kind, rows in grouped.items():
                book = books[kind]
                for key, (count, amount) in rows.items():
                    entry = book.setdefault(key, [0, ZERO])
                    entry[0] += sign * count
                    entry[1] += sign * amount
    return _ledger_of(books)


def _ledger(cut: _Cut) -> _Ledger:
    """Plan and actuals per (dimensions, month): from the monthly totals where the cut
    allows, else from the register's rows."""
    from realise.benefits.contributions import linked_benefits

    if _reads_totals(cut):
        linked = linked_benefits(cut._resolved)
        if linked is not None:
            return _ledger_from_totals(cut, linked)
    return _ledger_from_database(cut)


def _series(
    cut: _Cut, planned: dict[datetime.date, Decimal], actual: dict[datetime.date, Decimal]
) -> tuple[list[PeriodFigures], list[PeriodFigures], list[PeriodFigures]]:
    """Monthly, financial-quarter and financial-year figures over the cut's months."""
    known = set(planned) | set(actual)
    first = cut.filters.period_from or (min(known) if known else None)
    last = cut.filters.period_to or (max(known) if known else None)
    if first is None or last is None:
        return [], [], []
    if (last.year - first.year) * 12 + last.month - first.month > 1200 and known:
        first, last = max(first, min(known)), min(last, max(known))
    months = month_span(first, last)

    def build(groups: list[tuple[str, list[datetime.date]]]) -> list[PeriodFigures]:
        out = []
        cumulative_planned = ZERO
        cumulative_actual = ZERO
        for label, members in groups:
            plan = sum((planned.get(m, ZERO) for m in members), ZERO)
            done = [m for m in members if m <= cut.to_date]
            real = sum((actual.get(m, ZERO) for m in done), ZERO) if done else None
            forecast = (real or ZERO) + sum(
                (planned.get(m, ZERO) for m in members if m > cut.to_date), ZERO
            )
            cumulative_planned += plan
            if real is not None:
                cumulative_actual += real
            out.append(
                PeriodFigures(
                    label=label,
                    start=members[0],
                    end=members[-1],
                    planned=plan,
                    actual=real,
                    forecast=forecast,
                    cumulative_planned=cumulative_planned,
                    cumulative_actual=cumulative_actual if real is not None else None,
                    complete=len(done) == len(members),
                )
            )
        return out

    def grouped(key) -> list[tuple[str, list[datetime.date]]]:
        groups: dict[str, list[datetime.date]] = {}
        for m in months:
            groups.setdefault(key(m), []).append(m)
        return list(groups.items())

    by_month = build([(m.strftime("%Y-%m"), [m]) for m in months])
    by_quarter = build(
        grouped(lambda m: f"{financial_year_label(financial_year(m))} Q{financial_quarter(m)}")
    )
    by_year = build(grouped(lambda m: financial_year_label(financial_year(m))))
    return by_month, by_quarter, by_year


def _summarise(
    cut: _Cut, ledger: _Ledger, measure: str, trend_remaining: Decimal | None
) -> MeasureSummary:
    subcategories = MEASURE_SUBCATEGORIES[measure]
    planned_total = planned_to_date = actual_to_date = ZERO
    slices = {
        name: [ZERO, ZERO]
        for name in ("identified", "not_identified", "cashable", "non_cashable", *subcategories)
    }
    planned_by_month: dict[datetime.date, Decimal] = defaultdict(Decimal)
    actual_by_month: dict[datetime.date, Decimal] = defaultdict(Decimal)
    for position, book in ((0, ledger.planned), (1, ledger.actual)):
        for (subcategory, _disbenefit, identified, cashable, period), amount in book.items():
            if subcategory not in subcategories:
                continue
            if position == 0:
                planned_total += amount
                planned_by_month[period] += amount
                if period <= cut.to_date:
                    planned_to_date += amount
            else:
                actual_to_date += amount
                actual_by_month[period] += amount
            for name in (
                "identified" if identified else "not_identified",
                "cashable" if cashable else "non_cashable",
                subcategory,
            ):
                slices[name][position] += amount
    months, quarters, years = _series(cut, planned_by_month, actual_by_month)
    pair = {name: Pair(planned, actual) for name, (planned, actual) in slices.items()}
    return MeasureSummary(
        measure=measure,
        totals=Totals(planned_total, planned_to_date, actual_to_date),
        trend_forecast_total=None if trend_remaining is None else actual_to_date + trend_remaining,
        identified=pair["identified"],
        not_identified=pair["not_identified"],
        cashable=pair["cashable"],
        non_cashable=pair["non_cashable"],
        by_subcategory={code: pair[code] for code in subcategories},
        months=months,
        quarters=quarters,
        years=years,
    )


# Trend forecast ------------------------------------------------------------------------------


def _trend_window(cut: _Cut) -> tuple[datetime.date, datetime.date]:
    return add_months(cut.to_date, 1 - trend_months()), cut.to_date


def _trend_from_database(cut: _Cut) -> dict[str, Decimal]:
    """Per measure: the sum over benefits of (mean of the window's actuals) x (months to come).

    One query: each benefit's actuals in the trend window and its count of planned months
    after the to-date month (within the range) are grouped per benefit in two derived
    tables, joined on the benefit and summed per sub-category and dis-benefit flag.
    """
    first, last = _trend_window(cut)
    base = cut.rows_q() & _summable_q("benefit__")
    recent = (
        Measurement.objects.filter(
            base & Q(period__gte=first, period__lte=last, value__isnull=False)
        )
        .values("benefit_id", "benefit__subcategory", "benefit__is_disbenefit")
        .annotate(total=Sum(cut.value()))
        .order_by()
    )
    future = (
        PlannedValue.objects.filter(base & cut.period_q() & Q(period__gt=cut.to_date))
        .values("benefit_id")
        .annotate(months=Count("pk"))
        .order_by()
    )
    recent_sql, recent_params = recent.query.sql_with_params()
    future_sql, future_params = future.query.sql_with_params()
    q = connection.ops.quote_name
    subcategory, disbenefit = q("benefit__subcategory"), q("benefit__is_disbenefit")
    # Composed only of ORM-compiled SQL and quoted aliases; every value is a parameter.
    select = f"SELECT r.{subcategory}, r.{disbenefit}, SUM(r.{q('total')} * f.{q('months')})"
    joined = f"FROM ({recent_sql}) r INNER JOIN ({future_sql}) f"
    on = f"ON r.{q('benefit_id')} = f.{q('benefit_id')}"
    sql = " ".join([select, joined, on, f"GROUP BY r.{subcategory}, r.{disbenefit}"])
    out = dict.fromkeys(MEASURES, ZERO)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*recent_params, *future_params))
        for code, is_disbenefit, projected in cursor.fetchall():
            if projected is not None:
                out[SUBCATEGORY_MEASURE[code]] += _dec(projected) * _sign(bool(is_disbenefit))
    size = trend_months()
    return {m: (value / size).quantize(CENT, rounding=ROUND_HALF_UP) for m, value in out.items()}


# Force shares ------------------------------------------------------------------------------


class _Shares:
    """Splitters for benefits with their own shares and for collaborations."""

    def __init__(self, own: dict[int, Splitter], collaborations: dict[int, Splitter]):
        self.own = own
        self.collaborations = collaborations

    @classmethod
    def load(cls, benefit_q: Q, collaboration_ids: Iterable[int]) -> _Shares:
        cache: dict[tuple, Splitter] = {}

        def splitters(rows, key) -> dict[int, Splitter]:
            grouped: dict[int, dict[str, Decimal]] = defaultdict(dict)
            for row in rows:
                grouped[row[key]][row["force__ons_code"]] = row["percent"]
            out = {}
            for owner, shares in grouped.items():
                signature = tuple(sorted(shares.items()))
                if signature not in cache:
                    try:
                        cache[signature] = Splitter(shares)
                    except ValueError:
                        continue
                out[owner] = cache[signature]
            return out

        own_rows = (
            BenefitShare.objects.filter(benefit_q)
            .values("benefit_id", "force__ons_code", "percent")
            .order_by()
        )
        collaboration_rows = (
            ForceShare.objects.filter(collaboration_id__in=list(collaboration_ids))
            .values("collaboration_id", "force__ons_code", "percent")
            .order_by()
        )
        return cls(
            splitters(own_rows, "benefit_id"), splitters(collaboration_rows, "collaboration_id")
        )

    def of(self, benefit_id: int, collaboration_id: int) -> Splitter | None:
        return self.own.get(benefit_id) or self.collaborations.get(collaboration_id)


def _units(amount: Decimal) -> int:
    """A two-place amount as a whole number of pennies."""
    pennies = amount.scaleb(2)
    whole = int(pennies)
    return whole if whole == pennies else to_units(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def _money(units: int) -> Decimal:
    return Decimal(units).scaleb(-2)


def _force_names() -> dict[str, str]:
    return dict(Force.objects.values_list("ons_code", "name"))


def force_breakdown(
    filters: RealisationFilter | None = None,
    *,
    base: QuerySet | None = None,
    today: datetime.date | None = None,
    include_planned: bool = True,
    _cut: _Cut | None = None,
) -> dict[str, ForceBreakdown]:
    """Each force's share of money and of hours, keyed by measure then ONS code.

    A measurement recorded for a force belongs to that force. Collaboration-wide values
    are summed per benefit in the database and each benefit's total is split to the
    penny by the benefit's own shares, else its collaboration's. Planned values (always
    collaboration-wide) are split the same way when `include_planned`.
    With a force in the filter, this is that force's figures only.
    """
    cut = _cut or _Cut.make(filters, base, today)
    if cut.force is not None:
        return _force_only_breakdown(cut, include_planned)
    base_q = cut.rows_q() & _summable_q("benefit__")
    to_date_q = cut.period_q(cut.to_date)
    pennies = {m: defaultdict(int) for m in MEASURES}
    unallocated = {m: ZERO for m in MEASURES}
    own_forces = (
        Measurement.objects.filter(base_q & to_date_q & Q(force__isnull=False))
        .values("force__ons_code", "benefit__subcategory", "benefit__is_disbenefit")
        .annotate(total=Sum(cut.value()))
        .order_by()
    )
    for row in own_forces:
        if row["total"] is None:
            continue
        measure = SUBCATEGORY_MEASURE[row["benefit__subcategory"]]
        pennies[measure][row["force__ons_code"]] += _units(row["total"]) * _sign(
            row["benefit__is_disbenefit"]
        )
    shared_fields = (
        "benefit_id",
        "benefit__subcategory",
        "benefit__is_disbenefit",
        "benefit__initiative__collaboration_id",
    )
    shared = list(
        Measurement.objects.filter(base_q & to_date_q & Q(force__isnull=True))
        .values(*shared_fields)
        .annotate(total=Sum(cut.value()))
        .order_by()
    )
    planned_rows = []
    if include_planned:
        planned_rows = list(
            PlannedValue.objects.filter(base_q & cut.period_q())
            .values(*shared_fields)
            .annotate(
                total=Sum(cut.value()), to_date=Sum(cut.value(), filter=Q(period__lte=cut.to_date))
            )
            .order_by()
        )
    collaborations = {row["benefit__initiative__collaboration_id"] for row in shared + planned_rows}
    shares = _Shares.load(cut.rows_q(), collaborations)

    def allocate(rows, column, into, measure_unallocated):
        for row in rows:
            amount = row[column]
            if not amount:
                continue
            units = _units(amount if isinstance(amount, Decimal) else _dec(amount))
            measure = SUBCATEGORY_MEASURE[row["benefit__subcategory"]]
            sign = _sign(row["benefit__is_disbenefit"])
            splitter = shares.of(row["benefit_id"], row["benefit__initiative__collaboration_id"])
            if splitter is None:
                measure_unallocated[measure] += _money(units * sign)
                continue
            target = into[measure]
            for code, part in zip(splitter.keys, splitter.split_units(units), strict=True):
                target[code] += part * sign

    allocate(shared, "total", pennies, unallocated)
    planned = planned_to_date = None
    unallocated_plan = {m: ZERO for m in MEASURES}
    unallocated_plan_to_date = {m: ZERO for m in MEASURES}
    if include_planned:
        planned = {m: defaultdict(int) for m in MEASURES}
        planned_to_date = {m: defaultdict(int) for m in MEASURES}
        allocate(planned_rows, "total", planned, unallocated_plan)
        allocate(planned_rows, "to_date", planned_to_date, unallocated_plan_to_date)
    names = _force_names()

    def money(book):
        return {code: _money(value) for code, value in book.items()}

    return {
        m: ForceBreakdown(
            actual_to_date=money(pennies[m]),
            planned_total=money(planned[m]) if planned is not None else None,
            planned_to_date=money(planned_to_date[m]) if planned_to_date is not None else None,
            unallocated_actual_to_date=unallocated[m],
            unallocated_planned_total=unallocated_plan[m],
            unallocated_planned_to_date=unallocated_plan_to_date[m],
            names=names,
        )
        for m in MEASURES
    }


# One force's share, month by month ------------------------------------------------------------


@dataclass
class _ForceLedger:
    """One force's attributed amounts per (benefit, month), before signs."""

    benefits: dict[int, dict]
    planned: dict[int, dict[datetime.date, Decimal]]
    actual: dict[int, dict[datetime.date, Decimal]]
    shares: _Shares


def _cumulative_parts(rows, splitter: Splitter | None, code: str):
    """The force's part of each month, such that the parts to any month add up to the
    force's penny-exact split of the cumulative amount to that month."""
    if splitter is None or code not in splitter.index:
        return
    index = splitter.index[code]
    cumulative = 0
    previous = 0
    for period, amount in rows:
        cumulative += _units(amount)
        part = splitter.split_units(cumulative)[index]
        yield period, _money(part - previous)
        previous = part


def _force_ledger(cut: _Cut) -> _ForceLedger:
    force = cut.force
    code = force.ons_code
    info = {
        row["pk"]: row
        for row in cut.benefits()
        .filter(_summable_q())
        .values("pk", *_DIMENSIONS, "initiative_id", "initiative__collaboration_id")
        .order_by()
    }
    base_q = cut.rows_q() & _summable_q("benefit__")
    shares = _Shares.load(
        cut.rows_q(),
        {row["initiative__collaboration_id"] for row in info.values()},
    )
    planned: dict[int, dict] = defaultdict(dict)
    actual: dict[int, dict] = defaultdict(lambda: defaultdict(Decimal))

    def per_benefit(rows):
        grouped: dict[int, list] = defaultdict(list)
        for row in rows:
            if row["total"] is not None:
                grouped[row["benefit_id"]].append((row["period"], _dec(row["total"])))
        return grouped

    plan_rows = per_benefit(
        PlannedValue.objects.filter(base_q & cut.period_q())
        .values("benefit_id", "period")
        .annotate(total=Sum(cut.value()))
        .order_by("benefit_id", "period")
    )
    wide_rows = per_benefit(
        Measurement.objects.filter(base_q & cut.period_q(cut.to_date) & Q(force__isnull=True))
        .values("benefit_id", "period")
        .annotate(total=Sum(cut.value()))
        .order_by("benefit_id", "period")
    )
    own_rows = per_benefit(
        Measurement.objects.filter(base_q & cut.period_q(cut.to_date) & Q(force=force))
        .values("benefit_id", "period")
        .annotate(total=Sum(cut.value()))
        .order_by("benefit_id", "period")
    )
    for benefit_id, rows in plan_rows.items():
        if benefit_id not in info:
            continue
        splitter = shares.of(benefit_id, info[benefit_id]["initiative__collaboration_id"])
        planned[benefit_id] = dict(_cumulative_parts(rows, splitter, code))
    for benefit_id, rows in wide_rows.items():
        if benefit_id not in info:
            continue
        splitter = shares.of(benefit_id, info[benefit_id]["initiative__collaboration_id"])
        for period, part in _cumulative_parts(rows, splitter, code):
            actual[benefit_id][period] += part
    for benefit_id, rows in own_rows.items():
        for period, amount in rows:
            actual[benefit_id][period] += amount
    return _ForceLedger(info, planned, actual, shares)


def _ledger_from_force(cut: _Cut, force_ledger: _ForceLedger) -> _Ledger:
    ledger = _Ledger()
    for kind, book in (("planned", force_ledger.planned), ("actual", force_ledger.actual)):
        for benefit_id, months in book.items():
            row = force_ledger.benefits.get(benefit_id)
            if row is None:
                continue
            dims = tuple(row[name] for name in _DIMENSIONS)
            sign = _sign(row["is_disbenefit"])
            for period, amount in months.items():
                ledger.add(kind, dims, period, amount * sign)
    return ledger


def _trend_from_force(cut: _Cut, force_ledger: _ForceLedger) -> dict[str, Decimal]:
    """The trend forecast of one force's share (see `_trend_from_database`).

    The window's actuals are the force's own plus its share (by percent, not to the
    penny: this is a projection) of collaboration-wide ones, including months before
    the cut's range.
    """
    first, last = _trend_window(cut)
    info = force_ledger.benefits
    remaining = {
        row["benefit_id"]: row["months"]
        for row in PlannedValue.objects.filter(
            cut.rows_q() & _summable_q("benefit__") & cut.period_q() & Q(period__gt=cut.to_date)
        )
        .values("benefit_id")
        .annotate(months=Count("pk"))
        .order_by()
    }
    if not remaining:
        return dict.fromkeys(MEASURES, ZERO)
    window = (
        Measurement.objects.filter(
            cut.rows_q() & _summable_q("benefit__") & Q(period__gte=first, period__lte=last)
        )
        .values("benefit_id")
        .annotate(
            own=Sum(cut.value(), filter=Q(force=cut.force)),
            wide=Sum(cut.value(), filter=Q(force__isnull=True)),
        )
        .order_by()
    )
    shares = force_ledger.shares
    code = cut.force.ons_code
    out = dict.fromkeys(MEASURES, ZERO)
    for row in window:
        benefit = info.get(row["benefit_id"])
        months = remaining.get(row["benefit_id"])
        if benefit is None or not months:
            continue
        recent = _dec(row["own"])
        splitter = shares.of(row["benefit_id"], benefit["initiative__collaboration_id"])
        if row["wide"] and splitter is not None and code in splitter.index:
            weight = splitter.weights[splitter.index[code]]
            recent += _dec(row["wide"]) * weight / splitter.total
        measure = SUBCATEGORY_MEASURE[benefit["subcategory"]]
        out[measure] += recent * months * _sign(benefit["is_disbenefit"])
    size = trend_months()
    return {m: (value / size).quantize(CENT, rounding=ROUND_HALF_UP) for m, value in out.items()}


def _force_only_breakdown(cut: _Cut, include_planned: bool, summaries=None) -> dict:
    summaries = summaries or measure_summaries(_cut=cut, include_trend=False)
    code = cut.force.ons_code
    names = {code: cut.force.name}
    return {
        m: ForceBreakdown(
            actual_to_date={code: summaries[m].actual_to_date},
            planned_total={code: summaries[m].planned_total} if include_planned else None,
            planned_to_date={code: summaries[m].planned_to_date} if include_planned else None,
            names=names,
        )
        for m in MEASURES
    }


# Headline figures -----------------------------------------------------------------------------


def measure_summaries(
    filters: RealisationFilter | None = None,
    *,
    base: QuerySet | None = None,
    today: datetime.date | None = None,
    include_forces: bool = False,
    include_trend: bool = True,
    _cut: _Cut | None = None,
) -> dict[str, MeasureSummary]:
    """Money and hours for the cut: {"money": MeasureSummary, "hours": MeasureSummary}.

    Without a force: two grouped queries (plan by month, actuals by month), one more for
    the trend forecast when `include_trend`, plus the force breakdown's when
    `include_forces`.
    """
    cut = _cut or _Cut.make(filters, base, today)
    trend = dict.fromkeys(MEASURES)
    if cut.force is None:
        ledger = _ledger(cut)
        if include_trend:
            trend = _trend_from_database(cut)
    else:
        force_ledger = _force_ledger(cut)
        ledger = _ledger_from_force(cut, force_ledger)
        if include_trend:
            trend = _trend_from_force(cut, force_ledger)
    summaries = {m: _summarise(cut, ledger, m, trend[m]) for m in MEASURES}
    if include_forces:
        if cut.force is None:
            forces = force_breakdown(_cut=cut)
        else:
            forces = _force_only_breakdown(cut, True, summaries)
        summaries = {
            m: dataclasses.replace(summary, forces=forces[m]) for m, summary in summaries.items()
        }
    return summaries


@dataclass(frozen=True)
class GroupFigures:
    """Money and hours totals of one initiative or collaboration in the cut."""

    key: int
    name: str
    slug: str
    stage: int | None  # initiatives only
    money: Totals
    hours: Totals

    def measure(self, name: str) -> Totals:
        return {MONEY: self.money, HOURS: self.hours}[name]


def breakdown(
    group: str,
    filters: RealisationFilter | None = None,
    *,
    base: QuerySet | None = None,
    today: datetime.date | None = None,
) -> list[GroupFigures]:
    """Money and hours totals per initiative or per collaboration (`group`), by name.

    Two grouped queries (plan, actuals) without a force; with a force, that force's
    share, from the same month-by-month allocation as `measure_summaries`.
    Only groups with money or hours figures are listed.
    """
    if group not in _GROUPS:
        raise ValueError(f"Cannot break the figures down by {group!r}.")
    from realise.benefits.contributions import claims_in_cut

    cut = _Cut.make(filters, base, today)
    figures: dict[int, dict[str, list[Decimal]]] = defaultdict(
        lambda: {m: [ZERO, ZERO, ZERO] for m in MEASURES}
    )
    # Benefits with attributions belong to the initiatives claiming them: their figures
    # are gathered per benefit, then split between those initiatives below.
    claimed: dict[int, dict[str, list[Decimal]]] = defaultdict(
        lambda: {m: [ZERO, ZERO, ZERO] for m in MEASURES}
    )
    if cut.force is None:
        key = f"benefit__{_GROUPS[group]}"
        base_q = cut.rows_q() & _summable_q("benefit__")
        plan = (
            PlannedValue.objects.filter(base_q & cut.period_q())
            .annotate(claimed_by=cut.claimant())
            .values(key, "claimed_by", "benefit__subcategory", "benefit__is_disbenefit")
            .annotate(
                total=Sum(cut.value()),
                to_date=Sum(cut.value(), filter=Q(period__lte=cut.to_date)),
            )
            .order_by()
        )
        for row in plan:
            measure = SUBCATEGORY_MEASURE[row["benefit__subcategory"]]
            sign = _sign(row["benefit__is_disbenefit"])
            owner = claimed[row["claimed_by"]] if row["claimed_by"] else figures[row[key]]
            slot = owner[measure]
            slot[0] += _dec(row["total"]) * sign
            slot[1] += _dec(row["to_date"]) * sign
        actual = (
            Measurement.objects.filter(base_q & cut.period_q(cut.to_date))
            .annotate(claimed_by=cut.claimant())
            .values(key, "claimed_by", "benefit__subcategory", "benefit__is_disbenefit")
            .annotate(total=Sum(cut.value()))
            .order_by()
        )
        for row in actual:
            measure = SUBCATEGORY_MEASURE[row["benefit__subcategory"]]
            owner = claimed[row["claimed_by"]] if row["claimed_by"] else figures[row[key]]
            owner[measure][2] += _dec(row["total"]) * _sign(row["benefit__is_disbenefit"])
    else:
        force_ledger = _force_ledger(cut)
        field_name = _GROUPS[group]
        attributed = set(claims_in_cut(cut.filters, cut._resolved, force_ledger.benefits))
        for position, book in ((0, force_ledger.planned), (2, force_ledger.actual)):
            for benefit_id, months in book.items():
                row = force_ledger.benefits.get(benefit_id)
                if row is None:
                    continue
                measure = SUBCATEGORY_MEASURE[row["subcategory"]]
                sign = _sign(row["is_disbenefit"])
                owner = (
                    claimed[benefit_id] if benefit_id in attributed else figures[row[field_name]]
                )
                slot = owner[measure]
                for period, amount in months.items():
                    slot[position] += amount * sign
                    if position == 0 and period <= cut.to_date:
                        slot[1] += amount * sign
    if claimed:
        claims = claims_in_cut(cut.filters, cut._resolved, claimed)
        for benefit_id, values in claimed.items():
            shares = claims.get(benefit_id)
            if not shares:
                continue
            splitter = Splitter({pk: percent for pk, (percent, _) in shares.items()})
            for measure, slots in values.items():
                for position, amount in enumerate(slots):
                    if not amount:
                        continue
                    parts = splitter.split_units(_units(amount))
                    for initiative_id, part in zip(splitter.keys, parts, strict=True):
                        group_key = (
                            initiative_id if group == "initiative" else shares[initiative_id][1]
                        )
                        figures[group_key][measure][position] += _money(part)
    if group == "initiative":
        labels = {
            row["pk"]: (row["name"], row["slug"], row["stage"])
            for row in Initiative.objects.filter(pk__in=list(figures)).values(
                "pk", "name", "slug", "stage"
            )
        }
    else:
        labels = {
            row["pk"]: (row["name"], row["slug"], None)
            for row in Collaboration.objects.filter(pk__in=list(figures)).values(
                "pk", "name", "slug"
            )
        }
    out = [
        GroupFigures(
            key=key,
            name=labels[key][0],
            slug=labels[key][1],
            stage=labels[key][2],
            money=Totals(*values[MONEY]),
            hours=Totals(*values[HOURS]),
        )
        for key, values in figures.items()
        if key in labels
    ]
    return sorted(out, key=lambda row: (row.name, row.key))


# RAG per benefit --------------------------------------------------------------------------------


def _score_cumulative(planned: Decimal | None, actual: Decimal | None, disbenefit: bool):
    """Savings: actual to date against plan to date (a dis-benefit the other way round)."""
    planned = planned or ZERO
    actual = actual or ZERO
    if planned <= 0:
        return None, NONE
    if disbenefit:
        if actual <= 0:
            return None, GREEN
        score = planned / actual
    else:
        score = actual / planned
    return score, rag_for_score(score)


def _score_level(
    direction: str,
    baseline: Decimal | None,
    planned: Decimal | None,
    actual: Decimal | None,
):
    """Levels: the latest actual against the planned level for that month.

    `increase`/`decrease`: the share of the planned change from the baseline achieved,
    or, when no baseline is set or the plan does not move in the benefit's direction,
    the ratio of actual to planned (planned to actual for `decrease`).
    `maintain`: the deviation from the baseline (else the planned level) as a fraction
    of it; green within the tolerance, amber within twice it, red beyond.
    """
    if actual is None:
        return None, NONE
    if direction == Direction.MAINTAIN:
        reference = baseline if baseline is not None else planned
        if reference is None:
            return None, NONE
        deviation = abs(actual - reference)
        if reference:
            deviation = deviation / abs(reference)
        elif deviation:
            return None, RED
        tolerance = maintain_tolerance()
        if deviation <= tolerance:
            return deviation, GREEN
        return deviation, AMBER if deviation <= 2 * tolerance else RED
    if planned is None or direction not in (Direction.INCREASE, Direction.DECREASE):
        return None, NONE
    if direction == Direction.INCREASE:
        if baseline is not None and planned > baseline:
            score = (actual - baseline) / (planned - baseline)
        elif planned > 0:
            score = actual / planned
        else:
            score = Decimal(1) if actual >= planned else ZERO
    else:
        if baseline is not None and planned < baseline:
            score = (baseline - actual) / (baseline - planned)
        elif actual > 0 and planned >= 0:
            score = planned / actual
        else:
            score = Decimal(1) if actual <= planned else ZERO
    return score, rag_for_score(score)


def _kind(row: dict) -> str:
    if row["nature"] == Nature.QUALITATIVE:
        return QUALITATIVE
    for measure in MEASURES:
        if (
            row["subcategory"] in MEASURE_SUBCATEGORIES[measure]
            and row["unit"] == MEASURE_UNITS[measure]
        ):
            return measure
    return LEVEL


def benefit_rag(
    filters: RealisationFilter | None = None,
    *,
    base: QuerySet | None = None,
    today: datetime.date | None = None,
    _cut: _Cut | None = None,
) -> list[BenefitRag]:
    """RAG and "measurement overdue" for every benefit in the cut, exceptions first.

    Grouped queries, merged per benefit in memory: the benefits; plan to date per
    benefit; actuals to date and latest measured month per benefit; overdue months per
    benefit (planned months with no actual); and, when there are level benefits, their
    latest levels. RAG is about the whole benefit, also when the cut names a force.
    """
    cut = _cut or _Cut.make(filters, base, today)
    rows_q = cut.listed_rows_q()
    to_date_q = cut.period_q(cut.to_date)
    overdue_q = cut.period_q(min(last_overdue_month(cut.today), cut.to_date))
    benefits = list(
        cut.benefits()
        .values(
            "pk",
            "reference",
            "title",
            "initiative_id",
            "initiative__name",
            "initiative__collaboration_id",
            "subcategory",
            "nature",
            "unit",
            "direction",
            "baseline_value",
            "is_disbenefit",
            "status",
        )
        .order_by()
    )
    if not benefits:
        return []
    planned = dict(
        PlannedValue.objects.filter(rows_q & _summable_q("benefit__") & to_date_q)
        .values("benefit_id")
        .annotate(total=Sum("value"))
        .values_list("benefit_id", "total")
        .order_by()
    )
    measured = {
        row["benefit_id"]: row
        for row in Measurement.objects.filter(rows_q & to_date_q)
        .values("benefit_id")
        .annotate(total=Sum("value"), latest=Max("period"))
        .order_by()
    }
    overdue = {
        row["benefit_id"]: row
        for row in PlannedValue.objects.filter(rows_q & overdue_q)
        .exclude(
            Exists(
                Measurement.objects.filter(benefit=OuterRef("benefit"), period=OuterRef("period"))
            )
        )
        .values("benefit_id")
        .annotate(months=Count("pk"), first=Min("period"))
        .order_by()
    }
    wanted = any(_kind(row) == LEVEL and row["pk"] in measured for row in benefits)
    levels = _levels(cut) if wanted else {}
    out = []
    for row in benefits:
        kind = _kind(row)
        benefit_id = row["pk"]
        seen = measured.get(benefit_id, {})
        late = overdue.get(benefit_id, {})
        planned_value = actual_value = score = None
        rag = NONE
        if kind in MEASURES:
            planned_value = _dec(planned.get(benefit_id))
            actual_value = _dec(seen.get("total"))
            score, rag = _score_cumulative(planned_value, actual_value, row["is_disbenefit"])
        elif kind == LEVEL and benefit_id in levels:
            planned_value, actual_value = levels[benefit_id]
            score, rag = _score_level(
                row["direction"], row["baseline_value"], planned_value, actual_value
            )
        out.append(
            BenefitRag(
                benefit_id=benefit_id,
                reference=row["reference"],
                title=row["title"],
                initiative_id=row["initiative_id"],
                initiative=row["initiative__name"],
                collaboration_id=row["initiative__collaboration_id"],
                subcategory=row["subcategory"],
                kind=kind,
                direction=row["direction"],
                is_disbenefit=row["is_disbenefit"],
                status=row["status"],
                rag=rag,
                score=score,
                planned=planned_value,
                actual=actual_value,
                latest_period=seen.get("latest"),
                overdue_months=late.get("months", 0),
                first_overdue=late.get("first"),
            )
        )
    out.sort(key=lambda r: (_WORST_FIRST[r.rag], -r.overdue_months, r.reference))
    return out


def _levels(cut: _Cut) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """(planned level, actual level) in each level benefit's latest measured month.

    The actual level is the collaboration-wide value when one was recorded, else the
    forces' values added up (counts, pounds, hours) or averaged (percentages, scores).
    The planned level is the plan for that month, else the latest plan before it.
    One query over the level benefits, with index lookups per benefit.
    """
    to_date_q = cut.period_q(cut.to_date) & Q(value__isnull=False)
    latest = Subquery(
        Measurement.objects.filter(Q(benefit=OuterRef("pk")) & to_date_q)
        .order_by("-period")
        .values("period")[:1]
    )
    at_latest = Q(benefit=OuterRef("pk"), period=OuterRef("latest"), value__isnull=False)

    def measured(aggregate, extra: Q | None = None):
        return Subquery(
            Measurement.objects.filter(at_latest & (extra or Q()))
            .values("benefit")
            .annotate(result=aggregate)
            .values("result")
            .order_by()
        )

    rows = (
        cut.benefits()
        .filter(nature=Nature.QUANTITATIVE)
        .exclude(_summable_q())
        .annotate(latest=latest)
        .annotate(
            planned=Subquery(
                PlannedValue.objects.filter(benefit=OuterRef("pk"), period__lte=OuterRef("latest"))
                .order_by("-period")
                .values("value")[:1]
            ),
            total=measured(Sum("value")),
            count=measured(Count("pk")),
            wide=measured(Sum("value"), Q(force__isnull=True)),
        )
        .values("pk", "unit", "latest", "planned", "total", "count", "wide")
        .order_by()
    )
    out = {}
    for row in rows:
        if row["latest"] is None or not row["count"]:
            continue
        if row["wide"] is not None:
            actual = _dec(row["wide"])
        elif row["unit"] in (Unit.PERCENT, Unit.SCORE):
            actual = (_dec(row["total"]) / row["count"]).quantize(CENT, rounding=ROUND_HALF_UP)
        else:
            actual = _dec(row["total"])
        planned = None if row["planned"] is None else _dec(row["planned"])
        out[row["pk"]] = (planned, actual)
    return out


def rag_rollup(rows: Iterable[BenefitRag]) -> RagRollup:
    """The worst RAG among the rated benefits (none when none is rated), and counts."""
    counts = dict.fromkeys(RAG_VALUES, 0)
    overdue = 0
    for row in rows:
        counts[row.rag] += 1
        overdue += row.measurement_overdue
    overall = next((rag for rag in (RED, AMBER, GREEN) if counts[rag]), NONE)
    return RagRollup(overall=overall, counts=counts, measurement_overdue=overdue)


def rag_rollups(rows: Iterable[BenefitRag], key: str = "initiative_id") -> dict[Any, RagRollup]:
    """`rag_rollup` per group, e.g. per initiative_id, collaboration_id or subcategory."""
    grouped: dict[Any, list[BenefitRag]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return {group: rag_rollup(members) for group, members in grouped.items()}


# Everything for one cut ------------------------------------------------------------------------


def realisation(
    filters: RealisationFilter | None = None,
    *,
    base: QuerySet | None = None,
    today: datetime.date | None = None,
    include_forces: bool = True,
    include_benefits: bool = True,
    include_trend: bool = True,
) -> Realisation:
    """The figures a dashboard shows for one cut (see `Realisation`).

    `base` scopes the benefits (e.g. `visible_benefits(user)`); pass None when the
    user sees everything, which keeps the national totals to plain grouped queries.
    `today` fixes "to date" (the last complete month before it); default: today.
    """
    cut = _Cut.make(filters, base, today)
    summaries = measure_summaries(
        _cut=cut, include_forces=include_forces, include_trend=include_trend
    )
    rows = benefit_rag(_cut=cut)
    return Realisation(
        filters=cut.filters,
        today=cut.today,
        to_date=cut.to_date,
        money=summaries[MONEY],
        hours=summaries[HOURS],
        rag=rag_rollup(rows),
        benefits=rows if include_benefits else None,
    )
