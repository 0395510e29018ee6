"""The search index follows every write: create, update, delete, new versions, visibility."""

from django.core.files.uploadedfile import SimpleUploadedFile

from realise.knowledge.models import SearchEntry
from realise.knowledge.search import search
from realise.knowledge.services import (
    create_document,
    create_lesson,
    delete_document,
    delete_lesson,
    update_lesson,
    upload_version,
)
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    InitiativeFactory,
    UserFactory,
    share,
)


def found(query, user, kind=None):
    from realise.knowledge.search import SearchFilters

    filters = SearchFilters(kinds=[kind]) if kind else None
    return [hit.title for hit in search(query, user=user, filters=filters)[0:20]]


def new_lesson(world, **fields):
    defaults = dict(
        collaboration=world.collab,
        title="Agree vetting levels before merging units",
        theme="workforce",
        what_happened="Clearance levels differed between the two forces.",
        date="2026-02-01",
        visibility="policing",
    )
    return create_lesson(user=world.alice, **{**defaults, **fields})


def test_a_new_lesson_is_found_at_once(world):
    lesson = new_lesson(world)
    assert found("clearance levels", world.alice) == [lesson.title]


def test_an_updated_lesson_is_found_by_its_new_words_only(world):
    lesson = new_lesson(world)
    update_lesson(lesson, user=world.alice, what_happened="Interpreters were booked twice.")
    assert found("clearance", world.alice) == []
    assert found("interpreters", world.alice) == [lesson.title]
    update_lesson(lesson, user=world.alice, title="Book interpreters through one framework")
    assert found("framework", world.alice) == ["Book interpreters through one framework"]


def test_a_deleted_lesson_leaves_the_index(world):
    lesson = new_lesson(world)
    delete_lesson(lesson, user=world.alice)
    assert found("clearance levels", world.alice) == []
    assert not SearchEntry.objects.filter(kind="lesson").exists()


def test_changing_visibility_changes_who_finds_it(world):
    public_collab = CollaborationFactory(name="Open unit", visibility="public")
    share(public_collab, "Essex", "100")
    admin = UserFactory(username="root", is_superuser=True)
    lesson = create_lesson(
        user=admin,
        collaboration=public_collab,
        title="Agree vetting levels before merging units",
        theme="workforce",
        what_happened="Clearance levels differed between the two forces.",
        date="2026-02-01",
        visibility="private",
    )
    assert found("clearance", world.nora) == []
    update_lesson(lesson, user=admin, visibility="public")
    assert found("clearance", world.nora) == [lesson.title]


def test_a_documents_text_follows_its_latest_version(world):
    document = create_document(
        user=world.alice,
        upload=SimpleUploadedFile("draft.txt", b"Mobile fingerprint scanners for custody"),
        collaboration=world.collab,
        kind="business_case",
        stage=2,
        title="Outline business case",
    )
    assert found("fingerprint", world.alice) == ["Outline business case"]
    upload_version(
        document,
        user=world.alice,
        upload=SimpleUploadedFile("final.txt", b"Body-worn video for response officers"),
    )
    assert found("fingerprint", world.alice) == []
    assert found("body-worn video", world.alice) == ["Outline business case"]
    delete_document(document, user=world.alice)
    assert found("video", world.alice) == []


def test_collaborations_initiatives_and_benefits_are_indexed_as_they_change(world):
    assert found("joint vetting", world.bob, "initiative") == ["Joint vetting"]
    world.initiative.name = "Regional vetting hub"
    world.initiative.save()
    assert found("regional hub", world.bob, "initiative") == ["Regional vetting hub"]
    benefit = BenefitFactory(initiative=world.initiative, title="Fewer agency vetting officers")
    assert found("agency", world.bob, "benefit") == [benefit.title]
    benefit.delete()
    assert found("agency", world.bob, "benefit") == []


def test_a_collaboration_made_private_takes_its_initiatives_out_of_others_reach(world):
    open_collab = CollaborationFactory(name="Roads policing unit", visibility="policing")
    share(open_collab, "Kent", "100")
    InitiativeFactory(collaboration=open_collab, name="Average speed cameras on the A2")
    assert found("speed cameras", world.nora) == ["Average speed cameras on the A2"]
    open_collab.visibility = "private"
    open_collab.save()
    assert found("speed cameras", world.nora) == []
    assert found("speed cameras", world.carol) == ["Average speed cameras on the A2"]


def test_a_new_member_force_is_searchable_on_the_collaboration(world):
    assert "Essex and Kent Serious Crime" not in found("Hertfordshire", world.alice)
    share(world.collab, "Hertfordshire", "0")
    assert "Essex and Kent Serious Crime" in found("Hertfordshire", world.alice)


def test_reindex_rebuilds_everything(world):
    from django.core.management import call_command

    new_lesson(world)
    SearchEntry.objects.all().delete()
    assert found("clearance", world.alice) == []
    call_command("reindex", stdout=None)
    assert found("clearance", world.alice) == ["Agree vetting levels before merging units"]
    assert SearchEntry.objects.filter(kind="collaboration").count() >= 1
