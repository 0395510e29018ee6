"""Money and hours by month: grouped rows, the ledger, series and the trend forecast."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, Q, Sum

from realise.benefits import totals
from realise.benefits.models import (
    Benefit,
    Measurement,
    PlannedValue,
    TotalKind,
)
from realise.benefits.realisation.cut import _benefit_q, _Cut, _summable_q, linked_benefits
from realise.benefits.realisation.figures import (
    CENT,
    MEASURE_SUBCATEGORIES,
    MEASURES,
    SUBCATEGORY_MEASURE,
    ZERO,
    MeasureSummary,
    Pair,
    PeriodFigures,
    Totals,
    _dec,
)
from realise.benefits.realisation.periods import (
    add_months,
    financial_quarter,
    financial_year,
    financial_year_label,
    month_span,
    trend_months,
)
from realise.core import inputs

# Benefit fields that split the money and hours totals (grouped on in the database).
_DIMENSIONS = ("subcategory", "is_disbenefit", "identified_in_business_case", "cashable")
# {(dimensions, month): [rows, amount]} for one kind of figure (plan, actuals, verified).
_Book = dict[tuple[tuple[Any, ...], datetime.date], list[Any]]
_GROUPS = {"initiative": "initiative_id", "collaboration": "initiative__collaboration_id"}

# Grouped rows -----------------------------------------------------------------------------

# A ledger line: (subcategory, is_disbenefit, identified, cashable, month) -> amount, with
# dis-benefits counted as negative.


def _sign(is_disbenefit: bool) -> int:
    return -1 if is_disbenefit else 1


@dataclass
class _Ledger:
    """Signed planned and actual amounts per (dimensions, period), per measure."""

    planned: dict[tuple[Any, ...], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    actual: dict[tuple[Any, ...], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    verified: dict[tuple[Any, ...], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    # Per sub-category: the actuals to date of benefits with no plan, when summed with the
    # actuals (else None: `_outside_plan_from_database` reads them).
    outside: dict[str, Decimal] | None = None

    def add(self, kind: str, dims: tuple[Any, ...], period: datetime.date, amount: Decimal) -> None:
        getattr(self, kind)[(*dims, period)] += amount


def _grouped(
    cut: _Cut,
    only: Iterable[int] | None = None,
    plain: bool = False,
    outside: dict[str, Decimal] | None = None,
) -> dict[str, _Book]:
    """{kind: {(dimensions, month): [rows, amount]}} from two grouped queries (plan, and
    actuals with the verified actuals among them summed apart in the same query), amounts
    unsigned. `only` narrows them to some benefits; `plain` sums those benefits' rows
    whole, as the monthly totals hold them, rather than as the cut counts them (attributed
    shares, each pound once). `outside`, when given, is filled as
    `_outside_plan_from_database` would answer, from the same actuals query."""
    if plain:
        base = _benefit_q(cut.filters, "benefit__", cut._resolved)
        value: F | Case = F("value")
    else:
        base = cut.rows_q()
        value = cut.value()
    base &= _summable_q("benefit__")
    if only is not None:
        base &= Q(benefit_id__in=list(only))
    names = [f"benefit__{name}" for name in _DIMENSIONS]
    measured = base & cut.period_q(cut.to_date) & Q(value__isnull=False)
    verified = Q(verified_at__isnull=False)
    planned: _Book = {}
    actual: _Book = {}
    verified_book: _Book = {}
    plan_rows = (
        PlannedValue.objects.filter(base & cut.period_q())
        .values(*names, "period")
        .annotate(n=Count("pk"), total=Sum(value))
        .order_by()
    )
    for row in plan_rows:
        planned[(tuple(row[name] for name in names), row["period"])] = [
            row["n"],
            _dec(row["total"]),
        ]
    # The verified actuals are some of the actuals' rows: summed apart in the same query.
    # A month with none of them verified has no verified entry, as if queried on its own.
    sums = {
        "n": Count("pk"),
        "total": Sum(value),
        "verified_n": Count("pk", filter=verified),
        "verified_total": Sum(value, filter=verified),
    }
    if outside is not None:
        # The rows of benefits with no plan, summed apart: none to sum when there are none.
        unplanned = cut.unplanned()
        if not (isinstance(unplanned, list) and not unplanned):
            sums["outside"] = Sum(cut.value_among(unplanned), filter=Q(benefit_id__in=unplanned))
    actual_rows = (
        Measurement.objects.filter(measured).values(*names, "period").annotate(**sums).order_by()
    )
    for row in actual_rows:
        dims = tuple(row[name] for name in names)
        key = (dims, row["period"])
        actual[key] = [row["n"], _dec(row["total"])]
        if row["verified_n"]:
            verified_book[key] = [row["verified_n"], _dec(row["verified_total"])]
        if outside is not None and row.get("outside") is not None:
            code = dims[0]
            outside[code] = outside.get(code, ZERO) + _dec(row["outside"]) * _sign(dims[1])
    return {"planned": planned, "actual": actual, "verified": verified_book}


def _ledger_of(grouped: dict[str, _Book]) -> _Ledger:
    ledger = _Ledger()
    for kind, book in grouped.items():
        for (dims, period), (rows, amount) in book.items():
            if rows > 0:
                ledger.add(kind, dims, period, amount * _sign(dims[1]))
    return ledger


def _ledger_from_database(cut: _Cut) -> _Ledger:
    """Two grouped queries: plan and actuals per (dimensions, month), with the actuals of
    benefits with no plan (`_Ledger.outside`) summed in the second."""
    outside: dict[str, Decimal] = {}
    ledger = _ledger_of(_grouped(cut, outside=outside))
    ledger.outside = outside
    return ledger


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
    """The monthly totals (a row per kind of benefit and month) in place of every planned
    and measured month. Benefits counted other than whole (`linked`: attributed, or
    contributing to another) are taken out of the totals and counted as the cut counts
    them."""
    f = cut.filters
    q = _summable_q()
    if f.subcategories:
        q &= Q(subcategory__in=f.subcategories)
    if f.cashable is not None:
        q &= Q(cashable=f.cashable)
    if f.identified is not None:
        q &= Q(identified=f.identified)
    books: dict[str, _Book] = {"planned": {}, "actual": {}, "verified": {}}
    planned = Q(kind=TotalKind.PLANNED) & cut.period_q()
    measured = Q(kind__in=(TotalKind.ACTUAL, TotalKind.VERIFIED)) & cut.period_q(cut.to_date)
    kinds: dict[str, str] = {
        TotalKind.PLANNED: "planned",
        TotalKind.ACTUAL: "actual",
        TotalKind.VERIFIED: "verified",
    }
    for row in totals.read(q & (planned | measured)):
        dims = (row.subcategory, row.is_disbenefit, row.identified, row.cashable)
        books[kinds[row.kind]][(dims, row.period)] = [row.rows, row.amount]
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
    if _reads_totals(cut):
        linked = linked_benefits(cut._resolved)
        if linked is not None:
            return _ledger_from_totals(cut, linked)
    return _ledger_from_database(cut)


def _series(
    cut: _Cut, planned: dict[datetime.date, Decimal], actual: dict[datetime.date, Decimal]
) -> tuple[list[PeriodFigures], list[PeriodFigures], list[PeriodFigures]]:
    """Monthly, financial-quarter and financial-year figures over the cut's months."""
    # Months outside the range that can be recorded (rows written before the rule, e.g.
    # 9999-12) are left out of the series rather than break it.
    lowest, highest = inputs.FIRST_MONTH, inputs.last_month()
    known = {m for m in set(planned) | set(actual) if lowest <= m <= highest}
    first = cut.filters.period_from or (min(known) if known else None)
    last = cut.filters.period_to or (max(known) if known else None)
    if first is None or last is None:
        return [], [], []
    first, last = max(first, lowest), min(last, highest)
    if first > last:
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

    def grouped(key: Callable[[datetime.date], str]) -> list[tuple[str, list[datetime.date]]]:
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
    cut: _Cut,
    ledger: _Ledger,
    measure: str,
    trend_remaining: Decimal | None,
    outside_plan: Decimal = ZERO,
    outside_by_subcategory: Mapping[str, Decimal] | None = None,
) -> MeasureSummary:
    subcategories = MEASURE_SUBCATEGORIES[measure]
    planned_total = planned_to_date = actual_to_date = ZERO
    # Each slice: planned in total, actual to date, planned to date.
    slices = {
        name: [ZERO, ZERO, ZERO]
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
                if position == 0 and period <= cut.to_date:
                    slices[name][2] += amount
    verified_to_date = sum(
        (amount for (code, *_rest), amount in ledger.verified.items() if code in subcategories),
        ZERO,
    )
    months, quarters, years = _series(cut, planned_by_month, actual_by_month)
    outside_by_subcategory = outside_by_subcategory or {}
    pair = {
        name: Pair(planned, actual, to_date, outside_by_subcategory.get(name, ZERO))
        for name, (planned, actual, to_date) in slices.items()
    }
    return MeasureSummary(
        measure=measure,
        totals=Totals(
            planned_total,
            planned_to_date,
            actual_to_date,
            outside_plan=outside_plan,
            verified_actual_to_date=verified_to_date,
        ),
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


# Realised outside the plan -------------------------------------------------------------------


def _outside_plan_from_database(cut: _Cut) -> dict[str, Decimal]:
    """Per sub-category: the actuals to date of benefits with no planned value at all, as
    the cut counts them (one small grouped query over those benefits, none when there are
    none). `by_measure` adds them up per measure."""
    out: dict[str, Decimal] = {}
    unplanned = cut.unplanned()
    if isinstance(unplanned, list) and not unplanned:
        return out
    rows = (
        Measurement.objects.filter(
            cut.rows_q()
            & _summable_q("benefit__")
            & cut.period_q(cut.to_date)
            & Q(value__isnull=False, benefit_id__in=unplanned)
        )
        .values("benefit__subcategory", "benefit__is_disbenefit")
        .annotate(total=Sum(cut.value_among(unplanned)))
        .order_by()
    )
    for row in rows:
        code = row["benefit__subcategory"]
        out[code] = out.get(code, ZERO) + _dec(row["total"]) * _sign(row["benefit__is_disbenefit"])
    return out


def by_measure(by_subcategory: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Amounts per sub-category added up per measure (money, hours)."""
    out = dict.fromkeys(MEASURES, ZERO)
    for code, amount in by_subcategory.items():
        out[SUBCATEGORY_MEASURE[code]] += amount
    return out


# Trend forecast ------------------------------------------------------------------------------


def _trend_window(cut: _Cut) -> tuple[datetime.date, datetime.date]:
    return add_months(cut.to_date, 1 - trend_months()), cut.to_date


def _trend_from_database(cut: _Cut) -> dict[str, Decimal]:
    """Per measure: the sum over benefits of (mean of the window's actuals) x (months to come).

    One query: each benefit's actuals in the trend window and its count of planned months
    after the to-date month (within the range) are grouped per benefit in two derived
    tables from the rows alone (the period indexes cover both), joined on the benefits the
    cut counts and summed per sub-category and dis-benefit flag. The cut's conditions are
    all on the benefit, so they are tested once per benefit rather than once per row.
    """
    first, last = _trend_window(cut)
    recent = (
        Measurement.objects.filter(period__gte=first, period__lte=last, value__isnull=False)
        .values("benefit_id")
        .annotate(total=Sum(cut.value()))
        .order_by()
    )
    future = (
        PlannedValue.objects.filter(cut.period_q() & Q(period__gt=cut.to_date))
        .values("benefit_id")
        .annotate(months=Count("*"))
        .order_by()
    )
    benefits = (
        Benefit.objects.filter(cut.counted_benefits_q() & _summable_q())
        .values("pk", "subcategory", "is_disbenefit")
        .order_by()
    )
    recent_sql, recent_params = recent.query.sql_with_params()
    future_sql, future_params = future.query.sql_with_params()
    benefits_sql, benefits_params = benefits.query.sql_with_params()
    q = connection.ops.quote_name
    subcategory, disbenefit, benefit = q("subcategory"), q("is_disbenefit"), q("benefit_id")
    # Composed only of ORM-compiled SQL and quoted aliases; every value is a parameter.
    select = f"SELECT b.{subcategory}, b.{disbenefit}, SUM(r.{q('total')} * f.{q('months')})"
    joined = f"FROM ({recent_sql}) r INNER JOIN ({future_sql}) f ON r.{benefit} = f.{benefit}"
    benefits_join = f"INNER JOIN ({benefits_sql}) b ON b.{q('pk')} = r.{benefit}"
    grouped = f"GROUP BY b.{subcategory}, b.{disbenefit}"
    sql = " ".join([select, joined, benefits_join, grouped])
    params = (*recent_params, *future_params, *benefits_params)
    out = dict.fromkeys(MEASURES, ZERO)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for code, is_disbenefit, projected in cursor.fetchall():
            if projected is not None:
                out[SUBCATEGORY_MEASURE[code]] += _dec(projected) * _sign(bool(is_disbenefit))
    size = trend_months()
    return {m: (value / size).quantize(CENT, rounding=ROUND_HALF_UP) for m, value in out.items()}
