"""How figures read in documents: pounds, hours and levels as text, RAG words, months.

Documents carry their figures as text built here, so that the PDF and the Word file print
exactly the same characters.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from realise.benefits.realisation import AMBER, GREEN, NONE, RED
from realise.core import formatting

CENT = Decimal("0.01")
DASH = formatting.DASH
RAG_WORDS = {RED: "Red", AMBER: "Amber", GREEN: "Green", NONE: "Not rated", None: "Not rated"}


def q2(value) -> Decimal:
    """A figure to two places (sums read back from SQLite may carry float noise)."""
    if value is None:
        return Decimal("0.00")
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# Pounds, hours, percentages and months follow the one set of rules in core.formatting.
number = formatting.number
pounds = formatting.money
pounds_short = formatting.money_short
hours = formatting.hours
measure_value = formatting.measure_value
unit_value = formatting.unit_value
percent = formatting.percent
month_label = formatting.month


def rag(value) -> str:
    return RAG_WORDS.get(value, str(value).capitalize())


def day_label(day: datetime.date | None) -> str:
    if day is None:
        return DASH
    return f"{day.day} {day:%B %Y}"


def person(person) -> str:
    if person is None:
        return "Not named"
    return f"{person.name}, {person.role_title}" if person.role_title else person.name
