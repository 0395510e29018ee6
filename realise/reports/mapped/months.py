"""The month a column header names: a date cell, a date typed as text (`01/04/2025`, day
first, or `2025-04-01`), `Apr-25`, `April 2025`, `2025-04`, `04/2025` or a financial-year
month such as `2025/26 M01` (April 2025)."""

from __future__ import annotations

import datetime
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
NAMED = re.compile(r"^([a-z]+)[\s\-/.']*(\d{2}|\d{4})$", re.ASCII)
ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$", re.ASCII)
SLASHED = re.compile(r"^(?:(\d{1,2})/)?(\d{1,2})/(\d{4})$", re.ASCII)
FINANCIAL = re.compile(
    r"^(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*(?:m|month|p|period)\s*(\d{1,2})$",
    re.ASCII,
)
EXAMPLES = "e.g. Apr-25, April 2025, 2025-04 or 2025/26 M01"


class NotAMonth(ValueError):
    pass


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def _is_date(year: str, month: str, day: str | None) -> bool:
    """Whether a typed year, month and (optional) day make a date."""
    try:
        datetime.date(int(year), int(month), int(day or 1))
    except ValueError:
        return False
    return True


def month_of(value) -> datetime.date:
    """The first day of the month a header names; NotAMonth says why not."""
    if isinstance(value, datetime.datetime | datetime.date):
        return datetime.date(value.year, value.month, 1)
    text = "" if value is None else str(value).strip().casefold()
    if not text:
        raise NotAMonth(f"the header is empty, not a month ({EXAMPLES})")
    match = FINANCIAL.match(text)
    if match:
        start, end, number = int(match[1]), _year(match[2]), int(match[3])
        if end % 100 != (start + 1) % 100 or not 1 <= number <= 12:
            raise NotAMonth(f"'{value}' is not a month of a financial year ({EXAMPLES})")
        month = (number + 2) % 12 + 1  # M01 is April
        return datetime.date(start + (1 if month < 4 else 0), month, 1)
    match = ISO.match(text)
    if match and _is_date(match[1], match[2], match[3]):
        return datetime.date(int(match[1]), int(match[2]), 1)
    match = SLASHED.match(text)
    if match and _is_date(match[3], match[2], match[1]):
        return datetime.date(int(match[3]), int(match[2]), 1)
    match = NAMED.match(text)
    if match and match[1] in MONTHS:
        return datetime.date(_year(match[2]), MONTHS[match[1]], 1)
    raise NotAMonth(f"'{value}' is not a month ({EXAMPLES})")
