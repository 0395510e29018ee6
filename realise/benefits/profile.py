"""The benefit profile: one printable A4 page per benefit, as the IPA guide asks a profile
to hold (description, category, owners, measure, baseline, target, profile, enablers,
objectives, risks and dis-benefits, attribution, contributions, evidence), marked OFFICIAL."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from realise.benefits import baselines, contributions
from realise.benefits.models import Benefit, Contribution, Evidence
from realise.benefits.realisation import (
    benefit_rag,
    financial_year,
    financial_year_label,
    last_complete_month,
)
from realise.benefits.realisation.forces import is_split
from realise.benefits.realisation.rag import latest_level
from realise.core import formatting

CSS = Path(__file__).parent / "pdf" / "profile.css"
ZERO = Decimal("0")
MARKING = "OFFICIAL"


def amount(value: Decimal | None, unit: str) -> str:
    """£1,234.00, 1,234.5 hours, 93.7%, or the number as it is."""
    return formatting.unit_value(unit, value)


def monthly_series(
    benefit: Benefit, *, force=None, comparison: baselines.Comparison | None = None
) -> dict:
    """The benefit page's figures: month by month the current baseline (when baselined),
    today's plan and the actuals (one force's part when `force` is given: see
    `baselines.compare`), with running totals for the chart, grouped by UK financial year
    (April to March) for the table.
    A level (a count, a percentage, a score: `level` is true) is never added up: its
    months are levels with no running totals, each year holds its latest levels, and the
    totals are the latest actual against the plan for that month, as its RAG is worked out
    (`rag.latest_level`).
    `comparison` is `baselines.compare(benefit, force=force)` where the caller has it."""
    if comparison is None:
        comparison = baselines.compare(benefit, force=force)
    if not is_split(benefit):
        return _level_series(benefit, comparison, force)
    baselined = comparison.current is not None
    sums = ("original", "baseline", "planned", "actual", "against_baseline", "variance")
    months: list[dict[str, Any]] = []
    running = {"baseline": ZERO, "planned": ZERO, "actual": ZERO}
    for row in comparison.rows:
        for name in running:
            running[name] += getattr(row, name) or ZERO
        months.append(
            {
                "period": row.period,
                "original": row.original,
                "baseline": row.baseline,
                "planned": row.planned,
                "actual": row.actual,
                "against_baseline": row.actual_against_baseline if baselined else None,
                "variance": row.actual_against_plan,
                "baseline_to_date": running["baseline"] if baselined else None,
                "planned_to_date": running["planned"],
                "actual_to_date": running["actual"],
            }
        )
    years: dict[int, dict] = {}
    # The variances of the Total row add up those of the months (the months with an
    # actual), as the years' do; the plan and baselines are of every month.
    whole = comparison.totals
    totals = None
    if whole is not None:
        totals = {
            "original": whole.original,
            "baseline": whole.baseline,
            "planned": whole.planned,
            "actual": whole.actual,
            "against_baseline": None,
            "variance": None,
        }
    for month in months:
        for name in ("against_baseline", "variance"):
            if totals is not None and month[name] is not None:
                totals[name] = (totals[name] or ZERO) + month[name]
        slot = _year_slot(years, month["period"], sums)
        slot["months"].append(month)
        for name in sums:
            if month[name] is not None:
                slot[name] = (slot[name] or ZERO) + month[name]
    return {
        "level": False,
        "baselined": baselined,
        "rebaselined": comparison.rebaselined,
        "force_part": comparison.force_part,
        "months": months,
        "years": [years[year] for year in sorted(years)],
        "totals": totals,
    }


LEVELS = ("original", "baseline", "planned")


def _year_slot(years: dict[int, dict], period: datetime.date, names: tuple) -> dict:
    year = financial_year(period)
    return years.setdefault(
        year,
        {
            "year": year,
            "label": financial_year_label(year),
            "months": [],
            **dict.fromkeys(names),
        },
    )


def _less(actual: Decimal | None, reference: Decimal | None) -> Decimal | None:
    if actual is None or reference is None:
        return None
    return actual - reference


def _level_months(comparison: baselines.Comparison) -> list[dict[str, Any]]:
    """A level's months: each actual against the plan (and baselines) in force that month:
    the month's own, else the latest before it, as its RAG reads the plan."""
    baselined = comparison.current is not None
    in_force: dict[str, Decimal | None] = dict.fromkeys(LEVELS)
    months = []
    for row in comparison.rows:
        for name in LEVELS:
            if getattr(row, name) is not None:
                in_force[name] = getattr(row, name)
        months.append(
            {
                "period": row.period,
                "original": row.original,
                "baseline": row.baseline,
                "planned": row.planned,
                "actual": row.actual,
                "against_baseline": _less(row.actual, in_force["baseline"]) if baselined else None,
                "variance": _less(row.actual, in_force["planned"]),
                "in_force": dict(in_force),
                "baseline_to_date": None,
                "planned_to_date": None,
                "actual_to_date": None,
            }
        )
    return months


def _level_years(months: list[dict[str, Any]]) -> list[dict]:
    """Each financial year's latest levels: its last planned (and baselined) level, and its
    last actual with that month's variances. Never a sum."""
    names = (*LEVELS, "actual", "actual_period", "against_baseline", "variance")
    years: dict[int, dict] = {}
    for month in months:
        slot = _year_slot(years, month["period"], names)
        slot["months"].append(month)
        for name in LEVELS:
            if month[name] is not None:
                slot[name] = month[name]
        if month["actual"] is not None:
            slot["actual"] = month["actual"]
            slot["actual_period"] = month["period"]
            slot["against_baseline"] = month["against_baseline"]
            slot["variance"] = month["variance"]
    return [years[year] for year in sorted(years)]


def _level_totals(
    benefit: Benefit, months: list[dict[str, Any]], force, baselined: bool
) -> dict[str, Any]:
    """The latest actual level (to the last complete month) against the plan for that
    month: the figures `benefit_rag` rates (one force's level when `force` is given)."""
    latest = latest_level(benefit, force=force)
    if latest is None:
        return dict.fromkeys(("period", *LEVELS, "actual", "against_baseline", "variance", "rag"))
    in_force: dict[str, Decimal | None] = dict.fromkeys(LEVELS)
    for month in months:
        if month["period"] <= latest.period:
            in_force = month["in_force"]
    return {
        "period": latest.period,
        "original": in_force["original"],
        "baseline": in_force["baseline"],
        "planned": latest.planned,
        "actual": latest.actual,
        "against_baseline": _less(latest.actual, in_force["baseline"]) if baselined else None,
        "variance": _less(latest.actual, latest.planned),
        "rag": latest.rag,
    }


def _level_series(benefit: Benefit, comparison: baselines.Comparison, force) -> dict:
    baselined = comparison.current is not None
    months = _level_months(comparison)
    return {
        "level": True,
        "baselined": baselined,
        "rebaselined": comparison.rebaselined,
        "force_part": False,
        "months": months,
        "years": _level_years(months),
        "totals": _level_totals(benefit, months, force, baselined) if months else None,
    }


def _years(comparison: baselines.Comparison, unit: str, to_date: datetime.date) -> list[dict]:
    """Baseline, plan and actual per financial year (from the monthly grouped rows); the
    variance is the actual against the plan of the complete months."""
    years: dict[int, dict[str, Decimal | None]] = {}
    for row in comparison.rows:
        slot = years.setdefault(
            financial_year(row.period),
            {"baseline": None, "planned": None, "actual": None, "planned_to_date": None},
        )
        values = {
            "baseline": row.baseline,
            "planned": row.planned,
            "actual": row.actual if row.period <= to_date else None,
            "planned_to_date": row.planned if row.period <= to_date else None,
        }
        for name, value in values.items():
            if value is not None:
                slot[name] = (slot[name] or ZERO) + value
    out = []
    for year in sorted(years):
        slot = years[year]
        variance = None
        if slot["actual"] is not None or slot["planned_to_date"] is not None:
            variance = (slot["actual"] or ZERO) - (slot["planned_to_date"] or ZERO)
        out.append(
            {
                "label": financial_year_label(year),
                "baseline": amount(slot["baseline"], unit),
                "planned": amount(slot["planned"], unit),
                "actual": amount(slot["actual"], unit),
                "variance": amount(variance, unit),
            }
        )
    return out


def _level_profile_years(
    comparison: baselines.Comparison, unit: str, to_date: datetime.date
) -> list[dict]:
    """A level's years for the profile: the latest baseline, plan and actual (of the
    complete months) in each year, the actual less the plan for its month. Never a sum."""
    months = _level_months(comparison)
    for month in months:
        if month["period"] > to_date:
            month["actual"] = month["variance"] = None
    return [
        {
            "label": year["label"],
            "baseline": amount(year["baseline"], unit),
            "planned": amount(year["planned"], unit),
            "actual": amount(year["actual"], unit),
            "variance": amount(year["variance"], unit),
        }
        for year in _level_years(months)
    ]


def _level_profile_totals(rag, unit: str) -> dict:
    """The latest level to date against the plan for that month, from the benefit's RAG."""
    planned = rag.planned if rag else None
    actual = rag.actual if rag else None
    return {
        "period": rag.latest_period if rag and actual is not None else None,
        "original": "–",
        "baseline": "–",
        "planned": amount(planned, unit),
        "actual": amount(actual, unit),
        "variance": amount(_less(actual, planned), unit),
    }


def profile_context(benefit: Benefit, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    unit = benefit.unit
    comparison = baselines.compare(benefit)
    totals = comparison.totals
    level = not is_split(benefit)
    rag_rows = benefit_rag(base=Benefit.objects.filter(pk=benefit.pk), today=today)
    rag = rag_rows[0] if rag_rows else None
    changes = list(benefit.changes.select_related("initiative").prefetch_related("enablers"))
    enablers = []
    for change in changes:
        names = [change.initiative.name, *(e.name for e in change.enablers.all())]
        enablers.append({"change": change.description, "enablers": names})
    link = Contribution.objects.filter(child=benefit).select_related("parent").first()
    children = list(
        benefit.contributions.select_related("child__initiative").order_by("child__reference")
    )
    evidence = Evidence.objects.filter(measurement__benefit=benefit)
    evidence_counts = benefit.measurements.aggregate(
        actuals=Count("pk", distinct=True), evidence=Count("evidence", distinct=True)
    )
    latest_evidence = list(
        evidence.select_related("measurement__force").order_by(
            "-measurement__period", "-created_at"
        )[:3]
    )
    disbenefits = list(
        Benefit.objects.filter(initiative=benefit.initiative, is_disbenefit=True)
        .exclude(pk=benefit.pk)
        .order_by("reference")
    )
    requests = benefit.change_requests.order_by("-created_at")
    return {
        "marking": MARKING,
        "benefit": benefit,
        "printed": today,
        "unit": unit,
        "baseline_value": amount(benefit.baseline_value, unit),
        "target_value": amount(benefit.target_value, unit),
        "original": comparison.original,
        "current": comparison.current,
        "rebaselined": comparison.rebaselined,
        "level": level,
        "totals": _level_profile_totals(rag, unit)
        if level
        else {
            "original": amount(totals.original, unit) if totals else "–",
            "baseline": amount(totals.baseline, unit) if totals else "–",
            "planned": amount(totals.planned, unit) if totals else "–",
            "actual": amount(totals.actual, unit) if totals else "–",
        },
        "years": (_level_profile_years if level else _years)(
            comparison, unit, last_complete_month(today)
        ),
        "rag": rag,
        "enablers": enablers,
        "objectives": list(benefit.objectives.select_related("collaboration")),
        "disbenefits": disbenefits,
        "attributions": list(benefit.attributions.select_related("initiative")),
        "parent": link.parent if link else None,
        "ancestors": contributions.ancestors_of(benefit),
        "children": children,
        "evidence_counts": evidence_counts,
        "latest_evidence": latest_evidence,
        "requests": list(requests[:3]),
        "request_count": requests.count(),
    }


def render_profile_html(benefit: Benefit, today: datetime.date | None = None) -> str:
    return render_to_string("benefits/profile_pdf.html", profile_context(benefit, today))


def render_profile_pdf(
    benefit: Benefit, *, base_url: str | None = None, today: datetime.date | None = None
) -> bytes:
    """The profile as a PDF (WeasyPrint)."""
    # Imported here: WeasyPrint takes half a second to load, and only a PDF needs it.
    from weasyprint import CSS as Stylesheet  # noqa: PLC0415
    from weasyprint import HTML  # noqa: PLC0415

    html = render_profile_html(benefit, today)
    # The page numbers in the language of the profile.
    numbers = f"@page {{ @bottom-right {{ content: {formatting.page_counter_css()}; }} }}"
    return HTML(string=html, base_url=base_url).write_pdf(
        stylesheets=[Stylesheet(filename=str(CSS)), Stylesheet(string=numbers)]
    )
