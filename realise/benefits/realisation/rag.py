"""RAG per benefit and rolled up."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Aggregate,
    Count,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)

from realise.benefits.measured import unmeasured
from realise.benefits.models import (
    Benefit,
    Direction,
    Measurement,
    Nature,
    PlannedValue,
    Unit,
)
from realise.benefits.realisation.cut import RealisationFilter, _Cut, _summable_q
from realise.benefits.realisation.figures import (
    _WORST_FIRST,
    AMBER,
    CENT,
    GREEN,
    LEVEL,
    MEASURE_SUBCATEGORIES,
    MEASURE_UNITS,
    MEASURES,
    NONE,
    QUALITATIVE,
    RAG_VALUES,
    RED,
    ZERO,
    BenefitRag,
    RagRollup,
    _dec,
    rag_for_score,
)
from realise.benefits.realisation.periods import last_overdue_month, maintain_tolerance

# RAG per benefit --------------------------------------------------------------------------------


def _score_cumulative(
    planned: Decimal | None, actual: Decimal | None, disbenefit: bool
) -> tuple[Decimal | None, str]:
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
) -> tuple[Decimal | None, str]:
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


def _kind(row: Mapping[str, Any]) -> str:
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
    base: QuerySet[Benefit] | None = None,
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
        .filter(unmeasured())  # the one rule of a measured month (`benefits.measured`)
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
        seen: Mapping[str, Any] = measured.get(benefit_id, {})
        late: Mapping[str, Any] = overdue.get(benefit_id, {})
        planned_value = actual_value = score = None
        rag = NONE
        if kind in MEASURES:
            planned_value = _dec(planned.get(benefit_id))
            actual_value = _dec(seen.get("total"))
            score, rag = _score_cumulative(planned_value, actual_value, row["is_disbenefit"])
        elif kind == LEVEL and benefit_id in levels:
            _, planned_value, actual_value = levels[benefit_id]
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


def month_level(
    unit: str, wide: Decimal | None, total: Decimal | None, count: int
) -> Decimal | None:
    """A level benefit's actual level in one month: the collaboration-wide value when one
    was recorded, else the forces' values added up (counts, pounds, hours) or averaged
    (percentages, scores). `wide` is the collaboration-wide value, `total` and `count` the
    sum and number of the month's values."""
    if wide is not None:
        return _dec(wide)
    if not count:
        return None
    if unit in (Unit.PERCENT, Unit.SCORE):
        return (_dec(total) / count).quantize(CENT, rounding=ROUND_HALF_UP)
    return _dec(total)


def _levels(
    cut: _Cut, force: Any = None
) -> dict[int, tuple[datetime.date, Decimal | None, Decimal | None]]:
    """(latest measured month, planned level, actual level) of each level benefit.

    The actual level is `month_level` of the latest measured month. The planned level is
    the plan for that month, else the latest plan before it. With `force`, only that
    force's values are read (a level is never split: the plan is the collaboration's).
    One query over the level benefits, with index lookups per benefit.
    """
    measured_q = Q(value__isnull=False) if force is None else Q(value__isnull=False, force=force)
    to_date_q = cut.period_q(cut.to_date) & measured_q
    latest = Subquery(
        Measurement.objects.filter(Q(benefit=OuterRef("pk")) & to_date_q)
        .order_by("-period")
        .values("period")[:1]
    )
    at_latest = Q(benefit=OuterRef("pk"), period=OuterRef("latest")) & measured_q

    def measured(aggregate: Aggregate, extra: Q | None = None) -> Subquery:
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
    out: dict[int, tuple[datetime.date, Decimal | None, Decimal | None]] = {}
    for row in rows:
        if row["latest"] is None or not row["count"]:
            continue
        actual = month_level(row["unit"], row["wide"], row["total"], row["count"])
        planned = None if row["planned"] is None else _dec(row["planned"])
        out[row["pk"]] = (row["latest"], planned, actual)
    return out


@dataclass(frozen=True)
class LatestLevel:
    """A level benefit's latest actual against the plan for that month, and its RAG."""

    period: datetime.date
    planned: Decimal | None
    actual: Decimal | None
    score: Decimal | None
    rag: str


def latest_level(
    benefit: Benefit, *, force: Any = None, today: datetime.date | None = None
) -> LatestLevel | None:
    """The latest actual level of a level benefit up to the last complete month, against
    the plan for that month, rated as `benefit_rag` rates it (the same `_levels` and
    `_score_level`); with `force`, that force's own level against the collaboration's
    plan. None when nothing is measured yet."""
    cut = _Cut.make(None, Benefit.objects.filter(pk=benefit.pk), today)
    found = _levels(cut, force).get(benefit.pk)
    if found is None:
        return None
    period, planned, actual = found
    score, rag = _score_level(benefit.direction, benefit.baseline_value, planned, actual)
    return LatestLevel(period, planned, actual, score, rag)


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
