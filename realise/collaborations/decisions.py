"""A collaboration's recent governance decisions, for the apps that show them beside it.

The decisions belong to the governance app, which sits beside knowledge in the layers, so
knowledge's catalogue entry cannot import them. Governance registers its finder here from
`GovernanceConfig.ready()`, and knowledge asks `decisions_of`: without a finder there are
no decisions to show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from realise.collaborations.models import Collaboration

# Called with the collaboration and the user; returns the decisions that user may see.
DecisionFinder = Callable[[Collaboration, Any], Sequence[Any]]
_finders: list[DecisionFinder] = []


def register_decisions(finder: DecisionFinder) -> DecisionFinder:
    """Set how a collaboration's recent decisions are found (the governance app's)."""
    _finders[:] = [finder]
    return finder


def decisions_of(collaboration: Collaboration, user) -> Sequence[Any]:
    """The collaboration's recent decisions that `user` may see, newest first."""
    if not _finders:
        return []
    return _finders[0](collaboration, user)
