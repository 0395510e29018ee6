"""Personal data in the audit trail and the history: which stored values are a person's
own (an email address, why a role was granted, changed or revoked), and who reads them.

Each app names its personal fields in its `rules.py` (`register_personal_fields`), by kind
of record and field as the trail stores them (`attname`), and gives the rule
`core.read_personal_data` (whoever manages people and access). Everyone else who reads the
trail sees every change (the kind of record, when, by whom, which fields changed) with
those values withheld: on the trail's page and its filters, its CSV download, the
inspection pack and the history pages, each asking `withholding_for(reader)`.

Only what is shown changes: the stored values, and the hashes that cover them, stay as
they were, and `realise audit verify` checks them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import rules
from django.utils.translation import gettext_lazy as _

READ_PERSONAL_DATA = "core.read_personal_data"
# What is shown in place of a withheld value (`language.english` of it in downloads).
WITHHELD = _("(withheld)")

# kind ("app.model") -> the fields whose values are personal
PERSONAL_FIELDS: dict[str, frozenset[str]] = {}


def register_personal_fields(kind: str, *fields: str) -> None:
    """The values of these fields of records of `kind` (e.g. 'organisations.person',
    'email') are shown only to readers the rule `core.read_personal_data` allows."""
    PERSONAL_FIELDS[kind] = PERSONAL_FIELDS.get(kind, frozenset()) | frozenset(fields)


@dataclass(frozen=True)
class Withholding:
    """The stored values one reader is not shown: field names by kind of record."""

    fields: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def of(self, kind: str) -> frozenset[str]:
        """The fields of records of `kind` whose values are withheld."""
        return self.fields.get(kind, frozenset())

    def values(self, kind: str, values: dict | None, marker: str) -> dict | None:
        """`values` (a record's before or after) with each withheld one replaced by
        `marker`; the same dict when nothing is withheld."""
        withheld = self.of(kind)
        if not values or not withheld.intersection(values):
            return values
        return {name: marker if name in withheld else value for name, value in values.items()}

    def named(self, kind: str, *values: dict | None) -> list[str]:
        """The withheld fields these values (before, after) hold, sorted."""
        withheld = self.of(kind)
        return sorted({name for found in values if found for name in found if name in withheld})


# Every value shown: administrators, access managers, and the operator at the command line.
SHOWN_IN_FULL = Withholding()


def reads_personal_data(reader) -> bool:
    return reader is not None and rules.has_perm(READ_PERSONAL_DATA, reader)


def withholding_for(reader) -> Withholding:
    """What `reader` (a user; None: nobody signed in) is not shown of the stored values."""
    if reads_personal_data(reader):
        return SHOWN_IN_FULL
    return Withholding(dict(PERSONAL_FIELDS))
