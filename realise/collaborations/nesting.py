"""Collaborations nested in collaborations (a region's programme holds its partnerships)."""

from collections.abc import Iterable

from realise.collaborations.models import Collaboration


def with_nested(roots: Iterable[int]) -> set[int]:
    """The ids of `roots` and of every collaboration nested in them, at any depth: one
    query per level, and safe against a cycle."""
    found = set(roots)
    frontier = set(found)
    while frontier:
        frontier = set(
            Collaboration.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
        found |= frontier
    return found
