"""The tamper-evident audit trail: every change recorded, chained, checked and browsable."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from simple_history.utils import bulk_create_with_history

from realise.benefits.models import Benefit, PlannedValue
from realise.benefits.services import record_measurement
from realise.core.audit import GENESIS, Entry, append, compute_hash, verify
from realise.core.models import AuditRecord
from tests.factories import force

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def records_for(obj):
    return AuditRecord.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).order_by(
        "sequence"
    )


def audit(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_a_change_records_who_and_the_before_and_after_values(world):
    benefit = world.benefit
    benefit.title = "Vetting backlog halved"
    benefit._history_user = world.alice
    benefit.save()
    created, changed = records_for(benefit)
    assert created.action == "create" and created.after["title"] == "Reduced vetting backlog"
    assert changed.action == "update"
    assert changed.username == "alice" and changed.user_id == world.alice.pk
    assert changed.before == {"title": "Reduced vetting backlog", "version": 1}
    assert changed.after == {"title": "Vetting backlog halved", "version": 2}
    assert changed.collaboration_id == world.collab.pk
    assert changed.via == "command"


def test_a_deletion_keeps_the_values_it_removed(world):
    planned = PlannedValue.objects.create(
        benefit=world.benefit, period=LAST_MONTH, value=Decimal("12.50")
    )
    planned._history_user = world.alice
    pk = planned.pk
    planned.delete()
    deleted = (
        AuditRecord.objects.filter(model="benefits.plannedvalue", object_id=str(pk))
        .order_by("sequence")
        .last()
    )
    assert deleted.action == "delete"
    assert deleted.before["value"] == "12.50" and deleted.after is None
    assert deleted.username == "alice"


def test_changes_through_pages_api_services_and_bulk_helpers_are_all_recorded(client, world):
    client.force_login(world.erin)
    page = client.get(f"/benefits/{world.benefit.pk}/edit/").context["form"]
    posted = {k: ("" if v is None else v) for k, v in page.initial.items() if k in page.fields}
    posted.update(description="Through the page", version="1")
    assert client.post(f"/benefits/{world.benefit.pk}/edit/", posted).status_code == 302

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.alice).key}")
    world.benefit.refresh_from_db()
    api.patch(
        f"/api/v1/benefits/{world.benefit.pk}/",
        {"title": "Through the API", "version": world.benefit.version},
        format="json",
    )

    record_measurement(
        world.benefit,
        LAST_MONTH,
        user=world.bob,
        force=force("Essex"),
        value=Decimal("10"),
        evidence_note="Ledger",
    )
    bulk_create_with_history(
        [PlannedValue(benefit=world.benefit, period=LAST_MONTH, value=Decimal("9"))],
        PlannedValue,
        default_user=world.alice,
    )
    changes = list(records_for(world.benefit).values_list("via", "username", "action"))
    assert changes[1:] == [("page", "erin", "update"), ("api", "alice", "update")]
    assert AuditRecord.objects.filter(model="benefits.measurement", username="bob").exists()
    assert AuditRecord.objects.filter(model="benefits.evidence", username="bob").exists()
    bulk = AuditRecord.objects.get(model="benefits.plannedvalue")
    assert bulk.username == "alice" and bulk.after["value"] == "9.00"
    assert verify().ok


def test_the_chain_links_every_record_to_the_one_before(world):
    records = list(AuditRecord.objects.order_by("sequence"))
    assert [r.sequence for r in records] == list(range(1, len(records) + 1))
    assert records[0].previous_hash == GENESIS
    for before, after in zip(records, records[1:], strict=False):
        assert after.previous_hash == before.hash
    assert len({r.hash for r in records}) == len(records)


def test_records_appended_together_are_stored_exactly_as_they_were_hashed(world):
    """Each value as given (JSON with nesting, Welsh text and nulls; no user; a number for
    the collaboration), in order, each stored hash that of the stored record."""
    entries = [
        Entry(
            user_id=world.alice.pk if n else None,
            username="alice" if n else "",
            action="update",
            model="benefits.benefit",
            object_id=str(100 + n),
            object_repr=f"Budd {n}: llai o oedi ✓",
            collaboration_id=world.collab.pk if n else None,
            via="command",
            before={"value": "1.50", "owners": [1, None], "note": None},
            after={"value": f"{n}.25", "owners": [], "nested": {"cy": "Gogledd Cymru"}},
        )
        for n in range(3)
    ]
    end = AuditRecord.objects.order_by("-sequence").first()

    append(entries)

    stored = list(AuditRecord.objects.filter(sequence__gt=end.sequence).order_by("sequence"))
    assert [r.sequence for r in stored] == [end.sequence + 1, end.sequence + 2, end.sequence + 3]
    assert [r.previous_hash for r in stored] == [end.hash, stored[0].hash, stored[1].hash]
    for record, entry in zip(stored, entries, strict=True):
        assert (record.user_id, record.username, record.object_repr, record.collaboration_id) == (
            entry.user_id,
            entry.username,
            entry.object_repr,
            entry.collaboration_id,
        )
        assert (record.before, record.after) == (entry.before, entry.after)
        assert record.hash == compute_hash(record)
    assert verify().ok


def test_verify_passes_on_an_untouched_trail(world):
    code, out, _ = audit("verify")
    assert code == 0
    assert "Audit trail intact" in out


def test_editing_a_record_outside_the_app_is_detected_and_named(world):
    victim = records_for(world.benefit).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditrecord SET username = %s WHERE sequence = %s",
            ["mallory", victim.sequence],
        )
    code, _, err = audit("verify")
    assert code == 1
    assert f"broken at record {victim.sequence}" in err
    assert "changed after it was written" in err


def test_deleting_a_record_outside_the_app_is_detected(world):
    middle = AuditRecord.objects.order_by("sequence")[2]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditrecord WHERE sequence = %s", [middle.sequence])
    code, _, err = audit("verify")
    assert code == 1
    assert f"record {middle.sequence} is missing" in err


def test_removing_the_newest_records_is_detected(world):
    last = AuditRecord.objects.order_by("-sequence").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditrecord WHERE sequence = %s", [last.sequence])
    verdict = verify()
    assert not verdict.ok
    assert "records at its end were removed" in verdict.reason


def test_rewriting_a_record_and_its_hash_still_breaks_the_next_link(world):
    from realise.core.audit import compute_hash

    victim = records_for(world.benefit).first()
    victim.username = "mallory"
    forged = compute_hash(victim)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditrecord SET username = %s, hash = %s WHERE sequence = %s",
            ["mallory", forged, victim.sequence],
        )
    verdict = verify()
    assert not verdict.ok and verdict.broken_sequence == victim.sequence + 1


def test_the_app_refuses_to_change_or_delete_audit_records(world):
    record = AuditRecord.objects.first()
    record.username = "mallory"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(pk=record.pk).update(username="mallory")
    with pytest.raises(PermissionError):
        AuditRecord.objects.all().delete()
    assert verify().ok


def test_the_admin_shows_the_trail_read_only(client, world):
    world.alice.is_staff = world.alice.is_superuser = True
    world.alice.save()
    client.force_login(world.alice)
    record = AuditRecord.objects.first()
    assert client.get("/admin/core/auditrecord/").status_code == 200
    page = client.get(f"/admin/core/auditrecord/{record.pk}/change/")
    assert page.status_code == 200 and 'name="username"' not in page.content.decode()
    assert client.get("/admin/core/auditrecord/add/").status_code == 403
    assert client.post(f"/admin/core/auditrecord/{record.pk}/delete/").status_code == 403


def test_export_writes_csv_and_json(world):
    code, out, _ = audit("export", "--format", "csv")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith("sequence,recorded_at,username")
    assert len(lines) == AuditRecord.objects.count() + 1
    import json

    code, out, _ = audit("export", "--format", "json")
    rows = json.loads(out)
    assert [r["sequence"] for r in rows] == list(range(1, len(rows) + 1))


def test_concurrent_appends_in_separate_transactions_keep_one_chain(world):
    for index in range(3):
        with transaction.atomic():
            benefit = Benefit.objects.get(pk=world.benefit.pk)
            benefit.title = f"Title {index}"
            benefit.save()
    assert verify().ok
