"""Logging helpers, read by settings.LOGGING before the apps load (so: no models here)."""

import logging

from django.core.exceptions import PermissionDenied


class OneLineRefusals(logging.Filter):
    """A refusal (403) is an answer, not a fault: log its one line without the traceback
    Django attaches to it."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
