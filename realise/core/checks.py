"""Checks `manage.py check --deploy` adds for Realise's own settings."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning as CheckWarning

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")  # noqa: S104 - names, not a bind


def base_url_is_public(app_configs=None, **kwargs) -> list[CheckWarning]:
    """Links in reminder e-mails and calendar feeds are built on `REALISE_BASE_URL`: left at
    its default (this machine) they lead nowhere for the people who get them."""
    host = (urlsplit(settings.REALISE_BASE_URL).hostname or "").lower()
    if host and host not in LOCAL_HOSTS:
        return []
    return [
        CheckWarning(
            f"REALISE_BASE_URL is {settings.REALISE_BASE_URL!r}: links in reminder e-mails "
            "and calendar feeds would point at this machine.",
            hint="Set REALISE_BASE_URL to the address people use, e.g. "
            "https://realise.police.example.",
            id="realise.W001",
        )
    ]
