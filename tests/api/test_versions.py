"""No lost updates: versions, ETag / If-Match in the API, and the same rule in the forms."""

import pytest
from django.db import transaction

from realise.benefits.models import Benefit
from realise.core.models import StaleVersion


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_every_save_raises_the_version_by_one(world):
    benefit = world.benefit
    assert benefit.version == 1
    benefit.title = "Smaller vetting backlog"
    benefit.save()
    benefit.save(update_fields=["title"])
    assert benefit.version == 3
    assert Benefit.objects.get(pk=benefit.pk).version == 3


def test_a_save_based_on_an_old_version_is_refused_by_the_database(world):
    mine = Benefit.objects.get(pk=world.benefit.pk)
    theirs = Benefit.objects.get(pk=world.benefit.pk)
    theirs.title = "Theirs"
    theirs.save()
    mine.title = "Mine"
    mine.expected_version = 1
    with pytest.raises(StaleVersion) as stale, transaction.atomic():
        mine.save()
    assert stale.value.current == 2
    assert Benefit.objects.get(pk=world.benefit.pk).title == "Theirs"


def test_api_answers_with_the_version_as_etag(world, as_user):
    alice = as_user(world.alice)
    url = f"/api/v1/benefits/{world.benefit.pk}/"
    response = read(alice, url)
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1
    changed = alice.patch(url, {"title": "New title"}, format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200
    assert changed["ETag"] == '"2"'
    assert read(alice, url)["ETag"] == '"2"'


def test_stale_if_match_is_refused_with_412_and_the_current_version(world, as_user):
    alice, erin = as_user(world.alice), as_user(world.erin)
    url = f"/api/v1/benefits/{world.benefit.pk}/"
    etag = read(alice, url)["ETag"]
    erin_edit = erin.patch(url, {"title": "Erin's title", "version": 1}, format="json")
    assert erin_edit.status_code == 200
    response = alice.patch(url, {"title": "Alice's title"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json()["version"] == 2
    assert response["ETag"] == '"2"'
    world.benefit.refresh_from_db()
    assert world.benefit.title == "Erin's title"


def test_stale_version_in_the_body_is_refused_with_409(world, as_user):
    alice, erin = as_user(world.alice), as_user(world.erin)
    url = f"/api/v1/benefits/{world.benefit.pk}/"
    body = read(alice, url).json()
    assert (
        erin.patch(url, {"description": "Erin's", "version": 1}, format="json").status_code == 200
    )
    body["description"] = "Alice's"
    response = alice.put(url, body, format="json")
    assert response.status_code == 409
    assert response.json()["version"] == 2
    world.benefit.refresh_from_db()
    assert world.benefit.description == "Erin's"


def test_delete_with_a_stale_if_match_is_refused(world, as_user):
    alice = as_user(world.alice)
    url = f"/api/v1/collaborations/{world.collab.slug}/"
    world.collab.purpose = "Changed by someone else"
    world.collab.save()
    response = as_user(world.alice).delete(
        f"/api/v1/benefits/{world.benefit.pk}/", HTTP_IF_MATCH='"7"'
    )
    assert response.status_code == 412
    assert Benefit.objects.filter(pk=world.benefit.pk).exists()
    assert alice.patch(url, {"purpose": "x"}, format="json", HTTP_IF_MATCH='"1"').status_code == 412


def test_edit_form_says_someone_else_changed_it_and_shows_their_values(client, world):
    url = f"/benefits/{world.benefit.pk}/edit/"
    client.force_login(world.alice)
    form = client.get(url).context["form"]
    posted = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields and not isinstance(value, list)
    }
    posted.update(version="1", title="Alice's title")
    # Erin saves first.
    theirs = Benefit.objects.get(pk=world.benefit.pk)
    theirs.measure = "Cases waiting more than 30 days"
    theirs.save()

    response = client.post(url, posted)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this since you opened it" in page
    assert "Cases waiting more than 30 days" in page
    world.benefit.refresh_from_db()
    assert world.benefit.title != "Alice's title"

    # Saving again, knowingly, replaces their values with hers.
    posted["version"] = response.context["form"].data["version"]
    again = client.post(url, posted)
    assert again.status_code == 302
    world.benefit.refresh_from_db()
    assert world.benefit.title == "Alice's title"


@pytest.mark.parametrize("kind", ["collaboration", "initiative"])
def test_collaboration_and_initiative_forms_refuse_a_stale_save(client, world, kind):
    if kind == "collaboration":
        obj, url, field = world.collab, f"/collaborations/{world.collab.slug}/edit/", "purpose"
    else:
        obj, url, field = world.initiative, f"/initiatives/{world.initiative.slug}/edit/", "purpose"
    client.force_login(world.alice)
    response = client.get(url)
    assert f'name="version" value="{obj.version}"' in response.content.decode()
    posted = {
        name: ("" if value is None else value)
        for name, value in response.context["form"].initial.items()
        if not isinstance(value, list)
    }
    if kind == "collaboration":
        shares = response.context["shares"]
        posted.update(
            {f"shares-{key}": value for key, value in shares.management_form.initial.items()}
        )
        for index, share_form in enumerate(shares.forms):
            for name, value in share_form.initial.items():
                posted[f"shares-{index}-{name}"] = "" if value is None else value
    type(obj).objects.filter(pk=obj.pk).update(version=obj.version + 1)
    posted.update({field: "Mine", "version": str(obj.version)})
    response = client.post(url, posted)
    assert response.status_code == 200
    assert "Someone else changed this since you opened it" in response.content.decode()
    obj.refresh_from_db()
    assert getattr(obj, field) != "Mine"


@pytest.mark.parametrize("version", [True, 1.0, [1], {"n": 1}, "one", 0, -1, "1.0"])
def test_a_version_that_is_not_a_whole_number_is_refused_naming_it_not_called_stale(
    world, as_user, version
):
    """`"version": true` is a client's mistake, not someone else's change: 400 naming
    `version`, and nothing is changed."""
    alice = as_user(world.alice)
    url = f"/api/v1/benefits/{world.benefit.pk}/"
    response = alice.patch(url, {"title": "Changed", "version": version}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["version"]
    assert "whole number" in response.json()["version"][0]
    assert read(alice, url).json()["title"] == "Reduced vetting backlog"
    assert alice.patch(url, {"title": "Changed", "version": "1"}, format="json").status_code == 200


def test_a_body_too_large_is_refused_in_json(world, settings):
    from rest_framework.test import APIClient

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = APIClient()
    client.force_authenticate(world.alice)
    response = client.post("/api/v1/benefits/", {"title": "x" * 5000}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The request body is larger than the 1,000 bytes accepted."
    }
