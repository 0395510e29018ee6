"""A person's own deadlines: actuals to record, actions, and reviews, with the day each
falls due. The personal calendar feed shows them. Titles and details are in the active
language: the page's, or for the feed its owner's (`core.language.of_user`)."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from realise.benefits.measured import led_lines, unmeasured
from realise.benefits.models import Benefit, BenefitStatus, Nature, PlannedValue
from realise.collaborations.models import Agreement, InitiativeStatus
from realise.collaborations.nesting import with_nested
from realise.core.language import month_year
from realise.core.permissions import access_for
from realise.governance.models import Action, PostImplementationReview
from realise.organisations.models import Membership, Role

KIND_LABELS = {
    "actuals": gettext_lazy("Actuals due"),
    "action": gettext_lazy("Action due"),
    "agreement-review": gettext_lazy("Agreement review due"),
    "post-implementation-review": gettext_lazy("Post-implementation review due"),
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
        return str(KIND_LABELS[self.kind])


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


def _actuals(user, start: datetime.date | None, end: datetime.date) -> list[Deadline]:
    """Actuals due for the benefits the user measures (or owns, with no one else measuring
    them), and, for a force benefits lead, for their force's lines (as on the worklist)."""
    tracked = (
        Benefit.objects.filter(nature=Nature.QUANTITATIVE)
        .exclude(status=BenefitStatus.CLOSED)
        .filter(Q(initiative__status=InitiativeStatus.ACTIVE) | Q(status=BenefitStatus.REALISING))
    )
    mine = tracked.filter(
        Q(measurement_owner__user=user) | Q(measurement_owner__isnull=True, owner__user=user)
    )
    groups: list[tuple[QuerySet[Benefit], frozenset[int] | None]] = [(mine, None)]
    groups += [(tracked.filter(where), forces) for where, forces in led_lines(access_for(user))]
    months = PlannedValue.objects.filter(period__lte=end)
    if start is not None:
        earliest = start - datetime.timedelta(days=settings.REALISE_MEASUREMENT_GRACE_DAYS + 31)
        months = months.filter(period__gte=earliest.replace(day=1))
    rows = {}
    for benefits, forces in groups:
        # The one rule of a measured month (`benefits.measured`), for the lead's forces.
        for row in (
            months.filter(benefit__in=benefits)
            .filter(unmeasured(forces))
            .values_list("benefit_id", "benefit__reference", "benefit__title", "period")
            .distinct()
        ):
            rows[row[0], row[3]] = row
    found = []
    for benefit_id, reference, title, period in sorted(rows.values(), key=lambda r: (r[3], r[1])):
        due = actuals_due(period)
        if (start is None or start <= due) and due <= end:
            found.append(
                Deadline(
                    kind="actuals",
                    due=due,
                    title=_("Actuals due: %(reference)s %(month)s")
                    % {"reference": reference, "month": month_year(period)},
                    detail=_("Record the actual for %(month)s of '%(title)s' with its evidence.")
                    % {"month": month_year(period), "title": title},
                    url=reverse("benefit-detail", args=[benefit_id]),
                    uid=f"actuals-{benefit_id}-{period:%Y-%m}",
                )
            )
    return found


def my_deadlines(user, start: datetime.date | None, end: datetime.date) -> list[Deadline]:
    """Every deadline of the user's from `start` (None: however long ago, so everything
    still overdue) to `end`, soonest first."""
    since = Q() if start is None else Q(due_on__gte=start)
    found = _actuals(user, start, end)
    for action in Action.objects.filter(
        since, owner__user=user, done=False, due_on__lte=end
    ).select_related("decision__body"):
        assert action.due_on is not None  # chosen by its due date
        found.append(
            Deadline(
                kind="action",
                due=action.due_on,
                title=_("Action due: %(text)s") % {"text": action.text[:60]},
                detail=action.text
                + "\n\n"
                + _("From a decision of %(body)s.") % {"body": action.decision.body},
                url=action.decision.get_absolute_url(),
                uid=f"action-{action.pk}",
            )
        )
    teams = programme_collaborations(user)
    reviews = PostImplementationReview.objects.filter(
        Q(initiative__sro__user=user) | Q(initiative__collaboration_id__in=teams),
        since,
        completed_on__isnull=True,
        due_on__lte=end,
    ).select_related("initiative")
    for review in reviews:
        found.append(
            Deadline(
                kind="post-implementation-review",
                due=review.due_on,
                title=_("Post-implementation review: %(initiative)s")
                % {"initiative": review.initiative},
                detail=_("The post-implementation review of '%(initiative)s' is due.")
                % {"initiative": review.initiative},
                url=review.get_absolute_url(),
                uid=f"pir-{review.pk}",
            )
        )
    for agreement in (
        Agreement.objects.in_force()
        .filter(collaboration_id__in=teams, review_due__lte=end)
        .filter(Q() if start is None else Q(review_due__gte=start))
        .select_related("collaboration")
    ):
        found.append(
            Deadline(
                kind="agreement-review",
                due=agreement.review_due,
                title=_("Agreement review: %(title)s") % {"title": agreement.title},
                detail=_("The annual review of '%(title)s' (%(collaboration)s).")
                % {"title": agreement.title, "collaboration": agreement.collaboration},
                url=agreement.get_absolute_url(),
                uid=f"agreement-review-{agreement.pk}-{agreement.review_due:%Y-%m-%d}",
            )
        )
    return sorted(found, key=lambda d: (d.due, d.kind, d.title))
