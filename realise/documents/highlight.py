"""The monthly highlight report of an initiative: its content as a plain dict.

The report on a month counts figures as at the end of that month: "to date" is up to and
including the month reported on, and a measurement is overdue when its month ended more
than the grace period before the month after it began (see docs/realisation.md).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from realise.benefits import realisation as engine
from realise.benefits.models import Benefit, BenefitStatus, Measurement, PlannedValue
from realise.benefits.realisation import RealisationFilter, add_months, financial_year
from realise.core import formatting, language
from realise.documents import blocks, formats
from realise.documents.models import HighlightReport, Marking
from realise.governance.services import VISIBILITY_RANK
from realise.reports import charts, dashboards

MEASURE_TITLES = {"money": gettext_lazy("Money (£)"), "hours": gettext_lazy("Hours")}


def as_at(month: datetime.date) -> datetime.date:
    """The day the figures of a month's report are counted on: the first of the next month."""
    return add_months(month, 1)


def month_problem(month: datetime.date, today: datetime.date | None = None) -> str | None:
    """Why there is no highlight report on `month` yet: it has not ended (a report on a
    month still running would count its plan as due with nothing measured)."""
    latest = engine.last_complete_month(today or timezone.localdate())
    if month.replace(day=1) <= latest:
        return None
    return _("A highlight report covers a month once it has ended: the latest is %(month)s.") % {
        "month": language.month_year(latest)
    }


def find_report(initiative, month: datetime.date) -> HighlightReport | None:
    return HighlightReport.objects.filter(initiative=initiative, month=month).first()


def _benefit_figures(initiative, month: datetime.date) -> dict[int, dict[str, Decimal]]:
    """Per benefit: planned and realised in the month and to the end of it, planned in
    total (two grouped queries)."""
    figures: dict[int, dict[str, Decimal]] = {}
    planned = (
        PlannedValue.objects.filter(benefit__initiative=initiative)
        .values("benefit_id")
        .annotate(
            month=Sum("value", filter=Q(period=month)),
            to_date=Sum("value", filter=Q(period__lte=month)),
            total=Sum("value"),
        )
        .order_by()
    )
    for row in planned:
        figures.setdefault(row["benefit_id"], {}).update(
            planned_month=row["month"], planned_to_date=row["to_date"], planned_total=row["total"]
        )
    actual = (
        Measurement.objects.filter(
            benefit__initiative=initiative, period__lte=month, value__isnull=False
        )
        .values("benefit_id")
        .annotate(month=Sum("value", filter=Q(period=month)), to_date=Sum("value"))
        .order_by()
    )
    for sums in actual:
        figures.setdefault(sums["benefit_id"], {}).update(
            actual_month=sums["month"], actual_to_date=sums["to_date"]
        )
    return figures


def listed_benefits(initiative) -> list[Benefit]:
    """The benefits a report on the initiative lists, by reference: its own, and those of
    other initiatives it claims a share of (that share counts in its totals)."""
    return list(
        Benefit.objects.filter(Q(initiative=initiative) | Q(attributions__initiative=initiative))
        .distinct()
        .select_related("owner", "measurement_owner", "initiative__collaboration")
        .order_by("reference")
    )


def unnamed_benefits(initiative, benefits) -> set[int]:
    """The benefits of other collaborations that not every reader of a report on the
    initiative may see: a private collaboration's (whoever sees one private collaboration
    need not see another), or one kept narrower than the initiative's. The report counts its
    share of them without naming them, or their owners."""
    own = initiative.collaboration_id
    reach = VISIBILITY_RANK[initiative.collaboration.visibility]
    unnamed = set()
    for benefit in benefits:
        collaboration = benefit.initiative.collaboration
        if benefit.initiative_id == initiative.pk or collaboration.pk == own:
            continue
        rank = VISIBILITY_RANK.get(collaboration.visibility, 0)
        if collaboration.visibility == "private" or rank < reach:
            unnamed.add(benefit.pk)
    return unnamed


def owner(benefit, role: str, unnamed: set[int]) -> str:
    """A benefit's owner (or measurement owner) in a report, not named for a benefit the
    report does not name."""
    return formats.DASH if benefit.pk in unnamed else formats.person(getattr(benefit, role))


def benefit_name(initiative, benefit, claim, unnamed: set[int]) -> tuple[str, str]:
    """A benefit's reference and title in a report on the initiative, saying when the
    figures shown are the share the initiative claims of a shared benefit."""
    if benefit.pk in unnamed:
        return formats.DASH, _("A share of a benefit of another collaboration")
    words = {"initiative": benefit.initiative.name}
    if claim is not None:
        words["share"] = formatting.share(claim.percent)
    if benefit.initiative_id == initiative.pk:
        note = (
            _(" (shared: this initiative claims %(share)s, the figures shown)") % words
            if claim is not None
            else ""
        )
    elif claim is not None:
        note = (
            _(" (a benefit of %(initiative)s: this initiative claims %(share)s, the figures shown)")
            % words
        )
    else:
        note = _(" (a benefit of %(initiative)s)") % words
    return benefit.reference, benefit.title + note


SHARED_NOTE = gettext_lazy(
    "A benefit shared between initiatives counts here at the share this initiative claims, "
    "so the rows add up to the totals."
)


def _headline(summaries) -> dict:
    rows = []
    for measure, summary in summaries.items():
        if not (summary.planned_total or summary.actual_to_date):
            continue
        rows.append(
            [
                str(MEASURE_TITLES[measure]),
                formats.measure_value(measure, summary.planned_to_date),
                formats.measure_value(measure, summary.actual_to_date),
                formats.measure_value(measure, summary.outside_plan),
                formats.measure_value(measure, summary.verified_actual_to_date),
                formats.percent(summary.percent_of_plan_to_date),
                formats.measure_value(measure, summary.forecast_total),
                formats.measure_value(measure, summary.planned_total),
                formats.rag(summary.rag),
            ]
        )
    return blocks.table(
        _("Money and hours to the end of the month (dis-benefits count against the totals)"),
        [
            blocks.column(_("Measure")),
            blocks.column(_("Planned to date"), numeric=True),
            blocks.column(_("Realised to date"), numeric=True),
            blocks.column(_("Of which outside the plan"), numeric=True),
            blocks.column(_("Of which verified"), numeric=True),
            blocks.column(_("% of plan to date (benefits with a plan)"), numeric=True),
            blocks.column(_("Forecast"), numeric=True),
            blocks.column(_("Planned in total"), numeric=True),
            blocks.column(_("RAG"), rag=True),
        ],
        rows,
        empty=_("No money or hours are planned or realised for this initiative."),
    )


def _slices(summaries) -> dict:
    """Identified in the business case or not, and realised outside the plan, apart."""
    shown = {
        measure: summary
        for measure, summary in summaries.items()
        if summary.planned_total or summary.actual_to_date
    }
    rows = [
        row
        for row in dashboards.slice_rows(shown)
        if row["slice_key"] not in ("cashable", "non_cashable")
    ]
    return blocks.table(
        _(
            "Identified and not identified in the business case; realised outside the plan "
            "(not in the percentage of plan)"
        ),
        [
            blocks.column(_("Measure")),
            blocks.column(_("Benefits")),
            blocks.column(_("Planned in total"), numeric=True),
            blocks.column(_("Realised to date"), numeric=True),
        ],
        [
            [
                row["measure"],
                row["slice"],
                formats.measure_value(row["measure_key"], row["planned_total"]),
                formats.measure_value(row["measure_key"], row["actual_to_date"]),
            ]
            for row in rows
        ],
        empty=_("No money or hours are planned or realised for this initiative."),
    )


def _benefit_table(initiative, benefits, rags, figures, month, claims, unnamed) -> dict:
    statuses = {value: str(label) for value, label in BenefitStatus.choices}
    rows = []
    for benefit in benefits:
        rag = rags.get(benefit.pk)
        kind = rag.kind if rag else engine.QUALITATIVE
        numbers = figures.get(benefit.pk, {})
        claim = claims.get(benefit.pk)
        reference, title = benefit_name(initiative, benefit, claim, unnamed)
        if benefit.is_disbenefit:
            title += _(" (dis-benefit)")
        if kind in engine.MEASURES and claim is not None:
            planned_month, actual_month = claim.in_month(month)
            cells = [
                formats.unit_value(benefit.unit, planned_month),
                formats.unit_value(benefit.unit, actual_month),
                formats.unit_value(benefit.unit, claim.planned_to_date),
                formats.unit_value(benefit.unit, claim.actual_to_date),
                formats.unit_value(benefit.unit, claim.forecast_total),
            ]
        elif kind in engine.MEASURES:
            planned_to_date = formats.q2(numbers.get("planned_to_date"))
            actual_to_date = formats.q2(numbers.get("actual_to_date"))
            remaining = formats.q2(numbers.get("planned_total")) - planned_to_date
            # No actual recorded for the month reads as a dash, never as a zero realised.
            actual_month = numbers.get("actual_month")
            cells = [
                formats.unit_value(benefit.unit, formats.q2(numbers.get("planned_month"))),
                formats.unit_value(
                    benefit.unit, None if actual_month is None else formats.q2(actual_month)
                ),
                formats.unit_value(benefit.unit, planned_to_date),
                formats.unit_value(benefit.unit, actual_to_date),
                formats.unit_value(benefit.unit, actual_to_date + remaining),
            ]
        elif kind == engine.LEVEL:
            level_now = rag.actual if rag and rag.latest_period == month else None
            cells = [
                formats.unit_value(benefit.unit, numbers.get("planned_month")),
                formats.unit_value(benefit.unit, level_now),
                formats.DASH,
                formats.DASH,
                formats.DASH,
            ]
            title += _(" (level)")
        else:
            cells = [formats.DASH] * 5
            status = str(statuses.get(benefit.status, benefit.status)).lower()
            title += _(" (qualitative: %(status)s)") % {"status": status}
        rows.append([reference, title, *cells, formats.rag(rag.rag if rag else None)])
    return blocks.table(
        _("Each benefit's plan and actual for %(month)s and to date")
        % {"month": formats.month_label(month)},
        [
            blocks.column(_("Reference")),
            blocks.column(_("Benefit")),
            blocks.column(_("Planned in month"), numeric=True),
            blocks.column(_("Realised in month"), numeric=True),
            blocks.column(_("Planned to date"), numeric=True),
            blocks.column(_("Realised to date"), numeric=True),
            blocks.column(_("Forecast"), numeric=True),
            blocks.column(_("RAG"), rag=True),
        ],
        rows,
        empty=_("The initiative has no benefits yet."),
    )


def year_label(month: datetime.date) -> str:
    """The financial year of `month`, as '2026/27'."""
    year = financial_year(month)
    return f"{year}/{(year + 1) % 100:02d}"


def _charts(initiative, month: datetime.date, today: datetime.date) -> list[dict]:
    """Planned and realised by month over the financial year of the month reported on."""
    year = financial_year(month)
    start, end = datetime.date(year, 4, 1), datetime.date(year + 1, 3, 1)
    label = year_label(month)
    summaries = engine.measure_summaries(
        RealisationFilter(initiative=initiative, period_from=start, period_to=end),
        today=today,
        include_trend=False,
    )
    out = []
    for measure, summary in summaries.items():
        if not (summary.planned_total or summary.actual_to_date):
            continue
        rows = dashboards.period_rows(summary, "month")
        title = _("%(measure)s planned and realised by month, %(year)s") % {
            "measure": MEASURE_TITLES[measure],
            "year": label,
        }
        png = charts.over_time(rows, measure=measure, title=title, fmt="png")
        data = blocks.series_table(title, measure, rows, _("Month"))
        alt = _(
            "Bar chart of %(measure)s planned and realised in each month of %(year)s; "
            "the table below gives the figures."
        ) % {"measure": str(MEASURE_TITLES[measure]).lower(), "year": label}
        out.append(blocks.chart(title, png, alt, data))
    return out


def build_highlight(
    initiative,
    month: datetime.date,
    *,
    marking: str = Marking.OFFICIAL,
    report: HighlightReport | None = None,
) -> dict:
    """The highlight report of `initiative` on `month` (any day of it)."""
    month = month.replace(day=1)
    today = as_at(month)
    if report is None:
        report = find_report(initiative, month)
    benefits = listed_benefits(initiative)
    by_id = {benefit.pk: benefit for benefit in benefits}
    unnamed = unnamed_benefits(initiative, benefits)
    claims = dashboards.initiative_claims(initiative, benefits, today)
    rag_rows = engine.benefit_rag(RealisationFilter(initiative=initiative), today=today)
    rags = {row.benefit_id: row for row in rag_rows}
    rollup = engine.rag_rollup(rag_rows)
    summaries = engine.measure_summaries(
        RealisationFilter(initiative=initiative), today=today, include_trend=False
    )
    figures = _benefit_figures(initiative, month)

    counts = ", ".join(
        f"{rollup.counts[value]} {formats.rag(value).lower()}"
        for value in (engine.RED, engine.AMBER, engine.GREEN, engine.NONE)
    )
    off_track = [row for row in rag_rows if row.rag in (engine.RED, engine.AMBER)]
    overdue = sorted(
        (row for row in rag_rows if row.measurement_overdue),
        key=lambda row: (-row.overdue_months, row.reference),
    )
    author = report.author if report else None
    summary_facts = [
        (_("Initiative"), initiative.name),
        (_("Collaboration"), initiative.collaboration.name),
        (_("Month reported on"), formats.month_label(month)),
        (_("Figures as at"), formats.day_label(today - datetime.timedelta(days=1))),
        (_("Stage"), initiative.get_stage_display()),
        (_("Status"), initiative.get_status_display()),
        (_("Senior responsible officer"), formats.person(initiative.sro)),
        (_("Overall RAG"), f"{formats.rag(rollup.overall)} ({counts})"),
        (_("Benefits off track"), str(len(off_track))),
        (_("Measurements overdue"), str(len(overdue))),
        (_("Written by"), formats.person(author) if author else _("Not written yet")),
    ]
    chart_blocks = _charts(initiative, month, today)
    if not chart_blocks:
        planned = any(s.planned_total or s.actual_to_date for s in summaries.values())
        chart_blocks = [
            blocks.paragraph(
                _("No money or hours are planned or realised in %(year)s.")
                % {"year": year_label(month)}
                if planned
                else _("No money or hours are planned for this initiative.")
            )
        ]
    sections = blocks.sections(
        (_("Summary"), [blocks.facts(summary_facts), _headline(summaries), _slices(summaries)]),
        (
            _("Progress this month"),
            blocks.narrative(report.progress if report else "", _("No progress has been written.")),
        ),
        (
            _("Benefits: plan and actual"),
            [
                _benefit_table(initiative, benefits, rags, figures, month, claims, unnamed),
                blocks.paragraph(
                    _(
                        "Forecast: realised to date plus the plan for the months after. Counts, "
                        "percentages and scores are levels, never added up: the month's level "
                        "is shown. Qualitative benefits are reported by status."
                    )
                ),
                blocks.paragraph(
                    _("A dash in Realised in month: no actual has been recorded for the month.")
                ),
                *([blocks.paragraph(str(SHARED_NOTE))] if claims else []),
            ],
        ),
        (_("Planned and realised over the year"), chart_blocks),
        (
            _("Benefits off track"),
            [
                blocks.table(
                    _("Benefits rated red or amber, with their owners"),
                    [
                        blocks.column(_("Reference")),
                        blocks.column(_("Benefit")),
                        blocks.column(_("RAG"), rag=True),
                        blocks.column(_("% of plan"), numeric=True),
                        blocks.column(_("Benefit owner")),
                        blocks.column(_("Measurement owner")),
                    ],
                    [
                        [
                            *benefit_name(initiative, by_id[row.benefit_id], None, unnamed),
                            formats.rag(row.rag),
                            formats.percent(row.percent),
                            owner(by_id[row.benefit_id], "owner", unnamed),
                            owner(by_id[row.benefit_id], "measurement_owner", unnamed),
                        ]
                        for row in off_track
                    ],
                    empty=_("No benefit is off track."),
                )
            ],
        ),
        (
            _("Measurements overdue"),
            [
                blocks.table(
                    _("Planned months with no actual recorded after the grace period"),
                    [
                        blocks.column(_("Reference")),
                        blocks.column(_("Benefit")),
                        blocks.column(_("Months overdue"), numeric=True),
                        blocks.column(_("First overdue")),
                        blocks.column(_("Measurement owner")),
                    ],
                    [
                        [
                            *benefit_name(initiative, by_id[row.benefit_id], None, unnamed),
                            str(row.overdue_months),
                            formats.month_label(row.first_overdue),
                            owner(by_id[row.benefit_id], "measurement_owner", unnamed),
                        ]
                        for row in overdue
                    ],
                    empty=_("No measurement is overdue."),
                )
            ],
        ),
        (
            _("Issues and risks"),
            blocks.narrative(report.issues if report else "", _("No issues have been written.")),
        ),
        (
            _("Decisions needed"),
            blocks.narrative(
                report.decisions_needed if report else "", _("No decisions are asked for.")
            ),
        ),
        (
            _("Next steps"),
            blocks.narrative(
                report.next_steps if report else "", _("No next steps have been written.")
            ),
        ),
    )
    return {
        "kind": "highlight",
        "title": _("Monthly highlight report"),
        "subtitle": f"{initiative.name}, {formats.month_label(month)}",
        "marking": marking,
        "filename": f"highlight-{initiative.slug}-{month:%Y-%m}",
        "produced_on": timezone.localdate(),
        "facts": [],
        "contents": False,
        "sections": sections,
    }
