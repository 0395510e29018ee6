"""A benefit's change history: the benefit, its planned profile, actuals and evidence."""

from __future__ import annotations

from django.utils.translation import gettext as _

from realise.benefits.models import Benefit, Evidence, Measurement, PlannedValue
from realise.core.history import Change, per_object
from realise.core.language import force_name


def _actual(record) -> str:
    month = f"{record.period:%Y-%m}"
    if record.force_id:
        return _("Actual for %(month)s, force %(force)s") % {
            "month": month,
            "force": force_name(record.force),
        }
    return _("Actual for %(month)s") % {"month": month}


def benefit_changes(benefit) -> list[Change]:
    """Every recorded change to a benefit, its planned profile, actuals and evidence."""
    measurement_ids = Measurement.history.filter(benefit_id=benefit.pk).values("id")
    changes = (
        per_object(Benefit.history.filter(id=benefit.pk), lambda r: _("Benefit"))
        + per_object(
            PlannedValue.history.filter(benefit_id=benefit.pk),
            lambda r: _("Plan for %(month)s") % {"month": f"{r.period:%Y-%m}"},
            hidden={"benefit"},
        )
        + per_object(
            Measurement.history.filter(benefit_id=benefit.pk).select_related("force"),
            _actual,
            hidden={"benefit"},
        )
        + per_object(
            Evidence.history.filter(measurement_id__in=measurement_ids),
            lambda r: _("Evidence"),
            hidden={"measurement"},
        )
    )
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes
