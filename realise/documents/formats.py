"""How figures read in documents: pounds, hours and levels as text, RAG words, months.

Documents carry their figures as text built here, so that the PDF and the Word file print
exactly the same characters.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from realise.benefits.realisation import AMBER, GREEN, NONE, RED
from realise.core import formatting, language

CENT = Decimal("0.01")
DASH = formatting.DASH
RAG_WORDS = {RED: "Red", AMBER: "Amber", GREEN: "Green", NONE: "Not rated", None: "Not rated"}
# The same words in the language of the document ("Red" is "Coch" in Welsh).
RAG_SHOWN = {
    "Red": gettext_lazy("Red"),
    "Amber": gettext_lazy("Amber"),
    "Green": gettext_lazy("Green"),
    "Not rated": gettext_lazy("Not rated"),
}


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


def month_label(value) -> str:
    """'Nov 2026', or 'Tachwedd 2026' in a Welsh document."""
    if language.is_welsh() and isinstance(value, datetime.date):
        return language.month_year(value)
    return formatting.month(value)


def rag(value) -> str:
    word = RAG_WORDS.get(value, str(value).capitalize())
    return str(RAG_SHOWN.get(word, word))


def rag_key(text: str) -> str | None:
    """The English RAG word ("Red"...) a cell's text stands for, in either language."""
    for key, shown in RAG_SHOWN.items():
        if text in (key, str(shown)):
            return key
    return None


def day_label(day: datetime.date | None) -> str:
    if day is None:
        return DASH
    if language.is_welsh():
        return f"{day.day} {language.month_year(day)}"
    return f"{day.day} {day:%B %Y}"


def person(person) -> str:
    if person is None:
        return _("Not named")
    return f"{person.name}, {person.role_title}" if person.role_title else person.name
