"""What a person has to do, most urgent first: the home page after sign-in.

Each item links to the page that does it. The kinds, in the words of the people who keep
Realise alive each month:

* actuals overdue for benefits they own or measure (and, for a force benefits lead, their
  force's lines in their force's collaborations, or in those their role names);
* actuals awaiting their verification (as measurement owner or programme team), never
  their own;
* actions assigned to them;
* stage gates and change requests waiting for a body they sit on;
* agreement reviews and post-implementation reviews due (programme team, SRO);
* highlight reports due (programme team, SRO): the documents app, which sits above reports,
  adds these through `register_source`;
* unread notifications.

Administrators, inspectors and viewers also get a summary of the same for everything they
can see. All counts are database queries over the person's own scope.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from realise.benefits.ipa.models import ChangeRequest, ChangeRequestStatus
from realise.benefits.measured import led_lines
from realise.benefits.models import Benefit, BenefitStatus, Measurement, Nature
from realise.collaborations.models import (
    Agreement,
    Collaboration,
    InitiativeStatus,
    Stage,
)
from realise.core.permissions import Access, access_for
from realise.governance.deadlines import actuals_due
from realise.governance.models import (
    Action,
    BodyMember,
    GovernanceBody,
    Notification,
    PostImplementationReview,
)
from realise.governance.reminders import overdue_planned
from realise.governance.services import waiting_for_gate

REVIEW_NOTICE = datetime.timedelta(days=60)


@dataclass(frozen=True)
class WorkItem:
    kind: str
    title: str
    detail: str
    url: str
    action: str
    due: datetime.date | None = None
    today: datetime.date | None = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.today is not None and self.due < self.today

    def sort_key(self):
        return (self.due is None, self.due or datetime.date.max, self.kind, self.title)


@dataclass
class Worklist:
    items: list[WorkItem] = field(default_factory=list)
    summary: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.items)


# The apps above reports that give people work: each source is called with the user, their
# access and today, and returns its work items.
WorkSource = Callable[[Any, Access, datetime.date], list[WorkItem]]
_sources: list[WorkSource] = []


def register_source(source: WorkSource) -> WorkSource:
    """Add the work an app above reports gives people (documents: highlight reports due)."""
    if source not in _sources:
        _sources.append(source)
    return source


def month_label(day: datetime.date) -> str:
    """'Nov 2026', or 'Tach 2026' when the page is in Welsh."""
    return date_format(day, "M Y")


def _tracked(benefits):
    """Benefits whose actuals are still due: active initiatives, or realising after closure."""
    return benefits.filter(
        Q(initiative__status=InitiativeStatus.ACTIVE)
        | Q(initiative__status=InitiativeStatus.CLOSED, status=BenefitStatus.REALISING),
        nature=Nature.QUANTITATIVE,
    ).exclude(status=BenefitStatus.CLOSED)


def overdue_actuals(benefits, today: datetime.date, force_ids=None):
    """Per benefit: the planned months whose actual is overdue (`overdue_planned`, the
    rule the reminders and the data-quality check apply; with `force_ids`, overdue for
    one of those forces)."""
    return (
        overdue_planned(today, benefits, force_ids)
        .values("benefit", "benefit__reference", "benefit__title")
        .annotate(months=Count("pk"), earliest=Min("period"), latest=Max("period"))
        .order_by("earliest", "benefit__reference")
    )


def _actual_items(user, access, today) -> list[WorkItem]:
    items = []
    mine = Benefit.objects.filter(
        Q(measurement_owner__user=user) | Q(measurement_owner__isnull=True, owner__user=user)
    )
    seen = set()
    groups: list[tuple[QuerySet[Benefit], frozenset[int] | None]] = [(mine, None)]
    groups += [(Benefit.objects.filter(where).distinct(), led) for where, led in led_lines(access)]
    for benefits, forces in groups:
        for row in overdue_actuals(benefits, today, forces):
            if row["benefit"] in seen:
                continue
            seen.add(row["benefit"])
            span = (
                month_label(row["earliest"])
                if row["months"] == 1
                else _("%(count)s months, %(first)s to %(last)s")
                % {
                    "count": row["months"],
                    "first": month_label(row["earliest"]),
                    "last": month_label(row["latest"]),
                }
            )
            items.append(
                WorkItem(
                    kind="actuals-overdue",
                    title=_("Actuals overdue: %(benefit)s")
                    % {"benefit": f"{row['benefit__reference']} {row['benefit__title']}"},
                    detail=(_("%(months)s for your force") if forces else "%(months)s")
                    % {"months": span},
                    url=reverse("record-month")
                    + f"?month={row['earliest'].month}&year={row['earliest'].year}",
                    action=_("Record the actuals"),
                    due=actuals_due(row["earliest"]),
                    today=today,
                )
            )
    return items


def awaiting_verification(user, access):
    """Actuals this person may verify (`Measurement.objects.verifiable_by`, the same
    rule the verify action applies) and that wait for it. An administrator, who may verify
    anything, is listed only what they answer for as measurement owner or programme team:
    the rest is in their summary."""
    waiting = Measurement.objects.verifiable_by(user).filter(
        verified_at__isnull=True, benefit__in=_tracked(Benefit.objects.all())
    )
    if access.administrator:
        waiting = waiting.filter(
            Q(benefit__initiative__collaboration_id__in=access.programme_collaborations)
            | Q(benefit__measurement_owner_id=access.person_id or 0)
        )
    return waiting


def _verification_items(user, access, today) -> list[WorkItem]:
    rows = (
        awaiting_verification(user, access)
        .values("benefit", "benefit__reference", "benefit__title", "benefit__initiative")
        .annotate(count=Count("pk"), earliest=Min("period"))
        .order_by("earliest")
    )
    return [
        WorkItem(
            kind="verify",
            title=_("Verify actuals: %(benefit)s")
            % {"benefit": f"{row['benefit__reference']} {row['benefit__title']}"},
            detail=ngettext(
                "%(count)s actual from %(first)s awaits your check",
                "%(count)s actuals from %(first)s await your check",
                row["count"],
            )
            % {"count": row["count"], "first": month_label(row["earliest"])},
            url=reverse("measurement-verification") + f"?initiative={row['benefit__initiative']}",
            action=_("Check the evidence and verify"),
        )
        for row in rows
    ]


def _action_items(user, today) -> list[WorkItem]:
    actions = Action.objects.filter(owner__user=user, done=False).select_related("decision__body")
    return [
        WorkItem(
            kind="action",
            title=_("Action: %(text)s") % {"text": action.text[:80]},
            detail=_("From %(body)s's decision of %(day)s")
            % {
                "body": action.decision.body,
                "day": date_format(action.decision.decided_on, "j M Y"),
            },
            url=action.decision.get_absolute_url(),
            action=_("Do it and mark it done"),
            due=action.due_on,
            today=today,
        )
        for action in actions
    ]


def _body_items(user, today) -> list[WorkItem]:
    bodies = GovernanceBody.objects.filter(
        pk__in=BodyMember.objects.filter(person__user=user).values("body")
    ).select_related("collaboration")
    items = []
    for body in bodies:
        for initiative, stage in waiting_for_gate(body):
            items.append(
                WorkItem(
                    kind="gate",
                    title=_("Stage gate: %(initiative)s to %(stage)s")
                    % {"initiative": initiative.name, "stage": Stage(stage).label},
                    detail=_("Waiting for %(body)s") % {"body": body.name},
                    url=initiative.get_absolute_url(),
                    action=_("Review the case and decide"),
                )
            )
    requests = ChangeRequest.objects.filter(
        status=ChangeRequestStatus.PENDING, body__in=bodies
    ).select_related("benefit", "body")
    for request in requests:
        assert request.body is not None  # chosen by its body
        items.append(
            WorkItem(
                kind="change-request",
                title=_("Change request: %(benefit)s")
                % {"benefit": f"{request.benefit.reference} {request.benefit.title}"},
                detail=_("Re-profiling waiting for %(body)s") % {"body": request.body.name},
                url=request.benefit.get_absolute_url(),
                action=_("Decide the change request"),
            )
        )
    return items


def _review_items(user, access, today) -> list[WorkItem]:
    teams = access.programme_collaborations
    items = []
    agreements = (
        Agreement.objects.in_force()
        .filter(collaboration_id__in=teams, review_due__lte=today + REVIEW_NOTICE)
        .select_related("collaboration")
    )
    for agreement in agreements:
        items.append(
            WorkItem(
                kind="agreement-review",
                title=_("Agreement review: %(title)s") % {"title": agreement.title},
                detail=str(agreement.collaboration),
                url=agreement.get_absolute_url(),
                action=_("Record the review"),
                due=agreement.review_due,
                today=today,
            )
        )
    reviews = PostImplementationReview.objects.filter(
        Q(initiative__sro__user=user) | Q(initiative__collaboration_id__in=teams),
        completed_on__isnull=True,
        due_on__lte=today + REVIEW_NOTICE,
    ).select_related("initiative")
    for review in reviews:
        items.append(
            WorkItem(
                kind="post-implementation-review",
                title=_("Post-implementation review: %(initiative)s")
                % {"initiative": review.initiative},
                detail=_("Evaluate what was delivered"),
                url=review.get_absolute_url(),
                action=_("Carry out the review"),
                due=review.due_on,
                today=today,
            )
        )
    return items


def worklist_for(user, today: datetime.date, *, summary: bool = True) -> Worklist:
    """Everything this person has to do, most urgent (overdue, then soonest) first, and
    (unless `summary` is off) what is waiting in everything they can see, in numbers."""
    access = access_for(user)
    items = [
        *_actual_items(user, access, today),
        *_verification_items(user, access, today),
        *_action_items(user, today),
        *_body_items(user, today),
        *_review_items(user, access, today),
    ]
    for source in _sources:
        items.extend(source(user, access, today))
    items.sort(key=WorkItem.sort_key)
    unread = Notification.objects.filter(user=user, read=False).count()
    if unread:
        items.append(
            WorkItem(
                kind="notifications",
                title=ngettext(
                    "%(count)s unread notification", "%(count)s unread notifications", unread
                )
                % {"count": unread},
                detail=_("Reminders and news about your work"),
                url=reverse("governance-notifications"),
                action=_("Read them"),
            )
        )
    worklist = Worklist(items=items)
    if summary and (access.administrator or not items):
        worklist.summary = scope_summary(user, today)
    return worklist


def scope_summary(user, today: datetime.date) -> list[tuple[str, int, str]]:
    """The same for everything this person can see: what is waiting, in numbers."""
    visible = Collaboration.objects.visible_to(user).values("pk")
    benefits = Benefit.objects.filter(initiative__collaboration__in=visible)
    late = overdue_actuals(benefits, today).count()
    unverified = Measurement.objects.filter(
        benefit__in=_tracked(benefits), verified_at__isnull=True
    ).count()
    actions = Action.objects.filter(
        done=False, due_on__lt=today, decision__body__collaboration__in=visible
    ).count()
    agreements = (
        Agreement.objects.in_force().filter(collaboration__in=visible, review_due__lt=today).count()
    )
    reviews = PostImplementationReview.objects.filter(
        initiative__collaboration__in=visible, completed_on__isnull=True, due_on__lt=today
    ).count()
    dashboard = reverse("dashboard-national")
    return [
        (_("Benefits with actuals overdue"), late, dashboard),
        (_("Actuals not yet verified"), unverified, dashboard),
        (_("Actions overdue"), actions, reverse("governance-decision-list")),
        (_("Agreement reviews overdue"), agreements, reverse("collaboration-list")),
        (_("Post-implementation reviews overdue"), reviews, reverse("collaboration-list")),
    ]


def work_count(user, today: datetime.date) -> int:
    """How many things the person has to do (for the navigation): the summary in numbers,
    which counts across every collaboration they can see, is not worked out for it."""
    return worklist_for(user, today, summary=False).count
