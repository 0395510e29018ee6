"""Who may see and change the economic case of an initiative. Found by django-rules'
autodiscovery at start-up.

The economic case (options, their cost and benefit lines, values and deflators) is seen by
whoever may see its initiative, and changed by administrators and the programme team of
the initiative's collaboration. The object is the initiative (to add an option) or any
part of its case."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from realise.appraisal.models import (
    BenefitLine,
    BenefitValue,
    CostLine,
    CostValue,
    Deflator,
    Option,
)
from realise.collaborations.rules import can_view, edit_collaboration
from realise.core.errors import register_nouns
from realise.core.permissions import register_parent


def _case_initiative(obj):
    if isinstance(obj, CostValue | BenefitValue):
        obj = obj.line
    if isinstance(obj, CostLine | BenefitLine):
        obj = obj.option
    if isinstance(obj, Option | Deflator):
        return obj.initiative
    return obj


@rules.predicate
def can_view_economic_case(user, obj) -> bool:
    return can_view.test(user, _case_initiative(obj))


@rules.predicate
def can_edit_economic_case(user, obj) -> bool:
    return obj is not None and edit_collaboration.test(user, _case_initiative(obj))


PERMISSIONS = {
    "appraisal.view_option": can_view_economic_case,
    "appraisal.add_option": can_edit_economic_case,
    "appraisal.change_option": can_edit_economic_case,
    "appraisal.delete_option": can_edit_economic_case,
}

for name, predicate in PERMISSIONS.items():
    rules.add_perm(name, predicate)


# The audit trail and 404s: each part of the case is seen through its parent.
register_parent("appraisal.option", "initiative", "collaborations.initiative")
register_parent("appraisal.costline", "option", "appraisal.option")
register_parent("appraisal.benefitline", "option", "appraisal.option")
register_parent("appraisal.costvalue", "line", "appraisal.costline")
register_parent("appraisal.benefitvalue", "line", "appraisal.benefitline")
register_parent("appraisal.deflator", "initiative", "collaborations.initiative")

# What the 403 page calls these records (core.errors.describe).
register_nouns(
    {
        "option": (_("option"), _("options")),
    }
)
