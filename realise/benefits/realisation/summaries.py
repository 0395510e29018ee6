"""Headline figures and the breakdown by initiative or collaboration."""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from realise.benefits.models import (
    Benefit,
    Measurement,
    PlannedValue,
)
from realise.benefits.realisation.cut import RealisationFilter, _Cut, _summable_q, claims_in_cut
from realise.benefits.realisation.figures import (
    HOURS,
    MEASURES,
    MONEY,
    SUBCATEGORY_MEASURE,
    ZERO,
    ForceBreakdown,
    MeasureSummary,
    Totals,
    _dec,
)
from realise.benefits.realisation.forces import (
    _force_ledger,
    _ledger_from_force,
    _money,
    _outside_plan_from_force,
    _the_force,
    _trend_from_force,
    _units,
    breakdown_by_force,
)
from realise.benefits.realisation.ledger import (
    _GROUPS,
    _ledger,
    _outside_plan_from_database,
    _sign,
    _summarise,
    _trend_from_database,
    by_measure,
)
from realise.benefits.splits import Splitter
from realise.collaborations.models import Collaboration, Initiative

# Headline figures -----------------------------------------------------------------------------


def measure_summaries(
    filters: RealisationFilter | None = None,
    *,
    base: QuerySet[Benefit] | None = None,
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
    trend: Mapping[str, Decimal | None] = dict.fromkeys(MEASURES)
    if cut.force is None:
        ledger = _ledger(cut)
        outside = ledger.outside
        if outside is None:
            outside = _outside_plan_from_database(cut)
        if include_trend:
            trend = _trend_from_database(cut)
    else:
        force_ledger = _force_ledger(cut)
        ledger = _ledger_from_force(cut, force_ledger)
        outside = _outside_plan_from_force(cut, force_ledger)
        if include_trend:
            trend = _trend_from_force(cut, force_ledger)
    totals = by_measure(outside)
    summaries = {m: _summarise(cut, ledger, m, trend[m], totals[m], outside) for m in MEASURES}
    if include_forces:
        if cut.force is None:
            forces = force_breakdown(_cut=cut)
        else:
            forces = _force_only_breakdown(cut, True, summaries)
        summaries = {
            m: dataclasses.replace(summary, forces=forces[m]) for m, summary in summaries.items()
        }
    return summaries


def force_breakdown(
    filters: RealisationFilter | None = None,
    *,
    base: QuerySet[Benefit] | None = None,
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
    return breakdown_by_force(cut, include_planned)


def _force_only_breakdown(
    cut: _Cut, include_planned: bool, summaries: dict[str, MeasureSummary] | None = None
) -> dict[str, ForceBreakdown]:
    summaries = summaries or measure_summaries(_cut=cut, include_trend=False)
    force = _the_force(cut)
    code = force.ons_code
    names = {code: force.name}
    return {
        m: ForceBreakdown(
            actual_to_date={code: summaries[m].actual_to_date},
            planned_total={code: summaries[m].planned_total} if include_planned else None,
            planned_to_date={code: summaries[m].planned_to_date} if include_planned else None,
            outside_plan={code: summaries[m].outside_plan},
            names=names,
        )
        for m in MEASURES
    }


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
    base: QuerySet[Benefit] | None = None,
    today: datetime.date | None = None,
) -> list[GroupFigures]:
    """Money and hours totals per initiative or per collaboration (`group`), by name.

    Two grouped queries (plan, actuals with their verified part) without a force; with a
    force, that force's share, from the same month-by-month allocation as
    `measure_summaries`.
    Only groups with money or hours figures are listed.
    """
    if group not in _GROUPS:
        raise ValueError(f"Cannot break the figures down by {group!r}.")
    cut = _Cut.make(filters, base, today)
    figures: dict[int, dict[str, list[Decimal]]] = defaultdict(
        lambda: {m: [ZERO, ZERO, ZERO, ZERO, ZERO] for m in MEASURES}
    )
    # Benefits with attributions belong to the initiatives claiming them: their figures
    # are gathered per benefit, then split between those initiatives below.
    claimed: dict[int, dict[str, list[Decimal]]] = defaultdict(
        lambda: {m: [ZERO, ZERO, ZERO, ZERO, ZERO] for m in MEASURES}
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
        # Actuals of benefits with no plan, apart (none to look for when there are none).
        unplanned = cut.unplanned()
        sums = {
            "total": Sum(cut.value()),
            "verified": Sum(cut.value(), filter=Q(verified_at__isnull=False)),
        }
        if not (isinstance(unplanned, list) and not unplanned):
            sums["outside"] = Sum(cut.value_among(unplanned), filter=Q(benefit_id__in=unplanned))
        actual = (
            Measurement.objects.filter(base_q & cut.period_q(cut.to_date))
            .annotate(claimed_by=cut.claimant())
            .values(key, "claimed_by", "benefit__subcategory", "benefit__is_disbenefit")
            .annotate(**sums)
            .order_by()
        )
        for row in actual:
            measure = SUBCATEGORY_MEASURE[row["benefit__subcategory"]]
            owner = claimed[row["claimed_by"]] if row["claimed_by"] else figures[row[key]]
            sign = _sign(row["benefit__is_disbenefit"])
            owner[measure][2] += _dec(row["total"]) * sign
            owner[measure][3] += _dec(row.get("outside")) * sign
            owner[measure][4] += _dec(row["verified"]) * sign
    else:
        force_ledger = _force_ledger(cut)
        field_name = _GROUPS[group]
        attributed = set(claims_in_cut(cut.filters, cut._resolved, force_ledger.benefits))
        unplanned_ids = set(cut.unplanned())
        books = (
            (0, force_ledger.planned),
            (2, force_ledger.actual),
            (4, force_ledger.verified or {}),
        )
        for position, book in books:
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
                    if position == 2 and benefit_id in unplanned_ids:
                        slot[3] += amount * sign
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
    labels: dict[int, tuple[str, str, int | None]]
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
