"""A benefit's change history: the benefit, its planned profile, actuals and evidence."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from realise.benefits.models import Benefit, Evidence, Measurement, PlannedValue
from realise.core.history import ACTIONS, Change, per_object
from realise.core.language import force_name
from realise.organisations.models import Person


def _actual(record) -> str:
    month = f"{record.period:%Y-%m}"
    if record.force_id:
        return _("Actual for %(month)s, force %(force)s") % {
            "month": month,
            "force": force_name(record.force),
        }
    return _("Actual for %(month)s") % {"month": month}


def people_fields(model) -> set[str]:
    """The fields of `model` that name a person (a named person or a user account)."""
    people = (Person, get_user_model())
    return {
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in people
    }


def benefit_changes(benefit, *, people: bool = True) -> list[Change]:
    """Every recorded change to a benefit, its planned profile, actuals and evidence;
    without `people`, no field that names a person (an owner, who entered or verified an
    actual) is shown."""

    def hidden(model, *own: str) -> set[str]:
        return set(own) if people else set(own) | people_fields(model)

    measurement_ids = Measurement.history.filter(benefit_id=benefit.pk).values("id")
    changes = (
        per_object(Benefit.history.filter(id=benefit.pk), lambda r: _("Benefit"), hidden(Benefit))
        + per_object(
            PlannedValue.history.filter(benefit_id=benefit.pk),
            lambda r: _("Plan for %(month)s") % {"month": f"{r.period:%Y-%m}"},
            hidden=hidden(PlannedValue, "benefit"),
        )
        + per_object(
            Measurement.history.filter(benefit_id=benefit.pk).select_related("force"),
            _actual,
            hidden=hidden(Measurement, "benefit"),
        )
        + per_object(
            Evidence.history.filter(measurement_id__in=measurement_ids),
            lambda r: _("Evidence"),
            hidden=hidden(Evidence, "measurement"),
        )
    )
    if not people:
        # A change that touched only people's fields says nothing without them.
        changes = [c for c in changes if c.fields or c.action != str(ACTIONS["~"])]
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes
