"""Governance, lessons, documents and options through the API: read only, same visibility."""

import datetime

from realise.knowledge.models import Lesson


def lesson(world, **fields):
    fields.setdefault("visibility", "policing")
    return Lesson.objects.create(
        collaboration=world.collab,
        title="Agree the split early",
        theme=Lesson._meta.get_field("theme").choices[0][0],
        what_happened="Six months lost arguing about shares.",
        date=datetime.date(2025, 5, 1),
        **fields,
    )


def test_members_read_the_governance_bodies_of_their_collaboration(world, as_user):
    listed = as_user(world.dave).get("/api/v1/governance-bodies/").json()["results"]
    assert [b["slug"] for b in listed] == ["ek-board"]
    assert as_user(world.dave).get("/api/v1/governance-bodies/ek-board/").status_code == 200


def test_other_forces_do_not_see_a_private_collaborations_bodies(world, as_user):
    nora = as_user(world.nora)
    assert nora.get("/api/v1/governance-bodies/").json()["count"] == 0
    assert nora.get("/api/v1/governance-bodies/ek-board/").status_code == 404


def test_lessons_follow_the_narrowest_visibility(world, as_user):
    lesson(world)
    assert as_user(world.dave).get("/api/v1/lessons/").json()["count"] == 1
    assert as_user(world.nora).get("/api/v1/lessons/").json()["count"] == 0


def test_the_repository_resources_are_read_only(world, as_user):
    item = lesson(world)
    alice = as_user(world.alice)
    assert (
        alice.patch(f"/api/v1/lessons/{item.pk}/", {"title": "x"}, format="json").status_code == 405
    )
    assert alice.post("/api/v1/meetings/", {}, format="json").status_code == 405
    for resource in ["meetings", "decisions", "documents", "options"]:
        assert alice.get(f"/api/v1/{resource}/").status_code == 200, resource
