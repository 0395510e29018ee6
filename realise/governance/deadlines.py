"""A person's own deadlines: actuals to record, actions, and reviews, with the day each
falls due. The personal calendar feed shows them."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from realise.benefits.models import Benefit, BenefitStatus, Measurement, Nature, PlannedValue
from realise.collaborations.models import Agreement, InitiativeStatus
from realise.collaborations.nesting import with_nested
from realise.governance.models import Action, PostImplementationReview
from realise.organisations.models import Membership, Role

KIND_LABELS = {
    "actuals": "Actuals due",
    "action": "Action due",
    "agreement-review": "Agreement review due",
    "post-implementation-review": "Post-implementation review due",
}


@dataclass(frozen=True)
class Deadline:
    kind: str
    due: datetime.date
    title: str
    detail: str
    url: str
    uid: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def actuals_due(period: datetime.date) -> datetime.date:
    """The day a month's actual falls due: REALISE_MEASUREMENT_GRACE_DAYS after it ends."""
    last = period.replace(day=calendar.monthrange(period.year, period.month)[1])
    return last + datetime.timedelta(days=settings.REALISE_MEASUREMENT_GRACE_DAYS)


def programme_collaborations(user) -> set[int]:
    """The collaborations (with those nested in them) whose programme team the user is on."""
    ids: set[int] = set()
    for membership in Membership.objects.filter(user=user, role=Role.PROGRAMME_TEAM):
        named = set(membership.collaborations.values_list("pk", flat=True))
        if not named and membership.force is not None:
            named = set(membership.force.shares.values_list("collaboration_id", flat=True))
        ids |= named
    return with_nested(ids) if ids else set()


def _actuals(user, start: datetime.date, end: datetime.date) -> list[Deadline]:
    mine = Benefit.objects.filter(
        Q(measurement_owner__user=user) | Q(measurement_owner__isnull=True, owner__user=user),
        nature=Nature.QUANTITATIVE,
    ).exclude(status=BenefitStatus.CLOSED)
    mine = mine.filter(
        Q(initiative__status=InitiativeStatus.ACTIVE) | Q(status=BenefitStatus.REALISING)
    )
    earliest = start - datetime.timedelta(days=settings.REALISE_MEASUREMENT_GRACE_DAYS + 31)
    measured = Measurement.objects.filter(benefit=OuterRef("benefit"), period=OuterRef("period"))
    rows = (
        PlannedValue.objects.filter(
            benefit__in=mine, period__gte=earliest.replace(day=1), period__lte=end
        )
        .annotate(measured=Exists(measured))
        .filter(measured=False)
        .values_list("benefit_id", "benefit__reference", "benefit__title", "period")
        .distinct()
        .order_by("period", "benefit__reference")
    )
    found = []
    for benefit_id, reference, title, period in rows:
        due = actuals_due(period)
        if start <= due <= end:
            found.append(
                Deadline(
                    kind="actuals",
                    due=due,
                    title=f"Actuals due: {reference} {period:%b %Y}",
                    detail=f"Record the actual for {period:%B %Y} of '{title}' with its evidence.",
                    url=reverse("benefit-detail", args=[benefit_id]),
                    uid=f"actuals-{benefit_id}-{period:%Y-%m}",
                )
            )
    return found


def my_deadlines(user, start: datetime.date, end: datetime.date) -> list[Deadline]:
    """Every deadline of the user's from `start` to `end`, soonest first."""
    found = _actuals(user, start, end)
    for action in Action.objects.filter(
        owner__user=user, done=False, due_on__gte=start, due_on__lte=end
    ).select_related("decision__body"):
        assert action.due_on is not None  # chosen by its due date
        found.append(
            Deadline(
                kind="action",
                due=action.due_on,
                title=f"Action due: {action.text[:60]}",
                detail=f"{action.text}\n\nFrom a decision of {action.decision.body}.",
                url=action.decision.get_absolute_url(),
                uid=f"action-{action.pk}",
            )
        )
    teams = programme_collaborations(user)
    reviews = PostImplementationReview.objects.filter(
        Q(initiative__sro__user=user) | Q(initiative__collaboration_id__in=teams),
        completed_on__isnull=True,
        due_on__gte=start,
        due_on__lte=end,
    ).select_related("initiative")
    for review in reviews:
        found.append(
            Deadline(
                kind="post-implementation-review",
                due=review.due_on,
                title=f"Post-implementation review: {review.initiative}",
                detail=f"The post-implementation review of '{review.initiative}' is due.",
                url=review.initiative.get_absolute_url(),
                uid=f"pir-{review.pk}",
            )
        )
    for agreement in Agreement.objects.filter(
        collaboration_id__in=teams, review_due__gte=start, review_due__lte=end
    ).select_related("collaboration"):
        found.append(
            Deadline(
                kind="agreement-review",
                due=agreement.review_due,
                title=f"Agreement review: {agreement.title}",
                detail=f"The annual review of '{agreement.title}' ({agreement.collaboration}).",
                url=agreement.collaboration.get_absolute_url(),
                uid=f"agreement-review-{agreement.pk}-{agreement.review_due:%Y-%m-%d}",
            )
        )
    return sorted(found, key=lambda d: (d.due, d.kind, d.title))
