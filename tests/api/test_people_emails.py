"""A person's email address reaches through the API only those who may read it: whoever
manages people, the person themself, and anyone once the person chose to share it."""

from rest_framework.test import APIClient

from realise.organisations.models import Person, SharingPreference


def _read(user, path):
    api = APIClient()
    api.force_authenticate(user)
    response = api.get(path)
    assert response.status_code == 200, response.content
    return response.json()


def _erin(world) -> Person:
    world.erin_person.email = "erin.owner@kent.police.example"
    world.erin_person.save()
    return world.erin_person


def test_a_reader_who_does_not_manage_people_does_not_see_an_unshared_email(world):
    erin = _erin(world)
    assert _read(world.nora, f"/api/v1/people/{erin.pk}/")["email"] == ""
    listed = {p["id"]: p for p in _read(world.nora, "/api/v1/people/?page_size=500")["results"]}
    assert listed[erin.pk]["email"] == ""
    assert listed[erin.pk]["name"] == "Erin Owner"


def test_the_programme_team_and_the_person_themself_see_it(world):
    erin = _erin(world)
    assert _read(world.alice, f"/api/v1/people/{erin.pk}/")["email"] == erin.email
    assert _read(world.erin, f"/api/v1/people/{erin.pk}/")["email"] == erin.email


def test_once_shared_everyone_signed_in_sees_it(world):
    erin = _erin(world)
    SharingPreference.objects.create(person=erin, share_email=True)
    assert _read(world.nora, f"/api/v1/people/{erin.pk}/")["email"] == erin.email


def test_looking_up_by_email_finds_only_addresses_the_reader_may_read(world):
    erin = _erin(world)
    path = f"/api/v1/people/?email={erin.email}"
    assert _read(world.nora, path)["results"] == []
    assert [p["id"] for p in _read(world.alice, path)["results"]] == [erin.pk]
    SharingPreference.objects.create(person=erin, share_email=True)
    assert [p["id"] for p in _read(world.nora, path)["results"]] == [erin.pk]
