"""The inspection pack's audit.csv withholds personal data (an email address, the reason a
role was granted, changed or revoked) from a requester who does not manage people and
access, as the audit trail's page and download do; administrators, the programme team and
the operator's pack (no requester) hold every value. Viewers ask for no pack at all.

The trail names no collaboration for people and memberships today, so the records here are
appended as a change naming the collaboration would be: the pack must withhold their
values whichever kinds of record reach it.
"""

import io
import zipfile

import pytest

from realise.core import audit
from realise.core.models import AuditAction
from realise.documents.inspection import build_zip, may_request, row_hash
from tests.documents.test_inspection_pack import NOVEMBER, csv_rows
from tests.factories import member

EMAIL = "pat.private@essex.police.example"
REASON = "Standing in while the vetting lead is on long-term sick leave"


@pytest.fixture
def personal_world(vetting):
    w = vetting
    w.inspector = member("ines", "Norfolk", "inspector")
    w.admin = member("ada", "Essex", "administrator")
    audit.append(
        [
            audit.Entry(
                user_id=w.admin.pk,
                username="ada",
                action=AuditAction.CREATE,
                model="organisations.person",
                object_id="9001",
                object_repr="Pat Private",
                collaboration_id=w.collab.pk,
                via="page",
                before=None,
                after={"name": "Pat Private", "email": EMAIL},
            ),
            audit.Entry(
                user_id=w.admin.pk,
                username="ada",
                action=AuditAction.UPDATE,
                model="organisations.membership",
                # A membership the readers may see (a role for Essex as a whole).
                object_id=str(w.dave.memberships.get().pk),
                object_repr="pat – Viewer (read only)",
                collaboration_id=w.collab.pk,
                via="page",
                before={"reason": "Granted"},
                after={"reason": REASON},
            ),
        ]
    )
    return w


def audit_text(collaboration, user) -> tuple[str, list[dict]]:
    archive = zipfile.ZipFile(io.BytesIO(build_zip(collaboration, user, today=NOVEMBER)))
    return archive.read("audit.csv").decode("utf-8"), csv_rows(archive, "audit.csv")


def test_an_inspectors_pack_withholds_addresses_and_reasons(personal_world):
    w = personal_world
    text, rows = audit_text(w.collab, w.inspector)
    assert EMAIL not in text and REASON not in text
    person = next(r for r in rows if r["model"] == "organisations.person")
    membership = next(r for r in rows if r["model"] == "organisations.membership")
    # The change is there (what, when, by whom), its values withheld and named as such.
    assert person["object_repr"] == "Pat Private" and person["username"] == "ada"
    assert '"email":"(withheld)"' in person["after"] and person["withheld"] == "email"
    assert '"reason":"(withheld)"' in membership["after"]
    assert membership["withheld"] == "reason"
    # Rows with nothing withheld still check out on their own; the chain verifies.
    assert all(row_hash(r) == r["hash"] for r in rows if not r["withheld"])
    assert audit.verify().ok


@pytest.mark.parametrize("who", ["admin", "alice", None])
def test_administrators_programme_teams_and_the_operator_hold_every_value(personal_world, who):
    w = personal_world
    text, rows = audit_text(w.collab, getattr(w, who) if who else None)
    assert EMAIL in text and REASON in text
    assert all(not r["withheld"] for r in rows)
    assert all(row_hash(r) == r["hash"] for r in rows)


def test_a_viewer_asks_for_no_pack(personal_world):
    assert not may_request(personal_world.dave, personal_world.collab)
