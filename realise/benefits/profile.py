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
from realise.collaborations.models import Collaboration, Initiative
from realise.core import formatting

CSS = Path(__file__).parent / "pdf" / "profile.css"
ZERO = Decimal("0")
MARKING = "OFFICIAL"


def amount(value: Decimal | None, unit: str) -> str:
    """£1,234.00, 1,234.5 hours, 93.7%, or the number as it is."""
    return formatting.unit_value(unit, value)


def _less(actual: Decimal | None, reference: Decimal | None) -> Decimal | None:
    """A level's actual less the plan (or baseline) for its month; None without either."""
    if actual is None or reference is None:
        return None
    return actual - reference


def _short(actual: Decimal | None, reference: Decimal | None) -> Decimal | None:
    """A complete month's actual less its plan (or baseline), as the RAG counts them: a
    month planned with no actual recorded is the whole plan short. None when neither."""
    if actual is None and reference is None:
        return None
    return (actual or ZERO) - (reference or ZERO)


def _add(total: Decimal | None, value: Decimal | None) -> Decimal | None:
    return total if value is None else (total or ZERO) + value


def monthly_series(
    benefit: Benefit,
    *,
    force=None,
    comparison: baselines.Comparison | None = None,
    today: datetime.date | None = None,
    verified_only: bool = False,
) -> dict:
    """The benefit page's figures (and its profile's): month by month the current baseline
    (when baselined), today's plan and the actuals (one force's part when `force` is given:
    see `baselines.compare`; the verified actuals only with `verified_only`, as the public
    are shown them), with running totals for the chart, grouped by UK financial year (April
    to March) for the table.
    Actuals and variances count "to date" as the RAG does: the months up to the last
    complete month before `today` (`last_complete_month`; `to_date`). Each such month's
    variance is its actual less its plan, a planned month with no actual counting its whole
    plan short, so the variances of a year and of the Total row are the actual to date less
    the plan to date. A later month's actual (the running month's) is shown with
    `counted` false, in no running total, year or variance.
    A level (a count, a percentage, a score: `level` is true) is never added up: its
    months are levels with no running totals, each year holds its latest levels to date,
    and the totals are the latest actual against the plan for that month, as its RAG is
    worked out (`rag.latest_level`).
    `comparison` is `baselines.compare(benefit, force=force, verified_only=...)` where the
    caller has it."""
    today = today or timezone.localdate()
    to_date = last_complete_month(today)
    if comparison is None:
        comparison = baselines.compare(benefit, force=force, verified_only=verified_only)
    if not is_split(benefit):
        return _level_series(benefit, comparison, force, today, verified_only=verified_only)
    baselined = comparison.current is not None
    sums = ("original", "baseline", "planned")
    counted_sums = ("actual", "against_baseline", "variance")
    months: list[dict[str, Any]] = []
    running = {"baseline": ZERO, "planned": ZERO, "actual": ZERO}
    for row in comparison.rows:
        counted = row.period <= to_date
        running["baseline"] += row.baseline or ZERO
        running["planned"] += row.planned or ZERO
        if counted:
            running["actual"] += row.actual or ZERO
        months.append(
            {
                "period": row.period,
                "counted": counted,
                "original": row.original,
                "baseline": row.baseline,
                "planned": row.planned,
                "actual": row.actual,
                "against_baseline": _short(row.actual, row.baseline)
                if baselined and counted
                else None,
                "variance": _short(row.actual, row.planned) if counted else None,
                "baseline_to_date": running["baseline"] if baselined else None,
                "planned_to_date": running["planned"],
                "actual_to_date": running["actual"],
            }
        )
    years: dict[int, dict] = {}
    for month in months:
        slot = _year_slot(years, month["period"], (*sums, *counted_sums))
        slot["months"].append(month)
        for name in sums:
            slot[name] = _add(slot[name], month[name])
        if month["counted"]:
            for name in counted_sums:
                slot[name] = _add(slot[name], month[name])
    # The Total row: the whole plan (and baselines) beside the actual to date, and the
    # actual to date less the plan (and baseline) to date, as the RAG rates them.
    whole = comparison.totals
    totals: dict[str, Any] | None = None
    if whole is not None:
        complete = [month for month in months if month["counted"]]
        totals = {
            "original": whole.original,
            "baseline": whole.baseline,
            "planned": whole.planned,
            "actual": None,
            "against_baseline": None,
            "variance": None,
            "to_date": to_date,
            "baseline_to_date": sum((m["baseline"] or ZERO for m in complete), ZERO)
            if baselined
            else None,
            "planned_to_date": sum((m["planned"] or ZERO for m in complete), ZERO),
        }
        for month in complete:
            for name in counted_sums:
                totals[name] = _add(totals[name], month[name])
    return {
        "level": False,
        "baselined": baselined,
        "rebaselined": comparison.rebaselined,
        "force_part": comparison.force_part,
        "to_date": to_date,
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


def _level_months(comparison: baselines.Comparison, to_date: datetime.date) -> list[dict[str, Any]]:
    """A level's months: each actual to date against the plan (and baselines) in force that
    month: the month's own, else the latest before it, as its RAG reads the plan. A later
    month's actual is shown, not counted (`counted` false, no variance)."""
    baselined = comparison.current is not None
    in_force: dict[str, Decimal | None] = dict.fromkeys(LEVELS)
    months = []
    for row in comparison.rows:
        for name in LEVELS:
            if getattr(row, name) is not None:
                in_force[name] = getattr(row, name)
        counted = row.period <= to_date
        months.append(
            {
                "period": row.period,
                "counted": counted,
                "original": row.original,
                "baseline": row.baseline,
                "planned": row.planned,
                "actual": row.actual,
                "against_baseline": _less(row.actual, in_force["baseline"])
                if baselined and counted
                else None,
                "variance": _less(row.actual, in_force["planned"]) if counted else None,
                "in_force": dict(in_force),
                "baseline_to_date": None,
                "planned_to_date": None,
                "actual_to_date": None,
            }
        )
    return months


def _level_years(months: list[dict[str, Any]]) -> list[dict]:
    """Each financial year's latest levels: its last planned (and baselined) level, and its
    last actual to date with that month's variances. Never a sum."""
    names = (*LEVELS, "actual", "actual_period", "against_baseline", "variance")
    years: dict[int, dict] = {}
    for month in months:
        slot = _year_slot(years, month["period"], names)
        slot["months"].append(month)
        for name in LEVELS:
            if month[name] is not None:
                slot[name] = month[name]
        if month["actual"] is not None and month["counted"]:
            slot["actual"] = month["actual"]
            slot["actual_period"] = month["period"]
            slot["against_baseline"] = month["against_baseline"]
            slot["variance"] = month["variance"]
    return [years[year] for year in sorted(years)]


def _level_totals(
    benefit: Benefit, months: list[dict[str, Any]], force, baselined: bool, today: datetime.date
) -> dict[str, Any]:
    """The latest actual level (to the last complete month) against the plan for that
    month: the figures `benefit_rag` rates (one force's level when `force` is given)."""
    latest = latest_level(benefit, force=force, today=today)
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


def _latest_month_level(months: list[dict[str, Any]]) -> dict[str, Any]:
    """The latest level to date among `months` against the plan (and baselines) in force
    that month, as `_level_totals` gives it, unrated: for the verified actuals alone, which
    the engine's `latest_level` (counting every actual) does not rate."""
    counted = [m for m in months if m["counted"] and m["actual"] is not None]
    if not counted:
        return dict.fromkeys(("period", *LEVELS, "actual", "against_baseline", "variance", "rag"))
    latest = counted[-1]
    return {
        "period": latest["period"],
        **{name: latest["in_force"][name] for name in LEVELS},
        "actual": latest["actual"],
        "against_baseline": latest["against_baseline"],
        "variance": latest["variance"],
        "rag": None,
    }


def _level_series(
    benefit: Benefit,
    comparison: baselines.Comparison,
    force,
    today: datetime.date,
    *,
    verified_only: bool = False,
) -> dict:
    baselined = comparison.current is not None
    to_date = last_complete_month(today)
    months = _level_months(comparison, to_date)
    if not months:
        totals = None
    elif verified_only:
        totals = _latest_month_level(months)
    else:
        totals = _level_totals(benefit, months, force, baselined, today)
    return {
        "level": True,
        "baselined": baselined,
        "rebaselined": comparison.rebaselined,
        "force_part": False,
        "to_date": to_date,
        "months": months,
        "years": _level_years(months),
        "totals": totals,
    }


def _profile_years(series: dict, unit: str) -> list[dict]:
    """The profile's years, as the page's (`monthly_series`): the baseline, the plan, the
    actual to date and the actual less the plan to date (a level: the latest of each, the
    latest actual less the plan for its month). Differences of percentages in points."""
    return [
        {
            "label": year["label"],
            "baseline": amount(year["baseline"], unit),
            "planned": amount(year["planned"], unit),
            "actual": amount(year["actual"], unit),
            "variance": formatting.unit_difference(unit, year["variance"]),
        }
        for year in series["years"]
    ]


def _profile_totals(series: dict, unit: str) -> dict:
    """The Total row, as the page's: the whole plan, the actual to date and the actual less
    the plan to date (a level's: the latest level to date against the plan for its month,
    in `period`)."""
    totals = series["totals"]
    if totals is None:
        empty = dict.fromkeys(("original", "baseline", "planned", "actual", "variance"), "–")
        return {**empty, "period": None}
    return {
        "period": totals.get("period"),
        "original": amount(totals["original"], unit),
        "baseline": amount(totals["baseline"], unit),
        "planned": amount(totals["planned"], unit),
        "actual": amount(totals["actual"], unit),
        "variance": formatting.unit_difference(unit, totals["variance"]),
        # A level's row gives no baseline, as `_level_profile_totals` gives none.
        **(dict.fromkeys(("original", "baseline"), "–") if series["level"] else {}),
    }


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
        "variance": formatting.unit_difference(unit, _less(actual, planned)),
    }


def _links_seen(benefit: Benefit, reader: Any) -> dict:
    """The benefit's links (the benefit it contributes to and those above it, those that
    contribute to it, the initiatives claiming it, the objectives it serves), as `reader`
    may see them, as the benefit's page shows them: a link into a collaboration the reader
    may not see is left out. With no reader (the operator), every link."""
    links = Contribution.objects.filter(child=benefit).select_related("parent")
    children = benefit.contributions.select_related("child__initiative")
    attributions = benefit.attributions.select_related("initiative")
    objectives = benefit.objectives.select_related("collaboration")
    if reader is not None:
        seen = Benefit.objects.visible_to(reader).values("pk")
        links = links.filter(parent__in=seen)
        children = children.filter(child__in=seen)
        attributions = attributions.filter(
            initiative__in=Initiative.objects.visible_to(reader).values("pk")
        )
        objectives = objectives.filter(
            collaboration__in=Collaboration.objects.visible_to(reader).values("pk")
        )
    link = links.first()
    return {
        "parent": link.parent if link else None,
        "ancestors": contributions.ancestors_of(benefit) if link else [],
        "children": list(children.order_by("child__reference")),
        "attributions": list(attributions),
        "objectives": list(objectives),
    }


def profile_context(
    benefit: Benefit,
    today: datetime.date | None = None,
    *,
    reader: Any = None,
    public: bool = False,
) -> dict:
    """What the profile shows; its links as `reader` may see them (`_links_seen`). A
    `public` profile (for a visitor who is not signed in) counts the verified actuals only,
    as the public pages do, and so gives no RAG rating (the engine rates every actual) and
    no evidence (its notes and files are for signed-in readers)."""
    today = today or timezone.localdate()
    unit = benefit.unit
    comparison = baselines.compare(benefit, verified_only=public)
    # The page's own figures, to the same month as the RAG below.
    series = monthly_series(benefit, comparison=comparison, today=today, verified_only=public)
    level = series["level"]
    rag_rows = (
        [] if public else benefit_rag(base=Benefit.objects.filter(pk=benefit.pk), today=today)
    )
    rag = rag_rows[0] if rag_rows else None
    changes = list(benefit.changes.select_related("initiative").prefetch_related("enablers"))
    enablers = []
    for change in changes:
        names = [change.initiative.name, *(e.name for e in change.enablers.all())]
        enablers.append({"change": change.description, "enablers": names})
    evidence = Evidence.objects.filter(measurement__benefit=benefit)
    measurements = benefit.measurements.all()
    if public:
        measurements = measurements.filter(verified_at__isnull=False)
    evidence_counts = measurements.aggregate(
        actuals=Count("pk", distinct=True), evidence=Count("evidence", distinct=True)
    )
    latest_evidence = (
        []
        if public
        else list(
            evidence.select_related("measurement__force").order_by(
                "-measurement__period", "-created_at"
            )[:3]
        )
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
        "to_date": series["to_date"],
        "totals": _level_profile_totals(rag, unit)
        if level and not public
        else _profile_totals(series, unit),
        "years": _profile_years(series, unit),
        "rag": rag,
        "enablers": enablers,
        "disbenefits": disbenefits,
        **_links_seen(benefit, reader),
        "evidence_counts": evidence_counts,
        "latest_evidence": latest_evidence,
        "requests": list(requests[:3]),
        "request_count": requests.count(),
    }


def render_profile_html(
    benefit: Benefit, today: datetime.date | None = None, *, people: bool = True, reader: Any = None
) -> str:
    """The profile as HTML; without `people`, for the public: naming no one, counting the
    verified actuals only and with no evidence (`profile_context`); its links as `reader`
    may see them."""
    context = {
        **profile_context(benefit, today, reader=reader, public=not people),
        "show_people": people,
    }
    return render_to_string("benefits/profile_pdf.html", context)


def render_profile_pdf(
    benefit: Benefit,
    *,
    base_url: str | None = None,
    today: datetime.date | None = None,
    people: bool = True,
    reader: Any = None,
) -> bytes:
    """The profile as a PDF (WeasyPrint); without `people`, for the public (see
    `render_profile_html`); its links as `reader` may see them."""
    # Imported here: WeasyPrint takes half a second to load, and only a PDF needs it.
    from weasyprint import CSS as Stylesheet  # noqa: PLC0415
    from weasyprint import HTML  # noqa: PLC0415

    html = render_profile_html(benefit, today, people=people, reader=reader)
    # The page numbers in the language of the profile.
    numbers = f"@page {{ @bottom-right {{ content: {formatting.page_counter_css()}; }} }}"
    return HTML(string=html, base_url=base_url).write_pdf(
        stylesheets=[Stylesheet(filename=str(CSS)), Stylesheet(string=numbers)]
    )
