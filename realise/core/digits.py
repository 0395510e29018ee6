"""Numbers typed as text are read only when written with the digits 0 to 9.

Python's Decimal() and int() silently read Arabic-Indic, full-width and other Unicode
digits (`Decimal("١٢٣")` is 123), so an amount could be stored that nobody typed as such.
Plain Python (no Django), so the appraisal engine can use it too.
"""

from __future__ import annotations

import re

NUMBER_TEXT = re.compile(r"^[\s£%+\-.,0-9eE]*$")


def number_problem(value) -> str | None:
    """Why typed text is not a number Realise reads, or None (also for non-text values)."""
    if not isinstance(value, str) or NUMBER_TEXT.match(value):
        return None
    if any(char.isdigit() or char.isnumeric() for char in value):
        return f"'{value}' is not a number: write it with the digits 0 to 9."
    return None


# Digits grouped in thousands by commas, with any decimals after a full stop.
_GROUPED = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$")
# What may stand before or after the digits of an amount: a sign, a pound sign, brackets.
_AROUND = re.compile(r"^[\s£+\-(]*|[\s)]*$")


def commas_misplaced(text: str) -> bool:
    """Whether the commas in typed number text do something other than group thousands:
    '12,50' (a decimal comma) or '1,25,000' would become another amount if the commas were
    simply dropped, so they are refused; '£1,250.50' and '(1,234)' are not."""
    if "," not in text:
        return False
    return not _GROUPED.match(_AROUND.sub("", text))
