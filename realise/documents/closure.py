"""The project closure report: its content as a plain dict, and the figures closure needs
(the level of benefits realised, and which benefits are not yet fully realised)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from realise.benefits import realisation as engine
from realise.benefits.models import (
    Benefit,
    BenefitStatus,
    Measurement,
    Nature,
    PlannedValue,
)
from realise.benefits.realisation import HOURS, MONEY, RealisationFilter
from realise.documents import blocks, formats
from realise.documents.models import ClosureRecord
from realise.governance.services import VISIBILITY_RANK
from realise.reports import charts, dashboards

MEASURE_TITLES = {MONEY: "Money (£)", HOURS: "Hours"}
SUMMED_SUBCATEGORIES = ("1a", "1b", "1c")
DONE = (BenefitStatus.REALISED, BenefitStatus.CLOSED)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(formats.q2(value))


def benefits_realised(initiative, as_at: datetime.date) -> dict:
    """The level of benefits realised, computed by the realisation engine as at a day:
    money and hours planned (in total and to date) and realised to date, with the share
    of plan realised, and how many benefits stand at each status and RAG. Figures are
    strings with two places (JSON-safe, exact)."""
    filters = RealisationFilter(initiative=initiative)
    summaries = engine.measure_summaries(filters, today=as_at, include_trend=False)
    rows = engine.benefit_rag(filters, today=as_at)
    rollup = engine.rag_rollup(rows)
    out: dict = {
        "as_at": as_at.isoformat(),
        "to_date": f"{engine.last_complete_month(as_at):%Y-%m}",
    }
    for measure, summary in summaries.items():
        total = summary.planned_total
        out[measure] = {
            "planned_total": _text(total),
            "planned_to_date": _text(summary.planned_to_date),
            "actual_to_date": _text(summary.actual_to_date),
            "percent_of_plan_to_date": _text(summary.percent_of_plan_to_date),
            "percent_of_total": _text(summary.actual_to_date * 100 / total) if total else None,
        }
    statuses = dict(
        Benefit.objects.filter(initiative=initiative)
        .values("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
        .order_by()
    )
    out["statuses"] = {value: int(statuses.get(value, 0)) for value in BenefitStatus.values}
    out["rag"] = {"overall": rollup.overall, **rollup.counts}
    return out


def outstanding_benefits(initiative) -> list[Benefit]:
    """Benefits not yet fully realised, which closure hands to business as usual.

    A benefit is outstanding unless it is marked realised or closed; a savings benefit
    (money or hours, not a dis-benefit) marked realised is outstanding still while its
    actuals fall short of its planned total.
    """
    benefits = list(
        Benefit.objects.filter(initiative=initiative)
        .exclude(status=BenefitStatus.CLOSED)
        .select_related("owner", "measurement_owner")
        .order_by("reference")
    )
    planned = dict(
        PlannedValue.objects.filter(benefit__initiative=initiative)
        .values("benefit_id")
        .annotate(total=Sum("value"))
        .values_list("benefit_id", "total")
        .order_by()
    )
    actual = dict(
        Measurement.objects.filter(benefit__initiative=initiative, value__isnull=False)
        .values("benefit_id")
        .annotate(total=Sum("value"))
        .values_list("benefit_id", "total")
        .order_by()
    )
    out = []
    for benefit in benefits:
        if benefit.status not in DONE:
            out.append(benefit)
            continue
        summed = (
            benefit.nature == Nature.QUANTITATIVE
            and benefit.subcategory in SUMMED_SUBCATEGORIES
            and not benefit.is_disbenefit
        )
        if summed and formats.q2(actual.get(benefit.pk)) < formats.q2(planned.get(benefit.pk)):
            out.append(benefit)
    return out


def _decimal(figures: dict, name: str) -> Decimal | None:
    text = figures.get(name)
    return Decimal(text) if text is not None else None


def realised_rows(realised: dict) -> list[list[str]]:
    """The computed level of benefits realised as table rows (money, then hours)."""
    rows = []
    for measure in (MONEY, HOURS):
        figures = realised.get(measure) or {}
        if not (_decimal(figures, "planned_total") or _decimal(figures, "actual_to_date")):
            continue
        rows.append(
            [
                MEASURE_TITLES[measure],
                formats.measure_value(measure, _decimal(figures, "planned_total")),
                formats.measure_value(measure, _decimal(figures, "planned_to_date")),
                formats.measure_value(measure, _decimal(figures, "actual_to_date")),
                formats.percent(_decimal(figures, "percent_of_plan_to_date")),
                formats.percent(_decimal(figures, "percent_of_total")),
            ]
        )
    return rows


def realised_table(realised: dict) -> dict:
    return blocks.table(
        f"Benefits realised to the end of {formats.month_label(_month(realised['to_date']))}",
        [
            blocks.column("Measure"),
            blocks.column("Planned in total", numeric=True),
            blocks.column("Planned to date", numeric=True),
            blocks.column("Realised to date", numeric=True),
            blocks.column("% of plan to date", numeric=True),
            blocks.column("% of total plan", numeric=True),
        ],
        realised_rows(realised),
        empty="No money or hours were planned or realised.",
    )


def _month(text: str) -> datetime.date:
    return datetime.date(int(text[:4]), int(text[5:7]), 1)


def _chart(initiative, as_at: datetime.date) -> list[dict]:
    summaries = engine.measure_summaries(
        RealisationFilter(initiative=initiative), today=as_at, include_trend=False
    )
    out = []
    for measure, summary in summaries.items():
        if not (summary.planned_total or summary.actual_to_date):
            continue
        rows = dashboards.period_rows(summary, "year")
        title = f"{MEASURE_TITLES[measure]} planned and realised by financial year"
        data = blocks.series_table(title, measure, rows, "Financial year", forecast=False)
        png = charts.over_time(rows, measure=measure, title=title, fmt="png")
        alt = (
            f"Bar chart of {MEASURE_TITLES[measure].lower()} planned and realised in each "
            "financial year of the initiative; the table below gives the figures."
        )
        out.append(blocks.chart(title, png, alt, data))
    return out


def _benefit_rows(initiative, as_at: datetime.date, handed: set[int]) -> list[list[str]]:
    statuses = dict(BenefitStatus.choices)
    rags = {
        row.benefit_id: row
        for row in engine.benefit_rag(RealisationFilter(initiative=initiative), today=as_at)
    }
    rows = []
    for benefit in Benefit.objects.filter(initiative=initiative).order_by("reference"):
        rag = rags.get(benefit.pk)
        summed = rag is not None and rag.kind in engine.MEASURES
        rows.append(
            [
                benefit.reference,
                benefit.title + (" (dis-benefit)" if benefit.is_disbenefit else ""),
                statuses.get(benefit.status, benefit.status),
                formats.unit_value(benefit.unit, rag.planned) if summed else formats.DASH,
                formats.unit_value(benefit.unit, rag.actual) if summed else formats.DASH,
                formats.rag(rag.rag if rag else None),
                "Business as usual" if benefit.pk in handed else "Complete",
            ]
        )
    return rows


def closure_lessons(record: ClosureRecord) -> list:
    """The lessons a closure report lists. Whoever may read the closure may read the
    initiative: only lessons open at least as widely as its collaboration are listed, never
    one kept narrower (a private lesson of a policing collaboration)."""
    reach = VISIBILITY_RANK[record.initiative.collaboration.visibility]
    return [
        lesson
        for lesson in record.lessons.select_related("author").order_by("pk")
        if VISIBILITY_RANK.get(lesson.visibility, 0) >= reach
    ]


def build_closure(record: ClosureRecord, *, marking: str | None = None) -> dict:
    """The closure report of a closed initiative, as recorded at its closure."""
    initiative = record.initiative
    as_at = record.closed_on
    handovers = list(
        record.handovers.select_related(
            "benefit", "bau_owner", "measurement_owner", "previous_owner"
        ).order_by("benefit__reference")
    )
    handed = {handover.benefit_id for handover in handovers}
    lessons = closure_lessons(record)
    review = record.review
    closed_by = record.closed_by
    facts = [
        ("Initiative", initiative.name),
        ("Collaboration", initiative.collaboration.name),
        ("Senior responsible officer", formats.person(initiative.sro)),
        ("Stage at closure", initiative.get_stage_display()),
        ("Closed on", formats.day_label(record.closed_on)),
        (
            "Closed by",
            (closed_by.get_full_name() or closed_by.get_username())
            if closed_by
            else "Not recorded",
        ),
        ("Post-implementation review", formats.day_label(review.due_on) if review else "Not set"),
        ("Benefits handed to business as usual", str(len(handovers))),
        ("Lessons added to the lessons log", str(len(lessons))),
    ]
    lesson_blocks: list[dict] = []
    for number, lesson in enumerate(lessons, 1):
        lesson_blocks.append(blocks.subheading(f"Lesson {number}: {lesson.title}"))
        lesson_blocks.append(
            blocks.facts(
                [
                    ("Theme", lesson.get_theme_display()),
                    ("Stage", lesson.get_stage_display() if lesson.stage is not None else "Any"),
                    ("What happened", lesson.what_happened),
                    ("What to repeat", lesson.what_to_repeat or formats.DASH),
                    ("What to avoid", lesson.what_to_avoid or formats.DASH),
                    ("Recommendation", lesson.recommendation or formats.DASH),
                ]
            )
        )
    if not lesson_blocks:
        lesson_blocks = [blocks.paragraph("No lessons were recorded.")]
    chart_blocks = _chart(initiative, as_at) or [
        blocks.paragraph("No money or hours were planned for this initiative.")
    ]
    review_text = (
        f"The post-implementation review of {initiative.name} is due on "
        f"{formats.day_label(review.due_on)}. It checks that the benefits handed to business "
        "as usual are still being realised and measured, and whether the lessons above were "
        "acted on."
        if review
        else "No post-implementation review is set."
    )
    sections = blocks.sections(
        (
            "Summary",
            blocks.narrative(record.summary, "No closing summary was written."),
        ),
        (
            "Benefits realised",
            [
                realised_table(record.realised),
                blocks.table(
                    "Each benefit at closure",
                    [
                        blocks.column("Reference"),
                        blocks.column("Benefit"),
                        blocks.column("Status"),
                        blocks.column("Planned to date", numeric=True),
                        blocks.column("Realised to date", numeric=True),
                        blocks.column("RAG", rag=True),
                        blocks.column("After closure"),
                    ],
                    _benefit_rows(initiative, as_at, handed),
                    empty="The initiative had no benefits.",
                ),
                *chart_blocks,
            ],
        ),
        (
            "Benefits handed over to business as usual",
            [
                blocks.paragraph(
                    "These benefits were not yet fully realised at closure. They stay in the "
                    "register with the status 'realising' and their new owners keep recording "
                    "the measures that continue."
                ),
                blocks.table(
                    "Outstanding benefits and their owners in business as usual",
                    [
                        blocks.column("Reference"),
                        blocks.column("Benefit"),
                        blocks.column("Owner in business as usual"),
                        blocks.column("Measurement owner"),
                        blocks.column("Measures that continue"),
                        blocks.column("Owner before closure"),
                    ],
                    [
                        [
                            handover.benefit.reference,
                            handover.benefit.title,
                            formats.person(handover.bau_owner),
                            formats.person(handover.measurement_owner),
                            handover.continuing_measures,
                            formats.person(handover.previous_owner),
                        ]
                        for handover in handovers
                    ],
                    empty="Every benefit was fully realised: nothing was handed over.",
                ),
            ],
        ),
        ("Lessons learned", lesson_blocks),
        ("Post-implementation review", [blocks.paragraph(review_text)]),
    )
    return {
        "kind": "closure",
        "title": "Project closure report",
        "subtitle": initiative.name,
        "marking": marking or record.marking,
        "filename": f"closure-{initiative.slug}",
        "produced_on": timezone.localdate(),
        "facts": facts,
        "contents": False,
        "sections": sections,
    }
