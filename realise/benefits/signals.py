"""Signals the benefits register sends, for the apps above it to act on."""

from django.dispatch import Signal

# An actual was returned for correction: `measurement` (with `return_reason`) and `user`
# (who returned it). Governance notifies whoever entered or last changed it.
measurement_returned = Signal()
