"""Figures of the economic case as the pages show them (rounded half-up, as the engine does)."""

from decimal import Decimal

from django import template

from realise.appraisal.greenbook import format_decimal
from realise.appraisal.models import fy_label

register = template.Library()

VFM_LABELS = {
    "negative": "Negative",
    "poor": "Poor",
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    "very high": "Very high",
}


def money_text(value: Decimal | None) -> str:
    """Decimal('-1234.565') -> '-£1,234.57'; None (or nothing) -> '–'."""
    if value in (None, ""):
        return "–"
    rounded = Decimal(format_decimal(value, 2))
    sign = "-" if rounded < 0 else ""
    return f"{sign}£{abs(rounded):,.2f}"


def number_text(value: Decimal | None, places: int = 2) -> str:
    if value in (None, ""):
        return "–"
    return f"{Decimal(format_decimal(value, places)):,.{places}f}"


@register.filter
def money(value):
    return money_text(value)


@register.filter
def number(value, places=2):
    return number_text(value, int(places))


@register.filter
def percent(value):
    return "–" if value in (None, "") else f"{number_text(value)}%"


@register.filter
def financial_year(year):
    return "" if year in (None, "") else fy_label(int(year))


@register.filter
def vfm(category):
    return VFM_LABELS.get(category, "–") if category else "–"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
