"""The published catalogue: what the public pages and the open data show.

A collaboration is *published* when its visibility is `public`. Its realised benefits are
the verified actuals of the benefits of its initiatives (each checked by someone other than
whoever recorded it: `VERIFIED_ONLY` says so on the pages), summed in the database:

* money: savings of money (1a) and cost avoidance (1c), in pounds;
* hours: savings of time (1b), in operational hours;
* service: the service benefits (2a, 2b), each with its latest recorded value or assessment.

Dis-benefits are never added into these totals; they are listed on their own.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from realise.benefits.models import Benefit, Measurement, Unit
from realise.collaborations.models import Collaboration

MONEY = ("1a", "1c")
HOURS = ("1b",)
SERVICE = ("2a", "2b")
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=18, decimal_places=2))
VERIFIED_ONLY = (
    "Published figures count verified actuals only: each checked by someone other than "
    "whoever recorded it. Actuals awaiting verification are left out until they are verified."
)


def published_collaborations() -> QuerySet:
    return Collaboration.objects.filter(visibility="public")


def _realised(subcategories: tuple[str, ...]):
    totals = (
        Measurement.objects.filter(
            benefit__initiative__collaboration=OuterRef("pk"),
            benefit__subcategory__in=subcategories,
            benefit__is_disbenefit=False,
            verified_at__isnull=False,
        )
        .order_by()
        .values("benefit__initiative__collaboration")
        .annotate(total=Sum("value"))
        .values("total")
    )
    return Coalesce(
        Subquery(totals, output_field=DecimalField(max_digits=18, decimal_places=2)), ZERO
    )


def catalogue() -> QuerySet:
    """Published collaborations with their realised money and hours and their counts."""
    return (
        published_collaborations()
        .select_related("lead_force", "parent")
        .annotate(
            realised_money=_realised(MONEY),
            realised_hours=_realised(HOURS),
            member_count=Count("shares", distinct=True),
            initiative_count=Count("initiatives", distinct=True),
        )
        .order_by("name")
    )


def published_benefits() -> QuerySet:
    """Benefits of published collaborations, each with its verified total and months."""
    return _with_totals(
        Benefit.objects.filter(initiative__collaboration__visibility="public"), verified_only=True
    )


def benefits_with_totals(collaboration: Collaboration, *, verified_only: bool = False) -> QuerySet:
    return _with_totals(
        Benefit.objects.filter(initiative__collaboration=collaboration), verified_only=verified_only
    )


def _with_totals(benefits: QuerySet, *, verified_only: bool) -> QuerySet:
    counted = Q(measurements__verified_at__isnull=False) if verified_only else Q()
    return (
        benefits.select_related("initiative", "initiative__collaboration")
        .annotate(
            realised_total=Sum("measurements__value", filter=counted),
            measurement_count=Count("measurements", filter=counted),
            first_period=Min("measurements__period", filter=counted),
            last_period=Max("measurements__period", filter=counted),
            collaboration_slug=F("initiative__collaboration__slug"),
        )
        .order_by("initiative__collaboration__name", "initiative__name", "reference")
    )


def latest_measurements(benefits: QuerySet, *, verified_only: bool = False) -> dict:
    """The latest recorded (or verified) actual of each benefit in `benefits` (one query)."""
    latest = Measurement.objects.filter(benefit=OuterRef("benefit")).order_by("-period", "-pk")
    if verified_only:
        latest = latest.filter(verified_at__isnull=False)
    rows = Measurement.objects.filter(benefit__in=benefits.values("pk")).filter(
        pk=Subquery(latest.values("pk")[:1])
    )
    return {row.benefit_id: row for row in rows}


def delivered(benefit: Benefit, latest: dict[int, Measurement]) -> str:
    """What a benefit has delivered so far, in words: a total for money and hours, else the
    latest recorded value or assessment."""
    if benefit.unit in (Unit.GBP, Unit.HOURS):
        if benefit.realised_total is None:
            return "Not yet measured"
        if benefit.unit == Unit.GBP:
            return f"£{benefit.realised_total:,.0f}"
        return f"{benefit.realised_total:,.0f} hours"
    row = latest.get(benefit.pk)
    if row is None:
        return "Not yet measured"
    when = row.period.strftime("%B %Y")
    if row.value is None:
        return f"{row.assessment} ({when})"
    suffix = "%" if benefit.unit == Unit.PERCENT else ""
    return f"{row.value.normalize():f}{suffix} in {when}"


def headline(collaboration: Collaboration, *, verified_only: bool = False) -> dict:
    """Realised money, hours and service benefits of one collaboration (published or not);
    the public page counts `verified_only` actuals."""
    benefits = benefits_with_totals(collaboration, verified_only=verified_only)
    latest = latest_measurements(benefits, verified_only=verified_only)
    measured = Measurement.objects.filter(
        benefit__initiative__collaboration=collaboration, benefit__is_disbenefit=False
    )
    if verified_only:
        measured = measured.filter(verified_at__isnull=False)
    totals = measured.aggregate(
        money=Sum("value", filter=Q(benefit__subcategory__in=MONEY)),
        hours=Sum("value", filter=Q(benefit__subcategory__in=HOURS)),
        outside_business_case=Sum(
            "value",
            filter=Q(benefit__subcategory__in=MONEY, benefit__identified_in_business_case=False),
        ),
    )
    groups = {"money": [], "hours": [], "service": [], "compliance": [], "disbenefits": []}
    for benefit in benefits:
        if benefit.is_disbenefit:
            group = "disbenefits"
        elif benefit.subcategory in MONEY:
            group = "money"
        elif benefit.subcategory in HOURS:
            group = "hours"
        elif benefit.subcategory in SERVICE:
            group = "service"
        else:
            group = "compliance"
        groups[group].append({"benefit": benefit, "delivered": delivered(benefit, latest)})
    return {
        "money": totals["money"] or Decimal("0.00"),
        "hours": totals["hours"] or Decimal("0.00"),
        "money_outside_business_case": totals["outside_business_case"] or Decimal("0.00"),
        **{f"{name}_benefits": rows for name, rows in groups.items()},
    }
