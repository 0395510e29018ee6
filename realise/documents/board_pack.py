"""The pack for a governance body's meeting: its content as a plain dict.

Exceptions first (benefits off track and measurements overdue), then the decisions asked
of the body, the items escalated to it, every initiative's one-line status (exceptions
first) and the dashboard cut the body uses (the same sections as its dashboard page, in
`realise.reports.dashboards.sections.BOARD_SECTIONS`), then what else falls due. Figures are
as at the meeting date, or as at today for a meeting still to come.
"""

from __future__ import annotations

import datetime

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from realise.benefits import realisation as engine
from realise.benefits.models import Benefit
from realise.benefits.realisation import HOURS, MONEY, RealisationFilter
from realise.collaborations.models import Initiative
from realise.core import inputs
from realise.core.language import month_year
from realise.documents import blocks, formats
from realise.documents.models import HighlightReport, Marking
from realise.governance.models import (
    BodyType,
    EscalationKind,
    Meeting,
    MeetingStatus,
)
from realise.governance.services import (
    Agenda,
    build_agenda,
    collaboration_tree,
    highlight_report_month,
)
from realise.reports import charts, dashboards
from realise.reports.dashboards.sections import BOARD_SECTIONS, DEFAULT_BOARD_SECTIONS

MEASURE_TITLES = {MONEY: gettext_lazy("Money (£)"), HOURS: gettext_lazy("Hours")}
BENEFIT_ROWS_SHOWN = 60
PERIODS = {
    BodyType.PROGRAMME_BOARD: "quarter",
    BodyType.PROCUREMENT_BOARD: "quarter",
    BodyType.OVERSIGHT_GROUP: "quarter",
}


def meeting_date_problem(day: datetime.date) -> str | None:
    """Why there is no pack for a meeting on `day`: it lies outside the days Realise records
    (those of the months `inputs.month_problem` accepts, 2000 to fifty years ahead)."""
    if inputs.month_problem(day.replace(day=1)) is None:
        return None
    first, last = inputs.days_recorded()
    return _("The meeting date must be from %(first)s to %(last)s.") % {
        "first": first.isoformat(),
        "last": last.isoformat(),
    }


def figures_day(day: datetime.date, today: datetime.date | None = None) -> datetime.date:
    """The day a pack's figures are counted on: the meeting's, or today for a meeting still
    to come (the months after today have no actuals yet, and are not due), as its agenda
    counts the benefits off track."""
    return min(day, today or timezone.localdate())


# The agenda ----------------------------------------------------------------------------------


def agenda_for(body, day: datetime.date, user=None) -> Agenda:
    """The agenda of the body's meeting on `day`; when no meeting is recorded that day, what
    a meeting that day would have on it (without decisions, none being recorded). With
    `user`, only what they may see (`build_agenda`)."""
    meeting = (
        body.meetings.filter(date=day)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("pk")
        .first()
    )
    return build_agenda(meeting or Meeting(body=body, date=day), user)


# The body's dashboard cut --------------------------------------------------------------------


def _board_sections(body_type: str) -> tuple[str, ...]:
    return tuple(BOARD_SECTIONS.get(body_type, DEFAULT_BOARD_SECTIONS))


def body_filters(body) -> RealisationFilter:
    """The cut of the body's dashboard: its collaboration (with those nested in it); money
    only for a financial steering group. Force boards see every member force's share."""
    if body.body_type == BodyType.FINANCIAL_STEERING_GROUP:
        return RealisationFilter(
            collaboration=body.collaboration, subcategories=dashboards.MONEY_SUBCATEGORIES
        )
    return RealisationFilter(collaboration=body.collaboration)


def _measures(body) -> tuple[str, ...]:
    if body.body_type == BodyType.FINANCIAL_STEERING_GROUP:
        return (MONEY,)
    return (MONEY, HOURS)


def headline_table(summaries, measures, *, trend=False) -> dict:
    rows = dashboards.headline_rows({m: summaries[m] for m in measures})
    columns = [
        blocks.column(_("Measure")),
        blocks.column(_("Planned in total"), numeric=True),
        blocks.column(_("Planned to date"), numeric=True),
        blocks.column(_("Realised to date"), numeric=True),
        blocks.column(_("Of which outside the plan"), numeric=True),
        blocks.column(_("% of plan to date (benefits with a plan)"), numeric=True),
        blocks.column(_("Forecast"), numeric=True),
    ]
    if trend:
        columns.append(blocks.column(_("Forecast at the recent rate"), numeric=True))
    columns.append(blocks.column(_("RAG"), rag=True))
    out = []
    for row in rows:
        measure = row["key"]
        cells = [
            row["measure"],
            formats.measure_value(measure, row["planned_total"]),
            formats.measure_value(measure, row["planned_to_date"]),
            formats.measure_value(measure, row["actual_to_date"]),
            formats.measure_value(measure, row["outside_plan"]),
            formats.percent(row["percent"]),
            formats.measure_value(measure, row["forecast_total"]),
        ]
        if trend:
            cells.append(formats.measure_value(measure, row["trend_forecast_total"]))
        cells.append(formats.rag(row["rag"]))
        out.append(cells)
    caption = (
        _("Forecasts of the total: from the plan, and at the recent rate")
        if trend
        else _("Money and hours planned, realised and forecast (never added together)")
    )
    return blocks.table(caption, columns, out)


def _period_blocks(summaries, measures, period: str) -> list[dict]:
    out: list[dict] = []
    name = dashboards.PERIOD_NAMES[period]
    for measure in measures:
        rows = dashboards.period_rows(summaries[measure], period)
        if not rows:
            continue
        # The window shown (`_window`), not the whole plan: its cumulative columns count
        # from its first period, and the title says which periods they are.
        title = _("%(measure)s planned and realised by %(period)s, %(first)s to %(last)s") % {
            "measure": MEASURE_TITLES[measure],
            "period": name,
            "first": rows[0]["period"],
            "last": rows[-1]["period"],
        }
        if not out:
            out.append(
                blocks.paragraph(
                    _(
                        "The cumulative columns count from %(first)s, the first period shown, "
                        "not from the start of the plan."
                    )
                    % {"first": rows[0]["period"]}
                )
            )
        data = blocks.series_table(title, measure, rows, _("Period"))
        png = charts.over_time(rows, measure=measure, title=title, fmt="png")
        alt = _(
            "Bar chart of %(measure)s planned and realised by %(period)s, %(first)s to "
            "%(last)s; the table below gives the figures."
        ) % {
            "measure": str(MEASURE_TITLES[measure]).lower(),
            "period": name,
            "first": rows[0]["period"],
            "last": rows[-1]["period"],
        }
        out.append(blocks.chart(title, png, alt, data))
    return out


def _force_blocks(figures, measures) -> list[dict]:
    rows = dashboards.force_rows(figures.forces())
    if not rows:
        return [blocks.paragraph(_("No force shares in this selection."))]
    out = []
    for measure in measures:
        title = _("Each force's share of %(measure)s to date") % {
            "measure": str(MEASURE_TITLES[measure]).lower()
        }
        data = blocks.table(
            _("%(title)s: the chart's figures") % {"title": title},
            [
                blocks.column(_("Force")),
                blocks.column(_("Planned in total"), numeric=True),
                blocks.column(_("Planned to date"), numeric=True),
                blocks.column(_("Realised to date"), numeric=True),
                blocks.column(_("% of plan to date"), numeric=True),
            ],
            [
                [
                    row["force"],
                    formats.measure_value(measure, row[f"{measure}_planned_total"]),
                    formats.measure_value(measure, row[f"{measure}_planned_to_date"]),
                    formats.measure_value(measure, row[f"{measure}_actual_to_date"]),
                    formats.percent(row[f"{measure}_percent"]),
                ]
                for row in rows
            ],
        )
        png = charts.by_force(rows, measure=measure, title=title, fmt="png")
        alt = _(
            "Horizontal bar chart of each force's share of %(measure)s planned and realised "
            "to date; the table below gives the figures."
        ) % {"measure": str(MEASURE_TITLES[measure]).lower()}
        out.append(blocks.chart(title, png, alt, data))
    return out


def _slices_table(summaries, measures, cashable_first) -> dict:
    rows = dashboards.slice_rows({m: summaries[m] for m in measures}, cashable_first=cashable_first)
    return blocks.table(
        _(
            "Identified and not identified in the business case; cashable and non-cashable; "
            "realised outside the plan"
        ),
        [
            blocks.column(_("Measure")),
            blocks.column(_("Slice")),
            blocks.column(_("Planned in total"), numeric=True),
            blocks.column(_("Realised to date"), numeric=True),
        ],
        [
            [
                row["measure"],
                row["slice"],
                formats.measure_value(
                    row["measure_key"],
                    row["planned_total"],
                ),
                formats.measure_value(
                    row["measure_key"],
                    row["actual_to_date"],
                ),
            ]
            for row in rows
        ],
    )


def subcategory_table(summaries, measures, figures) -> dict:
    """Each sub-category like for like, as the headline (see `dashboards.subcategory_rows`)."""
    shown = {m: summaries[m] for m in measures}
    rows = dashboards.subcategory_rows(shown, figures.subcategory_totals(shown))
    return blocks.table(
        _("By sub-category"),
        [
            blocks.column(_("Sub-category")),
            blocks.column(_("Planned in total"), numeric=True),
            blocks.column(_("Planned to date"), numeric=True),
            blocks.column(_("Realised to date"), numeric=True),
            blocks.column(_("Of which outside the plan"), numeric=True),
            blocks.column(_("% of plan to date (benefits with a plan)"), numeric=True),
        ],
        [
            [
                row["subcategory"],
                formats.measure_value(row["measure_key"], row["planned_total"]),
                formats.measure_value(row["measure_key"], row["planned_to_date"]),
                formats.measure_value(row["measure_key"], row["actual_to_date"]),
                formats.measure_value(row["measure_key"], row["outside_plan"]),
                formats.percent(row["percent"]),
            ]
            for row in rows
        ],
    )


def _cashable_table(figures) -> dict:
    rows = dashboards.cashable_group_rows(figures)
    return blocks.table(
        _("Money by initiative, cashable first"),
        [
            blocks.column(_("Initiative")),
            blocks.column(_("Cashable planned"), numeric=True),
            blocks.column(_("Cashable realised"), numeric=True),
            blocks.column(_("Non-cashable planned"), numeric=True),
            blocks.column(_("Non-cashable realised"), numeric=True),
        ],
        [
            [
                row["name"],
                formats.pounds(row["cashable_planned_total"]),
                formats.pounds(row["cashable_actual_to_date"]),
                formats.pounds(row["non_cashable_planned_total"]),
                formats.pounds(row["non_cashable_actual_to_date"]),
            ]
            for row in rows
        ],
        empty=_("No money planned or realised."),
    )


def _qualitative_table(figures) -> dict:
    return blocks.table(
        _("Qualitative benefits by status (reported as status, not summed)"),
        [blocks.column(_("Status")), blocks.column(_("Benefits"), numeric=True)],
        [[row["status"], str(row["count"])] for row in figures.qualitative()],
    )


def _groups_table(figures) -> dict:
    rows = dashboards.group_rows(figures.groups("initiative"), "initiative")
    return blocks.table(
        _("Money and hours by initiative"),
        [
            blocks.column(_("Initiative")),
            blocks.column(_("Money planned to date"), numeric=True),
            blocks.column(_("Money realised to date"), numeric=True),
            blocks.column(_("Hours planned to date"), numeric=True),
            blocks.column(_("Hours realised to date"), numeric=True),
        ],
        [
            [
                row["name"],
                formats.pounds(row["money_planned_to_date"]),
                formats.pounds(row["money_actual_to_date"]),
                formats.hours(row["hours_planned_to_date"]),
                formats.hours(row["hours_actual_to_date"]),
            ]
            for row in rows
        ],
        empty=_("No money or hours planned or realised."),
    )


def _benefits_table(rows: list, caption: str, empty: str, people: dict) -> list[dict]:
    shown = rows[:BENEFIT_ROWS_SHOWN]
    out = [
        blocks.table(
            caption,
            [
                blocks.column(_("Reference")),
                blocks.column(_("Benefit")),
                blocks.column(_("Initiative")),
                blocks.column(_("RAG"), rag=True),
                blocks.column(_("% of plan"), numeric=True),
                blocks.column(_("Months overdue"), numeric=True),
                blocks.column(_("Benefit owner")),
            ],
            [
                [
                    row.reference,
                    row.title,
                    row.initiative,
                    formats.rag(row.rag),
                    formats.percent(row.percent),
                    str(row.overdue_months),
                    people.get(row.benefit_id, _("Not named")),
                ]
                for row in shown
            ],
            empty=empty,
        )
    ]
    if len(rows) > len(shown):
        out.append(
            blocks.paragraph(
                _("And %(count)s more: see the body's dashboard in Realise.")
                % {"count": len(rows) - len(shown)}
            )
        )
    return out


def _owners(benefit_ids) -> dict[int, str]:
    return {
        benefit.pk: formats.person(benefit.owner)
        for benefit in Benefit.objects.filter(pk__in=list(benefit_ids)).select_related("owner")
    }


def _window(cut, period: str) -> dict:
    """Months shown over time around the meeting: the financial year before it to the year
    after it by quarter; two years before to the year after by year."""
    year = engine.financial_year(cut.today)
    first = year - (1 if period == "quarter" else 2)
    start, end = datetime.date(first, 4, 1), datetime.date(year + 2, 3, 1)
    if cut.filters.period_from:
        start = max(start, cut.filters.period_from)
    if cut.filters.period_to:
        end = min(end, cut.filters.period_to)
    return {"period_from": start, "period_to": end}


def _dashboard_blocks(body, figures, period: str) -> list[dict]:
    measures = _measures(body)
    cashable_first = body.body_type == BodyType.FINANCIAL_STEERING_GROUP
    summaries = figures.summaries(trend=True)
    what = (
        _("money (savings and cost avoidance), cashable first")
        if cashable_first
        else _("money and hours, never added together")
    )
    out: list[dict] = [
        blocks.paragraph(
            _(
                "The cut the %(body)s uses: %(what)s, for %(collaboration)s and the "
                "collaborations within it."
            )
            % {
                "body": body.get_body_type_display().lower(),
                "what": what,
                "collaboration": body.collaboration.name,
            }
        )
    ]
    sections = list(_board_sections(body.body_type))
    if "slices" not in sections:
        # Every pack shows apart what the business case never identified and what was
        # realised outside the plan, beside the headline.
        sections.insert(sections.index("headline") + 1 if "headline" in sections else 0, "slices")
    if body.body_type in (BodyType.CHIEF_CONSTABLE_BOARD, BodyType.DEPUTY_CHIEF_CONSTABLE_BOARD):
        sections.append("forces")  # each member force's share, in place of the page's chooser
    for name in sections:
        if name == "headline":
            out.append(headline_table(summaries, measures))
        elif name == "trend":
            out.append(headline_table(summaries, measures, trend=True))
        elif name == "slices":
            out.append(_slices_table(summaries, measures, cashable_first))
        elif name == "subcategories":
            out.append(subcategory_table(summaries, measures, figures))
        elif name == "over_time":
            window = dashboards.Figures(figures.cut.narrowed(**_window(figures.cut, period)))
            out.extend(_period_blocks(window.summaries(), measures, period))
        elif name == "forces":
            out.extend(_force_blocks(figures, measures))
        elif name == "cashable":
            out.append(_cashable_table(figures))
        elif name == "groups":
            out.append(_groups_table(figures))
        elif name == "qualitative":
            out.append(_qualitative_table(figures))
        elif name == "benefits":
            rows = figures.benefits()
            out.extend(
                _benefits_table(
                    rows,
                    _("Benefits, exceptions first"),
                    _("No benefits in this cut."),
                    _owners(row.benefit_id for row in rows[:BENEFIT_ROWS_SHOWN]),
                )
            )
        # "initiatives" and "escalations" have sections of their own in the pack.
    return out


# One-line statuses ---------------------------------------------------------------------------


def _one_line(row: dict, highlight: HighlightReport | None) -> str:
    parts = [row["stage"], row["status"].lower()]
    counts = ", ".join(
        f"{row[value]} {formats.rag(value).lower()}"
        for value in (engine.RED, engine.AMBER, engine.GREEN)
        if row[value]
    )
    parts.append(f"RAG {formats.rag(row['rag']).lower()}" + (f" ({counts})" if counts else ""))
    if row["overdue"]:
        parts.append(
            ngettext(
                "%(count)s measurement overdue", "%(count)s measurements overdue", row["overdue"]
            )
            % {"count": row["overdue"]}
        )
    if row["money_planned_to_date"] or row["money_actual_to_date"]:
        parts.append(
            _("%(realised)s realised of %(planned)s planned to date")
            % {
                "realised": formats.pounds(row["money_actual_to_date"]),
                "planned": formats.pounds(row["money_planned_to_date"]),
            }
        )
    line = "; ".join(parts) + "."
    if highlight is not None and highlight.progress.strip():
        first = highlight.progress.strip().split("\n")[0]
        line += " " + _("Highlight (%(month)s): %(text)s") % {
            "month": formats.month_label(highlight.month),
            "text": first,
        }
    return line


# The pack ------------------------------------------------------------------------------------


def build_board_pack(
    body,
    day: datetime.date,
    *,
    marking: str = Marking.OFFICIAL,
    user=None,
) -> dict:
    """The pack for `body`'s meeting on `day`, as seen by `user` (None: everything); its
    figures as at `figures_day(day)`."""
    agenda = agenda_for(body, day, user)
    as_at = figures_day(day)
    scope = dashboards.scope_for(user) if user is not None else dashboards.Scope(None, "all")
    cut = dashboards.Cut(filters=body_filters(body), scope=scope, today=as_at)
    figures = dashboards.Figures(cut)
    whole = dashboards.Figures(
        dashboards.Cut(RealisationFilter(collaboration=body.collaboration), scope, as_at)
    )
    period = PERIODS.get(body.body_type, "year")
    tree = collaboration_tree(body.collaboration)
    initiatives = Initiative.objects.filter(collaboration_id__in=tree)
    if user is not None:
        initiatives = initiatives.filter(pk__in=Initiative.objects.visible_to(user).values("pk"))
    visible_ids = set(initiatives.values_list("pk", flat=True))

    # Exceptions: benefits rated red or amber, then those with measurements overdue.
    rated = whole.benefits()
    off_track = [row for row in rated if row.rag in (engine.RED, engine.AMBER)]
    flagged = {row.benefit_id for row in off_track}
    overdue = [row for row in rated if row.measurement_overdue and row.benefit_id not in flagged]
    people = _owners(row.benefit_id for row in (off_track + overdue)[: 2 * BENEFIT_ROWS_SHOWN])

    # Decisions asked of the body (the agenda holds only what `user` may see).
    gates, escalations = agenda.stage_gates, agenda.escalations
    decision_escalations = [
        item
        for item in escalations
        if item.kind == EscalationKind.DECISION_NEEDED and not item.is_resolved
    ]
    month, _due = highlight_report_month(day)
    highlights = {
        report.initiative_id: report
        for report in HighlightReport.objects.filter(
            initiative_id__in=visible_ids, month__lte=month
        )
        .select_related("initiative")
        .order_by("initiative_id", F("month").asc())
    }
    asked_in_highlights = sorted(
        (report for report in highlights.values() if report.month == month),
        key=lambda report: report.initiative.name,
    )
    asked_in_highlights = [r for r in asked_in_highlights if r.decisions_needed.strip()]

    decision_rows = [
        [
            item.initiative.name,
            _("Stage gate: to %(stage)s") % {"stage": item.to_stage_label},
            _("Benefits meet the standard")
            if item.gate.passes
            else _("Not ready: ") + "; ".join(item.gate.messages()),
        ]
        for item in gates
    ]
    decision_rows += [
        [
            (item.initiative.name if item.initiative else item.from_body.name),
            _("Escalated by %(body)s") % {"body": item.from_body.name},
            item.summary,
        ]
        for item in decision_escalations
    ]
    decision_rows += [
        [
            report.initiative.name,
            _("Highlight report, %(month)s") % {"month": month_year(report.month)},
            report.decisions_needed,
        ]
        for report in asked_in_highlights
    ]

    escalation_rows = [
        [
            item.from_body.name,
            item.get_kind_display(),
            (
                f"{item.benefit.reference} {item.benefit.title}"
                if item.benefit
                else (item.initiative.name if item.initiative else formats.DASH)
            ),
            item.summary,
            formats.day_label(timezone.localtime(item.raised_at).date()),
            _("Resolved") if item.is_resolved else _("Open"),
        ]
        for item in escalations
    ]

    initiative_rows = [
        row for row in dashboards.initiative_rows(whole) if row["key"] in visible_ids
    ]
    status_rows = [
        [
            row["name"],
            formats.rag(row["rag"]),
            _one_line(row, highlights.get(row["key"])),
        ]
        for row in initiative_rows
    ]

    due_items = []
    for review in agenda.reviews:
        due_items.append(
            _("Post-implementation review of %(initiative)s: due %(day)s")
            % {"initiative": review.initiative.name, "day": formats.day_label(review.due_on)}
        )
    for agreement in agenda.agreements:
        words = (
            _("Annual review of the agreement '%(title)s': overdue since %(day)s")
            if agreement.review_due < agenda.meeting.date
            else _("Annual review of the agreement '%(title)s': due %(day)s")
        )
        due_items.append(
            words % {"title": agreement.title, "day": formats.day_label(agreement.review_due)}
        )
    for item in agenda.highlight_reports:
        due_items.append(
            _("Highlight report of %(initiative)s on %(month)s: due %(day)s")
            % {
                "initiative": item.initiative.name,
                "month": month_year(item.month),
                "day": formats.day_label(item.due_on),
            }
        )
    for action in agenda.open_actions:
        owner = action.owner.name if action.owner else _("nobody named")
        due_items.append(
            _("Open action: %(text)s (%(owner)s, due %(day)s)")
            % {"text": action.text, "owner": owner, "day": formats.day_label(action.due_on)}
            if action.due_on
            else _("Open action: %(text)s (%(owner)s)") % {"text": action.text, "owner": owner}
        )

    meeting = agenda.meeting
    facts = [
        (_("Body"), f"{body.name} ({body.get_body_type_display()})"),
        (_("Collaboration"), body.collaboration.name),
        (
            _("Meeting"),
            formats.day_label(day) + ("" if meeting.pk else _(" (no meeting recorded)")),
        ),
        (_("Chair"), formats.person(body.chair) if body.chair else _("Not named")),
        (_("Figures as at"), formats.day_label(as_at)),
        (_("Benefits off track"), str(len(off_track))),
        (_("Measurements overdue"), str(sum(1 for row in rated if row.measurement_overdue))),
        (_("Decisions requested"), str(len(decision_rows))),
        (_("Items escalated"), str(len(escalation_rows))),
    ]
    sections = blocks.sections(
        (
            _("Exceptions"),
            _benefits_table(
                off_track,
                _("Benefits off track (red or amber), worst first"),
                _("No benefit is off track."),
                people,
            )
            + _benefits_table(
                overdue,
                _("Other benefits with measurements overdue"),
                _("No other benefit has a measurement overdue."),
                people,
            ),
        ),
        (
            _("Decisions requested"),
            [
                blocks.table(
                    _("Decisions asked of this body"),
                    [
                        blocks.column(_("Initiative or body")),
                        blocks.column(_("Asked by")),
                        blocks.column(_("Decision requested")),
                    ],
                    decision_rows,
                    empty=_("No decisions are requested."),
                )
            ],
        ),
        (
            _("Items escalated to this body"),
            [
                blocks.table(
                    _("Escalations open at the meeting, oldest first"),
                    [
                        blocks.column(_("From")),
                        blocks.column(_("Kind")),
                        blocks.column(_("About")),
                        blocks.column(_("Summary")),
                        blocks.column(_("Raised")),
                        blocks.column(_("Status")),
                    ],
                    escalation_rows,
                    empty=_("Nothing has been escalated to this body."),
                )
            ],
        ),
        (
            _("Initiatives: one-line status"),
            [
                blocks.table(
                    _("Every initiative, exceptions first"),
                    [
                        blocks.column(_("Initiative")),
                        blocks.column(_("RAG"), rag=True),
                        blocks.column(_("Status")),
                    ],
                    status_rows,
                    empty=_("The collaboration has no initiatives."),
                )
            ],
        ),
        (_("Benefits dashboard"), _dashboard_blocks(body, figures, period)),
        (
            _("Also due before the next meeting"),
            [
                blocks.bullets(due_items)
                if due_items
                else blocks.paragraph(_("Nothing else is due."))
            ],
        ),
    )
    return {
        "kind": "board_pack",
        "title": _("%(body)s: board pack") % {"body": body.name},
        "subtitle": _("Meeting on %(day)s") % {"day": formats.day_label(day)},
        "marking": marking,
        "filename": f"board-pack-{body.slug}-{day:%Y-%m-%d}",
        "produced_on": timezone.localdate(),
        "facts": facts,
        "contents": True,
        "sections": sections,
    }
