"""Figures of the economic case as the pages show them (rounded half-up, as the engine does)."""

from decimal import Decimal

from django import template
from django.utils.translation import pgettext_lazy

from realise.appraisal import words
from realise.appraisal.models import fy_label
from realise.core import formatting

register = template.Library()

VFM_LABELS = {
    "negative": pgettext_lazy("value for money", "Negative"),
    "poor": pgettext_lazy("value for money", "Poor"),
    "low": pgettext_lazy("value for money", "Low"),
    "medium": pgettext_lazy("value for money", "Medium"),
    "high": pgettext_lazy("value for money", "High"),
    "very high": pgettext_lazy("value for money", "Very high"),
}


def money_text(value: Decimal | None) -> str:
    """Decimal('-1234.565') -> '-£1,234.57'; None (or nothing) -> '–'."""
    return formatting.money(value)


def number_text(value: Decimal | None, places: int = 2) -> str:
    return formatting.number(value, places)


@register.filter
def money(value):
    return formatting.money(value)


@register.filter
def number(value, places=2):
    return formatting.number(value, int(places))


@register.filter
def percent(value):
    """A switching value to 2 places, as the engine, the command and the workbook give it."""
    return formatting.percent(value, 2)


@register.filter
def financial_year(year):
    return "" if year in (None, "") else fy_label(int(year))


@register.filter
def vfm(category):
    return VFM_LABELS.get(category, "–") if category else "–"


@register.filter
def in_words(increment):
    """How an option compares with business as usual, in the language of the page."""
    return words.summary(increment) if increment else ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
