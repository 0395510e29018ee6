"""The pipeline's business rules: totals, and turning an opportunity into an initiative.

Totals are computed in the database in whole hundredths of a penny (most likely in pennies
times the confidence in percent), so they are exact on SQLite and PostgreSQL alike. The
risk-weighted total is the sum of every most likely x confidence, rounded once, half up, to
the penny; each opportunity's own risk-weighted value is rounded the same way.
Money and hours are totalled apart and never added together, nor to planned or realised
figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, QuerySet, Sum
from django.db.models.functions import Cast, Round
from django.utils.text import slugify
from django.utils.translation import gettext as _

from realise.benefits.models import Unit
from realise.collaborations.models import Collaboration, Initiative, Stage
from realise.core.history import set_history_user
from realise.core.types import Actor
from realise.pipeline.models import PENNY, Opportunity, OpportunityStatus

_PENNIES = Cast(Round(F("most_likely") * 100), BigIntegerField())
WEIGHTED_UNITS = ExpressionWrapper(_PENNIES * F("confidence"), output_field=BigIntegerField())


def visible_opportunities(user: Actor) -> QuerySet[Opportunity]:
    """The opportunities of the collaborations the user may see."""
    return Opportunity.objects.filter(
        collaboration__in=Collaboration.objects.visible_to(user).values("pk")
    )


@dataclass(frozen=True)
class Totals:
    count: int
    most_likely_total: Decimal
    risk_weighted_total: Decimal


def totals(queryset: QuerySet[Opportunity], unit: str) -> Totals:
    """The count and totals of the opportunities in `queryset` estimated in `unit`."""
    row = queryset.filter(unit=unit).aggregate(
        count=Count("pk"),
        pennies=Sum(_PENNIES),
        weighted=Sum(WEIGHTED_UNITS),
    )
    pennies = Decimal(row["pennies"] or 0)
    weighted = Decimal(row["weighted"] or 0)
    return Totals(
        count=row["count"],
        most_likely_total=(pennies / 100).quantize(PENNY),
        risk_weighted_total=(weighted / 10000).quantize(PENNY, rounding=ROUND_HALF_UP),
    )


def money_and_hours(queryset: QuerySet[Opportunity]) -> dict[str, Totals]:
    return {"money": totals(queryset, Unit.GBP), "hours": totals(queryset, Unit.HOURS)}


def _free_slug(base: str) -> str:
    base = (slugify(base) or "initiative")[:90]
    slug, n = base, 2
    while Initiative.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _free_name(collaboration: Collaboration, base: str) -> str:
    name, n = base[:190], 2
    while Initiative.objects.filter(collaboration=collaboration, name=name).exists():
        name, n = f"{base[:185]} ({n})", n + 1
    return name


def turn_into_initiative(opportunity: Opportunity, user: Actor) -> Initiative:
    """Create an initiative at stage 0 in the opportunity's collaboration and link them.

    Refused if the user may not edit the opportunity and add initiatives there, or if it
    is rejected or already an initiative.
    """
    if not (
        user.has_perm("pipeline.change_opportunity", opportunity)
        and user.has_perm("collaborations.add_initiative", opportunity.collaboration)
    ):
        raise PermissionDenied(_("You may not turn this opportunity into an initiative."))
    with transaction.atomic():
        current = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        if current.initiative_id is not None:
            raise ValidationError(
                {
                    "status": _("“%(current)s” is already the initiative “%(initiative)s”.")
                    % {"current": current, "initiative": current.initiative}
                }
            )
        if current.status == OpportunityStatus.REJECTED:
            raise ValidationError(
                {
                    "status": _("“%(current)s” was rejected; reopen it before taking it forward.")
                    % {"current": current}
                }
            )
        initiative = Initiative(
            collaboration=current.collaboration,
            name=_free_name(current.collaboration, current.title),
            slug=_free_slug(current.title),
            stage=Stage.STRATEGIC_ASSESSMENT,
            sro=current.owner,
            purpose=current.description,
        )
        set_history_user(initiative, user)
        initiative.save()
        current.initiative = initiative
        current.status = OpportunityStatus.INITIATIVE
        current.rejection_reason = ""
        set_history_user(current, user)
        current.save()
    opportunity.refresh_from_db()
    return initiative
