"""When a planned month counts as measured: the one rule of "overdue" that the engine's RAG,
the reminders, the data-quality check and the worklist share.

For the benefit as a whole, any actual measures the month, whoever recorded it (the
engine's rule: a force's line is part of the benefit's actual). A force benefits lead's
view asks of their own forces: the month lacks its actual for one of them expected to
record it (a force of the benefit's own split, else a member of its collaboration), unless
an actual for the whole collaboration measures it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q

from realise.benefits.models import BenefitShare, Measurement
from realise.collaborations.models import ForceShare
from realise.core.permissions import Access


def unmeasured(force_ids: Iterable[int] | None = None) -> Any:
    """A condition on `PlannedValue` rows: the month still lacks its actual; with
    `force_ids` (a force benefits lead's view), lacks it for one of those forces that is
    expected to record it (a force outside the benefit's own split never is)."""
    lines = Measurement.objects.filter(benefit=OuterRef("benefit"), period=OuterRef("period"))
    if force_ids is None:
        return ~Exists(lines)
    force_ids = list(force_ids)
    # For the forces (of a BenefitShare or ForceShare row) with no line of their own.
    unrecorded = ~Exists(
        Measurement.objects.filter(
            benefit=OuterRef(OuterRef("benefit")),
            period=OuterRef(OuterRef("period")),
            force=OuterRef("force"),
        )
    )
    own_split = BenefitShare.objects.filter(benefit=OuterRef("benefit"))
    own_expected = own_split.filter(force_id__in=force_ids)
    members = ForceShare.objects.filter(
        collaboration=OuterRef("benefit__initiative__collaboration"), force_id__in=force_ids
    )
    force_missing = (Exists(own_split) & Exists(own_expected.filter(unrecorded))) | (
        ~Exists(own_split) & Exists(members.filter(unrecorded))
    )
    return ~Exists(lines.filter(force__isnull=True)) & force_missing


def led_lines(access: Access) -> list[tuple[Q, frozenset[int]]]:
    """Where a force benefits lead records their force's lines: pairs of a condition on
    `Benefit` and the forces it asks `unmeasured` about. One pair for the forces they lead
    everywhere, one for each force they lead only in named collaborations (and those nested
    in them): `Access.lead_forces` and `Access.lead_scopes`, the rule's two halves."""
    pairs = []
    if access.lead_forces:
        pairs.append(
            (
                Q(initiative__collaboration__shares__force_id__in=access.lead_forces),
                access.lead_forces,
            )
        )
    scoped: dict[int, set[int]] = defaultdict(set)
    for force_id, collaboration_id in access.lead_scopes:
        if force_id not in access.lead_forces:
            scoped[force_id].add(collaboration_id)
    for force_id, collaborations in sorted(scoped.items()):
        pairs.append(
            (
                Q(
                    initiative__collaboration_id__in=collaborations,
                    initiative__collaboration__shares__force_id=force_id,
                ),
                frozenset({force_id}),
            )
        )
    return pairs
