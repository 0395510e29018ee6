"""An OFFICIAL-SENSITIVE closure is seen only by the collaboration's own forces, as its form
promises: to a reader from another force its record, its download and its audit trail
answer as if there were none, even where the initiative itself is open to them."""

import datetime

import pytest
from django.urls import reverse

from realise.core.models import AuditRecord
from realise.core.permissions import visible_audit_records
from realise.documents.closure import benefits_realised
from realise.documents.models import ClosureRecord, Marking


def closed(world, marking: str) -> ClosureRecord:
    world.collab.visibility = "policing"
    world.collab.save()
    world.initiative.status = "closed"
    world.initiative.save()
    return ClosureRecord.objects.create(
        initiative=world.initiative,
        closed_by=world.alice,
        closed_on=datetime.date(2026, 3, 31),
        realised=benefits_realised(world.initiative, datetime.date(2026, 3, 31)),
        summary="Covert vetting backlog cleared by the joint unit.",
        marking=marking,
    )


def pages(world) -> list[str]:
    slug = world.initiative.slug
    return [
        reverse("initiative-closure", args=[slug]),
        reverse("closure-download", args=[slug]) + "?format=docx",
    ]


@pytest.mark.django_db
def test_a_sensitive_closure_answers_404_to_a_force_outside(world, client):
    record = closed(world, Marking.OFFICIAL_SENSITIVE)
    client.force_login(world.nora)
    # The initiative itself is open to every police user.
    assert client.get(world.initiative.get_absolute_url()).status_code == 200
    for page in pages(world):
        assert client.get(page).status_code == 404, page
    detail = client.get(world.initiative.get_absolute_url()).content.decode()
    assert reverse("initiative-closure", args=[world.initiative.slug]) not in detail
    trail = visible_audit_records(world.nora).filter(
        model="documents.closurerecord", object_id=str(record.pk)
    )
    assert AuditRecord.objects.filter(model="documents.closurerecord").exists()
    assert not trail.exists()


@pytest.mark.django_db
def test_the_collaborations_own_forces_see_a_sensitive_closure(world, client):
    record = closed(world, Marking.OFFICIAL_SENSITIVE)
    client.force_login(world.dave)  # a viewer from Essex, a member force
    response = client.get(pages(world)[0])
    assert response.status_code == 200
    assert "Covert vetting backlog cleared" in response.content.decode()
    assert client.get(pages(world)[1]).status_code == 200
    assert (
        visible_audit_records(world.dave)
        .filter(model="documents.closurerecord", object_id=str(record.pk))
        .exists()
    )


@pytest.mark.django_db
def test_an_official_closure_is_seen_by_whoever_sees_the_initiative(world, client):
    closed(world, Marking.OFFICIAL)
    client.force_login(world.nora)
    for page in pages(world):
        assert client.get(page).status_code == 200, page
    detail = client.get(world.initiative.get_absolute_url()).content.decode()
    assert reverse("initiative-closure", args=[world.initiative.slug]) in detail


@pytest.mark.django_db
def test_the_close_page_of_a_sensitive_closure_answers_as_if_there_were_none(world, client):
    closed(world, Marking.OFFICIAL_SENSITIVE)
    client.force_login(world.nora)
    response = client.get(reverse("initiative-close", args=[world.initiative.slug]))
    assert response.status_code == 404
