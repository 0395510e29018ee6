"""Who may write and read highlight reports and close initiatives. Found by django-rules'
autodiscovery at start-up.

A highlight report's narrative is written by whoever edits its initiative (administrators
and the collaboration's programme team) and read by whoever sees the initiative. Closing an
initiative (lessons, hand-over to business as usual, the closure report) is for the same
people. Board packs are read by whoever sees the body (governance/rules.py)."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from realise.collaborations.rules import can_view, edit_collaboration
from realise.core.errors import register_nouns
from realise.core.permissions import register_parent, register_scope
from realise.documents.models import ClosureRecord

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
