"""Signals collaborations send, for the apps above it to act on."""

from django.dispatch import Signal

# An initiative moved stage: `decision` (the StageDecision recorded) and `user` (who
# recorded it), sent inside the move's transaction, so a receiver that fails undoes the
# move. Benefits freezes the realisation plan when the move approves the full business case.
stage_moved = Signal()
