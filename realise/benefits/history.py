"""A benefit's change history: the benefit, its planned profile, actuals and evidence."""

from __future__ import annotations

from realise.benefits.models import Benefit, Evidence, Measurement, PlannedValue
from realise.core.history import Change, per_object


def benefit_changes(benefit) -> list[Change]:
    """Every recorded change to a benefit, its planned profile, actuals and evidence."""
    measurement_ids = Measurement.history.filter(benefit_id=benefit.pk).values("id")
    changes = (
        per_object(Benefit.history.filter(id=benefit.pk), lambda r: "Benefit")
        + per_object(
            PlannedValue.history.filter(benefit_id=benefit.pk),
            lambda r: f"Plan for {r.period:%Y-%m}",
        )
        + per_object(
            Measurement.history.filter(benefit_id=benefit.pk),
            lambda r: f"Actual for {r.period:%Y-%m}" + (f", force {r.force}" if r.force_id else ""),
        )
        + per_object(
            Evidence.history.filter(measurement_id__in=measurement_ids), lambda r: "Evidence"
        )
    )
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes
