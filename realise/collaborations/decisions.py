"""A collaboration's governance decisions, for the apps that show or index them.

The decisions belong to the governance app, which sits beside knowledge in the layers, so
knowledge (the catalogue entry, the search index) cannot import them. Governance registers
its `DecisionSource` here from `GovernanceConfig.ready()`, which Django runs before
knowledge's (INSTALLED_APPS order); without a source there are no decisions to show or
index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from realise.collaborations.models import Collaboration

# Called with the collaboration and the user; returns the decisions that user may see.
DecisionFinder = Callable[[Collaboration, Any], Sequence[Any]]


@dataclass(frozen=True)
class DecisionSource:
    model: type[Model]  # the decision model
    body_model: type[Model]  # the model of the bodies that decide
    recent: DecisionFinder  # a collaboration's recent decisions a user may see


_sources: list[DecisionSource] = []


def register_decisions(source: DecisionSource) -> DecisionSource:
    """Say where decisions come from (the governance app's models and finder)."""
    _sources[:] = [source]
    return source


def decision_source() -> DecisionSource | None:
    """The registered source of decisions, if an app provides them."""
    return _sources[0] if _sources else None


def decisions_of(collaboration: Collaboration, user) -> Sequence[Any]:
    """The collaboration's recent decisions that `user` may see, newest first."""
    source = decision_source()
    if source is None:
        return []
    return source.recent(collaboration, user)
