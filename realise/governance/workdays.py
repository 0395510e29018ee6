"""Working days in England and Wales: Monday to Friday, less the bank holidays.

Bank holidays come from the `holidays` package (England's list, which Wales shares), so
substitute days ("Boxing Day (observed)") count as holidays too.
"""

from __future__ import annotations

import calendar
import datetime
from functools import lru_cache

import holidays
from django.utils.translation import gettext, gettext_noop, pgettext_lazy

# The days of the week inside a sentence ('dydd Mawrth' in Welsh), and after 'second'
# ('ail ddydd Mawrth': Welsh mutates the word after 'ail').
WEEKDAYS_IN_A_SENTENCE = (
    pgettext_lazy("weekday in a sentence", "Monday"),
    pgettext_lazy("weekday in a sentence", "Tuesday"),
    pgettext_lazy("weekday in a sentence", "Wednesday"),
    pgettext_lazy("weekday in a sentence", "Thursday"),
    pgettext_lazy("weekday in a sentence", "Friday"),
    pgettext_lazy("weekday in a sentence", "Saturday"),
    pgettext_lazy("weekday in a sentence", "Sunday"),
)
WEEKDAYS_AFTER_SECOND = (
    pgettext_lazy("weekday after second", "Monday"),
    pgettext_lazy("weekday after second", "Tuesday"),
    pgettext_lazy("weekday after second", "Wednesday"),
    pgettext_lazy("weekday after second", "Thursday"),
    pgettext_lazy("weekday after second", "Friday"),
    pgettext_lazy("weekday after second", "Saturday"),
    pgettext_lazy("weekday after second", "Sunday"),
)

# The bank holidays' names (the `holidays` package has them in English only), so that a
# Welsh page names them in Welsh; a name not here reads as the package gives it.
BANK_HOLIDAYS = (
    gettext_noop("New Year's Day"),
    gettext_noop("Good Friday"),
    gettext_noop("Easter Monday"),
    gettext_noop("May Day"),
    gettext_noop("Spring Bank Holiday"),
    gettext_noop("Late Summer Bank Holiday"),
    gettext_noop("Christmas Day"),
    gettext_noop("Boxing Day"),
    gettext_noop("Coronation of Charles III"),
    gettext_noop("Platinum Jubilee of Elizabeth II"),
    gettext_noop("State Funeral of Queen Elizabeth II"),
)
OBSERVED = " (observed)"


def bank_holiday_name(name: str) -> str:
    """A bank holiday's name in the language of the page: 'Christmas Day (observed)'."""
    if name.endswith(OBSERVED):
        return gettext("%(holiday)s (observed)") % {"holiday": gettext(name.removesuffix(OBSERVED))}
    return gettext(name)


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> dict[datetime.date, str]:
    """The bank holidays of England and Wales in a year, with their names."""
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


def why_not_working(day: datetime.date) -> str | None:
    """Why a day is not a working day ('a Saturday', 'a bank holiday (Good Friday)'), in the
    language of the page, or None when it is."""
    if day.weekday() >= 5:
        return gettext("a %(weekday)s") % {"weekday": WEEKDAYS_IN_A_SENTENCE[day.weekday()]}
    name = bank_holidays(day.year).get(day)
    if not name:
        return None
    return gettext("a bank holiday (%(holiday)s)") % {"holiday": bank_holiday_name(name)}


def is_working_day(day: datetime.date) -> bool:
    return why_not_working(day) is None


def previous_working_day(day: datetime.date) -> datetime.date:
    """The day itself when it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def next_working_day(day: datetime.date) -> datetime.date:
    """The day itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
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
