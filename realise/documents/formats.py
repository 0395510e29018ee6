"""How figures read in documents: pounds, hours and levels as text, RAG words, months.

Documents carry their figures as text built here, so that the PDF and the Word file print
exactly the same characters.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from realise.benefits.realisation import AMBER, GREEN, NONE, RED

CENT = Decimal("0.01")
DASH = "–"
RAG_WORDS = {RED: "Red", AMBER: "Amber", GREEN: "Green", NONE: "Not rated", None: "Not rated"}
UNIT_SUFFIX = {"hours": " hours", "percent": "%", "count": "", "score": ""}


def q2(value) -> Decimal:
    """A figure to two places (sums read back from SQLite may carry float noise)."""
    if value is None:
        return Decimal("0.00")
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def number(value, places: int = 2) -> str:
    if value is None:
        return DASH
    value = q2(value) if places == 2 else Decimal(value).quantize(Decimal(1).scaleb(-places))
    return f"{value:,.{places}f}"


def pounds(value) -> str:
    if value is None:
        return DASH
    value = q2(value)
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def hours(value) -> str:
    return DASH if value is None else f"{number(value)} hours"


def measure_value(measure: str, value) -> str:
    """A money or hours figure."""
    return pounds(value) if measure == "money" else hours(value)


def unit_value(unit: str, value) -> str:
    """A benefit's own figure in its unit: pounds, hours, a count, a percentage, a score."""
    if value is None:
        return DASH
    if unit == "GBP":
        return pounds(value)
    return f"{number(value)}{UNIT_SUFFIX.get(unit, '')}"


def percent(value) -> str:
    return DASH if value is None else f"{q2(value):,.2f}%"


def rag(value) -> str:
    return RAG_WORDS.get(value, str(value).capitalize())


def month_label(day: datetime.date | None) -> str:
    return day.strftime("%B %Y") if day else DASH


def day_label(day: datetime.date | None) -> str:
    if day is None:
        return DASH
    return f"{day.day} {day:%B %Y}"


def person(person) -> str:
    if person is None:
        return "Not named"
    return f"{person.name}, {person.role_title}" if person.role_title else person.name
