"""Who may write and read highlight reports and close initiatives. Found by django-rules'
autodiscovery at start-up.

A highlight report's narrative is written by whoever edits its initiative (administrators
and the collaboration's programme team) and read by whoever sees the initiative. Closing an
initiative (lessons, hand-over to business as usual, the closure report) is for the same
people. Board packs are read by whoever sees the body (governance/rules.py)."""

from __future__ import annotations

import rules
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from realise.collaborations.rules import can_view, edit_collaboration
from realise.core.errors import register_nouns
from realise.core.permissions import register_parent, register_scope
from realise.documents.models import BenefitHandover, ClosureRecord, HighlightReport
from realise.organisations.models import register_person_links

PERMISSIONS = {
    # object: the initiative (for add), else the highlight report
    "documents.add_highlightreport": edit_collaboration,
    "documents.change_highlightreport": edit_collaboration,
    "documents.view_highlightreport": can_view,
    # object: the initiative
    "documents.close_initiative": edit_collaboration,
    # object: the closure record
    "documents.view_closurerecord": rules.predicate(
        lambda user, record: (
            isinstance(record, ClosureRecord)
            and ClosureRecord.objects.visible_to(user).filter(pk=record.pk).exists()
        )
    ),
}

for name, predicate in PERMISSIONS.items():
    rules.add_perm(name, predicate)


@register_person_links
def closure_people(collaborations, user):
    """The owners in business as usual (and the owners before them) of the benefits handed
    over by the closures `user` may see (an OFFICIAL-SENSITIVE one only for the
    collaboration's own forces), and the authors of highlight reports in these
    collaborations (the directory of people, and whom a form offers:
    `Person.objects.known_to`)."""
    closures = ClosureRecord.objects.visible_to(user).values("pk")
    handovers = BenefitHandover.objects.filter(closure__in=closures)
    reports = HighlightReport.objects.filter(initiative__collaboration__in=collaborations)
    return (
        Q(pk__in=handovers.values("bau_owner_id"))
        | Q(pk__in=handovers.values("measurement_owner_id"))
        | Q(pk__in=handovers.values("previous_owner_id"))
        | Q(pk__in=reports.values("author_id"))
    )


# The audit trail and 404s: each is seen through its initiative (or its closure); a
# closure marked OFFICIAL-SENSITIVE only by the collaboration's own forces.
register_parent("documents.highlightreport", "initiative", "collaborations.initiative")
register_scope("documents.closurerecord", ClosureRecord.objects.visible_to)
register_parent("documents.benefithandover", "closure", "documents.closurerecord")

# What the 403 page calls these records (core.errors.describe).
register_nouns(
    {
        "closurerecord": (_("closure record"), _("closure records")),
        "highlightreport": (_("highlight report"), _("highlight reports")),
    }
)
