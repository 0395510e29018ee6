"""Settings, months, quarters and UK financial years."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from realise.core import inputs

# Settings ---------------------------------------------------------------------------------


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def green_threshold() -> Decimal:
    return Decimal(str(_setting("REALISE_RAG_GREEN", Decimal("0.95"))))


def amber_threshold() -> Decimal:
    return Decimal(str(_setting("REALISE_RAG_AMBER", Decimal("0.80"))))


def maintain_tolerance() -> Decimal:
    return Decimal(str(_setting("REALISE_MAINTAIN_TOLERANCE", Decimal("0.05"))))


def grace_days() -> int:
    return int(_setting("REALISE_MEASUREMENT_GRACE_DAYS", 30))


def trend_months() -> int:
    return max(int(_setting("REALISE_TREND_MONTHS", 3)), 1)


# Months, quarters and UK financial years -------------------------------------------------


def add_months(day: datetime.date, count: int) -> datetime.date:
    """The first of the month `count` months after the month of `day`."""
    index = day.year * 12 + day.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_span(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(day)
        day = add_months(day, 1)
    return out


def last_complete_month(today: datetime.date) -> datetime.date:
    """'To date' runs up to and including this month: the last whole month before today."""
    return add_months(today, -1)


def last_overdue_month(today: datetime.date, grace: int | None = None) -> datetime.date:
    """The latest month that ended more than `grace` days before `today`.

    A planned month up to this one with no actual recorded is "measurement overdue".
    """
    grace = grace_days() if grace is None else grace
    latest_end = today - datetime.timedelta(days=grace + 1)
    if (latest_end + datetime.timedelta(days=1)).day == 1:
        return latest_end.replace(day=1)
    return add_months(latest_end, -1)


def financial_year(day: datetime.date) -> int:
    """The calendar year in which the UK financial year (April to March) of `day` starts."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def financial_quarter(day: datetime.date) -> int:
    """1 for April-June ... 4 for January-March."""
    return (day.month - 4) % 12 // 3 + 1


def parse_month(text: str) -> datetime.date:
    """'2026-10' -> 1 October 2026; ValueError otherwise (also for months outside the range
    that can be recorded, e.g. 0001-01 or 9999-12)."""
    return inputs.parse_month(text)


def _as_of(today: datetime.date | None) -> datetime.date:
    if today is None:
        return timezone.localdate()
    return today
