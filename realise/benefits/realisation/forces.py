"""Each force's share, split to the penny."""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Q, Sum

from realise.benefits import totals
from realise.benefits.models import (
    Benefit,
    BenefitShare,
    BenefitTotal,
    Measurement,
    PlannedValue,
    TotalKind,
)
from realise.benefits.realisation.cut import _Cut, _summable_q
from realise.benefits.realisation.figures import (
    CENT,
    MEASURE_UNITS,
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
from realise.benefits.splits import Splitter, split_totals, to_units
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
        def splitters(rows: Iterable[tuple[int, str, Decimal]]) -> dict[int, Splitter[str]]:
            grouped: dict[int, dict[str, Decimal]] = defaultdict(dict)
            for owner, code, percent in rows:
                grouped[owner][code] = percent
            out: dict[int, Splitter[str]] = {}
            for owner, shares in grouped.items():
                splitter = _splitter(tuple(sorted(shares.items())))
                if splitter is not None:
                    out[owner] = splitter
            return out

        own_rows = (
            BenefitShare.objects.filter(benefit_q)
            .values_list("benefit_id", "force__ons_code", "percent")
            .order_by()
        )
        collaboration_rows = (
            ForceShare.objects.filter(collaboration_id__in=list(collaboration_ids))
            .values_list("collaboration_id", "force__ons_code", "percent")
            .order_by()
        )
        return cls(splitters(own_rows), splitters(collaboration_rows))

    def of(self, benefit_id: int, collaboration_id: int) -> Splitter[str] | None:
        return self.own.get(benefit_id) or self.collaborations.get(collaboration_id)


@functools.lru_cache(maxsize=8192)
def _splitter(shares: tuple[tuple[str, Decimal], ...]) -> Splitter[str] | None:
    """The splitter of a set of shares (the same object for the same shares: it is a pure
    function of them), or None when they cannot split anything."""
    try:
        return Splitter(dict(shares))
    except ValueError:
        return None


def _units(amount: Decimal) -> int:
    """A two-place amount as a whole number of pennies."""
    pennies = amount.scaleb(2)
    whole = int(pennies)
    return whole if whole == pennies else to_units(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def _money(units: int) -> Decimal:
    return Decimal(units).scaleb(-2)


def _force_names(cut: _Cut) -> dict[str, str]:
    return {code: name for _, code, name in cut.forces()}


# Past this many benefits, every money or hours benefit's columns are read in one query
# rather than by their ids (a list of ids that long costs more than it saves).
_BENEFIT_IDS_AT_MOST = 2_000
_BENEFIT_COLUMNS = ("subcategory", "is_disbenefit", "initiative__collaboration_id")
# A benefit's columns: (sub-category, is a disbenefit, collaboration id).
Columns = tuple[str, bool, int]


def _benefit_columns(ids: set[int]) -> dict[int, Columns]:
    """The columns of the money and hours benefits with `ids`, by id."""
    benefits = Benefit.objects.filter(_summable_q())
    if len(ids) <= _BENEFIT_IDS_AT_MOST:
        benefits = benefits.filter(pk__in=ids)
    rows = benefits.order_by().values_list("pk", *_BENEFIT_COLUMNS)
    return {
        pk: (subcategory, sign, collaboration)
        for pk, subcategory, sign, collaboration in rows
        if pk in ids
    }


@dataclass
class _Sums:
    """What a cut without a force splits between forces, before the split.

    `own`: actuals to date recorded for a force, as (ONS code, sub-category, is a
    disbenefit, total, the total of benefits with no plan or None), as `Decimal`s or whole
    pennies. `shared`: each benefit's collaboration-wide actuals to date, as (benefit id,
    its `Columns`, total). `planned`: each benefit's plan, as (benefit id, its `Columns`,
    total, total to date). Their amounts are whole pennies, 0 for none. `outside`: the
    benefits of `shared` with actuals but no plan at all ("realised outside the plan").
    """

    own: list[tuple[str, str, bool, Any, Any]] = field(default_factory=list)
    shared: list[tuple[int, Columns, Any]] = field(default_factory=list)
    planned: list[tuple[int, Columns, Any, Any]] = field(default_factory=list)
    outside: set[int] = field(default_factory=set)

    def __add__(self, other: _Sums) -> _Sums:
        return _Sums(
            self.own + other.own,
            self.shared + other.shared,
            self.planned + other.planned,
            self.outside | other.outside,
        )


def _to_units(amount: Any) -> int:
    """A summed amount (whole pennies already, a number, or None when nothing was summed:
    0) as whole pennies."""
    if isinstance(amount, int):
        return amount
    return _units(amount if isinstance(amount, Decimal) else _dec(amount))


def _sums_from_rows(cut: _Cut, include_planned: bool, only: Q | None = None) -> _Sums:
    """The sums counted from the planned and measured months themselves (`only`: of some
    benefits alone)."""
    base_q = cut.rows_q() & _summable_q("benefit__") & (only or Q())
    unplanned = cut.unplanned()
    to_date_q = cut.period_q(cut.to_date)
    sums: dict[str, Sum] = {"total": Sum(cut.value())}
    if not (isinstance(unplanned, list) and not unplanned):
        sums["outside"] = Sum(cut.value_among(unplanned), filter=Q(benefit_id__in=unplanned))
    own_rows: Iterable[Mapping[str, Any]] = (
        Measurement.objects.filter(base_q & to_date_q & Q(force__isnull=False))
        .values("force__ons_code", "benefit__subcategory", "benefit__is_disbenefit")
        .annotate(**sums)
        .order_by()
    )
    own = [
        (
            row["force__ons_code"],
            row["benefit__subcategory"],
            row["benefit__is_disbenefit"],
            row["total"],
            row.get("outside"),
        )
        for row in own_rows
    ]
    # Summed per benefit alone (grouping by the benefit's columns too costs the database
    # three times as much at national size); each benefit's columns are read once after.
    shared_rows = list(
        Measurement.objects.filter(base_q & to_date_q & Q(force__isnull=True))
        .values_list("benefit_id")
        .annotate(total=Sum(cut.value()))
        .order_by()
    )
    planned_rows: list[tuple[int, Any, Any]] = []
    if include_planned:
        planned_rows = list(
            PlannedValue.objects.filter(base_q & cut.period_q())
            .values_list("benefit_id")
            .annotate(
                total=Sum(cut.value()), to_date=Sum(cut.value(), filter=Q(period__lte=cut.to_date))
            )
            .order_by()
        )
    ids = {row[0] for row in shared_rows} | {row[0] for row in planned_rows}
    columns = _benefit_columns(ids) if ids else {}
    shared = [(pk, columns[pk], _to_units(total)) for pk, total in shared_rows]
    outside: set[int] = set()
    if not (isinstance(unplanned, list) and not unplanned):
        outside = set(unplanned) & {row[0] for row in shared}
    return _Sums(
        own,
        shared,
        [
            (pk, columns[pk], _to_units(total), _to_units(to_date))
            for pk, total, to_date in planned_rows
        ],
        outside,
    )


def _sums_from_totals(
    cut: _Cut, include_planned: bool, leave_out: list[int], anchor: datetime.date
) -> _Sums:
    """The sums read from the per-benefit totals the database keeps (`BenefitTotal`), for a
    cut over all months whose benefits are counted whole (`leave_out`: those with
    attributions, counted from their rows instead).

    The totals to date count up to the `anchor` month: for a cut whose "to date" is
    another month, the months between are added or taken away. Two queries, each joining
    the benefits the cut counts to their totals (and to the months between, if any): one
    row per benefit for the plan and the collaboration-wide actuals, one per benefit and
    force for actuals recorded for a force.
    """
    counted = Benefit.objects.filter(cut.counted_benefits_q() & _summable_q())
    if leave_out:
        counted = counted.exclude(pk__in=leave_out)
    benefits = (
        counted.annotate(collaboration=F("initiative__collaboration_id"))
        .values("pk", "subcategory", "is_disbenefit", "collaboration")
        .order_by()
    )
    # Each benefit's two rows read whole, by their key (grouping them costs more).
    plan_kept = BenefitTotal.objects.filter(kind=TotalKind.PLANNED, force_id=0).values(
        "benefit_id", "rows", "pennies", "pennies_to_date"
    )
    wide_kept = BenefitTotal.objects.filter(kind=TotalKind.ACTUAL, force_id=0).values(
        "benefit_id", "rows", "pennies_to_date"
    )
    own_kept = BenefitTotal.objects.filter(kind=TotalKind.ACTUAL).exclude(force_id=0)
    # The months between the anchor and the cut's "to date", to add (or take away).
    first, last = sorted((anchor, cut.to_date))
    between = Q(period__gt=first, period__lte=last)
    sign = "+" if cut.to_date > anchor else "-"
    q = connection.ops.quote_name
    pk, benefit_id, force_id, total = q("pk"), q("benefit_id"), q("force_id"), q("total")

    def moved(
        kept_column: str, alias: str, months: Callable[[], Any], on: str
    ) -> tuple[str, list[Any]]:
        """`kept_column`, with the months between (the query `months()`, built only when
        there are any) added or taken away (a join)."""
        if anchor == cut.to_date:
            return kept_column, []
        pennies = f"CAST(ROUND(COALESCE({alias}.{total}, 0) * 100) AS BIGINT)"
        return f"{kept_column} {sign} {pennies}", [("LEFT", months(), f"{alias} ON {on}")]

    try:
        sql, params = benefits.query.sql_with_params()
    except EmptyResultSet:  # a scope that can match nothing (an empty list of ids)
        return _Sums()

    def run(select: str, joins: list[tuple[str, Any, str]]) -> list[tuple[Any, ...]]:
        # Composed only of ORM-compiled SQL and quoted aliases; every value is a parameter.
        parts, values = [f"{select} FROM ({sql}) b"], list(params)
        for kind, queryset, on in joins:
            sub_sql, sub_params = queryset.query.sql_with_params()
            parts.append(f"{kind} JOIN ({sub_sql}) {on}")
            values.extend(sub_params)
        with connection.cursor() as cursor:
            cursor.execute(" ".join(parts), values)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows

    def summed(model: Any, names: tuple[str, ...], **conditions: Any) -> Callable[[], Any]:
        """The query summing `model`'s rows of the months between per `names`, built when
        called."""
        return lambda: (
            model.objects.filter(**conditions)
            .filter(between)
            .values(*names)
            .annotate(total=Sum("value"))
            .order_by()
        )

    wide, wide_joins = moved(
        f"k.{q('pennies_to_date')}",
        "w",
        summed(Measurement, ("benefit_id",), value__isnull=False, force__isnull=True),
        f"w.{benefit_id} = b.{pk}",
    )
    rows = f"k.{q('rows')}, kp.{q('rows')}"
    select = [
        f"b.{pk}, b.{q('subcategory')}, b.{q('is_disbenefit')}, b.{q('collaboration')}, "
        f"{rows}, {wide}"
    ]
    joins = [
        ("LEFT", wide_kept, f"k ON k.{benefit_id} = b.{pk}"),
        ("LEFT", plan_kept, f"kp ON kp.{benefit_id} = b.{pk}"),
        *wide_joins,
    ]
    if include_planned:
        planned_to_date, plan_joins = moved(
            f"kp.{q('pennies_to_date')}",
            "p",
            summed(PlannedValue, ("benefit_id",)),
            f"p.{benefit_id} = b.{pk}",
        )
        select.append(f"kp.{q('pennies')}, {planned_to_date}")
        joins += plan_joins
    sums = _Sums()
    # Benefits with actuals (rows with a value, any month) but no planned value at all.
    measured_unplanned: set[int] = set()
    planned: set[int] = set()
    for row in run(f"SELECT {', '.join(select)}", joins):
        benefit: Columns = (row[1], bool(row[2]), row[3])
        if row[5]:
            planned.add(row[0])
        elif row[4]:
            measured_unplanned.add(row[0])
        if row[6]:
            sums.shared.append((row[0], benefit, row[6]))
        if include_planned and (row[7] or row[8]):
            sums.planned.append((row[0], benefit, row[7] or 0, row[8] or 0))
    own, own_joins = moved(
        f"t.{q('pennies_to_date')}",
        "o",
        summed(Measurement, ("benefit_id", "force_id"), value__isnull=False, force__isnull=False),
        f"o.{benefit_id} = t.{benefit_id} AND o.{force_id} = t.{force_id}",
    )
    own_rows = run(
        f"SELECT t.{force_id}, b.{q('subcategory')}, b.{q('is_disbenefit')}, b.{pk}, "
        f"t.{q('rows')}, {own}",
        [("INNER", own_kept, f"t ON t.{benefit_id} = b.{pk}"), *own_joins],
    )
    outside = measured_unplanned | {row[3] for row in own_rows if row[4] and row[3] not in planned}
    sums.outside = outside & {row[0] for row in sums.shared}
    codes = {pk: code for pk, code, _ in cut.forces()}
    for force, subcategory, is_disbenefit, benefit_pk, _, units in own_rows:
        in_plan = benefit_pk not in outside
        sums.own.append(
            (codes[force], subcategory, bool(is_disbenefit), units, None if in_plan else units)
        )
    return sums


def _sums(cut: _Cut, include_planned: bool) -> _Sums:
    """The sums to split: from the per-benefit totals where the cut takes every month and
    the benefits with attributions can be listed (national and collaboration cuts), else
    from the months themselves."""
    # Only those the cut counts: the rows of the others are never summed, from the
    # totals or from the months.
    attributed = cut.counted_attributed()
    if cut.filters.period_from or cut.filters.period_to or not isinstance(attributed, list):
        return _sums_from_rows(cut, include_planned)
    anchor = totals.anchor_for(cut.to_date)
    if anchor is None:
        return _sums_from_rows(cut, include_planned)
    sums = _sums_from_totals(cut, include_planned, attributed, anchor)
    if attributed:
        sums += _sums_from_rows(cut, include_planned, Q(benefit_id__in=attributed))
    return sums


# Each force's pennies of one measure, by ONS code.
_Book = dict[str, defaultdict[str, int]]


def breakdown_by_force(cut: _Cut, include_planned: bool = True) -> dict[str, ForceBreakdown]:
    """Each force's share of money and of hours in a cut without a force, keyed by
    measure then ONS code (`summaries.force_breakdown` has the rules)."""
    pennies: _Book = {m: defaultdict(int) for m in MEASURES}
    unallocated = {m: ZERO for m in MEASURES}
    # Actuals of benefits with no plan are also kept apart ("realised outside the plan").
    outside_pennies: _Book = {m: defaultdict(int) for m in MEASURES}
    unallocated_outside = {m: ZERO for m in MEASURES}
    sums = _sums(cut, include_planned)
    for code, subcategory, is_disbenefit, total, outside in sums.own:
        if total is None:
            continue
        measure = SUBCATEGORY_MEASURE[subcategory]
        sign = _sign(is_disbenefit)
        pennies[measure][code] += _to_units(total) * sign
        if outside is not None:
            outside_pennies[measure][code] += _to_units(outside) * sign
    collaborations = {row[1][2] for row in sums.shared} | {row[1][2] for row in sums.planned}
    shares = _Shares.load(cut.rows_q(), collaborations)

    def allocate(
        rows: Iterable[tuple[Any, ...]], columns: list[tuple[_Book, dict[str, Decimal]]]
    ) -> None:
        """Split the pennies of each (benefit id, `Columns`, pennies...) row: the first into
        the first (forces' pennies, measure's unallocated) of `columns`, and so on. Each
        benefit's amount is split on its own; the splits are added up together
        (`split_totals`)."""
        width = len(columns)
        grouped: dict[str, tuple[list[Splitter[str]], list[int], list[list[int]]]] = {
            m: ([], [], [[] for _ in columns]) for m in MEASURES
        }
        for row in rows:
            subcategory, is_disbenefit, collaboration_id = row[1]
            splitter = shares.of(row[0], collaboration_id)
            measure = SUBCATEGORY_MEASURE[subcategory]
            sign = _sign(is_disbenefit)
            if splitter is None:
                for column in range(width):
                    columns[column][1][measure] += _money(row[2 + column] * sign)
                continue
            splitters, signs, values = grouped[measure]
            splitters.append(splitter)
            signs.append(sign)
            for column in range(width):
                values[column].append(row[2 + column])
        for measure, (splitters, signs, values) in grouped.items():
            for column, added in enumerate(split_totals(splitters, values, signs)):
                target = columns[column][0][measure]
                for splitter, parts in added.items():
                    for code, part in zip(splitter.keys, parts, strict=True):
                        target[code] += part

    allocate(sums.shared, [(pennies, unallocated)])
    if sums.outside:
        outside_rows = [row for row in sums.shared if row[0] in sums.outside]
        allocate(outside_rows, [(outside_pennies, unallocated_outside)])
    planned: _Book | None = None
    planned_to_date: _Book | None = None
    unallocated_plan = {m: ZERO for m in MEASURES}
    unallocated_plan_to_date = {m: ZERO for m in MEASURES}
    if include_planned:
        planned = {m: defaultdict(int) for m in MEASURES}
        planned_to_date = {m: defaultdict(int) for m in MEASURES}
        allocate(
            sums.planned,
            [(planned, unallocated_plan), (planned_to_date, unallocated_plan_to_date)],
        )
    names = _force_names(cut)

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


def month_plan_parts(
    lines: Iterable[tuple[Benefit, Force]], month: datetime.date
) -> dict[tuple[int, int], Decimal]:
    """Each force's part of its benefit's plan for `month`, keyed by (benefit id, force id),
    as a force's own view counts it: the change in the force's penny-exact split of the
    running total of the plan (from the benefit's first planned month) that `month` makes.

    Only money and hours benefits planned for `month` are split (levels never are); a force
    with no share of the benefit's split gets 0.00. A benefit with no split at all (its
    collaboration has no shares, nor it any of its own) has no parts.
    """
    wanted = list(lines)
    ids = {benefit.pk for benefit, _ in wanted}
    if not ids:
        return {}
    sums = {
        row["benefit_id"]: (row["before"], row["this"])
        for row in PlannedValue.objects.filter(
            _summable_q("benefit__"), benefit_id__in=ids, period__lte=month
        )
        .values("benefit_id")
        .annotate(
            before=Sum("value", filter=Q(period__lt=month)),
            this=Sum("value", filter=Q(period=month)),
        )
        .order_by()
        if row["this"] is not None
    }
    if not sums:
        return {}
    shares = _Shares.load(
        Q(benefit_id__in=list(sums)),
        {benefit.initiative.collaboration_id for benefit, _ in wanted if benefit.pk in sums},
    )
    earlier = datetime.date.min
    parts: dict[tuple[int, int], Decimal] = {}
    for benefit, force in wanted:
        if benefit.pk not in sums:
            continue
        splitter = shares.of(benefit.pk, benefit.initiative.collaboration_id)
        if splitter is None:
            continue
        before, this = sums[benefit.pk]
        rows = [(earlier, _dec(before)), (month, _dec(this))]
        by_month = dict(_cumulative_parts(rows, splitter, force.ons_code))
        parts[(benefit.pk, force.pk)] = by_month.get(month, _money(0))
    return parts


def is_split(benefit: Benefit) -> bool:
    """Whether the benefit's amounts are split between forces: money (1a, 1c in pounds) and
    hours (1b in hours). Levels (counts, percentages, scores) never are."""
    measure = SUBCATEGORY_MEASURE.get(benefit.subcategory)
    return measure is not None and benefit.unit == MEASURE_UNITS[measure]


def force_month_parts(
    benefit: Benefit, force: Force, series: Mapping[str, Mapping[datetime.date, Decimal]]
) -> dict[str, dict[datetime.date, Decimal]] | None:
    """The force's part of each month of each of `series` (whole amounts of the benefit by
    month: a plan, a baseline, actuals recorded for the whole collaboration), as a force's
    own view and `month_plan_parts` count it: each month's part is the change in the force's
    penny-exact split of the running total from the series' first month. The parts of all
    forces, plus any unallocated amount, make the whole, month by month and to date.

    None for a level, which is never split. A force outside the benefit's split, and every
    force when the benefit has no split at all (the amount is unallocated), has 0.00."""
    if not is_split(benefit):
        return None
    collaboration_id = benefit.initiative.collaboration_id
    splitter = _Shares.load(Q(benefit_id=benefit.pk), [collaboration_id]).of(
        benefit.pk, collaboration_id
    )
    out: dict[str, dict[datetime.date, Decimal]] = {}
    for name, months in series.items():
        rows = sorted(months.items())
        parts = dict(_cumulative_parts(rows, splitter, force.ons_code))
        out[name] = {period: parts.get(period, _money(0)) for period, _ in rows}
    return out


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
    """Per sub-category: the force's share of the actuals to date of benefits with no plan
    (`ledger.by_measure` adds them up per measure)."""
    out: dict[str, Decimal] = {}
    unplanned = cut.unplanned()
    if isinstance(unplanned, list) and not unplanned:
        return out
    for benefit_id in set(unplanned) & set(force_ledger.actual):
        row = force_ledger.benefits.get(benefit_id)
        if row is None:
            continue
        amount = sum(force_ledger.actual[benefit_id].values(), ZERO)
        code = row["subcategory"]
        out[code] = out.get(code, ZERO) + amount * _sign(row["is_disbenefit"])
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
