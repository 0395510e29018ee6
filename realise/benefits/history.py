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


def benefit_changes(benefit, *, people: bool = True, reader=None) -> list[Change]:
    """Every recorded change to a benefit, its planned profile, actuals and evidence;
    without `people`, no field that names a person (an owner, who entered or verified an
    actual) is shown, nor (for the public) any actual or its evidence: a published benefit
    shows the public its verified actuals on its page, never the values not yet verified,
    the reasons for returning them or their evidence. Personal values are shown as `reader`
    may read them (`per_object`)."""

    def hidden(model, *own: str) -> set[str]:
        return set(own) if people else set(own) | people_fields(model)

    actuals = Measurement.history.filter(benefit_id=benefit.pk)
    if not people:
        actuals = actuals.none()
    measurement_ids = actuals.values("id")
    changes = (
        per_object(
            Benefit.history.filter(id=benefit.pk),
            lambda r: _("Benefit"),
            hidden(Benefit),
            reader=reader,
        )
        + per_object(
            PlannedValue.history.filter(benefit_id=benefit.pk),
            lambda r: _("Plan for %(month)s") % {"month": f"{r.period:%Y-%m}"},
            hidden=hidden(PlannedValue, "benefit"),
            reader=reader,
        )
        + per_object(
            actuals.select_related("force"),
            _actual,
            hidden=hidden(Measurement, "benefit"),
            reader=reader,
        )
        + per_object(
            Evidence.history.filter(measurement_id__in=measurement_ids),
            lambda r: _("Evidence"),
            hidden=hidden(Evidence, "measurement"),
            reader=reader,
        )
    )
    if not people:
        # A change that touched only people's fields says nothing without them.
        changes = [c for c in changes if c.fields or c.action != str(ACTIONS["~"])]
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes
