"""Who may see and change what: one set of rules for pages, forms, admin and API.

Roles come from `organisations.Membership`:

* administrator: everything;
* programme team: edits everything within their collaborations (and those nested in them);
* force lead: records actuals for their own force, in collaborations their force belongs to;
* benefit owner: edits the benefits they own (and records their actuals);
* viewer: reads only;
* inspector: reads everything, private collaborations included, and changes nothing (the
  inspectorate, auditors); each private record an inspector opens is written to the audit
  trail (`realise.core.inspection`).

A membership may name collaborations: whatever the role, those (and the collaborations
nested in them) are visible to the user, private ones included, and a force lead's or
viewer's membership that names any is limited to them (its force's other private
collaborations are not visible through it). Only a role for a force as a whole (naming no
collaboration), or a programme team's, makes the force's private collaborations visible.

Cover: while a deputy covers a benefit owner or measurement owner (`organisations.Cover`),
the deputy acts for them: `acts_for(user, person_id)` is the one test, used by the rules
that check ownership (`owns_benefit`) and meant for any rule that does (e.g. verifying a
measurement as its measurement owner).

Access is worked out once per request (a fresh user object per request), so a role
granted or revoked takes effect on the next request of pages, API, exports and search.

Visibility of a collaboration: `private` for its own forces, `policing` for any signed-in
user, `public` for anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rules
from django.core.cache import cache
from django.db.models import Q, QuerySet

from realise.core.dataversion import data_version
from realise.organisations.models import Role


@dataclass(frozen=True)
class Access:
    """What one user may do, worked out once per request."""

    authenticated: bool = False
    administrator: bool = False
    forces: frozenset[int] = field(default_factory=frozenset)
    lead_forces: frozenset[int] = field(default_factory=frozenset)
    programme_collaborations: frozenset[int] = field(default_factory=frozenset)
    # (force, collaboration): a force lead limited to named collaborations (and nested ones).
    lead_scopes: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    person_id: int | None = None
    benefit_owner: bool = False
    inspector: bool = False
    # Collaborations named on any membership (with those nested in them): visible.
    collaborations: frozenset[int] = field(default_factory=frozenset)
    user_id: int | None = None
    _worked_out: dict = field(default_factory=dict, compare=False, repr=False)

    def leads_in(self, collaboration_id: int) -> frozenset[int]:
        """The forces this user leads benefits for in this collaboration."""
        scoped = {f for f, c in self.lead_scopes if c == collaboration_id}
        return self.lead_forces | frozenset(scoped)

    @property
    def reads_everything(self) -> bool:
        return self.administrator or self.inspector

    @property
    def acting_for(self) -> frozenset[int]:
        """The people this user covers today as their deputy (organisations.Cover); looked
        up the first time it is needed."""
        if "acting_for" not in self._worked_out:
            from django.utils import timezone

            from realise.organisations.models import Cover

            today = timezone.localdate()
            covers = Cover.objects.filter(
                deputy_id=self.user_id, starts__lte=today, ends__gte=today
            )
            self._worked_out["acting_for"] = frozenset(covers.values_list("person_id", flat=True))
        return self._worked_out["acting_for"]

    def acts_as(self, person_id: int | None) -> bool:
        """This user is the person, or covers for them today."""
        if person_id is None or not self.authenticated:
            return False
        return person_id == self.person_id or person_id in self.acting_for


def _descendants(roots: set[int]) -> set[int]:
    from realise.collaborations.nesting import with_nested

    return with_nested(roots)


# How long a user's worked-out access is kept in the shared cache. The key carries the data
# version, so any write (a role granted, a share changed, a collaboration nested) makes the
# entry unreachable at once; the limit only bounds the cache's size.
ACCESS_SECONDS = 600


def _shared_key(user) -> str:
    return (
        f"realise:access:{user.pk}:{int(user.is_superuser)}:{int(user.is_active)}:{data_version()}"
    )


def access_for(user) -> Access:
    """What the user may do: kept on the user object for the request, and in the shared
    cache under the data version, so that a read works it out again only after a write."""
    if user is None or not user.is_authenticated:
        return Access()
    cached = getattr(user, "_realise_access", None)
    if cached is not None:
        return cached
    key = _shared_key(user)
    shared = cache.get(key)
    if shared is None:
        shared = _work_out_access(user)
        cache.set(key, shared, ACCESS_SECONDS)
    user._realise_access = shared
    return shared


def _work_out_access(user) -> Access:
    from realise.collaborations.models import ForceShare
    from realise.organisations.models import Person

    memberships = list(user.memberships.prefetch_related("collaborations"))
    roles = {m.role for m in memberships}
    forces: set[int] = set()
    lead_forces: set[int] = set()
    scoped_leads: list[tuple[int, set[int]]] = []
    programme_roots: set[int] = set()
    named_roots: set[int] = set()
    for m in memberships:
        chosen = {c.pk for c in m.collaborations.all()}
        named_roots |= chosen
        if m.role == Role.PROGRAMME_TEAM:
            if m.force_id is not None:
                forces.add(m.force_id)
            if not chosen:
                chosen = set(
                    ForceShare.objects.filter(force_id=m.force_id).values_list(
                        "collaboration_id", flat=True
                    )
                )
            programme_roots |= chosen
        elif m.force_id is None:
            continue
        elif not chosen:
            # A role for the force as a whole: its private collaborations are visible.
            forces.add(m.force_id)
            if m.role == Role.FORCE_LEAD:
                lead_forces.add(m.force_id)
        elif m.role == Role.FORCE_LEAD:
            # Limited to the collaborations named (and those nested in them).
            scoped_leads.append((m.force_id, chosen))
    person_id = Person.objects.filter(user=user).values_list("pk", flat=True).first()
    programme = frozenset(_descendants(programme_roots))
    return Access(
        authenticated=True,
        administrator=user.is_superuser or Role.ADMINISTRATOR in roles,
        forces=frozenset(forces),
        lead_forces=frozenset(lead_forces),
        lead_scopes=frozenset(
            (force_id, pk) for force_id, roots in scoped_leads for pk in _descendants(roots)
        ),
        programme_collaborations=programme,
        person_id=person_id,
        benefit_owner=Role.BENEFIT_OWNER in roles,
        inspector=Role.INSPECTOR in roles,
        collaborations=programme | frozenset(_descendants(named_roots - programme_roots)),
        user_id=user.pk,
    )


def forget_access(user) -> None:
    """Drop what was worked out for this user object (after their roles changed)."""
    if user is not None and hasattr(user, "_realise_access"):
        del user._realise_access


def acts_for(user, person_id: int | None) -> bool:
    """The user is this person, or their deputy today: the one test of "as the owner"."""
    return access_for(user).acts_as(person_id)


# Query scoping -------------------------------------------------------------------------


def visible_collaboration_filter(user, prefix: str = "") -> Q:
    """A Q over collaborations (with `prefix`, e.g. 'initiative__collaboration__')."""
    access = access_for(user)
    public = Q(**{f"{prefix}visibility": "public"})
    if not access.authenticated:
        return public
    if access.reads_everything:
        return Q()
    own = Q(**{f"{prefix}shares__force_id__in": access.forces}) | Q(
        **{f"{prefix}pk__in": access.collaborations}
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
    if collaboration.visibility == "public" or access.reads_everything:
        return True
    if not access.authenticated:
        return False
    if collaboration.visibility == "policing":
        return True
    return collaboration.pk in access.collaborations or bool(
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
    collaboration = _collaboration_of(obj)
    if force_id not in access.leads_in(collaboration.pk):
        return False
    return force_id in _member_force_ids(collaboration)


@rules.predicate
def owns_measurement(user, obj) -> bool:
    """The benefit's measurement owner (the benefit of `obj`, a measurement)."""
    access = access_for(user)
    benefit = getattr(obj, "benefit", None)
    return (
        benefit is not None
        and access.person_id is not None
        and benefit.measurement_owner_id == access.person_id
    )


@rules.predicate
def may_verify(user, measurement) -> bool:
    """Who may verify (or return) an actual: the benefit's measurement owner, the programme
    team of its collaboration, or an administrator. (Four eyes: that they did not enter or
    last change it is checked by `benefits.services.check_may_verify`.)"""
    return bool(
        is_administrator(user)
        or is_programme_team_for(user, measurement)
        or owns_measurement(user, measurement)
    )


def verifiable_measurements(user) -> QuerySet:
    """The actuals `user` may verify, as a query: `may_verify` over many rows, less those
    they entered or last changed. (A deputy check joins here and in `may_verify`.)"""
    from realise.benefits.models import Measurement

    access = access_for(user)
    if not access.authenticated:
        return Measurement.objects.none()
    scope = Measurement.objects.filter(
        benefit__initiative__collaboration__in=visible_collaborations(user).values("pk")
    )
    if not access.administrator:
        scope = scope.filter(
            Q(benefit__initiative__collaboration_id__in=access.programme_collaborations)
            | Q(benefit__measurement_owner_id=access.person_id or 0)
        )
    return scope.exclude(entered_by=user).exclude(changed_by=user)


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
    # object: the agreement
    "collaborations.add_agreementreview": edit_collaboration,
    "collaborations.view_agreementreview": can_view,
    "collaborations.view_initiative": can_view,
    "collaborations.add_initiative": edit_collaboration,
    "collaborations.change_initiative": edit_collaboration,
    "collaborations.delete_initiative": is_administrator,
    "collaborations.add_stagedecision": edit_collaboration,
    "collaborations.move_back_initiative": is_administrator | is_programme_team_for,
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
        Q(shares__force_id__in=access.forces) | Q(pk__in=access.collaborations)
    ).values("pk")


def visible_body_filter(user, prefix: str = "", extra: tuple[str, ...] = ()) -> Q:
    """A Q over governance bodies (with `prefix`, e.g. 'body__'); `extra` names further
    visibility fields (relative to the filtered model) that must also be open enough."""
    access = access_for(user)
    if access.reads_everything:
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
    if access.reads_everything:
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
    return collaboration.pk in access.collaborations or bool(
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
    return access_for(user).acts_as(getattr(obj, "owner_id", None))


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
    if access.reads_everything:
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
        **{f"{prefix}collaboration_id__in": access.collaborations}
    )
    # Items of no collaboration (networks and their resources in the search index): their
    # own visibility alone decides, and nothing of theirs is public.
    no_collaboration = Q(
        **{f"{prefix}collaboration_id__isnull": True, f"{own_field}__in": _OPEN_VISIBILITIES}
    )
    return open_to_policing | own | no_collaboration


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
    """Inspectors and viewers (board members, auditors) read the audit trail."""
    access = access_for(user)
    if not access.authenticated:
        return False
    return access.inspector or user.memberships.filter(role=Role.VIEWER).exists()


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
    # The network of people: names and descriptions of networks are open to anyone signed
    # in; what is inside a members-only one is decided by `knowledge.network`.
    "organisations.view_network": is_signed_in,
    "organisations.add_network": may_create_anywhere,
    "organisations.view_topic": is_signed_in,
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


@rules.predicate
def only_inspects(user) -> bool:
    """An inspector with no other role: reads everything, writes nothing at all."""
    access = access_for(user)
    return access.inspector and not (
        access.administrator
        or access.programme_collaborations
        or access.lead_forces
        or access.benefit_owner
        or access.person_id
    )


REPORTS_PERMISSIONS = {
    "reports.add_importjob": is_signed_in & ~only_inspects,
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


# People and access: who may grant which role where ------------------------------------------
#
# Administrators grant any role anywhere. A programme team grants, changes and revokes roles
# only within the collaborations it runs (and those nested in them): each membership it
# touches must name at least one collaboration, all of them within its scope, and the force
# (if any) must be a member of one of them. It never grants the administrator or inspector
# role. Memberships are managed through `organisations.services`, which calls this.


def refusal_to_grant(user, role: str, force_id: int | None, collaboration_ids) -> str | None:
    """Why `user` may not hold this membership in their hands (None: they may).
    `user=None` is an operator at the command line."""
    from realise.collaborations.models import Collaboration, ForceShare

    if user is None:
        return None
    access = access_for(user)
    if access.administrator:
        return None
    if not access.programme_collaborations:
        return "Only administrators and programme teams grant or revoke roles."
    if role in (Role.ADMINISTRATOR, Role.INSPECTOR):
        label = dict(Role.choices)[role].split(" (")[0]
        return f"Only an administrator may grant or revoke the {label.lower()} role."
    ids = set(collaboration_ids)
    if not ids:
        return (
            "Name a collaboration: a programme team grants roles only within the "
            "collaborations it runs."
        )
    outside = Collaboration.objects.filter(pk__in=ids - access.programme_collaborations)
    names = sorted(outside.values_list("name", flat=True))
    if names:
        return (
            f"You are not on the programme team of {', '.join(names)}: you may grant roles "
            "only within the collaborations you run."
        )
    if force_id is not None and role == Role.PROGRAMME_TEAM:
        return (
            "Grant the programme team role without a force: with one it would reach every "
            "collaboration of that force."
        )
    member = ForceShare.objects.filter(force_id=force_id, collaboration_id__in=ids)
    if force_id is not None and not member.exists():
        return (
            "That force is not a member of the collaboration named: choose one of its "
            "member forces."
        )
    return None


@rules.predicate
def manages_access(user) -> bool:
    access = access_for(user)
    return access.administrator or bool(access.programme_collaborations)


@rules.predicate
def may_manage_membership(user, obj) -> bool:
    if obj is None:
        return manages_access.test(user)
    ids = [c.pk for c in obj.collaborations.all()] if obj.pk else []
    return refusal_to_grant(user, obj.role, obj.force_id, ids) is None


ACCESS_PERMISSIONS = {
    # object: the membership (None: the access pages at all)
    # seen by whoever manages access; the queryset scopes which (organisations.services)
    "organisations.view_membership": manages_access,
    "organisations.add_membership": manages_access,
    "organisations.change_membership": may_manage_membership,
    "organisations.delete_membership": may_manage_membership,
}

for name, predicate in ACCESS_PERMISSIONS.items():
    if not rules.perm_exists(name):
        rules.add_perm(name, predicate)


# Any audited object: who may see it, resolved in the database ----------------------------
#
# Every kind of record the audit trail describes is seen by whoever may see it: either by
# its own rule above (a collaboration, governance body, decision, escalation, lesson or
# document), or through the parent it belongs to (a planned value through its benefit, a
# meeting through its body, a document version through its document...), however deep.
# Organisational records (regions, forces, people, memberships) are seen by anyone signed
# in. A kind not named here is seen by administrators alone.

# kind: (the field naming its parent, the parent's kind)
PARENT_KIND = {
    "collaborations.forceshare": ("collaboration", "collaborations.collaboration"),
    "collaborations.agreement": ("collaboration", "collaborations.collaboration"),
    "collaborations.agreementparty": ("agreement", "collaborations.agreement"),
    "collaborations.agreementreview": ("agreement", "collaborations.agreement"),
    "collaborations.initiative": ("collaboration", "collaborations.collaboration"),
    "collaborations.stagedecision": ("initiative", "collaborations.initiative"),
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
    "appraisal.option": ("initiative", "collaborations.initiative"),
    "appraisal.costline": ("option", "appraisal.option"),
    "appraisal.benefitline": ("option", "appraisal.option"),
    "appraisal.costvalue": ("line", "appraisal.costline"),
    "appraisal.benefitvalue": ("line", "appraisal.benefitline"),
    "appraisal.deflator": ("initiative", "collaborations.initiative"),
    "documents.highlightreport": ("initiative", "collaborations.initiative"),
    "documents.closurerecord": ("initiative", "collaborations.initiative"),
    "documents.benefithandover": ("closure", "documents.closurerecord"),
    "governance.bodymember": ("body", "governance.governancebody"),
    "governance.meeting": ("body", "governance.governancebody"),
    "governance.action": ("decision", "governance.decision"),
    "governance.postimplementationreview": ("initiative", "collaborations.initiative"),
    "knowledge.documentversion": ("document", "knowledge.document"),
    "pipeline.opportunity": ("collaboration", "collaborations.collaboration"),
}

OWN_SCOPES = {
    "collaborations.collaboration": visible_collaborations,
    "governance.governancebody": visible_bodies,
    "governance.decision": visible_decisions,
    "governance.escalation": visible_escalations,
    "knowledge.lesson": visible_lessons,
    "knowledge.document": visible_documents,
}

ORGANISATIONAL_KINDS = (
    "organisations.region",
    "organisations.force",
    "organisations.person",
    "organisations.membership",
    "organisations.cover",
)

# Kinds whose visibility is their collaboration's alone (no body, decision, lesson or
# document with its own visibility on the way up).
_OWN_VISIBILITY_KINDS = {
    "governance.governancebody",
    "governance.decision",
    "governance.escalation",
    "knowledge.lesson",
    "knowledge.document",
}


def _model_of(kind: str):
    from django.apps import apps

    return apps.get_model(kind)


def visible_objects(kind: str, user) -> QuerySet | None:
    """The objects of `kind` (e.g. 'benefits.plannedvalue') the user may see, as a
    queryset; None for a kind with no rule (administrators alone see those)."""
    model = _model_of(kind)
    access = access_for(user)
    if access.administrator:
        return model.objects.all()
    if kind in OWN_SCOPES:
        return OWN_SCOPES[kind](user)
    if kind in ORGANISATIONAL_KINDS:
        return model.objects.all() if access.authenticated else model.objects.none()
    if kind in PARENT_KIND:
        field, parent_kind = PARENT_KIND[kind]
        parents = visible_objects(parent_kind, user)
        return model.objects.filter(**{f"{field}__in": parents.values("pk")})
    return None


def collaboration_decides(kind: str) -> bool:
    """Whether an object of this kind is seen exactly by whoever sees its collaboration
    (no body, decision, lesson or document with a visibility of its own on the way up)."""
    while kind in PARENT_KIND:
        kind = PARENT_KIND[kind][1]
        if kind in _OWN_VISIBILITY_KINDS:
            return False
    return kind == "collaborations.collaboration"


# The audit trail: a record is seen exactly when the object it describes is ------------------


def _before_id(name: str):
    """The id a deletion record kept in its `before` values under `name` (e.g. body_id)."""
    from django.db.models import BigIntegerField
    from django.db.models.fields.json import KeyTextTransform
    from django.db.models.functions import Cast

    return Cast(KeyTextTransform(name, "before"), BigIntegerField())


def _gone_filter(kind: str, user) -> Q | None:
    """A Q over deletion records of `kind` whose object, as it was when deleted, the user
    may see: through the live parent it belonged to, or through its own visibility and
    collaboration as they were. None if nothing resolves it."""
    from realise.collaborations.models import Collaboration

    access = access_for(user)
    own = Collaboration.objects.filter(pk__in=_own_collaboration_ids(access))
    open_collaborations = Collaboration.objects.filter(visibility__in=_OPEN_VISIBILITIES)
    if kind in PARENT_KIND:
        field, parent_kind = PARENT_KIND[kind]
        parents = visible_objects(parent_kind, user).values("pk")
        through_parent = Q(_gone_parent__in=parents)
        if collaboration_decides(kind):
            visible = visible_collaborations(user).values("pk")
            return through_parent | Q(collaboration_id__in=visible)
        return through_parent
    if kind == "collaborations.collaboration":
        return Q(before__visibility__in=_OPEN_VISIBILITIES)
    if kind in ("governance.governancebody", "knowledge.lesson", "knowledge.document"):
        return Q(_gone_collaboration__in=own.values("pk")) | Q(
            before__visibility__in=_OPEN_VISIBILITIES,
            _gone_collaboration__in=open_collaborations.values("pk"),
        )
    if kind == "governance.decision":
        from realise.governance.models import GovernanceBody

        own_bodies = GovernanceBody.objects.filter(collaboration__in=own.values("pk"))
        return Q(_gone_body__in=own_bodies.values("pk")) | Q(
            before__visibility__in=_OPEN_VISIBILITIES,
            _gone_body__in=visible_bodies(user).values("pk"),
        )
    if kind == "governance.escalation":
        bodies = visible_bodies(user).values("pk")
        return Q(_gone_from__in=bodies) | Q(_gone_to__in=bodies)
    return None


_GONE_KEYS = {
    "collaborations.collaboration": {},
    "governance.governancebody": {"_gone_collaboration": "collaboration_id"},
    "knowledge.lesson": {"_gone_collaboration": "collaboration_id"},
    "knowledge.document": {"_gone_collaboration": "collaboration_id"},
    "governance.decision": {"_gone_body": "body_id"},
    "governance.escalation": {"_gone_from": "from_body_id", "_gone_to": "to_body_id"},
}


def visible_audit_records(user) -> QuerySet:
    """The audit records the user may read: each one exactly when the object it describes
    is visible to them (now, or as it was when it was deleted). A record whose object
    cannot be resolved is for administrators alone. One query, filtered in the database."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from realise.core.models import AuditAction, AuditRecord

    records = AuditRecord.objects.all()
    access = access_for(user)
    if access.administrator:
        return records
    if not access.authenticated:
        return records.none()
    seen = Q(pk__in=[])
    for kind in (*ORGANISATIONAL_KINDS, *OWN_SCOPES, *PARENT_KIND):
        if kind in ORGANISATIONAL_KINDS:
            seen |= Q(model=kind)
            continue
        model = _model_of(kind)
        live = visible_objects(kind, user).annotate(_key=Cast("pk", CharField()))
        existing = model.objects.annotate(_key=Cast("pk", CharField()))
        clause = Q(object_id__in=live.values("_key"))
        gone = _gone_filter(kind, user)
        if gone is not None:
            keys = dict(_GONE_KEYS.get(kind, {}))
            if kind in PARENT_KIND:
                keys["_gone_parent"] = f"{PARENT_KIND[kind][0]}_id"
            deletions = AuditRecord.objects.filter(model=kind, action=AuditAction.DELETE)
            deletions = deletions.annotate(
                **{alias: _before_id(name) for alias, name in keys.items()}
            ).filter(gone)
            clause |= Q(object_id__in=deletions.values("object_id")) & ~Q(
                object_id__in=existing.values("_key")
            )
        seen |= Q(model=kind) & clause
    return records.filter(seen)


# Seeing an object at all: 404 rather than 403 ------------------------------------------------


def _view_rule(obj) -> str | None:
    meta = type(obj)._meta
    name = f"{meta.app_label}.view_{meta.model_name}"
    return name if rules.perm_exists(name) else None


def may_view(user, obj) -> bool:
    """Whether the user may see `obj` (saved or about to be): its own view rule, else its
    parent's (see PARENT_KIND), else its collaboration's. Pages and downloads answer 404,
    never 403, to whoever may not."""
    if obj is None:
        return True
    name = _view_rule(obj)
    if name is not None:
        return rules.has_perm(name, user, obj)
    kind = type(obj)._meta.label_lower
    if kind in PARENT_KIND:
        parent = getattr(obj, PARENT_KIND[kind][0], None)
        if parent is not None:
            return may_view(user, parent)
    return can_view.test(user, obj)


class _SignedInStranger:
    """Someone signed in who belongs to no force: what any signed-in person may see."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    pk = None
    _realise_access = Access(authenticated=True)


SIGNED_IN_STRANGER = _SignedInStranger()


def hidden_from(user, obj) -> bool:
    """Whether `obj` must answer 404 to this user: they may not see it, and (when nobody is
    signed in) signing in as anybody would not show it either; an anonymous visitor asking
    for a policing record is sent to sign in instead."""
    if obj is None or may_view(user, obj):
        return False
    if user is not None and user.is_authenticated:
        return True
    return not may_view(SIGNED_IN_STRANGER, obj)


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
