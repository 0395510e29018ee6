"""Each force's share, split to the penny."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.db.models import Count, Q, Sum

from realise.benefits.models import (
    Benefit,
    BenefitShare,
    Measurement,
    PlannedValue,
)
from realise.benefits.realisation.cut import _Cut, _summable_q
from realise.benefits.realisation.figures import (
    CENT,
    MEASURES,
    SUBCATEGORY_MEASURE,
    ZERO,
    ForceBreakdown,
    _dec,
)
from realise.benefits.realisation.ledger import (
    _DIMENSIONS,
    _Ledger,
    _sign,
    _trend_window,
)
from realise.benefits.realisation.periods import trend_months
from realise.benefits.splits import Splitter, to_units
from realise.collaborations.models import ForceShare
from realise.organisations.models import Force


def _the_force(cut: _Cut) -> Force:
    """The cut's force, for the parts worked out only when the cut has one."""
    return cast(Force, cut.force)


# Force shares ------------------------------------------------------------------------------


class _Shares:
    """Splitters for benefits with their own shares and for collaborations."""

    def __init__(
        self, own: dict[int, Splitter[str]], collaborations: dict[int, Splitter[str]]
    ) -> None:
        self.own = own
        self.collaborations = collaborations

    @classmethod
    def load(cls, benefit_q: Q, collaboration_ids: Iterable[int]) -> _Shares:
        cache: dict[tuple[tuple[str, Decimal], ...], Splitter[str]] = {}

        def splitters(rows: Iterable[Mapping[str, Any]], key: str) -> dict[int, Splitter[str]]:
            grouped: dict[int, dict[str, Decimal]] = defaultdict(dict)
            for row in rows:
                grouped[row[key]][row["force__ons_code"]] = row["percent"]
            out: dict[int, Splitter[str]] = {}
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

    def of(self, benefit_id: int, collaboration_id: int) -> Splitter[str] | None:
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


# Past this many benefits, every money or hours benefit's columns are read in one query
# rather than by their ids (a list of ids that long costs more than it saves).
_BENEFIT_IDS_AT_MOST = 2_000
_BENEFIT_COLUMNS = ("subcategory", "is_disbenefit", "initiative__collaboration_id")


def _add_benefit_columns(rows: list[dict[str, Any]]) -> None:
    """Give each row summed per benefit the benefit's sub-category, sign and collaboration
    (as `benefit__subcategory`, `benefit__is_disbenefit`,
    `benefit__initiative__collaboration_id`)."""
    ids = {row["benefit_id"] for row in rows}
    if not ids:
        return
    benefits = Benefit.objects.filter(_summable_q()).order_by()
    if len(ids) <= _BENEFIT_IDS_AT_MOST:
        benefits = benefits.filter(pk__in=ids)
    columns = {
        row["pk"]: {f"benefit__{name}": row[name] for name in _BENEFIT_COLUMNS}
        for row in benefits.values("pk", *_BENEFIT_COLUMNS)
        if row["pk"] in ids
    }
    for row in rows:
        row.update(columns[row["benefit_id"]])


def breakdown_by_force(cut: _Cut, include_planned: bool = True) -> dict[str, ForceBreakdown]:
    """Each force's share of money and of hours in a cut without a force, keyed by
    measure then ONS code (`summaries.force_breakdown` has the rules)."""
    base_q = cut.rows_q() & _summable_q("benefit__")
    to_date_q = cut.period_q(cut.to_date)
    pennies: dict[str, defaultdict[str, int]] = {m: defaultdict(int) for m in MEASURES}
    unallocated = {m: ZERO for m in MEASURES}
    # Actuals of benefits with no plan are also kept apart ("realised outside the plan").
    unplanned = cut.unplanned()
    outside_pennies: dict[str, defaultdict[str, int]] = {m: defaultdict(int) for m in MEASURES}
    unallocated_outside = {m: ZERO for m in MEASURES}
    sums: dict[str, Sum] = {"total": Sum(cut.value())}
    if not (isinstance(unplanned, list) and not unplanned):
        sums["outside"] = Sum(cut.value(), filter=Q(benefit_id__in=unplanned))
    own_forces: Iterable[Mapping[str, Any]] = (
        Measurement.objects.filter(base_q & to_date_q & Q(force__isnull=False))
        .values("force__ons_code", "benefit__subcategory", "benefit__is_disbenefit")
        .annotate(**sums)
        .order_by()
    )
    for row in own_forces:
        if row["total"] is None:
            continue
        measure = SUBCATEGORY_MEASURE[row["benefit__subcategory"]]
        sign = _sign(row["benefit__is_disbenefit"])
        pennies[measure][row["force__ons_code"]] += _units(row["total"]) * sign
        if row.get("outside") is not None:
            outside_pennies[measure][row["force__ons_code"]] += _units(row["outside"]) * sign
    # Summed per benefit alone (grouping by the benefit's columns too costs the database
    # three times as much at national size); each benefit's columns are read once after.
    shared: list[dict[str, Any]] = [
        dict(row)
        for row in Measurement.objects.filter(base_q & to_date_q & Q(force__isnull=True))
        .values("benefit_id")
        .annotate(total=Sum(cut.value()))
        .order_by()
    ]
    planned_rows: list[dict[str, Any]] = []
    if include_planned:
        planned_rows = [
            dict(row)
            for row in PlannedValue.objects.filter(base_q & cut.period_q())
            .values("benefit_id")
            .annotate(
                total=Sum(cut.value()), to_date=Sum(cut.value(), filter=Q(period__lte=cut.to_date))
            )
            .order_by()
        ]
    _add_benefit_columns(shared + planned_rows)
    collaborations = {row["benefit__initiative__collaboration_id"] for row in shared + planned_rows}
    shares = _Shares.load(cut.rows_q(), collaborations)

    def allocate(
        rows: Iterable[Mapping[str, Any]],
        column: str,
        into: dict[str, defaultdict[str, int]],
        measure_unallocated: dict[str, Decimal],
    ) -> None:
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
    if "outside" in sums:
        unplanned_ids = set(unplanned)
        outside_rows = [row for row in shared if row["benefit_id"] in unplanned_ids]
        allocate(outside_rows, "total", outside_pennies, unallocated_outside)
    planned: dict[str, defaultdict[str, int]] | None = None
    planned_to_date: dict[str, defaultdict[str, int]] | None = None
    unallocated_plan = {m: ZERO for m in MEASURES}
    unallocated_plan_to_date = {m: ZERO for m in MEASURES}
    if include_planned:
        planned = {m: defaultdict(int) for m in MEASURES}
        planned_to_date = {m: defaultdict(int) for m in MEASURES}
        allocate(planned_rows, "total", planned, unallocated_plan)
        allocate(planned_rows, "to_date", planned_to_date, unallocated_plan_to_date)
    names = _force_names()

    def money(book: Mapping[str, int]) -> dict[str, Decimal]:
        return {code: _money(value) for code, value in book.items()}

    return {
        m: ForceBreakdown(
            actual_to_date=money(pennies[m]),
            planned_total=money(planned[m]) if planned is not None else None,
            planned_to_date=money(planned_to_date[m]) if planned_to_date is not None else None,
            unallocated_actual_to_date=unallocated[m],
            unallocated_planned_total=unallocated_plan[m],
            unallocated_planned_to_date=unallocated_plan_to_date[m],
            outside_plan=money(outside_pennies[m]),
            unallocated_outside_plan=unallocated_outside[m],
            names=names,
        )
        for m in MEASURES
    }


# One force's share, month by month ------------------------------------------------------------


@dataclass
class _ForceLedger:
    """One force's attributed amounts per (benefit, month), before signs."""

    benefits: dict[int, dict[str, Any]]
    planned: dict[int, dict[datetime.date, Decimal]]
    actual: dict[int, dict[datetime.date, Decimal]]
    shares: _Shares
    verified: dict[int, dict[datetime.date, Decimal]] | None = None  # the verified actuals


def _cumulative_parts(
    rows: Iterable[tuple[datetime.date, Decimal]], splitter: Splitter[str] | None, code: str
) -> Iterator[tuple[datetime.date, Decimal]]:
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
    force = _the_force(cut)
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
    planned: dict[int, dict[datetime.date, Decimal]] = defaultdict(dict)

    def per_benefit(
        rows: Iterable[Mapping[str, Any]],
    ) -> dict[int, list[tuple[datetime.date, Decimal]]]:
        grouped: dict[int, list[tuple[datetime.date, Decimal]]] = defaultdict(list)
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
    for benefit_id, rows in plan_rows.items():
        if benefit_id not in info:
            continue
        splitter = shares.of(benefit_id, info[benefit_id]["initiative__collaboration_id"])
        planned[benefit_id] = dict(_cumulative_parts(rows, splitter, code))

    def force_actuals(measured: Q) -> dict[int, dict[datetime.date, Decimal]]:
        """The force's own actuals plus its penny-exact part of collaboration-wide ones."""
        actual: dict[int, dict[datetime.date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        wide_rows = per_benefit(
            Measurement.objects.filter(measured & Q(force__isnull=True))
            .values("benefit_id", "period")
            .annotate(total=Sum(cut.value()))
            .order_by("benefit_id", "period")
        )
        own_rows = per_benefit(
            Measurement.objects.filter(measured & Q(force=force))
            .values("benefit_id", "period")
            .annotate(total=Sum(cut.value()))
            .order_by("benefit_id", "period")
        )
        for benefit_id, rows in wide_rows.items():
            if benefit_id not in info:
                continue
            splitter = shares.of(benefit_id, info[benefit_id]["initiative__collaboration_id"])
            for period, part in _cumulative_parts(rows, splitter, code):
                actual[benefit_id][period] += part
        for benefit_id, rows in own_rows.items():
            for period, amount in rows:
                actual[benefit_id][period] += amount
        return actual

    measured = base_q & cut.period_q(cut.to_date)
    actual = force_actuals(measured)
    verified = force_actuals(measured & Q(verified_at__isnull=False))
    return _ForceLedger(info, planned, actual, shares, verified)


def _ledger_from_force(cut: _Cut, force_ledger: _ForceLedger) -> _Ledger:
    ledger = _Ledger()
    books = (
        ("planned", force_ledger.planned),
        ("actual", force_ledger.actual),
        ("verified", force_ledger.verified or {}),
    )
    for kind, book in books:
        for benefit_id, months in book.items():
            row = force_ledger.benefits.get(benefit_id)
            if row is None:
                continue
            dims = tuple(row[name] for name in _DIMENSIONS)
            sign = _sign(row["is_disbenefit"])
            for period, amount in months.items():
                ledger.add(kind, dims, period, amount * sign)
    return ledger


def _outside_plan_from_force(cut: _Cut, force_ledger: _ForceLedger) -> dict[str, Decimal]:
    """Per measure: the force's share of the actuals to date of benefits with no plan."""
    out = dict.fromkeys(MEASURES, ZERO)
    unplanned = cut.unplanned()
    if isinstance(unplanned, list) and not unplanned:
        return out
    for benefit_id in set(unplanned) & set(force_ledger.actual):
        row = force_ledger.benefits.get(benefit_id)
        if row is None:
            continue
        amount = sum(force_ledger.actual[benefit_id].values(), ZERO)
        out[SUBCATEGORY_MEASURE[row["subcategory"]]] += amount * _sign(row["is_disbenefit"])
    return out


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
    code = _the_force(cut).ons_code
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
