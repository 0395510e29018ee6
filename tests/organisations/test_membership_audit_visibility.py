"""Who holds a role within a private collaboration is that collaboration's business: a
membership (and each audit record of it, live or deleted) is seen by anyone signed in only
when it names no collaboration or names one the reader may see; administrators and
inspectors see them all.

ek (private) has Essex and Kent; covert (private) has Norfolk alone; roads is open to
policing. dave (Essex viewer) reads the audit trail; nora leads for Norfolk.
"""

import csv
import io

import pytest

from realise.core.models import AuditAction, AuditRecord
from realise.core.permissions import visible_audit_records, visible_objects
from realise.organisations import services
from realise.organisations.models import Membership
from tests.factories import CollaborationFactory, UserFactory, force, member, share

MEMBERSHIP = "organisations.membership"


@pytest.fixture
def covert(world):
    collab = CollaborationFactory(name="Norfolk covert", slug="covert", visibility="private")
    share(collab, "Norfolk", "100")
    return collab


@pytest.fixture
def roads(world):
    collab = CollaborationFactory(name="Open roads", slug="roads", visibility="policing")
    share(collab, "Suffolk", "100")
    return collab


def _grant(username, *collaborations, role="viewer", force_name="Norfolk") -> Membership:
    user = UserFactory(username=username)
    for collaboration in collaborations or (None,):
        outcome = services.grant(
            user=user, role=role, force=force(force_name), collaboration=collaboration
        )
    assert outcome.membership is not None
    return outcome.membership


def _membership_records(user, membership_id=None) -> list[AuditRecord]:
    records = visible_audit_records(user).filter(model=MEMBERSHIP)
    if membership_id is not None:
        records = records.filter(object_id=str(membership_id))
    return list(records)


def test_a_role_within_a_private_collaboration_is_not_in_a_strangers_trail(world, covert, ivy):
    vic = _grant("vic", covert)
    mine = AuditRecord.objects.filter(model=MEMBERSHIP, object_id=str(vic.pk))
    assert mine.count() >= 2  # the grant, then the collaboration named
    assert {"collaborations": [covert.pk]} in [r.after for r in mine]

    assert _membership_records(world.dave, vic.pk) == []
    assert vic not in visible_objects(MEMBERSHIP, world.dave)
    # Norfolk's own people, inspectors and administrators see it.
    assert len(_membership_records(world.nora, vic.pk)) == mine.count()
    assert len(_membership_records(ivy, vic.pk)) == mine.count()
    assert vic in visible_objects(MEMBERSHIP, world.nora)
    assert vic in visible_objects(MEMBERSHIP, ivy)


def test_roles_for_a_force_or_within_a_visible_collaboration_are_seen(world, covert, roads):
    whole_force = _grant("walt")
    in_roads = _grant("rosa", roads, force_name="Suffolk")
    in_both = _grant("bea", covert, world.collab, force_name="Norfolk", role="programme_team")
    seen = visible_objects(MEMBERSHIP, world.dave)
    assert {whole_force, in_roads, in_both} <= set(seen)
    for membership in (whole_force, in_roads, in_both):
        assert _membership_records(world.dave, membership.pk)


def test_the_trail_page_and_its_export_leave_out_the_private_role(client, world, covert):
    _grant("quill", covert)
    _grant("walt")
    client.force_login(world.dave)
    response = client.get("/audit/", {"model": MEMBERSHIP})
    shown = " ".join(r.object_repr for r in response.context["table"].data)
    assert "walt" in shown
    assert "quill" not in shown
    assert "quill" not in response.content.decode()
    response = client.get("/audit/export.csv", {"model": MEMBERSHIP})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    exported = " ".join(row["object_repr"] for row in rows)
    assert "walt" in exported
    assert "quill" not in exported

    client.force_login(member("nell", "Norfolk", "viewer"))  # Norfolk's own board member
    assert "quill" in client.get("/audit/", {"model": MEMBERSHIP}).content.decode()


def test_a_revoked_role_within_a_private_collaboration_stays_out_of_the_trail(
    world, covert, roads, ivy
):
    private = _grant("vic", covert)
    whole_force = _grant("walt")
    in_roads = _grant("rosa", roads, force_name="Suffolk")
    gone = {"private": private.pk, "whole_force": whole_force.pk, "in_roads": in_roads.pk}
    for membership in (private, whole_force, in_roads):
        services.remove(membership, reason="Moved on")
    deletions = AuditRecord.objects.filter(model=MEMBERSHIP, action=AuditAction.DELETE)
    before = {r.object_id: r.before["collaborations"] for r in deletions}
    assert before[str(gone["private"])] == [covert.pk]

    def deleted_seen(user) -> set[int]:
        records = visible_audit_records(user).filter(model=MEMBERSHIP, action=AuditAction.DELETE)
        return {int(r.object_id) for r in records}

    assert deleted_seen(world.dave) >= {gone["whole_force"], gone["in_roads"]}
    assert gone["private"] not in deleted_seen(world.dave)
    assert _membership_records(world.dave, gone["private"]) == []
    assert gone["private"] in deleted_seen(world.nora)
    assert gone["private"] in deleted_seen(ivy)


def test_a_reader_within_one_collaboration_sees_its_roles_not_the_forces_others(world):
    """sam views for Kent within ek alone: ek's roles are his to see, those of Kent's other
    private collaboration are not."""
    kent_only = CollaborationFactory(name="Kent only", slug="kent-only", visibility="private")
    share(kent_only, "Kent", "100")
    sam = member("sam", "Kent", "viewer", world.collab)
    in_ek = _grant("ed", world.collab, force_name="Kent")
    in_kent_only = _grant("kit", kent_only, force_name="Kent")
    seen = set(visible_objects(MEMBERSHIP, sam))
    assert in_ek in seen
    assert in_kent_only not in seen
    assert _membership_records(sam, in_ek.pk)
    assert _membership_records(sam, in_kent_only.pk) == []
