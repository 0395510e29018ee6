"""Who may see and change governance bodies, meetings, decisions, actions and escalations.
Found by django-rules' autodiscovery at start-up.

A governance record is seen by whoever may see its collaboration AND its body (AND, for a
decision, the decision itself): the narrowest visibility wins (`GovernanceBody.objects.
visible_to` and the others, governance/models.py). The collaboration's programme team (and
administrators) edit; everyone else reads. An escalation is seen by whoever sees the body
that raised it or the body it went to."""

from __future__ import annotations

import rules
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from realise.collaborations.models import OPEN_VISIBILITIES
from realise.collaborations.rules import (
    can_view,
    edit_collaboration,
    gone_with_collaboration,
    is_programme_team_for,
    may_see,
    own_collaborations,
)
from realise.core.errors import register_nouns
from realise.core.permissions import (
    access_for,
    is_administrator,
    register_parent,
    register_scope,
)
from realise.governance.models import (
    Action,
    BodyMember,
    Decision,
    Escalation,
    GovernanceBody,
    Meeting,
)
from realise.organisations.models import register_person_links


@rules.predicate
def can_view_governance(user, obj) -> bool:
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
        return may_see(user, body.collaboration, [body.visibility, obj.visibility or "private"])
    if isinstance(obj, GovernanceBody):
        return may_see(user, obj.collaboration, [obj.visibility])
    return can_view(user, obj)


@register_person_links
def body_people(collaborations, user):
    """The chairs and members of the bodies `user` may see, and the owners of the actions
    of the decisions they may see: a private body or decision names no one to others (the
    directory of people, and whom a form offers: `Person.objects.known_to`)."""
    bodies = GovernanceBody.objects.visible_to(user)
    members = BodyMember.objects.filter(body__in=bodies.values("pk"))
    actions = Action.objects.filter(decision__in=Decision.objects.visible_to(user).values("pk"))
    return (
        Q(pk__in=bodies.values("chair_id"))
        | Q(pk__in=members.values("person_id"))
        | Q(pk__in=actions.values("owner_id"))
    )


@rules.predicate
def owns_action(user, obj) -> bool:
    return access_for(user).acts_as(getattr(obj, "owner_id", None))


@rules.predicate
def leads_reviewed_initiative(user, obj) -> bool:
    """The senior responsible officer of the initiative a post-implementation review is of
    (or their deputy today)."""
    initiative = getattr(obj, "initiative", None)
    return initiative is not None and access_for(user).acts_as(initiative.sro_id)


edit_governance = is_administrator | is_programme_team_for

PERMISSIONS = {
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
    # the programme team, or the initiative's SRO, records the review
    "governance.change_postimplementationreview": edit_governance | leads_reviewed_initiative,
}

for name, predicate in PERMISSIONS.items():
    rules.add_perm(name, predicate)


# The audit trail and 404s. A deleted body is seen through its collaboration as it was (its
# own forces', or anyone's if both were open); a deleted decision through its body; a
# deleted escalation through either body.


def _gone_decision(user) -> Q:
    own = own_collaborations(user)
    own_bodies = GovernanceBody.objects.filter(collaboration__in=own.values("pk"))
    return Q(_gone_body__in=own_bodies.values("pk")) | Q(
        before__visibility__in=OPEN_VISIBILITIES,
        _gone_body__in=GovernanceBody.objects.visible_to(user).values("pk"),
    )


def _gone_escalation(user) -> Q:
    bodies = GovernanceBody.objects.visible_to(user).values("pk")
    return Q(_gone_from__in=bodies) | Q(_gone_to__in=bodies)


register_scope(
    "governance.governancebody",
    GovernanceBody.objects.visible_to,
    gone=gone_with_collaboration,
    gone_keys={"_gone_collaboration": "collaboration_id"},
)
register_scope(
    "governance.decision",
    Decision.objects.visible_to,
    gone=_gone_decision,
    gone_keys={"_gone_body": "body_id"},
)
register_scope(
    "governance.escalation",
    Escalation.objects.visible_to,
    gone=_gone_escalation,
    gone_keys={"_gone_from": "from_body_id", "_gone_to": "to_body_id"},
)
register_parent("governance.bodymember", "body", "governance.governancebody")
register_parent("governance.meeting", "body", "governance.governancebody")
register_parent("governance.action", "decision", "governance.decision")
register_parent("governance.postimplementationreview", "initiative", "collaborations.initiative")

# What the 403 page calls these records (core.errors.describe).
register_nouns(
    {
        "action": (_("action"), _("actions")),
        "decision": (_("decision"), _("decisions")),
        "escalation": (_("escalation"), _("escalations")),
        "governancebody": (_("governance body"), _("governance bodies")),
        "meeting": (_("meeting"), _("meetings")),
        "postimplementationreview": (
            _("post-implementation review"),
            _("post-implementation reviews"),
        ),
    }
)
