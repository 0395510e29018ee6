"""Who may see and change benefits, their planned values, actuals and evidence, and the
benefits management records (map, baselines, change requests, contributions, attribution).
Found by django-rules' autodiscovery at start-up."""

from __future__ import annotations

import rules
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from realise.benefits.models import (
    Attribution,
    Benefit,
    ChangeRequest,
    Contribution,
    Objective,
    PlanBaseline,
)
from realise.benefits.models import Change as MapChange
from realise.collaborations.rules import (
    can_view,
    edit_collaboration,
    is_programme_team_for,
    member_force_ids,
)
from realise.core.errors import register_nouns
from realise.core.permissions import (
    access_for,
    collaboration_of,
    is_administrator,
    register_collaboration_path,
    register_parent,
)
from realise.organisations.models import register_person_links

register_collaboration_path("benefits.benefit", "initiative.collaboration")
register_collaboration_path("benefits.plannedvalue", "benefit.initiative.collaboration")
register_collaboration_path("benefits.measurement", "benefit.initiative.collaboration")
register_collaboration_path("benefits.evidence", "measurement.benefit.initiative.collaboration")


@register_person_links
def benefit_owners(collaborations, user):
    """The people who own or measure a benefit in these collaborations (the directory of
    people, and whom a form offers: `Person.objects.known_to`)."""
    benefits = Benefit.objects.filter(initiative__collaboration__in=collaborations)
    return Q(pk__in=benefits.values("owner_id")) | Q(pk__in=benefits.values("measurement_owner_id"))


@register_person_links
def change_requesters(collaborations, user):
    """The people who asked for a change to a benefit's profile in these collaborations."""
    requests = ChangeRequest.objects.filter(benefit__initiative__collaboration__in=collaborations)
    return Q(pk__in=requests.values("requested_by_id"))


@rules.predicate
def owns_benefit(user, obj) -> bool:
    access = access_for(user)
    benefit = obj if isinstance(obj, Benefit) else getattr(obj, "benefit", None)
    if benefit is None:
        return False
    return access.acts_as(benefit.owner_id) or access.acts_as(benefit.measurement_owner_id)


@rules.predicate
def leads_measured_force(user, obj) -> bool:
    """A force lead records actuals only for their own force, in their force's collaborations
    (only in those named on their membership, when it names any)."""
    access = access_for(user)
    force_id = getattr(obj, "force_id", None)
    if force_id is None:
        return False
    if force_id not in access.lead_forces and not any(f == force_id for f, _ in access.lead_scopes):
        return False
    collaboration = collaboration_of(obj)
    if force_id not in access.leads_in(collaboration.pk):
        return False
    return force_id in member_force_ids(collaboration)


@rules.predicate
def owns_measurement(user, obj) -> bool:
    """The benefit's measurement owner, or their deputy today (the benefit of `obj`, a
    measurement)."""
    benefit = getattr(obj, "benefit", None)
    return benefit is not None and access_for(user).acts_as(benefit.measurement_owner_id)


@rules.predicate
def may_verify(user, measurement) -> bool:
    """Who may verify (or return) an actual: the benefit's measurement owner (or their
    deputy), the programme team of its collaboration, or an administrator. (Four eyes:
    that they did not enter or last change it is checked by
    `benefits.services.check_may_verify`; over many rows, see
    `Measurement.objects.verifiable_by`.)"""
    return bool(
        is_administrator(user)
        or is_programme_team_for(user, measurement)
        or owns_measurement(user, measurement)
    )


edit_benefit = is_administrator | is_programme_team_for | owns_benefit
record_measurement = is_administrator | is_programme_team_for | owns_benefit | leads_measured_force


@rules.predicate
def records_evidence_for(user, obj) -> bool:
    """Evidence is added by whoever may record the actual it supports."""
    measurement = getattr(obj, "measurement", None)
    return measurement is not None and record_measurement.test(user, measurement)


PERMISSIONS = {
    "benefits.view_benefit": can_view,
    "benefits.add_benefit": edit_collaboration,
    "benefits.change_benefit": edit_benefit,
    "benefits.delete_benefit": is_administrator | is_programme_team_for,
    "benefits.change_plannedvalue": edit_benefit,
    # object: an unsaved Measurement carrying the benefit and force it would record
    "benefits.add_measurement": record_measurement,
    "benefits.change_measurement": record_measurement,
    "benefits.view_measurement": can_view,
    "benefits.verify_measurement": can_view & may_verify,
    # the rules the API needs beyond the pages'
    "benefits.view_plannedvalue": can_view,
    "benefits.add_plannedvalue": edit_benefit,
    "benefits.delete_plannedvalue": edit_benefit,
    "benefits.delete_measurement": is_administrator | is_programme_team_for,
    # Evidence (its notes and files may name people) is for signed-in readers: a published
    # benefit shows the public its verified actuals, never their evidence.
    "benefits.view_evidence": can_view & rules.is_authenticated,
    "benefits.add_evidence": is_administrator | records_evidence_for,
    "benefits.change_evidence": is_administrator | records_evidence_for,
    "benefits.delete_evidence": is_administrator | is_programme_team_for,
}

for name, predicate in PERMISSIONS.items():
    rules.add_perm(name, predicate)


# Benefits management (IPA): map, baselines, change requests, contributions, attribution -----
#
# Objectives, changes and the links of the benefits map, change requests and their decisions,
# contributions between benefits and attributions are edited by administrators and the
# programme team of the collaboration they belong to; they are seen by whoever may see that
# collaboration.


def _ipa_subject(obj):
    """The benefit, initiative or collaboration an IPA record belongs to."""
    if isinstance(obj, Objective):
        return obj.collaboration
    if isinstance(obj, MapChange | PlanBaseline):
        return obj.initiative
    if isinstance(obj, ChangeRequest | Attribution):
        return obj.benefit
    if isinstance(obj, Contribution):
        return obj.child
    return obj


@rules.predicate
def can_view_ipa(user, obj) -> bool:
    return can_view.test(user, _ipa_subject(obj))


@rules.predicate
def can_edit_ipa(user, obj) -> bool:
    return obj is not None and edit_collaboration.test(user, _ipa_subject(obj))


IPA_PERMISSIONS = {
    # object: the initiative or collaboration (maps), else the record itself
    "benefits.view_benefitsmap": can_view_ipa,
    "benefits.change_benefitsmap": can_edit_ipa,
    "benefits.view_planbaseline": can_view_ipa,
    # object: the benefit (to raise or decide), else the change request
    "benefits.view_changerequest": can_view_ipa,
    "benefits.add_changerequest": can_edit_ipa,
    "benefits.decide_changerequest": can_edit_ipa,
    # object: the benefit that contributes, or that is claimed
    "benefits.view_contribution": can_view_ipa,
    "benefits.change_contribution": can_edit_ipa,
    "benefits.view_attribution": can_view_ipa,
    "benefits.change_attribution": can_edit_ipa,
}

for name, predicate in IPA_PERMISSIONS.items():
    rules.add_perm(name, predicate)


# The audit trail and 404s: each kind is seen through its parent; a link's record, which
# names both ends, only by whoever sees the other end too.
LINKED = {
    "benefits.contribution": (("parent", "benefits.benefit"),),
    "benefits.attribution": (("initiative", "collaborations.initiative"),),
    "benefits.notduplicate": (("second", "benefits.benefit"),),
}

for kind, (field_name, parent_kind) in {
    "benefits.benefit": ("initiative", "collaborations.initiative"),
    "benefits.plannedvalue": ("benefit", "benefits.benefit"),
    "benefits.measurement": ("benefit", "benefits.benefit"),
    "benefits.evidence": ("measurement", "benefits.measurement"),
    "benefits.benefitshare": ("benefit", "benefits.benefit"),
    "benefits.objective": ("collaboration", "collaborations.collaboration"),
    "benefits.change": ("initiative", "collaborations.initiative"),
    "benefits.planbaseline": ("initiative", "collaborations.initiative"),
    "benefits.baselinevalue": ("baseline", "benefits.planbaseline"),
    "benefits.changerequest": ("benefit", "benefits.benefit"),
    "benefits.changerequestvalue": ("change_request", "benefits.changerequest"),
    "benefits.contribution": ("child", "benefits.benefit"),
    "benefits.attribution": ("benefit", "benefits.benefit"),
    "benefits.notduplicate": ("first", "benefits.benefit"),
}.items():
    register_parent(kind, field_name, parent_kind, also=LINKED.get(kind, ()))

# What the 403 page calls these records (core.errors.describe).
register_nouns(
    {
        "attribution": (_("attribution"), _("attributions")),
        "benefit": (_("benefit"), _("benefits")),
        "benefitsmap": (_("benefits map"), _("benefits maps")),
        "changerequest": (_("change request"), _("change requests")),
        "contribution": (_("contribution"), _("contributions")),
        "evidence": (_("evidence"), _("evidence")),
        "measurement": (_("measurement"), _("measurements")),
        "planbaseline": (_("plan baseline"), _("plan baselines")),
        "plannedvalue": (_("planned value"), _("planned values")),
    }
)
