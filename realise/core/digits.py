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
