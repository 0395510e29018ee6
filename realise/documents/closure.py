"""The project closure report: its content as a plain dict, and the figures closure needs
(the level of benefits realised, and which benefits are not yet fully realised)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from realise.benefits import realisation as engine
from realise.benefits.models import (
    Benefit,
    BenefitStatus,
    Measurement,
    Nature,
    PlannedValue,
)
from realise.benefits.realisation import HOURS, MONEY, RealisationFilter
from realise.core.dataversion import data_version
from realise.documents import blocks, formats
from realise.documents.highlight import (
    SHARED_NOTE,
    benefit_name,
    listed_benefits,
    unnamed_benefits,
)
from realise.documents.models import ClosureRecord
from realise.documents.render import PDF, render
from realise.governance.services import VISIBILITY_RANK
from realise.knowledge.models import DocumentKind, DocumentVersion
from realise.knowledge.published import VERIFIED_ONLY
from realise.reports import charts, dashboards

MEASURE_TITLES = {MONEY: gettext_lazy("Money (£)"), HOURS: gettext_lazy("Hours")}
SUMMED_SUBCATEGORIES = ("1a", "1b", "1c")
DONE = (BenefitStatus.REALISED, BenefitStatus.CLOSED)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(formats.q2(value))


def benefits_realised(initiative, as_at: datetime.date) -> dict:
    """The level of benefits realised, computed by the realisation engine as at a day:
    money and hours planned (in total and to date) and realised to date, with the share
    of plan realised, and how many benefits stand at each status and RAG. Both
    percentages are like for like, as the dashboards' headline: the actuals of benefits
    with a plan against their plan (to date, and in total); what benefits with no plan
    realised is kept apart (`outside_plan`). Figures are strings with two places
    (JSON-safe, exact)."""
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
            "outside_plan": _text(summary.outside_plan),
            "percent_of_plan_to_date": _text(summary.percent_of_plan_to_date),
            "percent_of_total": (
                _text(summary.actual_in_plan_to_date * 100 / total) if total else None
            ),
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
        outside = _decimal(figures, "outside_plan")
        # A closure recorded before what was realised outside the plan was kept apart kept
        # a share of the whole plan that may not be like for like: it is not shown.
        of_total = _decimal(figures, "percent_of_total") if outside is not None else None
        rows.append(
            [
                str(MEASURE_TITLES[measure]),
                formats.measure_value(measure, _decimal(figures, "planned_total")),
                formats.measure_value(measure, _decimal(figures, "planned_to_date")),
                formats.measure_value(measure, _decimal(figures, "actual_to_date")),
                formats.measure_value(measure, outside),
                formats.percent(_decimal(figures, "percent_of_plan_to_date")),
                formats.percent(of_total),
            ]
        )
    return rows


def realised_table(realised: dict) -> dict:
    return blocks.table(
        _("Benefits realised to the end of %(month)s")
        % {"month": formats.month_label(_month(realised["to_date"]))},
        [
            blocks.column(_("Measure")),
            blocks.column(_("Planned in total"), numeric=True),
            blocks.column(_("Planned to date"), numeric=True),
            blocks.column(_("Realised to date"), numeric=True),
            blocks.column(_("Of which outside the plan"), numeric=True),
            blocks.column(_("% of plan to date (benefits with a plan)"), numeric=True),
            blocks.column(_("% of plan in total (benefits with a plan)"), numeric=True),
        ],
        realised_rows(realised),
        empty=_("No money or hours were planned or realised."),
    )


def _month(text: str) -> datetime.date:
    return datetime.date(int(text[:4]), int(text[5:7]), 1)


def _summaries(initiative, as_at: datetime.date, **filters) -> dict[str, engine.MeasureSummary]:
    return engine.measure_summaries(
        RealisationFilter(initiative=initiative, **filters), today=as_at, include_trend=False
    )


def _realised(summary: engine.MeasureSummary, verified_only: bool) -> Decimal:
    """Realised to date: every actual, or the verified ones only."""
    return summary.verified_actual_to_date if verified_only else summary.actual_to_date


def verified_table(summaries: dict[str, engine.MeasureSummary], as_at: datetime.date) -> dict:
    """The level of benefits realised as the public are shown it: the plan beside the
    verified actuals to date, worked out by the realisation engine as at the closure. The
    part realised outside the plan and the shares of plan are left out: the engine keeps
    them for every actual only."""
    rows = [
        [
            str(MEASURE_TITLES[measure]),
            formats.measure_value(measure, summary.planned_total),
            formats.measure_value(measure, summary.planned_to_date),
            formats.measure_value(measure, summary.verified_actual_to_date),
        ]
        for measure, summary in summaries.items()
        if summary.planned_total or summary.verified_actual_to_date
    ]
    return blocks.table(
        _("Benefits realised to the end of %(month)s")
        % {"month": formats.month_label(engine.last_complete_month(as_at))},
        [
            blocks.column(_("Measure")),
            blocks.column(_("Planned in total"), numeric=True),
            blocks.column(_("Planned to date"), numeric=True),
            blocks.column(_("Realised to date"), numeric=True),
        ],
        rows,
        empty=_("No money or hours were planned or realised."),
    )


def _verified_years(initiative, as_at: datetime.date, summary) -> list[dict]:
    """`dashboards.period_rows(summary, "year")` counting the verified actuals only: each
    financial year's from the engine's figures for that year's months alone; a year not yet
    complete is forecast as its verified actuals and the plan of its months to come."""
    rows = []
    cumulative = engine.ZERO
    for year, row in zip(summary.years, dashboards.period_rows(summary, "year"), strict=True):
        if row["actual"] is not None:
            figures = _summaries(initiative, as_at, period_from=year.start, period_to=year.end)
            verified = figures[summary.measure].verified_actual_to_date
            cumulative += verified
            row = {
                **row,
                "actual": verified,
                "forecast": row["forecast"] - row["actual"] + verified,
                "cumulative_actual": cumulative,
            }
        rows.append(row)
    return rows


def _chart(
    initiative, as_at: datetime.date, summaries: dict, *, verified_only: bool = False
) -> list[dict]:
    """A chart of money and of hours planned and realised by financial year (realised: the
    verified actuals only with `verified_only`)."""
    out = []
    for measure, summary in summaries.items():
        if not (summary.planned_total or _realised(summary, verified_only)):
            continue
        rows = (
            _verified_years(initiative, as_at, summary)
            if verified_only
            else dashboards.period_rows(summary, "year")
        )
        title = _("%(measure)s planned and realised by financial year") % {
            "measure": MEASURE_TITLES[measure]
        }
        data = blocks.series_table(title, measure, rows, _("Financial year"), forecast=False)
        png = charts.over_time(rows, measure=measure, title=title, fmt="png")
        alt = _(
            "Bar chart of %(measure)s planned and realised in each financial year of the "
            "initiative; the table below gives the figures."
        ) % {"measure": str(MEASURE_TITLES[measure]).lower()}
        out.append(blocks.chart(title, png, alt, data))
    return out


def _verified_to_date(initiative, benefit: Benefit, as_at: datetime.date, claim) -> Decimal:
    """A money or hours benefit's verified actuals to date as the initiative's totals count
    them (the share it claims of a shared benefit), read as the benefit's own figures are
    (a dis-benefit's not negated), from the same engine figures as `initiative_claims`."""
    if claim is not None:
        return claim.summary.verified_actual_to_date * claim.sign
    summaries = engine.measure_summaries(
        RealisationFilter(initiative=initiative),
        base=Benefit.objects.filter(pk=benefit.pk),
        today=as_at,
        include_trend=False,
    )
    verified = summaries[engine.SUBCATEGORY_MEASURE[benefit.subcategory]].verified_actual_to_date
    return -verified if benefit.is_disbenefit else verified


def _benefit_rows(
    initiative, as_at: datetime.date, handed: set[int], *, verified_only: bool = False
) -> tuple[list[list[str]], bool]:
    """Each benefit the initiative's totals count, with its plan and actual to date: its
    own, and its share of those it claims a share of, so that the rows add up to them;
    and whether any benefit is shared. With `verified_only` (the public's copy), each
    counts its verified actuals only and has no RAG: the engine rates every actual."""
    statuses = {value: str(label) for value, label in BenefitStatus.choices}
    rags = {
        row.benefit_id: row
        for row in engine.benefit_rag(RealisationFilter(initiative=initiative), today=as_at)
    }
    benefits = listed_benefits(initiative)
    unnamed = unnamed_benefits(initiative, benefits)
    claims = dashboards.initiative_claims(initiative, benefits, as_at)
    rows = []
    for benefit in benefits:
        rag = rags.get(benefit.pk)
        claim = claims.get(benefit.pk)
        reference, title = benefit_name(initiative, benefit, claim, unnamed)
        planned = actual = formats.DASH
        if rag is not None and rag.kind in engine.MEASURES:
            if claim is not None:
                planned = formats.unit_value(benefit.unit, claim.planned_to_date)
                actual = formats.unit_value(benefit.unit, claim.actual_to_date)
            else:
                planned = formats.unit_value(benefit.unit, rag.planned)
                actual = formats.unit_value(benefit.unit, rag.actual)
            if verified_only:
                verified = _verified_to_date(initiative, benefit, as_at, claim)
                actual = formats.unit_value(benefit.unit, verified)
        if benefit.initiative_id != initiative.pk:
            after = _("Tracked by its own initiative")
        elif benefit.pk in handed:
            after = _("Business as usual")
        else:
            after = _("Complete")
        rows.append(
            [
                reference,
                title + (_(" (dis-benefit)") if benefit.is_disbenefit else ""),
                statuses.get(benefit.status, benefit.status),
                planned,
                actual,
                *([] if verified_only else [formats.rag(rag.rag if rag else None)]),
                after,
            ]
        )
    return rows, bool(claims)


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


def _handover_table(handovers: list, *, people: bool) -> dict:
    """The benefits handed over to business as usual: with their owners, or (for the
    public) without them."""
    if not people:
        return blocks.table(
            _("Outstanding benefits handed over to business as usual"),
            [
                blocks.column(_("Reference")),
                blocks.column(_("Benefit")),
                blocks.column(_("Measures that continue")),
            ],
            [[h.benefit.reference, h.benefit.title, h.continuing_measures] for h in handovers],
            empty=_("Every benefit was fully realised: nothing was handed over."),
        )
    return blocks.table(
        _("Outstanding benefits and their owners in business as usual"),
        [
            blocks.column(_("Reference")),
            blocks.column(_("Benefit")),
            blocks.column(_("Owner in business as usual")),
            blocks.column(_("Measurement owner")),
            blocks.column(_("Measures that continue")),
            blocks.column(_("Owner before closure")),
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
        empty=_("Every benefit was fully realised: nothing was handed over."),
    )


def build_closure(
    record: ClosureRecord, *, marking: str | None = None, people: bool = True
) -> dict:
    """The closure report of a closed initiative, as recorded at its closure; without
    `people`, for the public (`core.context_processors.shows_people`): naming no one (no
    senior responsible officer, no one who closed it, no owner of a benefit handed over)
    and counting verified actuals only, as the public pages do.

    The public's figures are not the level of benefits realised signed off at closure
    (`record.realised`), which counts every actual and keeps no verified part: they are
    worked out again by the engine as at the closure, as the rest of the report is, from
    the actuals verified so far (verifying goes on after closure); and what the engine
    keeps for every actual only (the part realised outside the plan, the shares of plan,
    the RAG) is left out."""
    public = not people
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
    sro = [(_("Senior responsible officer"), formats.person(initiative.sro))]
    closer = [
        (
            _("Closed by"),
            (closed_by.get_full_name() or closed_by.get_username())
            if closed_by
            else _("Not recorded"),
        )
    ]
    facts = [
        (_("Initiative"), initiative.name),
        (_("Collaboration"), initiative.collaboration.name),
        *(sro if people else []),
        (_("Stage at closure"), initiative.get_stage_display()),
        (_("Closed on"), formats.day_label(record.closed_on)),
        *(closer if people else []),
        (
            _("Post-implementation review"),
            formats.day_label(review.due_on) if review else _("Not set"),
        ),
        (_("Benefits handed to business as usual"), str(len(handovers))),
        (_("Lessons added to the lessons log"), str(len(lessons))),
    ]
    lesson_blocks: list[dict] = []
    for number, lesson in enumerate(lessons, 1):
        lesson_blocks.append(
            blocks.subheading(
                _("Lesson %(number)s: %(title)s") % {"number": number, "title": lesson.title}
            )
        )
        lesson_blocks.append(
            blocks.facts(
                [
                    (_("Theme"), lesson.get_theme_display()),
                    (
                        _("Stage"),
                        lesson.get_stage_display() if lesson.stage is not None else _("Any"),
                    ),
                    (_("What happened"), lesson.what_happened),
                    (_("What to repeat"), lesson.what_to_repeat or formats.DASH),
                    (_("What to avoid"), lesson.what_to_avoid or formats.DASH),
                    (_("Recommendation"), lesson.recommendation or formats.DASH),
                ]
            )
        )
    if not lesson_blocks:
        lesson_blocks = [blocks.paragraph(_("No lessons were recorded."))]
    benefit_rows, shared = _benefit_rows(initiative, as_at, handed, verified_only=public)
    summaries = _summaries(initiative, as_at)
    chart_blocks = _chart(initiative, as_at, summaries, verified_only=public) or [
        blocks.paragraph(_("No money or hours were planned for this initiative."))
    ]
    review_text = (
        _(
            "The post-implementation review of %(name)s is due on %(day)s. It checks that the "
            "benefits handed to business as usual are still being realised and measured, and "
            "whether the lessons above were acted on."
        )
        % {"name": initiative.name, "day": formats.day_label(review.due_on)}
        if review
        else _("No post-implementation review is set.")
    )
    sections = blocks.sections(
        (
            _("Summary"),
            blocks.narrative(record.summary, _("No closing summary was written.")),
        ),
        (
            _("Benefits realised"),
            [
                *(
                    [blocks.paragraph(str(VERIFIED_ONLY)), verified_table(summaries, as_at)]
                    if public
                    else [realised_table(record.realised)]
                ),
                blocks.table(
                    _("Each benefit at closure"),
                    [
                        blocks.column(_("Reference")),
                        blocks.column(_("Benefit")),
                        blocks.column(_("Status")),
                        blocks.column(_("Planned to date"), numeric=True),
                        blocks.column(_("Realised to date"), numeric=True),
                        *([] if public else [blocks.column(_("RAG"), rag=True)]),
                        blocks.column(_("After closure")),
                    ],
                    benefit_rows,
                    empty=_("The initiative had no benefits."),
                ),
                *([blocks.paragraph(str(SHARED_NOTE))] if shared else []),
                *chart_blocks,
            ],
        ),
        (
            _("Benefits handed over to business as usual"),
            [
                blocks.paragraph(
                    _(
                        "These benefits were not yet fully realised at closure. They stay in the "
                        "register with the status 'realising' and their new owners keep "
                        "recording the measures that continue."
                    )
                ),
                _handover_table(handovers, people=people),
            ],
        ),
        (_("Lessons learned"), lesson_blocks),
        (_("Post-implementation review"), [blocks.paragraph(review_text)]),
    )
    return {
        "kind": "closure",
        "title": _("Project closure report"),
        "subtitle": initiative.name,
        "marking": marking or record.marking,
        "filename": f"closure-{initiative.slug}",
        "produced_on": timezone.localdate(),
        "facts": facts,
        "contents": False,
        "sections": sections,
    }


# How long a visitor's copy of a closure report is kept built (`public_closure_copy`).
PUBLIC_COPY_SECONDS = 24 * 60 * 60


def public_closure_copy(version: DocumentVersion) -> bytes | None:
    """The public's copy of a closure report stored at closure (its first version), built
    again from the closure record naming no one; None for any other file, which is served
    as stored (`knowledge.services.register_public_copy`, from `DocumentsConfig.ready()`)."""
    document = version.document
    if document.kind != DocumentKind.CLOSURE_REPORT or version.number != 1:
        return None
    record = ClosureRecord.objects.filter(document=document).select_related("initiative").first()
    if record is None:
        return None
    # Built once for each language and state of the data, not for every visitor: a visitor
    # may download it as often as they like.
    key = f"closure-public-copy:{version.pk}:{translation.get_language()}:{data_version()}"
    content = cache.get(key)
    if content is None:
        content = render(build_closure(record, people=False), PDF).content
        cache.set(key, content, PUBLIC_COPY_SECONDS)
    return content
