"""Working days in England and Wales: Monday to Friday, less the bank holidays.

Bank holidays come from the `holidays` package (England's list, which Wales shares), so
substitute days ("Boxing Day (observed)") count as holidays too.
"""

from __future__ import annotations

import calendar
import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> dict[datetime.date, str]:
    """The bank holidays of England and Wales in a year, with their names."""
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


def why_not_working(day: datetime.date) -> str | None:
    """Why a day is not a working day ('a Saturday', 'Good Friday'), or None when it is."""
    if day.weekday() >= 5:
        return f"a {day:%A}"
    name = bank_holidays(day.year).get(day)
    return f"a bank holiday ({name})" if name else None


def is_working_day(day: datetime.date) -> bool:
    return why_not_working(day) is None


def previous_working_day(day: datetime.date) -> datetime.date:
    """The day itself when it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def last_working_day(year: int, month: int) -> datetime.date:
    return previous_working_day(datetime.date(year, month, calendar.monthrange(year, month)[1]))


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> datetime.date:
    """The nth (1 to 4) weekday of a month, or the last one when nth is -1."""
    days = [
        datetime.date(year, month, d)
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if datetime.date(year, month, d).weekday() == weekday
    ]
    return days[-1] if nth == -1 else days[nth - 1]


def week_of_month(day: datetime.date) -> int:
    """1 to 4 for the first to fourth such weekday of its month; -1 for a fifth (the last)."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth
