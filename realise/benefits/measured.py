"""When a planned month counts as measured: the one rule of "overdue" that the engine's RAG,
the reminders, the data-quality check and the worklist share.

An actual recorded for the whole collaboration measures the month. A benefit recorded force
by force is measured only once each force expected to record it has: the forces of its own
split (`BenefitShare`), else its collaboration's members (`ForceShare`). Otherwise any actual
measures it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q

from realise.benefits.models import BenefitShare, Measurement
from realise.collaborations.models import ForceShare


def unmeasured(force_ids: Iterable[int] | None = None) -> Q:
    """A condition on `PlannedValue` rows: the month still lacks its actual.

    With `force_ids` (a force benefits lead's view), only for those forces: the month lacks
    an actual of one of them that is expected to record it, and no whole-collaboration
    actual measures it; a force outside the benefit's own split is never expected."""
    lines = Measurement.objects.filter(benefit=OuterRef("benefit"), period=OuterRef("period"))
    # For the forces (of a BenefitShare or ForceShare row) with no line of their own.
    unrecorded = ~Exists(
        Measurement.objects.filter(
            benefit=OuterRef(OuterRef("benefit")),
            period=OuterRef(OuterRef("period")),
            force=OuterRef("force"),
        )
    )
    own_split = BenefitShare.objects.filter(benefit=OuterRef("benefit"))
    members = ForceShare.objects.filter(
        collaboration=OuterRef("benefit__initiative__collaboration")
    )
    own_expected = own_split
    if force_ids is not None:
        force_ids = list(force_ids)
        own_expected = own_split.filter(force_id__in=force_ids)
        members = members.filter(force_id__in=force_ids)
    force_missing = (Exists(own_split) & Exists(own_expected.filter(unrecorded))) | (
        ~Exists(own_split) & Exists(members.filter(unrecorded))
    )
    whole = Exists(lines.filter(force__isnull=True))
    if force_ids is not None:
        return ~whole & force_missing
    return ~whole & (~Exists(lines) | force_missing)
