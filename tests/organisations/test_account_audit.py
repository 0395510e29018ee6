"""Deactivating and reactivating an account is in the audit trail: who stopped or allowed
whose sign-in, when and how, seen by administrators and inspectors, and by nobody else.

ada administers; ivy inspects; alice runs the Essex and Kent collaboration (ek); bob leads
benefits for Essex; dave only reads (people of tests/conftest.py).
"""

import csv
import io

from django.core.management import call_command

from realise.core import audit
from realise.core.models import AuditAction, AuditRecord
from realise.core.permissions import visible_audit_records
from realise.organisations import services
from tests.factories import member
from tests.organisations.inviting import signed_in


def account_records(user):
    return list(AuditRecord.objects.filter(model="auth.user", object_id=str(user.pk)))


def test_deactivating_on_the_page_records_who_did_it_and_what_changed(world, ada):
    response = signed_in(ada).post("/access/users/bob/", {"action": "deactivate"})
    assert response.status_code == 302
    (record,) = account_records(world.bob)
    assert record.action == AuditAction.UPDATE
    assert (record.user_id, record.username, record.via) == (ada.pk, "ada", "page")
    assert (record.before, record.after) == ({"is_active": True}, {"is_active": False})
    assert record.object_repr == "bob"
    assert record.collaboration_id is None

    signed_in(ada).post("/access/users/bob/", {"action": "reactivate"})
    latest, first = account_records(world.bob)  # newest first
    assert first == record
    assert (latest.before, latest.after) == ({"is_active": False}, {"is_active": True})
    assert latest.sequence > record.sequence
    # Chained like every other record: the whole trail still checks out.
    assert audit.verify().ok
    assert audit.verify_data().ok


def test_the_command_line_records_the_change_as_made_by_a_command(world):
    call_command("deactivate", "--user", "bob", stdout=io.StringIO())
    (record,) = account_records(world.bob)
    assert (record.user_id, record.username, record.via) == (None, "", "command")
    assert record.after == {"is_active": False}


def test_asking_for_what_already_holds_records_nothing(world, ada):
    services.set_active(world.bob, True, by=ada)  # bob is active already
    call_command("reactivate", "--user", "bob", stdout=io.StringIO())
    assert account_records(world.bob) == []
    services.set_active(world.bob, False, by=ada)
    services.set_active(world.bob, False, by=ada)
    assert len(account_records(world.bob)) == 1


def test_a_refused_deactivation_records_nothing(world, ada):
    response = signed_in(world.alice).post("/access/users/bob/", {"action": "deactivate"})
    assert response.status_code in (403, 404)
    signed_in(ada).post("/access/users/ada/", {"action": "deactivate"})  # not oneself
    ada.refresh_from_db()
    assert ada.is_active
    assert account_records(world.bob) == account_records(ada) == []


def test_administrators_and_inspectors_read_account_changes_and_nobody_else(world, ada, ivy):
    services.set_active(world.bob, False, by=ada)
    (record,) = account_records(world.bob)
    assert visible_audit_records(ada).filter(pk=record.pk).exists()
    assert visible_audit_records(ivy).filter(pk=record.pk).exists()
    for reader in (world.alice, world.bob, world.dave, world.nora):
        assert not visible_audit_records(reader).filter(pk=record.pk).exists()
    # On the audit trail's page, filtered to accounts.
    page = signed_in(ivy).get("/audit/", {"model": "auth.user"}).content.decode()
    assert f"(id {world.bob.pk})" in page and "ada" in page
    export = signed_in(ivy).get("/audit/export.csv", {"model": "auth.user"})
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [(row["object_id"], row["after"]) for row in rows] == [
        (str(world.bob.pk), '{"is_active":false}')
    ]


def test_the_user_page_lists_the_account_changes_for_administrators(world, ada):
    services.set_active(world.bob, False, by=ada)
    call_command("reactivate", "--user", "bob", stdout=io.StringIO())
    page = signed_in(ada).get("/access/users/bob/").content.decode()
    assert "Changes to this account" in page
    changes = page.split('id="account-changes"')[1].split("</ul>")[0]
    # Newest first: reactivated from the command line, then deactivated by ada.
    assert changes.index("Reactivated") < changes.index("Deactivated")
    assert "from the command line" in changes and "by ada" in changes
    # A programme team may see bob's page for the roles it manages, not his account.
    member("bob2", "Essex", "force_lead", world.collab)
    alice_page = signed_in(world.alice).get("/access/users/bob2/").content.decode()
    assert "Changes to this account" not in alice_page
