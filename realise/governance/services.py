"""Business rules of governance: the meeting calendar, agendas, decisions, escalations.

Reminders (the daily `realise remind`) live in `realise.governance.reminders`.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from realise.benefits.models import Benefit, BenefitStatus, Measurement, Nature, PlannedValue
from realise.benefits.realisation import RED, benefit_rag
from realise.collaborations.models import (
    Agreement,
    Collaboration,
    Initiative,
    InitiativeStatus,
    Stage,
)
from realise.collaborations.nesting import with_nested
from realise.collaborations.services import GateResult, gate_check, move_stage
from realise.core.history import set_history_user
from realise.governance import workdays
from realise.governance.models import (
    Action,
    Cadence,
    Decision,
    DecisionStatus,
    Escalation,
    GovernanceBody,
    Meeting,
    MeetingStatus,
    PostImplementationReview,
    day_range_problem,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from realise.organisations.models import Person

logger = logging.getLogger(__name__)

VISIBILITY_RANK = {"private": 0, "policing": 1, "public": 2}
ZERO = Decimal("0")

# The calendar ------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int, anchor_day: int | None = None) -> datetime.date:
    """`day` moved by whole months, on `anchor_day` (default: day's own) or, when the month is
    shorter, on its last day: 31 January + 1 month is 28 (or 29) February."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    wanted = anchor_day or day.day
    return datetime.date(year, month, min(wanted, calendar.monthrange(year, month)[1]))


def cadence_dates(
    anchor: datetime.date, step_months: int, start: datetime.date, until: datetime.date
) -> list[datetime.date]:
    """Meeting dates every `step_months` from `anchor`, from `start` to `until` inclusive.

    Each date is counted from the anchor (never from the previous, possibly shortened,
    date): monthly from 31 January gives 28 February, 31 March, 30 April...; yearly from
    29 February gives 28 February in the years between leap years.
    """
    if step_months < 1:
        raise ValueError("A cadence moves on by at least one month.")
    dates: list[datetime.date] = []
    if until < anchor:
        return dates
    # Skip straight to the first occurrence near `start` rather than walking from the anchor.
    months_between = (start.year - anchor.year) * 12 + start.month - anchor.month
    count = max(0, months_between // step_months - 1)
    while True:
        day = add_months(anchor, count * step_months, anchor.day)
        if day > until:
            return dates
        if day >= start:
            dates.append(day)
        count += 1


def weekly_dates(
    anchor: datetime.date, step_weeks: int, start: datetime.date, until: datetime.date
) -> list[datetime.date]:
    """Dates every `step_weeks` weeks from `anchor`, from `start` to `until` inclusive."""
    if step_weeks < 1:
        raise ValueError("A cadence moves on by at least one week.")
    step = datetime.timedelta(weeks=step_weeks)
    day = anchor
    if start > anchor:
        day = anchor + step * ((start - anchor).days // step.days)
    dates = []
    while day <= until:
        if day >= start:
            dates.append(day)
        day += step
    return dates


def body_dates(
    body: GovernanceBody, start: datetime.date, until: datetime.date
) -> list[datetime.date]:
    """The dates a body's cadence gives from `start` to `until`, before any move off a
    weekend or bank holiday."""
    anchor = body.meets_from
    if not body.is_regular or anchor is None:
        return []
    if body.cadence == Cadence.WEEKS:
        weeks = body.every_weeks
        assert weeks is not None
        return weekly_dates(anchor, weeks, start, until)
    step = body.cadence_months
    assert step is not None
    # Every month from `start`'s to `until`'s: the day a month's meeting falls on (its nth
    # weekday, its last working day) may come before the anchor's day of that month.
    end_of_month = until.replace(day=calendar.monthrange(until.year, until.month)[1])
    months = cadence_dates(anchor, step, start.replace(day=1), end_of_month)
    if body.cadence == Cadence.MONTHLY_WEEKDAY:
        weekday, nth = anchor.weekday(), workdays.week_of_month(anchor)
        days = [workdays.nth_weekday(m.year, m.month, weekday, nth) for m in months]
    elif body.cadence == Cadence.LAST_WORKING_DAY:
        days = [workdays.last_working_day(m.year, m.month) for m in months]
    else:
        days = months
    return [day for day in days if start <= day <= until and day >= anchor]


def held_on(
    body: GovernanceBody, day: datetime.date, *, not_before: datetime.date | None = None
) -> datetime.date:
    """The day the calendar holds the meeting of the cadence date `day`: the day itself when
    it is a working day, else the working day before; but never before the body's first
    meeting (`meets_from`) nor `not_before` (the first day meetings are generated from: not
    a day already past), so such a meeting on a weekend or bank holiday moves on to the
    next working day instead."""
    before = workdays.previous_working_day(day)
    floors = [floor for floor in (body.meets_from, not_before) if floor is not None]
    if floors and before < max(floors):
        return workdays.next_working_day(day)
    return before


def moved_by_the_calendar(meeting: Meeting) -> bool:
    """Is the meeting where the calendar moved it, off a weekend or bank holiday (`held_on`,
    under whichever first meeting the body had when it was generated)?"""
    day = meeting.adjusted_from
    return (
        day is not None
        and day == meeting.cadence_date
        and meeting.date in (workdays.previous_working_day(day), workdays.next_working_day(day))
    )


@transaction.atomic
def generate_meetings(
    body: GovernanceBody,
    *,
    until: datetime.date,
    start: datetime.date | None = None,
    user: User | None = None,
) -> list[Meeting]:
    """Create the body's meetings on its cadence up to `until` (from `start`, default today).

    A cadence date on a weekend or an England and Wales bank holiday moves to the working
    day before, or to the next working day when the day before would come before the body's
    first meeting (`held_on`). The meeting keeps the date it moved from, so its page can say
    so.
    Meetings already generated for a cadence date are left alone, even when they were moved
    to another day or cancelled, so running it again never duplicates or undoes an edit.
    """
    if user is not None and not user.has_perm("governance.add_meeting", body):
        raise PermissionDenied(_("You may not add meetings of %(body)s.") % {"body": body})
    anchor = body.meets_from
    if not body.is_regular or anchor is None:  # a regular body has a first date
        return []
    # One generation at a time per body: the button pressed twice adds the meetings once.
    GovernanceBody.objects.select_for_update().filter(pk=body.pk).first()
    start = max(start or timezone.localdate(), anchor)
    wanted = body_dates(body, start, until)
    existing = set(
        body.meetings.filter(cadence_date__in=wanted).values_list("cadence_date", flat=True)
    )
    # A day the body already meets (a meeting added by hand) gets no second meeting.
    taken = set(
        body.meetings.exclude(status=MeetingStatus.CANCELLED).values_list("date", flat=True)
    )
    created = []
    for day in wanted:
        if day in existing:
            continue
        held = held_on(body, day, not_before=start)
        if held in taken:
            continue
        taken.add(held)
        meeting = Meeting(
            body=body,
            date=held,
            cadence_date=day,
            adjusted_from=day if held != day else None,
        )
        set_history_user(meeting, user)
        meeting.save()
        created.append(meeting)
    if created:
        land_waiting_escalations(body, user)
    return created


def land_waiting_escalations(
    body: GovernanceBody, user: User | None = None, *, today: datetime.date | None = None
) -> list[Escalation]:
    """Give the open escalations to `body` that wait for a meeting (raised, or moved off a
    cancelled one, when it had none to come) the body's first meeting on or after both the
    day each was raised and today, now that there may be one."""
    today = today or timezone.localdate()
    waiting = Escalation.objects.filter(
        to_body=body, meeting__isnull=True, resolved_at__isnull=True
    )
    return [e for e in waiting if _land(e, user, today=today, waiting=True)]


# The fields whose values give a body's meeting dates (its time, length and place do not:
# a meeting without its own follows the body's).
CADENCE_FIELDS = ("cadence", "every_weeks", "meets_from")


@dataclass
class KeptMeeting:
    """A future meeting of the old cadence left in place, and why (in the page's words)."""

    meeting: Meeting
    reason: str


@dataclass
class Rescheduled:
    """What a change of cadence did to a body's calendar."""

    cancelled: list[Meeting] = field(default_factory=list)
    added: list[Meeting] = field(default_factory=list)
    kept: list[KeptMeeting] = field(default_factory=list)
    relanded: list[Escalation] = field(default_factory=list)
    until: datetime.date | None = None


def _kept_because(meeting: Meeting) -> str | None:
    """Why a generated meeting carries something a change of cadence must not throw away,
    if it does: decisions, notes or papers, or arrangements a person made for it."""
    if meeting.decisions.exists():
        return _("Decisions are recorded at it.")
    if meeting.notes.strip():
        return _("It has notes or papers.")
    day = meeting.cadence_date
    if day is not None and meeting.date != day and not moved_by_the_calendar(meeting):
        return _("A person moved it to this day.")
    if meeting.start_time is not None or meeting.duration_minutes or meeting.location:
        return _("It has its own start time, length or place.")
    return None


def reschedule_meetings(
    body: GovernanceBody, *, user: User | None = None, today: datetime.date | None = None
) -> Rescheduled:
    """Move the body's future calendar onto its (changed) cadence, up to as far as the old
    one went.

    Each future meeting generated on the old cadence that the new one does not give is
    cancelled, when it carries nothing (`_kept_because`): cancelled rather than deleted, so
    its history stays and calendar programs are sent the cancellation. It no longer stands
    for a cadence date, so a later cadence may generate that date again. The new cadence's
    meetings are generated in their place, and the open escalations due at a cancelled
    meeting move to the body's next meeting (`reland_escalations`). Meetings added by hand,
    those that carry something, and today's and past meetings stay as they are. Call it
    inside the transaction that saves the body (`save_body`).
    """
    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    outcome = Rescheduled()
    generated = body.meetings.filter(date__gt=today, cadence_date__isnull=False)
    until: datetime.date | None = generated.aggregate(until=Max("cadence_date"))["until"]
    if until is None:  # nothing generated ahead: the next "generate meetings" follows the new
        return outcome
    outcome.until = until
    wanted = set(body_dates(body, tomorrow, until))
    for meeting in generated.filter(status=MeetingStatus.SCHEDULED).order_by("date", "pk"):
        day = meeting.cadence_date
        assert day is not None
        if day in wanted:
            continue  # the new cadence meets that day too
        reason = _kept_because(meeting)
        if reason is not None:
            outcome.kept.append(KeptMeeting(meeting, reason))
            continue
        meeting.status = MeetingStatus.CANCELLED
        meeting.cadence_date = None
        set_history_user(meeting, user)
        meeting.save(update_fields=["status", "cadence_date", "updated_at"])
        outcome.cancelled.append(meeting)
    outcome.added = generate_meetings(body, start=tomorrow, until=until, user=user)
    for meeting in outcome.cancelled:
        outcome.relanded += reland_escalations(meeting, user, today=today)
    return outcome


@transaction.atomic
def save_body(
    body: GovernanceBody, *, user: User | None = None, today: datetime.date | None = None
) -> Rescheduled:
    """Save a governance body (new or changed) and, when a change moves the dates it meets
    on (`CADENCE_FIELDS`), its future calendar with it (`reschedule_meetings`), all at once."""
    if user is not None:
        allowed = (
            user.has_perm("governance.change_governancebody", body)
            if body.pk
            else user.has_perm("governance.add_governancebody", body.collaboration)
        )
        if not allowed:
            raise PermissionDenied(_("You may not change %(body)s.") % {"body": body})
    before = (
        GovernanceBody.objects.select_for_update().filter(pk=body.pk).first() if body.pk else None
    )
    set_history_user(body, user)
    body.save()
    if before is None or all(
        getattr(before, name) == getattr(body, name) for name in CADENCE_FIELDS
    ):
        return Rescheduled()
    return reschedule_meetings(body, user=user, today=today)


def meeting_day_problem(
    body: GovernanceBody,
    day: datetime.date,
    meeting: Meeting | None = None,
    start: datetime.time | None = None,
) -> str | None:
    """Why `meeting` (or a new meeting) of `body` may not be on `day` at `start` (None: the
    body's usual time), if it may not: the body already meets then (a form sent twice would
    otherwise add the meeting twice). A second meeting the same day at another time (an
    extraordinary session) is allowed, and a cancelled meeting leaves its time free for the
    one arranged instead."""
    others = body.meetings.filter(date=day).exclude(status=MeetingStatus.CANCELLED)
    if meeting is not None and meeting.pk is not None:
        others = others.exclude(pk=meeting.pk)
    starts = start or body.meeting_time
    if any((other.start_time or body.meeting_time) == starts for other in others):
        return _("%(body)s already has a meeting on %(day)s.") % {
            "body": body,
            "day": date_format(day, "j F Y"),
        }
    return None


def next_meeting(body: GovernanceBody, on_or_after: datetime.date) -> Meeting | None:
    """The body's next meeting that will take place on or after a day."""
    return (
        body.meetings.filter(date__gte=on_or_after)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("date", "pk")
        .first()
    )


def horizon_of(meeting: Meeting) -> datetime.date:
    """The date of the body's following meeting: what falls due before then is on the agenda."""
    following = (
        meeting.body.meetings.filter(date__gt=meeting.date)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    if following is not None:
        return following
    body = meeting.body
    if body.cadence == Cadence.WEEKS and body.every_weeks:
        return meeting.date + datetime.timedelta(weeks=body.every_weeks)
    return add_months(meeting.date, body.cadence_months or 1)


def recent_decisions(
    collaboration: Collaboration, user: User | AnonymousUser
) -> QuerySet[Decision]:
    """The collaboration's last 20 decisions that `user` may see (for its catalogue entry in
    the repository; registered with `collaborations.decisions.register_decisions`)."""
    return (
        Decision.objects.visible_to(user)
        .filter(body__collaboration=collaboration)
        .select_related("body")[:20]
    )


def first_working_day(year: int, month: int) -> datetime.date:
    """The first working day of a month: Monday to Friday, not an England and Wales bank
    holiday (New Year's Day, or an early May bank holiday on the 1st, moves it on)."""
    day = datetime.date(year, month, 1)
    while not workdays.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def collaboration_tree(collaboration: Collaboration) -> set[int]:
    """The collaboration and every collaboration nested in it, at any depth."""
    return with_nested({collaboration.pk})


# Benefits off track ------------------------------------------------------------------------


def measured_to(as_of: datetime.date) -> datetime.date:
    """The first month whose actual is not yet due on `as_of`: months before it are 'to date'.

    A month's actual is due once REALISE_MEASUREMENT_GRACE_DAYS have passed after it ended.
    """
    grace = datetime.timedelta(days=settings.REALISE_MEASUREMENT_GRACE_DAYS)
    return (as_of - grace).replace(day=1)


class _ToDate(TypedDict):
    planned_to_date: Decimal
    actual_to_date: Decimal


def _off_track_by_rule(
    benefits: QuerySet[Benefit], as_of: datetime.date
) -> QuerySet[WithAnnotations[Benefit, _ToDate]]:
    cutoff = measured_to(as_of)
    money = DecimalField(max_digits=20, decimal_places=2)
    planned = (
        PlannedValue.objects.filter(benefit=OuterRef("pk"), period__lt=cutoff)
        .values("benefit")
        .annotate(total=Sum("value"))
        .values("total")
    )
    actual = (
        Measurement.objects.filter(benefit=OuterRef("pk"), period__lt=cutoff, value__isnull=False)
        .values("benefit")
        .annotate(total=Sum("value"))
        .values("total")
    )
    amber = Value(settings.REALISE_RAG_AMBER, output_field=money)
    off_track: QuerySet[WithAnnotations[Benefit, _ToDate]] = (
        benefits.annotate(
            planned_to_date=Coalesce(
                Subquery(planned, output_field=money), Value(ZERO), output_field=money
            ),
            actual_to_date=Coalesce(
                Subquery(actual, output_field=money), Value(ZERO), output_field=money
            ),
        )
        .filter(planned_to_date__gt=0, actual_to_date__lt=F("planned_to_date") * amber)
        .select_related("initiative", "owner")
        .order_by("initiative__name", "reference")
    )
    return off_track


@dataclass(frozen=True)
class OffTrack:
    """A benefit off track, with its figures to date."""

    benefit_id: int
    reference: str
    title: str
    initiative: str
    planned: Decimal | None
    actual: Decimal | None


def benefits_off_track(collaboration_ids: Iterable[int], as_of: datetime.date) -> list[OffTrack]:
    """Benefits of active initiatives in these collaborations that are off track (red).

    The benefits app's realisation engine decides (its RAG, red below REALISE_RAG_AMBER of
    plan); should it fail, the plain rule: quantitative benefits whose cumulative actual to
    date is below REALISE_RAG_AMBER times their cumulative plan to date.
    """
    benefits = Benefit.objects.filter(
        initiative__collaboration_id__in=list(collaboration_ids),
        initiative__status=InitiativeStatus.ACTIVE,
    ).exclude(status=BenefitStatus.CLOSED)
    try:
        rows = benefit_rag(base=benefits, today=as_of)
    except Exception:  # noqa: BLE001 - the agenda must render even if the engine fails
        logger.exception("The realisation engine failed; using the plain off-track rule.")
    else:
        return [
            OffTrack(r.benefit_id, r.reference, r.title, r.initiative, r.planned, r.actual)
            for r in sorted(rows, key=lambda r: (r.initiative, r.reference))
            if r.rag == RED
        ]
    plain = benefits.filter(nature=Nature.QUANTITATIVE, is_disbenefit=False)
    return [
        OffTrack(b.pk, b.reference, b.title, b.initiative.name, b.planned_to_date, b.actual_to_date)
        for b in _off_track_by_rule(plain, as_of)
    ]


# The agenda --------------------------------------------------------------------------------


@dataclass
class GateItem:
    initiative: Initiative
    to_stage: int
    gate: GateResult

    @property
    def to_stage_label(self) -> str:
        return str(Stage(self.to_stage).label)


@dataclass
class HighlightItem:
    initiative: Initiative
    month: datetime.date
    due_on: datetime.date


@dataclass
class Agenda:
    meeting: Meeting
    horizon: datetime.date
    stage_gates: list[GateItem] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    off_track: list[OffTrack] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    reviews: list[PostImplementationReview] = field(default_factory=list)
    highlight_reports: list[HighlightItem] = field(default_factory=list)
    open_actions: list[Action] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.stage_gates
            or self.escalations
            or self.off_track
            or self.agreements
            or self.reviews
            or self.highlight_reports
            or self.open_actions
        )


def waiting_for_gate(
    body: GovernanceBody, tree: set[int] | None = None
) -> list[tuple[Initiative, int]]:
    """Active initiatives of the body's collaboration (and those within it) standing at the
    stage before one this body decides: their next gate is this body's decision."""
    stages = sorted({int(s) for s in body.decides_stages or [] if 1 <= int(s) <= Stage.EVALUATION})
    if not stages:
        return []
    tree = tree if tree is not None else collaboration_tree(body.collaboration)
    initiatives = (
        Initiative.objects.filter(
            collaboration_id__in=tree,
            status=InitiativeStatus.ACTIVE,
            stage__in=[s - 1 for s in stages],
        )
        .select_related("collaboration", "sro")
        .order_by("collaboration__name", "name")
    )
    return [(initiative, initiative.stage + 1) for initiative in initiatives]


def highlight_report_month(on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(month reported on, due date) of the latest monthly highlight report due by `on`.

    The report on a month is due on the first working day of the month after it.
    """
    due = first_working_day(on.year, on.month)
    if on < due:
        previous = on.replace(day=1) - datetime.timedelta(days=1)
        due = first_working_day(previous.year, previous.month)
    reported = (due.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    return reported, due


# Highlight reports are written in the documents app, which sits above governance: it says
# which have been written (from `DocumentsConfig.ready()`), for the reminders, the agendas
# and the worklist. Each source is called with a month and returns the ids of the
# initiatives whose highlight report on that month is written (a list, or a query of them).
WrittenReports = Callable[[datetime.date], "QuerySet[Any, int] | Iterable[int]"]
_written_reports: list[WrittenReports] = []


def register_written_reports(source: WrittenReports) -> WrittenReports:
    """Add a source of the highlight reports written (documents: `HighlightReport`)."""
    if source not in _written_reports:
        _written_reports.append(source)
    return source


def without_written_reports(
    initiatives: QuerySet[Initiative], month: datetime.date
) -> QuerySet[Initiative]:
    """The initiatives whose highlight report on `month` is not written yet."""
    for written in _written_reports:
        initiatives = initiatives.exclude(pk__in=written(month))
    return initiatives


def build_agenda(meeting: Meeting, user: User | AnonymousUser | None = None) -> Agenda:
    """What is due at a meeting (recorded, or unsaved: what a meeting that day would have):
    gates, escalations, benefits off track, reviews, reports.

    With `user`, only what they may see: the items of the collaborations within the body's
    remit that they may see (a private collaboration nested in an open one stays out), and
    the escalations, decisions and actions visible to them. Without, everything.
    """
    body = meeting.body
    tree = collaboration_tree(body.collaboration)
    escalations = Escalation.objects.all()
    decisions = Decision.objects.all()
    if user is not None:
        tree &= set(
            Collaboration.objects.visible_to(user).filter(pk__in=tree).values_list("pk", flat=True)
        )
        escalations = Escalation.objects.visible_to(user)
        decisions = Decision.objects.visible_to(user)
    horizon = horizon_of(meeting)
    agenda = Agenda(meeting=meeting, horizon=horizon)
    agenda.stage_gates = [
        GateItem(initiative, to_stage, gate_check(initiative, to_stage))
        for initiative, to_stage in waiting_for_gate(body, tree)
    ]
    agenda.escalations = list(
        escalations.filter(to_body=body, raised_at__date__lte=meeting.date)
        .exclude(resolved_at__date__lt=meeting.date)
        .select_related("from_body", "benefit", "initiative", "raised_by", "resolved_by")
        .order_by("raised_at")
    )
    agenda.off_track = benefits_off_track(tree, min(meeting.date, timezone.localdate()))
    # An agreement review falls on the agenda of its responsible body (of every body of the
    # collaboration when none is named) once due before the horizon, and stays there, overdue,
    # until a review is recorded.
    agenda.agreements = list(
        Agreement.objects.in_force()
        .filter(collaboration_id__in=tree, review_due__lt=horizon)
        .filter(Q(review_body=body) | Q(review_body__isnull=True))
        .select_related("collaboration")
        .order_by("review_due")
    )
    agenda.reviews = list(
        PostImplementationReview.objects.filter(
            initiative__collaboration_id__in=tree, completed_on__isnull=True, due_on__lt=horizon
        )
        .select_related("initiative")
        .order_by("due_on")
    )
    month, due = highlight_report_month(meeting.date)
    agenda.highlight_reports = [
        HighlightItem(initiative, month, due)
        for initiative in without_written_reports(
            Initiative.objects.filter(
                collaboration_id__in=tree,
                status=InitiativeStatus.ACTIVE,
                stage=Stage.IMPLEMENTATION,
            ),
            month,
        ).order_by("name")
    ]
    agenda.open_actions = list(
        Action.objects.filter(
            decision__in=decisions.filter(body=body, decided_on__lt=meeting.date), done=False
        )
        .select_related("decision", "owner")
        .order_by("due_on", "pk")
    )
    # A meeting not recorded (a board pack for a day with none) has no decisions yet.
    agenda.decisions = (
        list(
            decisions.filter(meeting=meeting)
            .select_related("initiative", "stage_decision")
            .prefetch_related("actions__owner")
        )
        if meeting.pk is not None
        else []
    )
    return agenda


# Decisions ---------------------------------------------------------------------------------


@dataclass
class ActionSpec:
    text: str
    owner: Person | None = None
    due_on: datetime.date | None = None


def meeting_date_problem(meeting: Meeting, today: datetime.date | None = None) -> str | None:
    """Why no decision may be recorded for `meeting` yet, if none may: it has not taken place."""
    if meeting.date > (today or timezone.localdate()):
        return _(
            "The meeting is on %(day)s and has not taken place yet: record its decisions once "
            "it has."
        ) % {"day": date_format(meeting.date, "j F Y")}
    return None


def action_due_problem(due_on: datetime.date | None, decided_on: datetime.date) -> str | None:
    """Why an action of a decision taken on `decided_on` may not be due on `due_on`, if so:
    a day Realise does not record, or one before the decision."""
    out_of_range = day_range_problem(due_on, str(Action._meta.get_field("due_on").verbose_name))
    if out_of_range:
        return out_of_range
    if due_on is not None and due_on < decided_on:
        return _("The due date cannot be before the decision, taken on %(day)s.") % {
            "day": date_format(decided_on, "j F Y")
        }
    return None


def _check_visibility(body: GovernanceBody, visibility: str) -> str:
    widest = min((body.visibility, body.collaboration.visibility), key=lambda v: VISIBILITY_RANK[v])
    visibility = visibility or widest
    if visibility not in VISIBILITY_RANK:
        raise ValidationError(
            {"visibility": _("'%(visibility)s' is not a visibility.") % {"visibility": visibility}}
        )
    if VISIBILITY_RANK[visibility] > VISIBILITY_RANK[widest]:
        raise ValidationError(
            {
                "visibility": _(
                    "A decision cannot be seen more widely than its body and collaboration."
                )
            }
        )
    return visibility


@transaction.atomic
def record_decision(
    meeting: Meeting,
    *,
    text: str,
    user: User,
    rationale: str = "",
    initiative: Initiative | None = None,
    to_stage: int | None = None,
    visibility: str = "",
    actions: Iterable[ActionSpec] = (),
) -> Decision:
    """Log a decision taken at a meeting, with its actions.

    With `to_stage`, the decision is a stage gate: the initiative is moved through the gate
    (or the whole decision is refused with `GateRefused`, naming every unmet rule) and the
    resulting `StageDecision` is linked to this decision and meeting, dated the meeting's
    day. A meeting that has not yet taken place records no decision, and no action may fall
    due before the decision.
    """
    body = meeting.body
    if not user.has_perm("governance.add_decision", body):
        raise PermissionDenied(_("You may not record decisions of %(body)s.") % {"body": body})
    if not text.strip():
        raise ValidationError({"text": _("Write down what was decided.")})
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(
            _("The meeting was cancelled; record the decision at another meeting.")
        )
    not_yet = meeting_date_problem(meeting)
    if not_yet:
        raise ValidationError(not_yet)
    visibility = _check_visibility(body, visibility)
    # One decision at a time per meeting, so that the same one sent twice is seen as such.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    actions = [a for a in actions if a.text.strip()]
    # The same decision: the same words, initiative, stage gate and actions.
    twins = Decision.objects.filter(
        meeting=meeting,
        text=text.strip(),
        rationale=rationale.strip(),
        initiative=initiative,
        stage_decision__isnull=to_stage is None,
    )
    if to_stage is not None:
        twins = twins.filter(stage_decision__to_stage=to_stage)
    wanted = sorted(a.text.strip() for a in actions)
    if any(
        sorted(t.strip() for t in twin.actions.values_list("text", flat=True)) == wanted
        for twin in twins
    ):
        raise ValidationError({"text": _("This decision is already recorded at this meeting.")})
    late = [
        _("Action %(number)s: %(error)s") % {"number": number, "error": problem}
        for number, spec in enumerate(actions, start=1)
        if (problem := action_due_problem(spec.due_on, meeting.date))
    ]
    if late:
        raise ValidationError({"due_on": late})
    stage_decision = None
    if to_stage is not None:
        if initiative is None:
            raise ValidationError(
                {"initiative": _("Choose the initiative whose stage gate it is.")}
            )
        stage_decision = move_stage(
            initiative, to_stage, body=body, decided_on=meeting.date, user=user, notes=text
        )
    decision = Decision(
        body=body,
        meeting=meeting,
        decided_on=meeting.date,
        text=text.strip(),
        rationale=rationale.strip(),
        initiative=initiative,
        stage_decision=stage_decision,
        visibility=visibility,
        status=DecisionStatus.OPEN if actions else DecisionStatus.ACTIONED,
        recorded_by=user,
    )
    set_history_user(decision, user)
    decision.full_clean()
    decision.save()
    for spec in actions:
        action = Action(
            decision=decision, text=spec.text.strip(), owner=spec.owner, due_on=spec.due_on
        )
        set_history_user(action, user)
        action.save()
    if meeting.status == MeetingStatus.SCHEDULED and meeting.date <= timezone.localdate():
        meeting.status = MeetingStatus.HELD
        set_history_user(meeting, user)
        meeting.save(update_fields=["status", "updated_at"])
    return decision


@transaction.atomic
def complete_action(action: Action, *, user: User, on: datetime.date | None = None) -> Action:
    """Mark an action done; the decision is actioned once none of its actions is open."""
    if not user.has_perm("governance.change_action", action):
        raise PermissionDenied(_("You may not change this action."))
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.done:
        return action
    action.done = True
    action.done_on = on or timezone.localdate()
    set_history_user(action, user)
    action.save(update_fields=["done", "done_on", "updated_at"])
    decision = action.decision
    if (
        not decision.actions.filter(done=False).exists()
        and decision.status != DecisionStatus.ACTIONED
    ):
        decision.status = DecisionStatus.ACTIONED
        set_history_user(decision, user)
        decision.save(update_fields=["status", "updated_at"])
    return action


# Escalations -------------------------------------------------------------------------------


@transaction.atomic
def escalate(
    from_body: GovernanceBody,
    *,
    kind: str,
    summary: str,
    user: User,
    benefit: Benefit | None = None,
    initiative: Initiative | None = None,
    now: datetime.datetime | None = None,
) -> Escalation:
    """Pass an item to the body `from_body` escalates to; it lands on that body's next meeting."""
    if not user.has_perm("governance.add_escalation", from_body):
        raise PermissionDenied(
            _("You may not escalate on behalf of %(from_body)s.") % {"from_body": from_body}
        )
    to_body = from_body.escalates_to
    if to_body is None:
        raise ValidationError(
            _("%(from_body)s has no body to escalate to.") % {"from_body": from_body}
        )
    if not summary.strip():
        raise ValidationError(
            {"summary": _("Say what is escalated and what is asked of the body.")}
        )
    tree = collaboration_tree(from_body.collaboration)
    if benefit is not None and benefit.initiative.collaboration_id not in tree:
        raise ValidationError({"benefit": _("The benefit is not within this body's remit.")})
    if initiative is not None and initiative.collaboration_id not in tree:
        raise ValidationError({"initiative": _("The initiative is not within this body's remit.")})
    if benefit is not None and initiative is None:
        initiative = benefit.initiative
    # One escalation at a time per body, so that the same one sent twice is seen as such.
    GovernanceBody.objects.select_for_update().filter(pk=from_body.pk).first()
    already = (
        Escalation.objects.filter(
            from_body=from_body,
            to_body=to_body,
            kind=kind,
            summary=summary.strip(),
            benefit=benefit,
            initiative=initiative,
            resolved_at__isnull=True,
        )
        .order_by("raised_at")
        .first()
    )
    if already is not None:
        raised_on = date_format(timezone.localdate(already.raised_at), "j F Y")
        raise ValidationError(
            {
                "summary": _("This was escalated to %(body)s on %(day)s and is still open.")
                % {"body": to_body, "day": raised_on}
            }
        )
    now = now or timezone.now()
    escalation = Escalation(
        from_body=from_body,
        to_body=to_body,
        kind=kind,
        summary=summary.strip(),
        benefit=benefit,
        initiative=initiative,
        raised_by=user,
        raised_at=now,
        meeting=next_meeting(to_body, timezone.localdate(now)),
    )
    set_history_user(escalation, user)
    escalation.full_clean()
    escalation.save()
    return escalation


def reland_escalations(
    meeting: Meeting, user: User | None = None, *, today: datetime.date | None = None
) -> list[Escalation]:
    """Move the open escalations due at `meeting`, once it is cancelled, to the receiving
    body's first meeting that will take place on or after both the day each was raised (as
    `escalate` chose it) and today: a meeting to come, whose agenda lists them. With none
    to come, an escalation waits for the next meeting arranged (no meeting named), as one
    raised when the body had none."""
    if meeting.status != MeetingStatus.CANCELLED:
        return []
    today = today or timezone.localdate()
    due = Escalation.objects.filter(meeting=meeting, resolved_at__isnull=True)
    return [e for e in due if _land(e, user, today=today, waiting=False)]


def _land(
    escalation: Escalation, user: User | None, *, today: datetime.date, waiting: bool
) -> bool:
    """Give an open escalation its receiving body's first meeting to come on or after both
    the day it was raised and today (`reland_escalations`, `land_waiting_escalations`). One
    `waiting` for a meeting keeps waiting when there is none; one due at a cancelled
    meeting is then left with none. Whether it was saved."""
    raised_on = timezone.localdate(escalation.raised_at)
    found = next_meeting(escalation.to_body, max(raised_on, today))
    if waiting and found is None:
        return False
    escalation.meeting = found
    set_history_user(escalation, user)
    escalation.save(update_fields=["meeting", "updated_at"])
    return True


@transaction.atomic
def resolve(
    escalation: Escalation, *, resolution: str, user: User, now: datetime.datetime | None = None
) -> Escalation:
    """Record how the receiving body resolved an escalation."""
    if not user.has_perm("governance.change_escalation", escalation):
        raise PermissionDenied(
            _("Only %(to_body)s's programme team may resolve this.")
            % {"to_body": escalation.to_body}
        )
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if escalation.is_resolved:
        raise ValidationError(_("This escalation has already been resolved."))
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the escalation was resolved.")})
    escalation.resolution = resolution.strip()
    escalation.resolved_at = now or timezone.now()
    escalation.resolved_by = user
    set_history_user(escalation, user)
    escalation.save(update_fields=["resolution", "resolved_at", "resolved_by", "updated_at"])
    return escalation
