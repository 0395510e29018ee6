"""The demo's networks, and the people who share what they know."""

from django.contrib.auth import get_user_model

from realise.organisations.models import SharingPreference


def test_the_demo_has_networks_and_people_who_share(demo_data, db, client):
    viewer = get_user_model().objects.get(username="viewer")  # Norfolk, a viewer
    client.force_login(viewer)
    procurement = client.get("/people/", {"topic": "procurement"}).content.decode()
    assert "Gareth Holt" in procurement
    assert "Head of 7F Procurement" in procurement  # he shares his job title
    listing = client.get("/networks/").content.decode()
    assert "National police procurement leads" in listing
    assert "Force vetting managers" in listing
    page = client.get("/networks/vetting-managers/").content.decode()
    assert "Vetting backlog quarterly return" not in page  # members only
    page = client.get("/networks/procurement-leads/").content.decode()
    assert "Joint tender evaluation template" in page
    assert not SharingPreference.objects.filter(person__name="Mike Ansell").exists()
