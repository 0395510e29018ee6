"""The published catalogue: what the public pages and the open data show.

A collaboration is *published* when its visibility is `public`. Its realised benefits are
the verified actuals of the benefits of its initiatives (each checked by someone other than
whoever recorded it: `VERIFIED_ONLY` says so on the pages), summed in the database:

* money: savings of money (1a) and cost avoidance (1c), in pounds;
* hours: savings of time (1b), in operational hours;
* service: the service benefits (2a, 2b), each with its latest recorded value or assessment.

Dis-benefits are counted apart: each total is published gross (benefits only), as the
dis-benefits of the same kind, and net (the first less the second), so a reader sees both.
The monthly series (`monthly_rows`) gives, for money and hours, the plan and the verified
actuals month by month, so that anyone can check the totals against the months.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from realise.benefits.models import Benefit, Measurement, PlannedValue, Unit
from realise.collaborations.models import Collaboration
from realise.core import formatting, language

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Totals(TypedDict):
    """What `_with_totals` adds to each benefit that `delivered` reads."""

    realised_total: Decimal | None


MONEY = ("1a", "1c")
HOURS = ("1b",)
SERVICE = ("2a", "2b")
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=18, decimal_places=2))
VERIFIED_ONLY = _(
    "Published figures count verified actuals only: each checked by someone other than "
    "whoever recorded it. Actuals awaiting verification are left out until they are verified."
)


def published_collaborations() -> QuerySet:
    return Collaboration.objects.filter(visibility="public")


def _realised(subcategories: tuple[str, ...], *, disbenefit: bool = False):
    """Verified actuals of the sub-categories in their own unit: pounds for money, hours
    for time (as the realisation engine and `monthly_rows` sum them)."""
    unit = Unit.HOURS if subcategories == HOURS else Unit.GBP
    totals = (
        Measurement.objects.filter(
            benefit__initiative__collaboration=OuterRef("pk"),
            benefit__subcategory__in=subcategories,
            benefit__unit=unit,
            benefit__is_disbenefit=disbenefit,
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
            disbenefit_money=_realised(MONEY, disbenefit=True),
            disbenefit_hours=_realised(HOURS, disbenefit=True),
            member_count=Count("shares", distinct=True),
            initiative_count=Count("initiatives", distinct=True),
        )
        .annotate(
            net_money=F("realised_money") - F("disbenefit_money"),
            net_hours=F("realised_hours") - F("disbenefit_hours"),
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


def delivered(benefit: WithAnnotations[Benefit, _Totals], latest: dict[int, Measurement]) -> str:
    """What a benefit has delivered so far, in words in the language of the page: a total
    for money and hours, else the latest recorded value or assessment."""
    if benefit.unit in (Unit.GBP, Unit.HOURS):
        if benefit.realised_total is None:
            return gettext("Not yet measured")
        if benefit.unit == Unit.GBP:
            return formatting.money(benefit.realised_total)
        return formatting.hours(benefit.realised_total)
    row = latest.get(benefit.pk)
    if row is None:
        return gettext("Not yet measured")
    when = language.month_year(row.period)
    if row.value is None:
        return f"{row.assessment} ({when})"
    return gettext("%(value)s in %(month)s") % {
        "value": formatting.unit_value(benefit.unit, row.value),
        "month": when,
    }


def headline(collaboration: Collaboration, *, verified_only: bool = False) -> dict:
    """Realised money, hours and service benefits of one collaboration (published or not),
    net of dis-benefits (shown apart); the public page counts `verified_only` actuals."""
    benefits = benefits_with_totals(collaboration, verified_only=verified_only)
    latest = latest_measurements(benefits, verified_only=verified_only)
    benefit_only, disbenefit_only = Q(benefit__is_disbenefit=False), Q(benefit__is_disbenefit=True)
    measured = Measurement.objects.filter(benefit__initiative__collaboration=collaboration)
    if verified_only:
        measured = measured.filter(verified_at__isnull=False)
    # Pounds and hours as the realisation engine sums them: a money sub-category's benefit
    # measured in pounds, an hours one in hours (never a count or a percentage among them).
    money = Q(benefit__subcategory__in=MONEY, benefit__unit=Unit.GBP)
    hours = Q(benefit__subcategory__in=HOURS, benefit__unit=Unit.HOURS)
    totals = measured.aggregate(
        money=Sum("value", filter=money & benefit_only),
        hours=Sum("value", filter=hours & benefit_only),
        disbenefit_money=Sum("value", filter=money & disbenefit_only),
        disbenefit_hours=Sum("value", filter=hours & disbenefit_only),
        outside_business_case=Sum(
            "value",
            filter=money & Q(benefit__identified_in_business_case=False) & benefit_only,
        ),
    )
    groups: dict[str, list[Any]] = {
        "money": [],
        "hours": [],
        "service": [],
        "compliance": [],
        "disbenefits": [],
    }
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
    figures = {
        name: totals[name] or Decimal("0.00")
        for name in ("money", "hours", "disbenefit_money", "disbenefit_hours")
    }
    return {
        **figures,
        "net_money": figures["money"] - figures["disbenefit_money"],
        "net_hours": figures["hours"] - figures["disbenefit_hours"],
        "money_outside_business_case": totals["outside_business_case"] or Decimal("0.00"),
        **{f"{name}_benefits": rows for name, rows in groups.items()},
    }


def monthly_rows() -> list[dict]:
    """Month by month, for each published collaboration, sub-category and unit (pounds or
    hours; benefits and dis-benefits apart): the plan and the verified actuals, each summed
    in the database. Actuals not yet verified are not published."""
    scope = Q(benefit__initiative__collaboration__visibility="public") & (
        Q(benefit__subcategory__in=MONEY, benefit__unit=Unit.GBP)
        | Q(benefit__subcategory__in=HOURS, benefit__unit=Unit.HOURS)
    )
    keys = (
        "period",
        "benefit__initiative__collaboration__slug",
        "benefit__subcategory",
        "benefit__unit",
        "benefit__is_disbenefit",
    )
    planned = (
        PlannedValue.objects.filter(scope)
        .values(*keys)
        .annotate(total=Sum("value"))
        .values_list(*keys, "total")
        .order_by()
    )
    actual = (
        Measurement.objects.filter(scope, value__isnull=False, verified_at__isnull=False)
        .values(*keys)
        .annotate(total=Sum("value"))
        .values_list(*keys, "total")
        .order_by()
    )
    rows: dict[tuple, dict] = {}
    for name, grouped in (("planned", planned), ("actual", actual)):
        for *key, total in grouped:
            period, slug, subcategory, unit, disbenefit = key
            row = rows.setdefault(
                tuple(key),
                {
                    "month": period.strftime("%Y-%m"),
                    "collaboration": slug,
                    "subcategory": subcategory,
                    "unit": unit,
                    "is_disbenefit": disbenefit,
                    "planned": None,
                    "actual": None,
                },
            )
            row[name] = Decimal(str(total)).quantize(Decimal("0.01"))
    return [rows[key] for key in sorted(rows, key=lambda k: (k[1], k[0], k[2], k[3], k[4]))]
