"""Figure kinds (money, hours, RAG) and the engine's result types."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from realise.benefits.models import Unit
from realise.benefits.realisation.periods import amber_threshold, green_threshold, trend_months

if TYPE_CHECKING:
    from realise.benefits.realisation.cut import RealisationFilter

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
    """Planned over the whole range and actual to date, for one slice of a measure; for a
    sub-category, also its plan to date and what its benefits with no plan realised, so that
    its percentage of plan is like for like, as the headline's (`Totals`)."""

    planned_total: Decimal = ZERO
    actual_to_date: Decimal = ZERO
    planned_to_date: Decimal = ZERO
    outside_plan: Decimal = ZERO

    def totals(self) -> Totals:
        """The slice's figures as a measure's totals (its percentage of plan to date, RAG)."""
        return Totals(
            self.planned_total,
            self.planned_to_date,
            self.actual_to_date,
            outside_plan=self.outside_plan,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "planned_total": _fmt(self.planned_total),
            "actual_to_date": _fmt(self.actual_to_date),
        }


@dataclass(frozen=True)
class Totals:
    """Planned, actual and forecast totals of one measure (net of dis-benefits).

    `actual_to_date` is everything realised; `outside_plan` the part of it realised by
    benefits with no planned profile at all (not identified in the business case, or not
    yet profiled). The percentage of plan and the RAG compare like for like: the actuals
    of benefits with a plan against their plan, never `outside_plan`.
    """

    planned_total: Decimal = ZERO
    planned_to_date: Decimal = ZERO
    actual_to_date: Decimal = ZERO
    outside_plan: Decimal = ZERO
    verified_actual_to_date: Decimal = ZERO  # the part of `actual_to_date` verified

    @property
    def planned_remaining(self) -> Decimal:
        return self.planned_total - self.planned_to_date

    @property
    def forecast_total(self) -> Decimal:
        """Forecast (plan): actuals to date plus the plan for the months still to come."""
        return self.actual_to_date + self.planned_remaining

    @property
    def actual_in_plan_to_date(self) -> Decimal:
        """Actuals to date of the benefits that have a plan."""
        return self.actual_to_date - self.outside_plan

    @property
    def percent_of_plan_to_date(self) -> Decimal | None:
        return _percent(self.actual_in_plan_to_date, self.planned_to_date)

    @property
    def rag(self) -> str:
        """The weighted RAG: the actuals to date of the benefits with a plan against their
        plan to date, all those benefits together."""
        if self.planned_to_date <= 0:
            return NONE
        return rag_for_score(self.actual_in_plan_to_date / self.planned_to_date)


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

    def as_dict(self) -> dict[str, Any]:
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
    # The part of the actuals realised by benefits with no plan (see `Totals`).
    outside_plan: dict[str, Decimal] = field(default_factory=dict)
    unallocated_outside_plan: Decimal = ZERO
    names: dict[str, str] = field(default_factory=dict)  # ONS code -> force name

    def codes(self) -> list[str]:
        found = set(self.actual_to_date) | set(self.planned_total or ())
        return sorted(found, key=lambda code: (self.names.get(code, code), code))

    def totals(self, code: str) -> Totals:
        return Totals(
            planned_total=(self.planned_total or {}).get(code, ZERO),
            planned_to_date=(self.planned_to_date or {}).get(code, ZERO),
            actual_to_date=self.actual_to_date.get(code, ZERO),
            outside_plan=self.outside_plan.get(code, ZERO),
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
    outside_plan = property(lambda self: self.totals.outside_plan)
    actual_in_plan_to_date = property(lambda self: self.totals.actual_in_plan_to_date)
    verified_actual_to_date = property(lambda self: self.totals.verified_actual_to_date)
    forecast_total = property(lambda self: self.totals.forecast_total)
    percent_of_plan_to_date = property(lambda self: self.totals.percent_of_plan_to_date)
    rag = property(lambda self: self.totals.rag)

    def as_dict(self) -> dict[str, Any]:
        out = {
            "planned_total": _fmt(self.planned_total),
            "planned_to_date": _fmt(self.planned_to_date),
            "actual_to_date": _fmt(self.actual_to_date),
            "verified_actual_to_date": _fmt(self.verified_actual_to_date),
            "forecast_total": _fmt(self.forecast_total),
            "trend_forecast_total": _fmt(self.trend_forecast_total),
            "percent_of_plan_to_date": _fmt(self.percent_of_plan_to_date),
            "rag": self.rag,
            "identified": self.identified.as_dict(),
            "not_identified": self.not_identified.as_dict(),
            "outside_plan": {"actual_to_date": _fmt(self.outside_plan)},
            "cashable": self.cashable.as_dict(),
            "non_cashable": self.non_cashable.as_dict(),
            "by_subcategory": {code: pair.as_dict() for code, pair in self.by_subcategory.items()},
        }
        if self.forces is not None:
            forces = self.forces
            codes = forces.codes()
            out["by_force"] = {code: _fmt(forces.actual_to_date.get(code, ZERO)) for code in codes}
            if forces.planned_total is not None and forces.planned_to_date is not None:
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

    def as_dict(self) -> dict[str, Any]:
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

    def as_dict(self) -> dict[str, Any]:
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

    def as_dict(self) -> dict[str, Any]:
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


def _dec(value: object) -> Decimal:
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
