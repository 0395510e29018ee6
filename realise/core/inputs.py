"""Rules for values people type, written once and used by every way in (forms, API, Excel
import, services, filters): months within a sane range, amounts in ASCII digits, no NUL.

Python reads more than people mean: `Decimal("١٢٣")` is 123 and `date(1, 1, 1)` is a
date. These rules refuse such values with a message rather than store them.
"""

from __future__ import annotations

import calendar
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from realise.core.digits import commas_misplaced, number_problem

__all__ = ["commas_misplaced", "number_problem"]

FIRST_MONTH = datetime.date(2000, 1, 1)
YEARS_AHEAD = 50
MONTH_TEXT = re.compile(r"^([0-9]{4})-([0-9]{2})$")

# The words a yes-or-no query parameter takes, in the API's filters and its figures alike
# (case and surrounding spaces aside): anything else is refused naming the parameter.
YES_NO_WORDS = {"true": True, "1": True, "false": False, "0": False}


def yes_or_no(text: object) -> bool | None:
    """The yes or no `text` says (`YES_NO_WORDS`), or None when it says neither."""
    return YES_NO_WORDS.get(str(text).strip().lower())


def month_text(period: datetime.date) -> str:
    """'0001-01', zero-padded (strftime leaves early years unpadded on some systems)."""
    return f"{period.year:04d}-{period.month:02d}"


def last_month(today: datetime.date | None = None) -> datetime.date:
    """The latest month that may be written: fifty years after this one."""
    today = today or timezone.localdate()
    return datetime.date(today.year + YEARS_AHEAD, today.month, 1)


def days_recorded(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The first and last days Realise records: those of the months `month_problem`
    accepts."""
    last = last_month(today)
    return FIRST_MONTH, last.replace(day=calendar.monthrange(last.year, last.month)[1])


# Months before this are within the range whatever today is, from the day this module was
# loaded on (the range's end only moves later): most months are checked without working out
# today's date in the local time zone, which an import of many rows would do once a row.
_WITHIN_RANGE_BEFORE = datetime.date(datetime.date.today().year - 1 + YEARS_AHEAD, 1, 1)


def month_problem(period: datetime.date, today: datetime.date | None = None) -> str | None:
    """Why `period` is not a month Realise records, or None when it is."""
    if today is None and FIRST_MONTH <= period < _WITHIN_RANGE_BEFORE:
        return None
    latest = last_month(today)
    if period < FIRST_MONTH or period > latest:
        return _(
            "%(month)s is outside the months that can be recorded: from %(first)s to %(last)s."
        ) % {
            "month": month_text(period),
            "first": month_text(FIRST_MONTH),
            "last": month_text(latest),
        }
    return None


def check_month(period: datetime.date, field: str | None = None) -> datetime.date:
    """`period` itself, or ValidationError (on `field` when given) when out of range."""
    problem = month_problem(period)
    if problem:
        raise ValidationError({field: problem} if field else problem)
    return period


def check_months(periods, field: str | None = None) -> None:
    """ValidationError naming the first month of `periods` outside the range, if any."""
    for period in sorted(periods):
        check_month(period, field)


def parse_month(text: str) -> datetime.date:
    """'2026-10' -> 1 October 2026, within the sane range; ValueError with a message in the
    language active when it is raised otherwise (ASCII digits only: full-width or
    Arabic-Indic digits are refused)."""
    match = MONTH_TEXT.match(str(text).strip())
    if not match:
        raise ValueError(_not_a_month(text))
    try:
        period = datetime.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(_not_a_month(text)) from None
    problem = month_problem(period)
    if problem:
        raise ValueError(problem)
    return period


def _not_a_month(text: object) -> str:
    return _("'%(text)s' is not a month; write it as YYYY-MM, e.g. 2026-10.") % {"text": text}


def number_text_problem(value) -> str | None:
    """`number_problem` in the language of the page, for forms: why typed text is not a
    number Realise reads, or None (`number_problem`'s own words stay English for the
    imports)."""
    if number_problem(value):
        return _("'%(value)s' is not a number: write it with the digits 0 to 9.") % {"value": value}
    return None


def check_number_text(value) -> None:
    """ValidationError, in the language of the page, when `value` is written in digits other
    than 0 to 9 (`number_text_problem`)."""
    problem = number_text_problem(value)
    if problem:
        raise ValidationError(problem)


def has_nul(value) -> bool:
    return isinstance(value, str) and "\x00" in value
