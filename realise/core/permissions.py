"""Who may see and change what: one set of rules for pages, forms, admin and API.

Roles come from `organisations.Membership`:

* administrator: everything;
* programme team: edits everything within their collaborations (and those nested in them);
* force lead: records actuals for their own force, in collaborations their force belongs to;
* benefit owner: edits the benefits they own (and records their actuals);
* viewer: reads only.

Visibility of a collaboration: `private` for its own forces, `policing` for any signed-in
user, `public` for anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rules
from django.db.models import Q, QuerySet

from realise.organisations.models import Role


@dataclass(frozen=True)
class Access:
    """What one user may do, worked out once per request."""

    authenticated: bool = False
    administrator: bool = False
    forces: frozenset[int] = field(default_factory=frozenset)
    lead_forces: frozenset[int] = field(default_factory=frozenset)
    programme_collaborations: frozenset[int] = field(default_factory=frozenset)
    person_id: int | None = None
    benefit_owner: bool = False


def _descendants(roots: set[int]) -> set[int]:
    from realise.collaborations.nesting import with_nested

    return with_nested(roots)


def access_for(user) -> Access:
    if user is None or not user.is_authenticated:
        return Access()
    cached = getattr(user, "_realise_access", None)
    if cached is not None:
        return cached
    from realise.collaborations.models import ForceShare
    from realise.organisations.models import Person

    memberships = list(user.memberships.prefetch_related("collaborations"))
    forces = {m.force_id for m in memberships}
    roles = {m.role for m in memberships}
    programme_roots: set[int] = set()
    for m in memberships:
        if m.role != Role.PROGRAMME_TEAM:
            continue
        chosen = {c.pk for c in m.collaborations.all()}
        if not chosen:
            chosen = set(
                ForceShare.objects.filter(force_id=m.force_id).values_list(
                    "collaboration_id", flat=True
                )
            )
        programme_roots |= chosen
    person_id = Person.objects.filter(user=user).values_list("pk", flat=True).first()
    access = Access(
        authenticated=True,
        administrator=user.is_superuser or Role.ADMINISTRATOR in roles,
        forces=frozenset(forces),
        lead_forces=frozenset(m.force_id for m in memberships if m.role == Role.FORCE_LEAD),
        programme_collaborations=frozenset(_descendants(programme_roots)),
        person_id=person_id,
        benefit_owner=Role.BENEFIT_OWNER in roles,
    )
    user._realise_access = access
    return access


# Query scoping -------------------------------------------------------------------------


def visible_collaboration_filter(user, prefix: str = "") -> Q:
    """A Q over collaborations (with `prefix`, e.g. 'initiative__collaboration__')."""
    access = access_for(user)
    public = Q(**{f"{prefix}visibility": "public"})
    if not access.authenticated:
        return public
    if access.administrator:
        return Q()
    own = Q(**{f"{prefix}shares__force_id__in": access.forces}) | Q(
        **{f"{prefix}pk__in": access.programme_collaborations}
    )
    return public | Q(**{f"{prefix}visibility": "policing"}) | own


def visible_collaborations(user) -> QuerySet:
    from realise.collaborations.models import Collaboration

    return Collaboration.objects.filter(visible_collaboration_filter(user)).distinct()


def visible_initiatives(user) -> QuerySet:
    from realise.collaborations.models import Initiative

    return Initiative.objects.filter(collaboration__in=visible_collaborations(user))


def visible_benefits(user) -> QuerySet:
    from realise.benefits.models import Benefit

    return Benefit.objects.filter(initiative__collaboration__in=visible_collaborations(user))


# Predicates -----------------------------------------------------------------------------


def _collaboration_of(obj):
    from realise.benefits.models import Benefit, Evidence, Measurement, PlannedValue
    from realise.collaborations.models import Agreement, Collaboration, ForceShare, Initiative

    if isinstance(obj, Collaboration):
        return obj
    if isinstance(obj, Initiative | ForceShare | Agreement):
        return obj.collaboration
    if isinstance(obj, Benefit):
        return obj.initiative.collaboration
    if isinstance(obj, PlannedValue | Measurement):
        return obj.benefit.initiative.collaboration
    if isinstance(obj, Evidence):
        return obj.measurement.benefit.initiative.collaboration
    return getattr(obj, "collaboration", None)


def _member_force_ids(collaboration) -> set[int]:
    return set(collaboration.shares.values_list("force_id", flat=True))


@rules.predicate
def is_administrator(user) -> bool:
    return access_for(user).administrator


@rules.predicate
def can_view(user, obj) -> bool:
    if obj is None:
        return True
    collaboration = _collaboration_of(obj)
    if collaboration is None:
        return access_for(user).authenticated
    access = access_for(user)
    if collaboration.visibility == "public" or access.administrator:
        return True
    if not access.authenticated:
        return False
    if collaboration.visibility == "policing":
        return True
    return collaboration.pk in access.programme_collaborations or bool(
        access.forces & _member_force_ids(collaboration)
    )


@rules.predicate
def is_programme_team_for(user, obj) -> bool:
    access = access_for(user)
    if obj is None:
        return bool(access.programme_collaborations)
    collaboration = _collaboration_of(obj)
    return collaboration is not None and collaboration.pk in access.programme_collaborations


@rules.predicate
def owns_benefit(user, obj) -> bool:
    from realise.benefits.models import Benefit

    access = access_for(user)
    benefit = obj if isinstance(obj, Benefit) else getattr(obj, "benefit", None)
    if benefit is None or access.person_id is None:
        return False
    return access.person_id in (benefit.owner_id, benefit.measurement_owner_id)


@rules.predicate
def leads_measured_force(user, obj) -> bool:
    """A force lead records actuals only for their own force, in their force's collaborations."""
    access = access_for(user)
    force_id = getattr(obj, "force_id", None)
    if force_id is None or force_id not in access.lead_forces:
        return False
    return force_id in _member_force_ids(_collaboration_of(obj))


@rules.predicate
def may_create_anywhere(user) -> bool:
    access = access_for(user)
    return access.administrator or bool(access.programme_collaborations)


edit_collaboration = is_administrator | is_programme_team_for
edit_benefit = is_administrator | is_programme_team_for | owns_benefit
record_measurement = is_administrator | is_programme_team_for | owns_benefit | leads_measured_force

PERMISSIONS = {
    # object-level change rules (object: the instance itself)
    "collaborations.view_collaboration": can_view,
    "collaborations.change_collaboration": edit_collaboration,
    "collaborations.add_collaboration": may_create_anywhere,
    "collaborations.delete_collaboration": is_administrator,
    "collaborations.change_forceshare": edit_collaboration,
    "collaborations.add_agreement": edit_collaboration,
    "collaborations.change_agreement": edit_collaboration,
    "collaborations.view_initiative": can_view,
    "collaborations.add_initiative": edit_collaboration,
    "collaborations.change_initiative": edit_collaboration,
    "collaborations.delete_initiative": is_administrator,
    "collaborations.add_stagedecision": edit_collaboration,
    "benefits.view_benefit": can_view,
    "benefits.add_benefit": edit_collaboration,
    "benefits.change_benefit": edit_benefit,
    "benefits.delete_benefit": is_administrator | is_programme_team_for,
    "benefits.change_plannedvalue": edit_benefit,
    # object: an unsaved Measurement carrying the benefit and force it would record
    "benefits.add_measurement": record_measurement,
    "benefits.change_measurement": record_measurement,
    "benefits.view_measurement": can_view,
}

for name, predicate in PERMISSIONS.items():
    rules.add_perm(name, predicate)


# Governance: bodies, meetings, decisions, escalations -------------------------------------
#
# A governance record is seen by whoever may see its collaboration AND its body (AND, for a
# decision, the decision itself): the narrowest visibility wins, so a private body or
# decision is never seen outside its collaboration however open the collaboration is. The
# collaboration's programme team (and administrators) edit; everyone else reads. An
# escalation is seen by whoever sees the body that raised it or the body it went to.

_OPEN_VISIBILITIES = ("policing", "public")
_VISIBILITY_RANK = {"private": 0, "policing": 1, "public": 2}


def _own_collaboration_ids(access: Access) -> QuerySet:
    from realise.collaborations.models import Collaboration

    return Collaboration.objects.filter(
        Q(shares__force_id__in=access.forces) | Q(pk__in=access.programme_collaborations)
    ).values("pk")


def visible_body_filter(user, prefix: str = "", extra: tuple[str, ...] = ()) -> Q:
    """A Q over governance bodies (with `prefix`, e.g. 'body__'); `extra` names further
    visibility fields (relative to the filtered model) that must also be open enough."""
    access = access_for(user)
    if access.administrator:
        return Q()
    fields = [f"{prefix}collaboration__visibility", f"{prefix}visibility", *extra]
    if not access.authenticated:
        return Q(**{f: "public" for f in fields})
    open_to_policing = Q()
    for name in fields:
        open_to_policing &= Q(**{f"{name}__in": _OPEN_VISIBILITIES})
    return open_to_policing | Q(**{f"{prefix}collaboration__in": _own_collaboration_ids(access)})


def visible_bodies(user) -> QuerySet:
    from realise.governance.models import GovernanceBody

    return GovernanceBody.objects.filter(visible_body_filter(user))


def visible_meetings(user) -> QuerySet:
    from realise.governance.models import Meeting

    return Meeting.objects.filter(visible_body_filter(user, "body__"))


def visible_decisions(user) -> QuerySet:
    from realise.governance.models import Decision

    return Decision.objects.filter(visible_body_filter(user, "body__", ("visibility",)))


def visible_escalations(user) -> QuerySet:
    from realise.governance.models import Escalation

    return Escalation.objects.filter(
        visible_body_filter(user, "from_body__") | visible_body_filter(user, "to_body__")
    )


def _may_see(user, collaboration, visibilities: list[str]) -> bool:
    access = access_for(user)
    if access.administrator:
        return True
    narrowest = min(
        (collaboration.visibility, *visibilities), key=lambda v: _VISIBILITY_RANK.get(v, 0)
    )
    if narrowest == "public":
        return True
    if not access.authenticated:
        return False
    if narrowest == "policing":
        return True
    return collaboration.pk in access.programme_collaborations or bool(
        access.forces & _member_force_ids(collaboration)
    )


@rules.predicate
def can_view_governance(user, obj) -> bool:
    from realise.governance.models import (
        Action,
        BodyMember,
        Decision,
        Escalation,
        GovernanceBody,
        Meeting,
    )

    if obj is None:
        return access_for(user).authenticated
    if isinstance(obj, Escalation):
        return can_view_governance(user, obj.from_body) or can_view_governance(user, obj.to_body)
    if isinstance(obj, Action):
        obj = obj.decision
    if isinstance(obj, Meeting | BodyMember):
        obj = obj.body
    if isinstance(obj, Decision):
        body = obj.body
        return _may_see(user, body.collaboration, [body.visibility, obj.visibility or "private"])
    if isinstance(obj, GovernanceBody):
        return _may_see(user, obj.collaboration, [obj.visibility])
    return can_view(user, obj)


@rules.predicate
def owns_action(user, obj) -> bool:
    access = access_for(user)
    return access.person_id is not None and getattr(obj, "owner_id", None) == access.person_id


edit_governance = is_administrator | is_programme_team_for

GOVERNANCE_PERMISSIONS = {
    # object: the collaboration the body belongs to (for add), else the body
    "governance.add_governancebody": edit_collaboration,
    "governance.view_governancebody": can_view_governance,
    "governance.change_governancebody": edit_governance,
    "governance.delete_governancebody": is_administrator,
    # object: the body (for add), else the meeting
    "governance.add_meeting": edit_governance,
    "governance.view_meeting": can_view_governance,
    "governance.change_meeting": edit_governance,
    # object: the body (for add), else the decision
    "governance.add_decision": edit_governance,
    "governance.view_decision": can_view_governance,
    "governance.change_decision": edit_governance,
    "governance.view_action": can_view_governance,
    "governance.change_action": edit_governance | owns_action,
    # object: the raising body (for add); the escalation (resolve: the receiving body's team)
    "governance.add_escalation": edit_governance,
    "governance.view_escalation": can_view_governance,
    "governance.change_escalation": edit_governance,
    "governance.change_postimplementationreview": edit_governance,
}

for name, predicate in GOVERNANCE_PERMISSIONS.items():
    rules.add_perm(name, predicate)


# Repository: lessons and documents ---------------------------------------------------------
#
# A lesson or document has its own visibility and is seen by whoever may see both it and its
# collaboration: the narrowest visibility wins, so a private lesson is seen only by its
# collaboration's own forces (and programme team), however open the collaboration is. The
# same filter scopes the repository search index. The collaboration's programme team and
# administrators add, change and delete lessons and documents; a lesson's author may change
# it too.


def visible_item_filter(user, prefix: str = "") -> Q:
    """A Q over lessons, documents or search entries: anything with its own `visibility`
    and a `collaboration` (with `prefix`, e.g. 'lesson__')."""
    from realise.collaborations.models import Collaboration, ForceShare

    access = access_for(user)
    if access.administrator:
        return Q()
    # The collaboration's visibility is tested through a small list of collaborations
    # rather than a join, so that a long list of items is filtered from one index.
    own_field, collaboration_field = f"{prefix}visibility", f"{prefix}collaboration_id__in"
    if not access.authenticated:
        public = Collaboration.objects.filter(visibility="public").values("pk")
        return Q(**{own_field: "public", collaboration_field: public})
    open_collaborations = Collaboration.objects.filter(visibility__in=_OPEN_VISIBILITIES)
    open_to_policing = Q(
        **{
            f"{own_field}__in": _OPEN_VISIBILITIES,
            collaboration_field: open_collaborations.values("pk"),
        }
    )
    member_of = ForceShare.objects.filter(force_id__in=access.forces).values("collaboration_id")
    own = Q(**{f"{prefix}collaboration_id__in": member_of}) | Q(
        **{f"{prefix}collaboration_id__in": access.programme_collaborations}
    )
    return open_to_policing | own


def visible_lessons(user) -> QuerySet:
    from realise.knowledge.models import Lesson

    return Lesson.objects.filter(visible_item_filter(user))


def visible_documents(user) -> QuerySet:
    from realise.knowledge.models import Document

    return Document.objects.filter(visible_item_filter(user))


@rules.predicate
def can_view_item(user, obj) -> bool:
    """A lesson, document or document version: the narrowest of its and its collaboration's
    visibility decides."""
    if obj is None:
        return True
    item = getattr(obj, "document", None) or obj
    return _may_see(user, item.collaboration, [item.visibility])


@rules.predicate
def is_lesson_author(user, obj) -> bool:
    access = access_for(user)
    author_id = getattr(obj, "author_id", None)
    return access.person_id is not None and author_id == access.person_id


edit_repository_item = is_administrator | is_programme_team_for

REPOSITORY_PERMISSIONS = {
    # add: object is an unsaved lesson/document carrying its collaboration (None: anywhere)
    "knowledge.view_lesson": can_view_item,
    "knowledge.add_lesson": edit_repository_item,
    "knowledge.change_lesson": edit_repository_item | is_lesson_author,
    "knowledge.delete_lesson": edit_repository_item,
    "knowledge.view_document": can_view_item,
    "knowledge.add_document": edit_repository_item,
    # change covers uploading a new version
    "knowledge.change_document": edit_repository_item,
    "knowledge.delete_document": edit_repository_item,
}

for name, predicate in REPOSITORY_PERMISSIONS.items():
    rules.add_perm(name, predicate)


# Appraisal: the economic case of an initiative ----------------------------------------------
#
# The economic case (options, their cost and benefit lines, values and deflators) is seen by
# whoever may see its initiative, and changed by administrators and the programme team of
# the initiative's collaboration. The object is the initiative (to add an option) or any
# part of its case.


def _case_initiative(obj):
    from realise.appraisal.models import (
        BenefitLine,
        BenefitValue,
        CostLine,
        CostValue,
        Deflator,
        Option,
    )

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


APPRAISAL_PERMISSIONS = {
    "appraisal.view_option": can_view_economic_case,
    "appraisal.add_option": can_edit_economic_case,
    "appraisal.change_option": can_edit_economic_case,
    "appraisal.delete_option": can_edit_economic_case,
}

for name, predicate in APPRAISAL_PERMISSIONS.items():
    rules.add_perm(name, predicate)


# API, audit and accounts: rules the API needs beyond the pages' ----------------------------
#
# The API maps every request to a rule here (view / add / change / delete with the object;
# for add, the unsaved object as it would be created). These fill in the rules the pages
# never needed: deletions, evidence, people, and reading the audit trail.


@rules.predicate
def is_signed_in(user) -> bool:
    return access_for(user).authenticated


@rules.predicate
def is_inspector(user) -> bool:
    """Viewers (board members, inspectors, auditors) read the whole audit trail."""
    if not access_for(user).authenticated:
        return False
    return user.memberships.filter(role=Role.VIEWER).exists()


@rules.predicate
def records_evidence_for(user, obj) -> bool:
    """Evidence is added by whoever may record the actual it supports."""
    measurement = getattr(obj, "measurement", None)
    return measurement is not None and record_measurement.test(user, measurement)


edit_share_or_agreement = is_administrator | is_programme_team_for

API_PERMISSIONS = {
    "organisations.view_region": is_signed_in,
    "organisations.view_force": is_signed_in,
    "organisations.view_person": is_signed_in,
    "organisations.add_person": may_create_anywhere,
    "organisations.change_person": may_create_anywhere,
    "organisations.delete_person": is_administrator,
    "collaborations.view_forceshare": can_view,
    "collaborations.add_forceshare": edit_share_or_agreement,
    "collaborations.delete_forceshare": edit_share_or_agreement,
    "collaborations.view_agreement": can_view,
    "collaborations.delete_agreement": edit_share_or_agreement,
    "collaborations.view_stagedecision": can_view,
    "benefits.view_plannedvalue": can_view,
    "benefits.add_plannedvalue": edit_benefit,
    "benefits.delete_plannedvalue": edit_benefit,
    "benefits.delete_measurement": is_administrator | is_programme_team_for,
    "benefits.view_evidence": can_view,
    "benefits.add_evidence": is_administrator | records_evidence_for,
    "benefits.change_evidence": is_administrator | records_evidence_for,
    "benefits.delete_evidence": is_administrator | is_programme_team_for,
    "core.view_auditrecord": is_administrator | is_inspector,
}

for name, predicate in API_PERMISSIONS.items():
    if not rules.perm_exists(name):
        rules.add_perm(name, predicate)


# Reports: imports of the Excel register ----------------------------------------------------
#
# Anyone signed in may upload a register workbook: each row that would create or change
# something is checked against the rules above as the import runs. An import's page (its
# progress, summary and errors) is seen by whoever started it, and by administrators.


@rules.predicate
def started_import(user, obj) -> bool:
    return (
        obj is not None
        and access_for(user).authenticated
        and getattr(obj, "user_id", None) == user.pk
    )


REPORTS_PERMISSIONS = {
    "reports.add_importjob": is_signed_in,
    "reports.view_importjob": is_administrator | started_import,
}

for name, predicate in REPORTS_PERMISSIONS.items():
    if not rules.perm_exists(name):
        rules.add_perm(name, predicate)


# Benefits management (IPA): map, baselines, change requests, contributions, attribution -----
#
# Objectives, changes and the links of the benefits map, change requests and their decisions,
# contributions between benefits and attributions are edited by administrators and the
# programme team of the collaboration they belong to; they are seen by whoever may see that
# collaboration.


def _ipa_subject(obj):
    """The benefit, initiative or collaboration an IPA record belongs to."""
    from realise.benefits.models import (
        Attribution,
        ChangeRequest,
        Contribution,
        Objective,
        PlanBaseline,
    )
    from realise.benefits.models import Change as MapChange

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
    if not rules.perm_exists(name):
        rules.add_perm(name, predicate)


# Documents: highlight reports, board packs and closure ---------------------------------------
#
# A highlight report's narrative is written by whoever edits its initiative (administrators
# and the collaboration's programme team) and read by whoever sees the initiative. Closing an
# initiative (lessons, hand-over to business as usual, the closure report) is for the same
# people. Board packs are read by whoever sees the body (governance rules above).

DOCUMENTS_PERMISSIONS = {
    # object: the initiative (for add), else the highlight report
    "documents.add_highlightreport": edit_collaboration,
    "documents.change_highlightreport": edit_collaboration,
    "documents.view_highlightreport": can_view,
    # object: the initiative
    "documents.close_initiative": edit_collaboration,
    "documents.view_closurerecord": can_view,
}

for name, predicate in DOCUMENTS_PERMISSIONS.items():
    if not rules.perm_exists(name):
        rules.add_perm(name, predicate)


# Pipeline: opportunities before any business case --------------------------------------------
#
# Seen by whoever may see their collaboration; added and changed by administrators and the
# collaboration's programme team (object: the opportunity, or for add the unsaved one).

PIPELINE_PERMISSIONS = {
    "pipeline.view_opportunity": can_view,
    "pipeline.add_opportunity": edit_collaboration,
    "pipeline.change_opportunity": edit_collaboration,
    "pipeline.delete_opportunity": is_administrator,
}

for name, predicate in PIPELINE_PERMISSIONS.items():
    if not rules.perm_exists(name):
        rules.add_perm(name, predicate)
