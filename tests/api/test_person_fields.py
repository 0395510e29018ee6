"""Whom the API takes as a person (a benefit's owner, an initiative's SRO, an opportunity's
owner): those the reader may choose in a form (`Person.objects.choosable_by`), and whoever
the record being changed already names. Anyone else is refused on the field as if they did
not exist. The people resource lists and shows only the people the reader may choose."""

import inspect

import pytest
from rest_framework import serializers

from realise.benefits.models import Benefit
from realise.core.api import ChosenRelatedField
from realise.organisations import models as organisations_models
from realise.organisations.models import PERSON_LINKS, Person
from realise.pipeline.rules import opportunity_owners
from tests.factories import (
    member,
)
from tests.pipeline.makers import opportunity as opportunity_of


def missing(pk: int) -> list[str]:
    return [f'Invalid pk "{pk}" - object does not exist.']


def new_benefit(world, **people) -> dict:
    return {
        "initiative": world.initiative.pk,
        "reference": "NEW-1",
        "title": "Fewer duplicate checks",
        "subcategory": "1a",
        "direction": "decrease",
        "measure": "Annual contract spend",
        "baseline_value": "1000.00",
        "target_value": "800.00",
        **people,
    }


def patch(client, path: str, body: dict):
    version = client.get(path).json()["version"]
    return client.patch(path, {**body, "version": version}, format="json")


def test_a_benefit_owner_outside_the_readers_reach_is_refused_on_the_field(world, hidden, as_user):
    response = as_user(world.alice).post(
        "/api/v1/benefits/", new_benefit(world, owner=hidden.pk), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"owner": missing(hidden.pk)}
    assert not Benefit.objects.filter(reference="NEW-1").exists()


def test_a_benefit_owner_the_reader_may_find_is_taken(world, hidden, as_user):
    response = as_user(world.alice).post(
        "/api/v1/benefits/",
        new_benefit(world, owner=world.erin_person.pk, measurement_owner=world.erin_person.pk),
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = Benefit.objects.get(reference="NEW-1")
    assert created.owner == created.measurement_owner == world.erin_person


def test_a_hidden_person_is_not_made_the_measurement_owner(world, hidden, as_user):
    before = world.benefit.measurement_owner
    path = f"/api/v1/benefits/{world.benefit.pk}/"
    response = patch(as_user(world.alice), path, {"measurement_owner": hidden.pk})
    assert response.status_code == 400
    assert response.json() == {"measurement_owner": missing(hidden.pk)}
    world.benefit.refresh_from_db()
    assert world.benefit.measurement_owner == before


def test_the_sro_follows_the_same_rule(world, hidden, as_user):
    alice = as_user(world.alice)
    initiative = f"/api/v1/initiatives/{world.initiative.pk}/"
    response = patch(alice, initiative, {"sro": hidden.pk})
    assert response.status_code == 400
    assert response.json() == {"sro": missing(hidden.pk)}
    assert patch(alice, initiative, {"sro": world.erin_person.pk}).status_code == 200


@pytest.fixture
def opportunity(world, hidden, monkeypatch):
    """An opportunity of the Essex and Kent collaboration owned by Harriet, whom its
    programme team may not find: the directory leaves out the opportunities' owners here
    (`opportunity_owners`), as for a record that names someone no link of the directory
    covers. (It lists them otherwise: tests/organisations/test_people_links.py.)"""
    links = [links for links in PERSON_LINKS if links is not opportunity_owners]
    monkeypatch.setattr(organisations_models, "PERSON_LINKS", links)
    return opportunity_of(world.collab, "Shared fleet", "50000", 60, owner=hidden)


def test_changing_another_field_keeps_a_hidden_owner_already_stored(
    world, hidden, opportunity, as_user
):
    alice = as_user(world.alice)
    path = f"/api/v1/opportunities/{opportunity.pk}/"
    assert alice.get(f"/api/v1/people/{hidden.pk}/").status_code == 404
    response = patch(alice, path, {"description": "Pooled vans"})
    assert response.status_code == 200, response.json()
    # Sent back as read, the stored owner is kept too.
    response = patch(alice, path, {"owner": hidden.pk, "description": "Pooled vans and cars"})
    assert response.status_code == 200, response.json()
    opportunity.refresh_from_db()
    assert opportunity.owner == hidden
    assert opportunity.description == "Pooled vans and cars"


def test_an_owner_kept_on_one_record_is_not_taken_for_another(world, hidden, opportunity, as_user):
    alice = as_user(world.alice)
    other = opportunity_of(world.collab, "Shared custody", "20000", 50)
    path = f"/api/v1/opportunities/{other.pk}/"
    response = patch(alice, path, {"owner": hidden.pk})
    assert response.status_code == 400
    assert response.json() == {"owner": missing(hidden.pk)}
    # Nor may the owner be handed back once changed.
    moved = patch(alice, f"/api/v1/opportunities/{opportunity.pk}/", {"owner": None})
    assert moved.status_code == 200, moved.json()
    response = patch(alice, f"/api/v1/opportunities/{opportunity.pk}/", {"owner": hidden.pk})
    assert response.status_code == 400
    assert response.json() == {"owner": missing(hidden.pk)}


def test_those_who_may_find_the_person_choose_them(world, hidden, as_user):
    ada = member("ada", "Essex", "administrator")
    path = f"/api/v1/benefits/{world.benefit.pk}/"
    response = patch(as_user(ada), path, {"measurement_owner": hidden.pk})
    assert response.status_code == 200, response.json()
    assert Benefit.objects.get(pk=world.benefit.pk).measurement_owner == hidden


def test_someone_the_reader_named_through_the_api_is_theirs_to_choose(world, hidden, as_user):
    alice = as_user(world.alice)
    named = alice.post("/api/v1/people/", {"name": "Pat Holt"}, format="json")
    assert named.status_code == 201, named.json()
    pat = named.json()["id"]
    assert alice.get(f"/api/v1/people/{pat}/").status_code == 200
    response = alice.post(
        "/api/v1/benefits/", new_benefit(world, owner=pat, measurement_owner=pat), format="json"
    )
    assert response.status_code == 201, response.json()


def _serializers(cls=serializers.BaseSerializer):
    for sub in cls.__subclasses__():
        yield sub
        yield from _serializers(sub)


def test_every_person_the_api_takes_is_chosen_by_the_rule(world, as_user):
    """Each serializer of the API (read once its addresses are loaded) that takes a person
    takes them through `ChosenRelatedField`, with the rule of the people's own choices."""
    as_user(world.dave).get("/api/v1/")
    checked = []
    for cls in set(_serializers()):
        if not cls.__module__.startswith("realise.") or inspect.isabstract(cls):
            continue
        try:
            fields = cls().fields
        except Exception:  # noqa: BLE001, S112 - one that needs arguments to be built
            continue
        for name, field in fields.items():
            relation = getattr(field, "child_relation", field)
            queryset = getattr(relation, "queryset", None)
            if field.read_only or queryset is None or queryset.model is not Person:
                continue
            checked.append(f"{cls.__name__}.{name}")
            assert isinstance(relation, ChosenRelatedField), f"{cls.__name__}.{name}"
    assert {
        "BenefitSerializer.owner",
        "BenefitSerializer.measurement_owner",
        "InitiativeSerializer.sro",
        "OpportunitySerializer.owner",
    } <= set(checked)


# The people resource ----------------------------------------------------------------------


def listed(client) -> set[str]:
    response = client.get("/api/v1/people/?page_size=500")
    assert response.status_code == 200
    return {person["name"] for person in response.json()["results"]}


def test_a_person_the_reader_may_not_find_is_neither_listed_nor_shown(world, hidden, as_user):
    for reader in (world.dave, world.alice):
        client = as_user(reader)
        assert "Erin Owner" in listed(client)
        assert "Harriet Hidden" not in listed(client)
        assert client.get(f"/api/v1/people/{hidden.pk}/").status_code == 404
    alice = as_user(world.alice)
    person = f"/api/v1/people/{world.erin_person.pk}/"
    assert alice.patch(person, {"role_title": "Lead"}, format="json").status_code == 200
    refused = alice.patch(f"/api/v1/people/{hidden.pk}/", {"role_title": "Lead"}, format="json")
    assert refused.status_code == 404
    assert Person.objects.get(pk=hidden.pk).role_title != "Lead"


def test_those_who_work_with_the_person_or_administer_see_them(world, hidden, as_user):
    assert "Harriet Hidden" in listed(as_user(world.nora))
    assert as_user(world.nora).get(f"/api/v1/people/{hidden.pk}/").status_code == 200
    ada = member("ada", "Essex", "administrator")
    assert "Harriet Hidden" in listed(as_user(ada))
