"""Who may import the Excel register and follow an import. Found by django-rules'
autodiscovery at start-up.

Anyone signed in may upload a register workbook: each row that would create or change
something is checked against the other apps' rules as the import runs. An import's page
(its progress, summary and errors) is seen by whoever started it, and by administrators."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from realise.core.errors import register_nouns
from realise.core.permissions import access_for, is_administrator, is_signed_in, only_inspects


@rules.predicate
def started_import(user, obj) -> bool:
    return (
        obj is not None
        and access_for(user).authenticated
        and getattr(obj, "user_id", None) == user.pk
    )


PERMISSIONS = {
    "reports.add_importjob": is_signed_in & ~only_inspects,
    "reports.view_importjob": is_administrator | started_import,
}

for name, predicate in PERMISSIONS.items():
    rules.add_perm(name, predicate)

# What the 403 page calls these records (core.errors.describe).
register_nouns(
    {
        "importjob": (_("import job"), _("import jobs")),
    }
)
