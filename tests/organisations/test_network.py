"""The network of people: the directory (/people/, /api/v1/directory/), what each person
shares (/account/sharing/), and networks with their members and resources."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient

from realise.knowledge.search import search
from realise.organisations.models import (
    Network,
    NetworkMember,
    NetworkResource,
    NetworkRole,
    SharingPreference,
    Topic,
)
from tests.factories import BenefitFactory, CollaborationFactory, InitiativeFactory, PersonFactory
from tests.factories import force as force_named
from tests.knowledge.makers import LessonFactory


@pytest.fixture
def api():
    def client_for(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def people(world):
    """Open collaboration with two named owners; the private one (world.collab) with an
    owner known only through it."""
    open_collab = CollaborationFactory(name="Eastern fleet", slug="fleet", visibility="policing")
    initiative = InitiativeFactory(collaboration=open_collab, name="Fleet framework")
    world.fay = PersonFactory(
        name="Fay Fleet",
        role_title="Head of Fleet",
        email="fay.fleet@essex.police.example",
        force=force_named("Essex"),
    )
    world.kim = PersonFactory(
        name="Kim Kent",
        role_title="Procurement Lead",
        email="kim.kent@kent.police.example",
        force=force_named("Kent"),
    )
    BenefitFactory(initiative=initiative, owner=world.fay, measurement_owner=world.kim)
    world.secret = PersonFactory(
        name="Sam Secret",
        role_title="Covert Lead",
        email="sam.secret@kent.police.example",
        force=force_named("Kent"),
    )
    world.benefit.measurement_owner = world.secret
    world.benefit.save()
    world.open_collab = open_collab
    return world


def shares(person, *, email=False, phone="", title=False, topics=()):
    sharing = SharingPreference.objects.create(
        person=person,
        share_email=email,
        share_phone=bool(phone),
        phone=phone,
        share_job_title=title,
    )
    sharing.topics.set(Topic.objects.filter(slug__in=topics))
    return sharing


# The directory -----------------------------------------------------------------------------


def test_topics_are_seeded(db):
    slugs = set(Topic.objects.values_list("slug", flat=True))
    assert {"procurement", "vetting", "digital-evidence", "training", "firearms"} <= slugs


def test_nothing_is_shared_by_default(people, client, api):
    client.force_login(people.dave)
    page = client.get("/people/").content.decode()
    assert "Fay Fleet" in page
    assert "fay.fleet@essex.police.example" not in page
    assert "Head of Fleet" not in page
    rows = api(people.dave).get("/api/v1/directory/").json()["results"]
    fay = next(row for row in rows if row["name"] == "Fay Fleet")
    assert fay["email"] == "" and fay["job_title"] == "" and fay["phone"] == ""
    assert "fay.fleet@essex.police.example" not in str(rows)
    assert fay["collaborations"] == ["fleet"]


def test_what_a_person_opts_in_to_is_shown(people, client, api):
    shares(people.fay, email=True, phone="01245 000111", title=True, topics=["fleet"])
    shares(people.kim, title=True)
    client.force_login(people.nora)
    page = client.get("/people/").content.decode()
    assert "fay.fleet@essex.police.example" in page
    assert "01245 000111" in page
    assert "Head of Fleet" in page
    assert "Procurement Lead" in page
    assert "kim.kent@kent.police.example" not in page
    rows = {r["name"]: r for r in api(people.nora).get("/api/v1/directory/").json()["results"]}
    assert rows["Fay Fleet"]["email"] == "fay.fleet@essex.police.example"
    assert rows["Fay Fleet"]["topics"] == ["fleet"]
    assert rows["Kim Kent"]["email"] == ""
    one = api(people.nora).get(f"/api/v1/directory/{people.kim.pk}/").json()
    assert one["job_title"] == "Procurement Lead" and one["email"] == ""


def test_filters_by_force_and_topic(people, client, api):
    shares(people.kim, topics=["procurement"])
    shares(people.fay, topics=["fleet"])
    client.force_login(people.dave)
    kent = client.get("/people/", {"force": "kent"}).content.decode()
    assert "Kim Kent" in kent and "Fay Fleet" not in kent
    procurement = client.get("/people/", {"topic": "procurement"}).content.decode()
    assert "Kim Kent" in procurement and "Fay Fleet" not in procurement
    both = client.get("/people/", {"force": "essex", "topic": "procurement"}).content.decode()
    assert "No one matches these filters." in both
    names = [
        r["name"]
        for r in api(people.dave).get("/api/v1/directory/", {"topic": "fleet"}).json()["results"]
    ]
    assert names == ["Fay Fleet"]
    wrong = client.get("/people/", {"force": "atlantis"}).content.decode()
    assert "Choose a force from the list: “atlantis” is not one." in wrong


def test_an_outsider_does_not_see_people_known_only_through_a_private_collaboration(
    people, client, api
):
    shares(people.secret, email=True)
    client.force_login(people.nora)  # Norfolk: not in the private collaboration
    page = client.get("/people/").content.decode()
    assert "Sam Secret" not in page
    assert "Essex and Kent Serious Crime" not in page
    assert api(people.nora).get(f"/api/v1/directory/{people.secret.pk}/").status_code == 404
    names = [r["name"] for r in api(people.nora).get("/api/v1/directory/").json()["results"]]
    assert "Sam Secret" not in names
    # A member force sees them, in connection with the collaboration.
    client.force_login(people.bob)
    page = client.get("/people/").content.decode()
    assert "Sam Secret" in page and "Essex and Kent Serious Crime" in page


def test_a_person_who_leads_a_topic_is_listed_without_naming_private_work(people, client):
    shares(people.secret, topics=["vetting"])
    client.force_login(people.nora)
    page = client.get("/people/", {"topic": "vetting"}).content.decode()
    assert "Sam Secret" in page
    assert "Essex and Kent Serious Crime" not in page


def test_anonymous_is_sent_to_sign_in(people, client, api):
    for url in ["/people/", "/account/sharing/", "/networks/"]:
        answer = client.get(url)
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"], url
    assert api(None).get("/api/v1/directory/").status_code in (401, 403)
    assert api(None).get("/api/v1/networks/").status_code in (401, 403)


# Choosing what to share ---------------------------------------------------------------------


def test_sharing_page_saves_choices_and_confirms(people, client):
    client.force_login(people.erin)
    page = client.get("/account/sharing/").content.decode()
    assert "csrfmiddlewaretoken" in page
    assert "Erin Owner" in page
    vetting = Topic.objects.get(slug="vetting")
    answer = client.post(
        "/account/sharing/", {"share_email": "on", "topics": [vetting.pk]}, follow=True
    )
    text = answer.content.decode()
    assert "The directory now shows your email address, and that you lead: Vetting." in text
    sharing = SharingPreference.objects.get(person=people.erin_person)
    assert sharing.share_email and not sharing.share_phone and not sharing.share_job_title
    assert list(sharing.topics.all()) == [vetting]


def test_sharing_a_phone_needs_the_number(people, client):
    client.force_login(people.erin)
    answer = client.post("/account/sharing/", {"share_phone": "on", "phone": " "})
    assert answer.status_code == 200
    assert "Enter the phone number to show, or do not share it." in answer.content.decode()
    assert not SharingPreference.objects.exists()


def test_a_user_without_a_person_is_added_when_saving(people, client):
    client.force_login(people.carol)
    client.post("/account/sharing/", {"share_email": "on"})
    sharing = SharingPreference.objects.get(person__user=people.carol)
    assert sharing.person.email == "carol@example.org"
    assert sharing.person.force.name == "Kent"


# Networks -----------------------------------------------------------------------------------


@pytest.fixture
def networks(people):
    fleet = Network.objects.create(
        name="National fleet managers",
        slug="fleet-managers",
        description="Fleet managers sharing vehicle frameworks and telematics.",
        topic=Topic.objects.get(slug="fleet"),
    )
    NetworkMember.objects.create(network=fleet, user=people.bob, role="coordinator")
    NetworkResource.objects.create(
        network=fleet,
        title="Telematics specification template",
        kind="template",
        url="https://example.org/telematics.docx",
        description="A specification for vehicle telematics tenders.",
    )
    vetting = Network.objects.create(
        name="Vetting leads",
        slug="vetting-leads",
        description="Force vetting managers.",
        access="members",
    )
    NetworkMember.objects.create(network=vetting, user=people.carol, role="coordinator")
    NetworkResource.objects.create(
        network=vetting,
        title="Quarterly backlog return",
        kind="guidance",
        url="https://example.org/backlog",
    )
    people.fleet, people.vetting = fleet, vetting
    return people


def test_join_and_leave(networks, client):
    client.force_login(networks.nora)
    assert client.get("/networks/fleet-managers/join/").status_code == 405
    answer = client.post("/networks/fleet-managers/join/", follow=True)
    assert "You have joined National fleet managers." in answer.content.decode()
    assert NetworkMember.objects.filter(network=networks.fleet, user=networks.nora).exists()
    client.post("/networks/fleet-managers/leave/")
    assert not NetworkMember.objects.filter(network=networks.fleet, user=networks.nora).exists()
    assert client.post("/networks/no-such-network/join/").status_code == 404


def test_the_page_names_your_role_in_the_language_of_the_page(networks, client):
    client.force_login(networks.bob)
    page = client.get("/networks/fleet-managers/").content.decode()
    assert "You are a coordinator of this network." in page
    client.post("/language/", {"language": "cy", "next": "/"})
    page = client.get("/networks/fleet-managers/").content.decode()
    assert "Rydych yn cydlynydd yn y rhwydwaith hwn." in page


def test_members_only_resources_and_members_are_hidden_from_non_members(networks, client, api):
    client.force_login(networks.nora)
    listing = client.get("/networks/").content.decode()
    assert "Vetting leads" in listing and "National fleet managers" in listing
    page = client.get("/networks/vetting-leads/").content.decode()
    assert "Force vetting managers." in page
    assert "Quarterly backlog return" not in page
    assert "Carol" not in page
    assert "shown to its members only" in page
    row = api(networks.nora).get("/api/v1/networks/vetting-leads/").json()
    assert row["resources"] == [] and row["members"] == []
    # Open network: anyone signed in sees inside.
    page = client.get("/networks/fleet-managers/").content.decode()
    assert "Telematics specification template" in page
    # After joining, the members-only network opens up.
    client.post("/networks/vetting-leads/join/")
    page = client.get("/networks/vetting-leads/").content.decode()
    assert "Quarterly backlog return" in page
    row = api(networks.nora).get("/api/v1/networks/vetting-leads/").json()
    assert [r["title"] for r in row["resources"]] == ["Quarterly backlog return"]
    assert row["your_role"] == "member"


def test_coordinators_add_resources_and_members_may_not(networks, client):
    client.force_login(networks.nora)
    client.post("/networks/fleet-managers/join/")
    assert client.get("/networks/fleet-managers/resources/new/").status_code == 403
    client.force_login(networks.bob)
    missing = client.post(
        "/networks/fleet-managers/resources/new/", {"title": "Nothing", "kind": "link"}
    )
    assert "Give the address of the resource, or choose a lesson." in missing.content.decode()
    client.post(
        "/networks/fleet-managers/resources/new/",
        {"title": "Fleet lessons", "kind": "link", "url": "https://example.org/fleet"},
    )
    resource = NetworkResource.objects.get(title="Fleet lessons")
    assert resource.added_by == networks.bob


def test_a_lesson_the_reader_may_not_see_is_not_linked(networks, client):
    private_lesson = LessonFactory(
        collaboration=networks.collab, title="Private vetting lesson", visibility="private"
    )
    NetworkResource.objects.create(
        network=networks.fleet, title="Shared lesson", kind="lesson", lesson=private_lesson
    )
    client.force_login(networks.nora)
    page = client.get("/networks/fleet-managers/").content.decode()
    assert "Shared lesson" in page
    assert private_lesson.get_absolute_url() not in page
    client.force_login(networks.bob)
    page = client.get("/networks/fleet-managers/").content.decode()
    assert private_lesson.get_absolute_url() in page


# Search -------------------------------------------------------------------------------------


def test_search_finds_open_networks_and_their_resources_not_members_only_ones(networks, client):
    client.force_login(networks.nora)
    found = client.get("/api/v1/search/", {"q": "telematics"}).json()
    types = {(r["type"], r["title"]) for r in found["results"]}
    assert ("network", "National fleet managers") in types
    assert ("networkresource", "Telematics specification template") in types
    backlog = client.get("/api/v1/search/", {"q": "backlog return"}).json()
    assert backlog["count"] == 0
    # The members-only network itself (name and description) is found.
    names = client.get("/api/v1/search/", {"q": "vetting managers"}).json()
    assert [r["title"] for r in names["results"]] == ["Vetting leads"]
    # Anonymous readers find nothing of networks.
    assert search("telematics", user=AnonymousUser()).count() == 0


def test_the_search_page_lists_a_network_with_its_link(networks, client):
    client.force_login(networks.nora)
    page = client.get("/search/", {"q": "telematics"}).content.decode()
    assert "National fleet managers" in page
    assert 'href="/networks/fleet-managers/"' in page
    assert f'href="/networks/fleet-managers/#resource-{networks.fleet.resources.get().pk}"' in page


def test_making_a_network_members_only_hides_its_resources_from_search(networks, client):
    networks.fleet.access = "members"
    networks.fleet.save()
    client.force_login(networks.nora)
    found = client.get("/api/v1/search/", {"q": "telematics specification"}).json()
    assert "networkresource" not in {r["type"] for r in found["results"]}


def test_a_programme_team_starts_a_network_and_coordinates_it(people, client):
    client.force_login(people.dave)  # a viewer
    assert client.get("/networks/new/").status_code == 403
    client.force_login(people.alice)  # programme team
    form = {
        "name": "Custody leads",
        "slug": "custody-leads",
        "description": "Custody managers.",
        "access": "members",
    }
    answer = client.post("/networks/new/", form, follow=True)
    assert "You are its coordinator" in answer.content.decode()
    created = Network.objects.get(slug="custody-leads")
    assert created.created_by == people.alice and created.access == "members"
    assert created.memberships.get().role == "coordinator"
    again = client.post("/networks/new/", {**form, "name": "Custody leads 2"})
    assert "A network already uses the short name “custody-leads”." in again.content.decode()


def test_the_last_coordinator_leaving_hands_the_network_to_the_longest_standing_member(
    networks, client
):
    fleet = networks.fleet
    coordinators = list(fleet.memberships.filter(role=NetworkRole.COORDINATOR))
    for extra in coordinators[1:]:
        extra.delete()
    last = coordinators[0].user
    client.force_login(networks.nora)
    client.post(f"/networks/{fleet.slug}/join/")
    client.force_login(last)
    answer = client.post(f"/networks/{fleet.slug}/leave/", follow=True)
    successor = fleet.memberships.get(role=NetworkRole.COORDINATOR)
    assert successor.user != last
    assert "now coordinates it." in answer.content.decode()
    assert not fleet.memberships.filter(user=last).exists()


def test_the_last_member_leaving_leaves_the_network_to_the_administrators(networks, client):
    fleet = networks.fleet
    fleet.memberships.exclude(pk=fleet.memberships.first().pk).delete()
    only = fleet.memberships.get()
    client.force_login(only.user)
    answer = client.post(f"/networks/{fleet.slug}/leave/", follow=True)
    assert f"You have left {fleet.name}." in answer.content.decode()
    assert not fleet.memberships.exists()
