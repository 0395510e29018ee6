"""Values of the command line's options, read with a usage error (exit status 2) that names
the option when they cannot be."""

from __future__ import annotations

import datetime
from typing import overload

from django.core.management.base import CommandError


@overload
def day_option(text: str, option: str, example: str = "") -> datetime.date: ...


@overload
def day_option(text: str | None, option: str, example: str = "") -> datetime.date | None: ...


def day_option(text: str | None, option: str, example: str = "") -> datetime.date | None:
    """The day `option` gives as YYYY-MM-DD, or None when it is not given (None; an empty
    value is not a date). `example` ends the error ("e.g. 2026-11-30.") where the command
    shows one."""
    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        ending = f", {example}" if example else ""
        raise CommandError(
            f"{option}: '{text}' is not a date; write it as YYYY-MM-DD{ending}", returncode=2
        ) from None
