"""Imported by rules' autodiscovery so the permission rules are registered at start-up."""

from realise.core import permissions  # noqa: F401
