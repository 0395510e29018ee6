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
    `comparison` is `baselines.compare(benefit, force=force)` where the caller has it."""
    if comparison is None:
        comparison = baselines.compare(benefit, force=force)
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
        year = financial_year(month["period"])
        slot = years.setdefault(
            year,
            {
                "year": year,
                "label": financial_year_label(year),
                "months": [],
                **dict.fromkeys(sums),
            },
        )
        slot["months"].append(month)
        for name in sums:
            if month[name] is not None:
                slot[name] = (slot[name] or ZERO) + month[name]
    return {
        "baselined": baselined,
        "rebaselined": comparison.rebaselined,
        "force_part": comparison.force_part,
        "months": months,
        "years": [years[year] for year in sorted(years)],
        "totals": totals,
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


def profile_context(benefit: Benefit, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    unit = benefit.unit
    comparison = baselines.compare(benefit)
    totals = comparison.totals
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
        "totals": {
            "original": amount(totals.original, unit) if totals else "–",
            "baseline": amount(totals.baseline, unit) if totals else "–",
            "planned": amount(totals.planned, unit) if totals else "–",
            "actual": amount(totals.actual, unit) if totals else "–",
        },
        "years": _years(comparison, unit, last_complete_month(today)),
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
