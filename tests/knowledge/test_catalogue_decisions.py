"""A collaboration's catalogue entry lists the governance decisions the reader may see
(governance sits beside knowledge and registers how its decisions are found)."""

from django.urls import reverse
from django.utils import timezone

from realise.collaborations.decisions import decisions_of
from realise.governance.models import Decision
from realise.knowledge.models import SearchEntry


def test_the_catalogue_entry_lists_the_decisions_of_its_bodies(client, world):
    decision = Decision.objects.create(
        body=world.board, decided_on=timezone.localdate(), text="Tender the vetting service"
    )
    assert list(decisions_of(world.collab, world.alice)) == [decision]
    client.force_login(world.alice)
    page = client.get(reverse("catalogue-entry", args=[world.collab.slug])).content.decode()
    assert "Recent decisions you can see" in page
    assert decision.get_absolute_url() in page


def test_decisions_are_indexed_for_search(world):
    decision = Decision.objects.create(
        body=world.board, decided_on=timezone.localdate(), text="Tender the vetting service"
    )
    entry = SearchEntry.objects.get(kind="decision", object_id=decision.pk)
    assert entry.title == "Tender the vetting service"
    assert entry.body == "Tender the vetting service\nEK Programme Board"
    assert entry.collaboration_id == world.collab.pk


def test_a_renamed_body_is_found_by_its_new_name_on_its_decisions(world):
    decision = Decision.objects.create(
        body=world.board, decided_on=timezone.localdate(), text="Tender the vetting service"
    )
    world.board.name = "EK Change Board"
    world.board.save()
    entry = SearchEntry.objects.get(kind="decision", object_id=decision.pk)
    assert entry.body == "Tender the vetting service\nEK Change Board"
