"""Numbers written for people: the one set of rules every page, document and download uses.

- money in tables: ``£1,234,567.89``; negatives ``-£1,234.56``;
- money in headline panels: ``£1.23m``, ``£950k`` (the exact figure goes beside it or in a
  ``title``: see the ``money_headline`` template tag);
- hours with separators: ``1,234.5 hours``;
- percentages to one decimal place: ``93.7%``; the difference between two percentages in
  percentage points: ``-1.0 percentage points``;
- months as ``Nov 2026``; days as ``1 day``, ``30 days``;
- shares as percentages with the precision they were entered: ``33.33%``, ``25%``.

Rounding is half-up, as the finance teams round. Nothing here imports an app.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext, ngettext

DASH = "–"
UNIT_SUFFIX = {"hours": " hours", "percent": "%", "count": "", "score": ""}
MILLION = Decimal(1_000_000)
THOUSAND = Decimal(1_000)


def to_decimal(value) -> Decimal | None:
    """A Decimal from a Decimal, int, float or numeric string; None for nothing."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _round(value: Decimal, places: int) -> Decimal:
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded.is_zero() else rounded


def _trim(text: str) -> str:
    """'48.20' -> '48.2', '950.00' -> '950'."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def number(value, places: int = 2) -> str:
    """Decimal('1234567.891') -> '1,234,567.89'."""
    value = to_decimal(value)
    if value is None:
        return DASH
    return f"{_round(value, places):,.{places}f}"


def money(value) -> str:
    """Decimal('48200000.00') -> '£48,200,000.00'; Decimal('-1234.56') -> '-£1,234.56'."""
    value = to_decimal(value)
    if value is None:
        return DASH
    value = _round(value, 2)
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def money_short(value) -> str:
    """A headline figure: Decimal('48200000') -> '£48.2m', 950000 -> '£950k', 12.5 -> '£12.50'.

    Millions keep up to two decimals, thousands up to one below £10k and none above;
    amounts under £1,000 are shown in full.
    """
    value = to_decimal(value)
    if value is None:
        return DASH
    sign = "-" if value < 0 else ""
    size = abs(value)
    thousands = _round(size / THOUSAND, 1 if size < 10 * THOUSAND else 0)
    if size >= MILLION or thousands >= THOUSAND:
        return f"{sign}£{_trim(f'{_round(size / MILLION, 2):,.2f}')}m"
    if size >= THOUSAND:
        return f"{sign}£{_trim(f'{thousands:,f}')}k"
    return money(value)


def hours(value) -> str:
    """Decimal('1234.50') -> '1,234.5 hours' (up to two decimals, no trailing zeros)."""
    value = to_decimal(value)
    if value is None:
        return DASH
    return gettext("%(hours)s hours") % {"hours": _trim(number(value, 2))}


def hours_short(value) -> str:
    """A headline count of hours: Decimal('1234.5') -> '1,235 hours'."""
    value = to_decimal(value)
    if value is None:
        return DASH
    return gettext("%(hours)s hours") % {"hours": number(value, 0)}


def days(count: int) -> str:
    """A number of days, singular or plural as the language has it: 1 -> '1 day'."""
    return ngettext("%(count)s day", "%(count)s days", count) % {"count": count}


def percent(value, places: int = 1) -> str:
    """A figure already in percent: Decimal('93.66') -> '93.7%'."""
    value = to_decimal(value)
    if value is None:
        return DASH
    return f"{number(value, places)}%"


def percent_of_fraction(value, places: int = 1) -> str:
    """A fraction as a percentage: 0.93661 -> '93.7%'."""
    value = to_decimal(value)
    if value is None:
        return DASH
    return percent(value * 100, places)


def share(value) -> str:
    """A share as entered: Decimal('33.3300') -> '33.33%', Decimal('25.00') -> '25%'."""
    value = to_decimal(value)
    if value is None:
        return DASH
    return f"{_trim(f'{value:,f}')}%"


def month(value) -> str:
    """A date or 'YYYY-MM' -> 'Nov 2026'."""
    if value is None or value == "":
        return DASH
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(f"{value[:7]}-01")
        except ValueError:
            return value
    return value.strftime("%b %Y")


def unit_value(unit: str, value) -> str:
    """A benefit's figure in its own unit: pounds, hours, a count, a percentage, a score."""
    if to_decimal(value) is None:
        return DASH
    if unit == "GBP":
        return money(value)
    if unit == "hours":
        return hours(value)
    if unit == "percent":
        return percent(value)
    return _trim(number(value, 2))


def unit_difference(unit: str, value) -> str:
    """The difference between two of a benefit's figures in its own unit (an actual less its
    plan): as `unit_value`, but two percentages differ by percentage points, never by a
    percentage: Decimal('-1.00') -> '-1.0 percentage points'."""
    if unit == "percent" and to_decimal(value) is not None:
        return gettext("%(points)s percentage points") % {"points": number(value, 1)}
    return unit_value(unit, value)


def measure_value(measure: str, value) -> str:
    """A money or hours figure of the realisation engine."""
    return money(value) if measure == "money" else hours(value)


# Number formats for Excel cells, so that a download reads as the page does.
XLSX_MONEY = '"£"#,##0.00;-"£"#,##0.00'
XLSX_HOURS = "#,##0.00"
XLSX_PERCENT = "0.0%"
XLSX_NUMBER = "#,##0.00"


def page_words() -> list[str]:
    """'Page %(page)s of %(pages)s', in the active language, split around its two numbers:
    ['Page ', 'page', ' of ', 'pages', '']."""
    return re.split(r"%\((page|pages)\)s", gettext("Page %(page)s of %(pages)s"))


def page_counter_css() -> str:
    """The CSS `content` of a PDF's page numbers, in the active language:
    '"Page " counter(page) " of " counter(pages)'."""
    parts = []
    for index, part in enumerate(page_words()):
        if index % 2:
            parts.append(f"counter({part})")
        elif part:
            parts.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(parts)
