"""Template filters for figures: ``{% load realise_format %}`` then ``{{ x|money }}``.

Each filter is a thin wrapper over ``realise.core.formatting``, which documents and
downloads call directly, so that a figure reads the same on every page and in every file.
"""

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html

from realise.core import formatting, language

register = template.Library()


@register.filter
def money(value):
    return formatting.money(value)


@register.filter
def money_short(value):
    return formatting.money_short(value)


@register.simple_tag
def money_headline(value):
    """A headline figure, its exact amount in a title and for screen readers:
    ``£48.2m`` with ``£48,200,000.00`` available."""
    short, exact = formatting.money_short(value), formatting.money(value)
    if short == exact:
        return exact
    return format_html(
        '<span title="{}" aria-hidden="true">{}</span>'
        '<span class="govuk-visually-hidden">{}</span>',
        exact,
        short,
        exact,
    )


@register.filter
def hours(value):
    return formatting.hours(value)


@register.filter
def hours_short(value):
    return formatting.hours_short(value)


@register.filter
def number(value, places=2):
    return formatting.number(value, int(places))


@register.filter
def percent(value, places=1):
    return formatting.percent(value, int(places))


@register.filter
def percent_of_fraction(value):
    return formatting.percent_of_fraction(value)


@register.filter
def share(value):
    return formatting.share(value)


@register.filter
def month(value):
    """'Nov 2026'; in Welsh 'Tach 2026' (documents and downloads call formatting directly)."""
    if value not in (None, "") and not isinstance(value, str) and language.is_welsh():
        return date_format(value, "M Y")
    return formatting.month(value)


@register.filter
def month_year(value):
    """'November 2026' or 'Tachwedd 2026', in the language of the page."""
    return language.month_year(value)


@register.filter
def force_name(force):
    """A force's name in the language of the page: 'Heddlu De Cymru' in Welsh."""
    return language.force_name(force)


@register.filter
def unit_value(value, unit):
    return formatting.unit_value(unit, value)


@register.filter
def unit_difference(value, unit):
    """An actual less its plan in the benefit's unit: percentage points for percentages."""
    return formatting.unit_difference(unit, value)


@register.filter
def measure_value(value, measure):
    return formatting.measure_value(measure, value)
