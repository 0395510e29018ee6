"""Business rules for documents: highlight reports' narratives, and closing an initiative.

Closing an initiative asks for, and refuses without: at least one lesson learned (each
with what happened, what to repeat or avoid, and a theme); confirmation of the level of
benefits realised (computed by the realisation engine); every benefit not yet fully
realised handed to a named owner in business as usual with the measures that continue;
and the date of the post-implementation review. On confirmation, in one transaction, the
lessons join the lessons log, the outstanding benefits move to their new owners and keep
being tracked (status "realising"), the initiative is closed, the post-implementation
review is set and the closure report is stored in the repository as a PDF.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from realise.benefits.models import Benefit, BenefitStatus
from realise.collaborations.models import Initiative, InitiativeStatus
from realise.core import stored_files
from realise.core.history import set_history_user
from realise.core.language import english, lazy_format
from realise.core.types import StrOrPromise
from realise.documents.closure import benefits_realised, build_closure, outstanding_benefits
from realise.documents.models import BenefitHandover, ClosureRecord, HighlightReport, Marking
from realise.documents.render import PDF, render
from realise.governance.models import PostImplementationReview
from realise.knowledge import services as knowledge
from realise.knowledge.extract import extract_text
from realise.knowledge.models import DocumentKind, Lesson, Theme
from realise.organisations.models import Person

NARRATIVE_FIELDS = ("progress", "next_steps", "issues", "decisions_needed")

# Highlight reports -----------------------------------------------------------------------


@transaction.atomic
def save_highlight_report(
    initiative: Initiative,
    month: datetime.date,
    *,
    user: User,
    marking: str = Marking.OFFICIAL,
    **narrative: str,
) -> HighlightReport:
    """Create or update the narrative of an initiative's highlight report on a month."""
    if not user.has_perm("documents.add_highlightreport", initiative):
        raise PermissionDenied(
            _("You may not write highlight reports for %(initiative)s.")
            % {"initiative": initiative}
        )
    unknown = set(narrative) - set(NARRATIVE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    report = (
        HighlightReport.objects.select_for_update()
        .filter(initiative=initiative, month=month.replace(day=1))
        .first()
    ) or HighlightReport(initiative=initiative, month=month.replace(day=1))
    for name, value in narrative.items():
        setattr(report, name, (value or "").strip())
    report.marking = marking
    report.recorded_by = user
    if report.author_id is None:
        report.author = Person.objects.filter(user=user).first()
    report.full_clean()
    set_history_user(report, user)
    report.save()
    return report


# Closure -----------------------------------------------------------------------------------


@dataclass
class LessonInput:
    what_happened: str = ""
    what_to_repeat: str = ""
    what_to_avoid: str = ""
    theme: str = ""
    title: str = ""
    recommendation: str = ""
    stage: int | None = None

    @property
    def is_blank(self) -> bool:
        return (
            not any((self.what_happened, self.what_to_repeat, self.what_to_avoid, self.title))
            and not self.recommendation
        )


@dataclass
class HandoverInput:
    bau_owner: Person | None = None
    measurement_owner: Person | None = None
    continuing_measures: str = ""


@dataclass
class ClosurePlan:
    """What the person closing an initiative gives. `handovers` is keyed by benefit id."""

    lessons: list[LessonInput] = field(default_factory=list)
    handovers: dict[int, HandoverInput] = field(default_factory=dict)
    review_date: datetime.date | None = None
    realised_confirmed: bool = False
    summary: str = ""
    closed_on: datetime.date | None = None
    marking: str = Marking.OFFICIAL


@dataclass(frozen=True)
class Problem:
    """One missing or wrong item: `field` names the form field it belongs to. The message is
    put into words when it is shown, in the language of the page (`lazy_format`)."""

    field: str
    message: StrOrPromise


class ClosureRefused(Exception):
    """The problems of a closure refused; its own text (logs) is English."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(english(problem.message) for problem in problems))
        self.problems = problems


def lesson_field(index: int, name: str) -> str:
    return f"lessons-{index}-{name}"


def handover_field(benefit_id: int, name: str) -> str:
    return f"handover-{benefit_id}-{name}"


def check_closure(
    initiative: Initiative,
    plan: ClosurePlan,
    *,
    outstanding: list[Benefit] | None = None,
    today: datetime.date | None = None,
) -> list[Problem]:
    """Every item missing or wrong in `plan`, each named, in the order of the form."""
    today = today or timezone.localdate()
    closed_on = plan.closed_on or today
    problems: list[Problem] = []
    if initiative.status == InitiativeStatus.CLOSED:
        problems.append(
            Problem(
                "__all__",
                lazy_format(gettext_lazy("%(name)s is already closed."), name=initiative.name),
            )
        )
    if not plan.realised_confirmed:
        problems.append(
            Problem(
                "confirm_realised", gettext_lazy("Confirm the level of benefits realised shown.")
            )
        )
    lessons = [(index, lesson) for index, lesson in enumerate(plan.lessons) if not lesson.is_blank]
    if not lessons:
        problems.append(
            Problem(
                lesson_field(0, "what_happened"), gettext_lazy("Add at least one lesson learned.")
            )
        )
    themes = set(Theme.values)
    for index, lesson in lessons:
        number = index + 1
        if not lesson.what_happened.strip():
            problems.append(
                Problem(
                    lesson_field(index, "what_happened"),
                    lazy_format(
                        gettext_lazy("Lesson %(number)s: say what happened."), number=number
                    ),
                )
            )
        if not (lesson.what_to_repeat.strip() or lesson.what_to_avoid.strip()):
            problems.append(
                Problem(
                    lesson_field(index, "what_to_repeat"),
                    lazy_format(
                        gettext_lazy("Lesson %(number)s: say what to repeat or what to avoid."),
                        number=number,
                    ),
                )
            )
        if lesson.theme not in themes:
            problems.append(
                Problem(
                    lesson_field(index, "theme"),
                    lazy_format(gettext_lazy("Lesson %(number)s: choose a theme."), number=number),
                )
            )
    if outstanding is None:
        outstanding = outstanding_benefits(initiative)
    for benefit in outstanding:
        handover = plan.handovers.get(benefit.pk) or HandoverInput()
        label = f"{benefit.reference} {benefit.title}"
        if handover.bau_owner is None:
            problems.append(
                Problem(
                    handover_field(benefit.pk, "bau_owner"),
                    lazy_format(
                        gettext_lazy("%(benefit)s: name its owner in business as usual."),
                        benefit=label,
                    ),
                )
            )
        if not handover.continuing_measures.strip():
            problems.append(
                Problem(
                    handover_field(benefit.pk, "continuing_measures"),
                    lazy_format(
                        gettext_lazy("%(benefit)s: say which measures continue."), benefit=label
                    ),
                )
            )
    if plan.review_date is None:
        problems.append(
            Problem("review_date", gettext_lazy("Give the date of the post-implementation review."))
        )
    elif plan.review_date <= closed_on:
        problems.append(
            Problem(
                "review_date",
                gettext_lazy("The post-implementation review must be after the closure."),
            )
        )
    if plan.marking not in Marking.values:
        problems.append(
            Problem("marking", gettext_lazy("Choose the protective marking of the report."))
        )
    return problems


def _visibility(initiative: Initiative, marking: str) -> str:
    """Lessons and the report: the collaboration's own forces for OFFICIAL-SENSITIVE,
    otherwise every police user (never wider than the collaboration, which also applies)."""
    return "private" if marking == Marking.OFFICIAL_SENSITIVE else "policing"


def close_initiative(
    initiative: Initiative,
    plan: ClosurePlan,
    *,
    user: User,
    today: datetime.date | None = None,
) -> ClosureRecord:
    """Close `initiative` as `plan` says, or raise `ClosureRefused` naming every problem.

    Everything is written in one transaction: a failure part way writes nothing (and the
    stored report file, if it was already written, is removed).
    """
    if not user.has_perm("documents.close_initiative", initiative):
        raise PermissionDenied(_("You may not close %(initiative)s.") % {"initiative": initiative})
    today = today or timezone.localdate()
    closed_on = plan.closed_on or today
    # The report's file is removed again if the closure does not commit.
    with stored_files.atomic():
        initiative = (
            Initiative.objects.select_for_update()
            .select_related("collaboration")
            .get(pk=initiative.pk)
        )
        outstanding = outstanding_benefits(initiative)
        problems = check_closure(initiative, plan, outstanding=outstanding, today=today)
        if problems:
            raise ClosureRefused(problems)
        record = _write_closure(initiative, plan, outstanding, user=user, closed_on=closed_on)
        report = render(build_closure(record), PDF)
        # The search index holds the text of the public's copy, which names no one: search
        # shows extracts to visitors too (`closure.public_closure_copy`).
        public = render(build_closure(record, people=False), PDF)
        document = knowledge.create_document(
            searchable_text=extract_text("pdf", public.content),
            user=user,
            upload=ContentFile(report.content, name=report.filename),
            file_name=report.filename,
            note="Produced at closure.",
            collaboration=initiative.collaboration,
            initiative=initiative,
            kind=DocumentKind.CLOSURE_REPORT,
            stage=initiative.stage,
            title=f"Closure report: {initiative.name}",
            description=(
                f"Project closure report of {initiative.name}, closed on "
                f"{closed_on:%-d %B %Y}: benefits realised, benefits handed to business "
                "as usual, lessons learned and the post-implementation review."
            ),
            visibility=_visibility(initiative, plan.marking),
        )
        record.document = document
        set_history_user(record, user)
        record.save(update_fields=["document", "updated_at"])
    return record


# The fields of a lesson on the closure form (documents.forms.LessonForm).
LESSON_FIELDS = frozenset(
    {
        "title",
        "theme",
        "stage",
        "what_happened",
        "what_to_repeat",
        "what_to_avoid",
        "recommendation",
    }
)


def _lesson_logged(index: int, **fields: Any) -> Lesson:
    """The plan's lesson `index` added to the lessons log; what the log refuses (the same
    lesson twice, say) refuses the closure, beside that lesson."""
    try:
        return knowledge.create_lesson(**fields)
    except ValidationError as error:
        problems = [
            Problem(lesson_field(index, name if name in LESSON_FIELDS else "title"), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
        raise ClosureRefused(problems) from None


def _write_closure(
    initiative: Initiative,
    plan: ClosurePlan,
    outstanding: list[Benefit],
    *,
    user: User,
    closed_on: datetime.date,
) -> ClosureRecord:
    visibility = _visibility(initiative, plan.marking)
    lessons = []
    for index, lesson in enumerate(plan.lessons):
        if lesson.is_blank:
            continue
        title = lesson.title.strip() or lesson.what_happened.strip().splitlines()[0][:200]
        lessons.append(
            _lesson_logged(
                index,
                user=user,
                collaboration=initiative.collaboration,
                initiative=initiative,
                title=title,
                stage=lesson.stage if lesson.stage is not None else initiative.stage,
                theme=lesson.theme,
                what_happened=lesson.what_happened.strip(),
                what_to_repeat=lesson.what_to_repeat.strip(),
                what_to_avoid=lesson.what_to_avoid.strip(),
                recommendation=lesson.recommendation.strip(),
                date=closed_on,
                visibility=visibility,
            )
        )
    record = ClosureRecord(
        initiative=initiative,
        closed_on=closed_on,
        closed_by=user,
        summary=plan.summary.strip(),
        realised=benefits_realised(initiative, closed_on),
        marking=plan.marking,
    )
    set_history_user(record, user)
    record.save()
    record.lessons.set(lessons)
    for benefit in outstanding:
        handover = plan.handovers[benefit.pk]
        measurer = handover.measurement_owner or handover.bau_owner
        handed = BenefitHandover(
            closure=record,
            benefit=benefit,
            bau_owner=handover.bau_owner,
            measurement_owner=measurer,
            continuing_measures=handover.continuing_measures.strip(),
            previous_owner=benefit.owner,
            previous_measurement_owner=benefit.measurement_owner,
        )
        set_history_user(handed, user)
        handed.save()
        benefit.owner = handover.bau_owner
        benefit.measurement_owner = measurer
        benefit.status = BenefitStatus.REALISING
        set_history_user(benefit, user)
        benefit.save()
    initiative.status = InitiativeStatus.CLOSED
    if initiative.end_date is None:
        initiative.end_date = closed_on
    set_history_user(initiative, user)
    initiative.save()
    review = PostImplementationReview(
        initiative=initiative,
        due_on=cast(datetime.date, plan.review_date),  # check_closure refused a plan without
        notes="Set at closure: checks the benefits handed to business as usual.",
    )
    set_history_user(review, user)
    review.save()
    record.review = review
    record.save(update_fields=["review", "updated_at"])
    return record
