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

import datetime

from django.db.models import QuerySet

from realise.benefits.models import Benefit
from realise.benefits.realisation.cut import (
    RealisationFilter,
    _Cut,
    collaboration_and_descendants,
    filter_benefits,
)
from realise.benefits.realisation.figures import (
    AMBER,
    CENT,
    GREEN,
    HOURS,
    HUNDRED,
    LEVEL,
    MEASURE_SUBCATEGORIES,
    MEASURE_UNITS,
    MEASURES,
    MONEY,
    NONE,
    QUALITATIVE,
    RAG_VALUES,
    RED,
    SUBCATEGORY_MEASURE,
    ZERO,
    BenefitRag,
    ForceBreakdown,
    MeasureSummary,
    Pair,
    PeriodFigures,
    RagRollup,
    Realisation,
    Totals,
    rag_for_score,
)
from realise.benefits.realisation.periods import (
    add_months,
    amber_threshold,
    financial_quarter,
    financial_year,
    financial_year_label,
    grace_days,
    green_threshold,
    last_complete_month,
    last_overdue_month,
    maintain_tolerance,
    month_span,
    parse_month,
    trend_months,
)
from realise.benefits.realisation.rag import benefit_rag, rag_rollup, rag_rollups
from realise.benefits.realisation.summaries import (
    GroupFigures,
    breakdown,
    force_breakdown,
    measure_summaries,
)

__all__ = [
    "AMBER",
    "BenefitRag",
    "CENT",
    "ForceBreakdown",
    "GREEN",
    "GroupFigures",
    "HOURS",
    "HUNDRED",
    "LEVEL",
    "MEASURES",
    "MEASURE_SUBCATEGORIES",
    "MEASURE_UNITS",
    "MONEY",
    "MeasureSummary",
    "NONE",
    "Pair",
    "PeriodFigures",
    "QUALITATIVE",
    "RAG_VALUES",
    "RED",
    "RagRollup",
    "Realisation",
    "RealisationFilter",
    "SUBCATEGORY_MEASURE",
    "Totals",
    "ZERO",
    "add_months",
    "amber_threshold",
    "benefit_rag",
    "breakdown",
    "collaboration_and_descendants",
    "filter_benefits",
    "financial_quarter",
    "financial_year",
    "financial_year_label",
    "force_breakdown",
    "grace_days",
    "green_threshold",
    "last_complete_month",
    "last_overdue_month",
    "maintain_tolerance",
    "measure_summaries",
    "month_span",
    "parse_month",
    "rag_for_score",
    "rag_rollup",
    "rag_rollups",
    "realisation",
    "trend_months",
]


# Everything for one cut ------------------------------------------------------------------------


def realisation(
    filters: RealisationFilter | None = None,
    *,
    base: QuerySet[Benefit] | None = None,
    today: datetime.date | None = None,
    include_forces: bool = True,
    include_benefits: bool = True,
    include_trend: bool = True,
) -> Realisation:
    """The figures a dashboard shows for one cut (see `Realisation`).

    `base` scopes the benefits (e.g. `Benefit.objects.visible_to(user)`); pass None when the
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
