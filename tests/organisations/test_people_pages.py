"""The named people page under /access/people/: administrators and programme teams name people
who will never sign in (a commissioner chairing a board, a chief constable as SRO, an
external auditor) and edit them, so that they can be chosen as chair, SRO or owner.

ada administers; alice runs the Essex and Kent collaboration (ek); dave only reads; nora is
a force lead elsewhere.
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from realise.core.models import AuditRecord
from realise.governance.models import GovernanceBody
from realise.organisations.models import Person
from tests.factories import PersonFactory, force


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def person_form(**changes):
    data = {"name": "Pat Holt", "role_title": "", "force": "", "email": ""}
    data.update(changes)
    return data


def test_the_access_pages_link_to_the_people_page(world):
    page = client_for(world.alice).get("/access/").content.decode()
    assert 'href="/access/people/"' in page
    listing = client_for(world.alice).get("/access/people/").content.decode()
    assert 'href="/access/people/new/"' in listing


def test_the_programme_team_names_a_commissioner_and_makes_them_a_boards_chair(world):
    alice = client_for(world.alice)
    essex = force("Essex")
    response = alice.post(
        "/access/people/new/",
        person_form(role_title="Police, Fire and Crime Commissioner", force=essex.pk),
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/access/people/")
    pat = Person.objects.get(name="Pat Holt")
    assert (pat.user, pat.force, pat.email) == (None, essex, "")
    assert pat.history.first().history_user == world.alice
    record = AuditRecord.objects.get(model="organisations.person", object_id=str(pat.pk))
    assert (record.action, record.username) == ("create", "alice")

    listing = alice.get("/access/people/").content.decode()
    assert "Pat Holt" in listing and "Police, Fire and Crime Commissioner" in listing
    assert "No account" in listing

    new_body = f"/governance/collaborations/{world.collab.slug}/bodies/new/"
    assert f'<option value="{pat.pk}">Pat Holt' in alice.get(new_body).content.decode()
    response = alice.post(
        new_body,
        {
            "name": "EK Oversight Group",
            "slug": "ek-oversight",
            "body_type": "oversight_group",
            "cadence": "quarterly",
            "meets_from": "2027-01-29",
            "chair": pat.pk,
            "escalates_to": "",
            "terms_of_reference": "Oversees the partnership.",
            "visibility": "private",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert GovernanceBody.objects.get(slug="ek-oversight").chair == pat


def test_an_administrator_edits_a_person(world, ada):
    pat = PersonFactory(name="Pat Holt", role_title="Deputy PCC", email="pat@essex.example")
    admin = client_for(ada)
    form = admin.get(f"/access/people/{pat.pk}/edit/").content.decode()
    assert 'value="Pat Holt"' in form and 'value="pat@essex.example"' in form
    response = admin.post(
        f"/access/people/{pat.pk}/edit/",
        person_form(role_title="Police and Crime Commissioner", email="pat@essex.example"),
    )
    assert response.status_code == 302
    pat.refresh_from_db()
    assert pat.role_title == "Police and Crime Commissioner"
    assert pat.history.first().history_user == ada
    assert AuditRecord.objects.filter(
        model="organisations.person", object_id=str(pat.pk), action="update", username="ada"
    ).exists()


def test_the_list_shows_email_force_and_whether_they_have_an_account(world, ada):
    world.erin_person.email = "erin.owner@kent.police.example"
    world.erin_person.save()
    page = client_for(ada).get("/access/people/").content.decode()
    assert "Erin Owner" in page and "erin.owner@kent.police.example" in page
    assert "Has an account" in page


def test_the_list_is_paginated_and_says_when_nobody_matches(world, ada):
    for n in range(60):
        PersonFactory(name=f"Auditor {n:02d}")
    admin = client_for(ada)
    first = admin.get("/access/people/").content.decode()
    assert "Auditor 00" in first and "Auditor 59" not in first
    assert 'class="govuk-pagination"' in first
    second = admin.get("/access/people/", {"page": 2}).content.decode()
    assert "Auditor 59" in second
    found = admin.get("/access/people/", {"name": "auditor 07"}).content.decode()
    assert "Auditor 07" in found and "Auditor 08" not in found
    nobody = admin.get("/access/people/", {"name": "zzz"}).content.decode()
    assert "No one matches these filters." in nobody


def test_an_email_already_named_is_refused_on_the_email_field(world):
    PersonFactory(name="Secret Someone", email="pcc@essex.example")
    alice = client_for(world.alice)
    response = alice.post("/access/people/new/", person_form(email="PCC@Essex.example "))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_email"' in page
    assert "Someone is already named with this email address." in page
    assert "Secret Someone" not in page
    assert not Person.objects.filter(name="Pat Holt").exists()


def test_keeping_ones_own_email_is_not_refused_and_taking_anothers_is(world, ada):
    pat = PersonFactory(name="Pat Holt", email="pat@essex.example")
    PersonFactory(name="Sam Lee", email="sam@essex.example")
    admin = client_for(ada)
    kept = admin.post(f"/access/people/{pat.pk}/edit/", person_form(email="Pat@essex.example"))
    assert kept.status_code == 302
    taken = admin.post(f"/access/people/{pat.pk}/edit/", person_form(email="sam@essex.example"))
    assert taken.status_code == 200
    assert "Someone is already named with this email address." in taken.content.decode()
    pat.refresh_from_db()
    assert pat.email == "Pat@essex.example"


def test_a_blank_name_and_a_bad_email_are_refused_naming_the_fields(world):
    alice = client_for(world.alice)
    before = Person.objects.count()
    response = alice.post("/access/people/new/", person_form(name="   ", email="not-an-address"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_name"' in page and "Enter the name of the person." in page
    assert 'href="#id_email"' in page and "Enter a valid email address." in page
    assert Person.objects.count() == before


@pytest.mark.parametrize("who", ["dave", "nora"])
def test_a_viewer_and_an_outsider_are_refused(world, who):
    pat = PersonFactory(name="Pat Holt")
    client = client_for(getattr(world, who))
    assert client.get("/access/people/").status_code == 403
    assert client.get("/access/people/new/").status_code == 403
    assert client.get(f"/access/people/{pat.pk}/edit/").status_code == 403
    assert client.post("/access/people/new/", person_form(name="Intruder")).status_code == 403
    response = client.post(f"/access/people/{pat.pk}/edit/", person_form(name="Renamed"))
    assert response.status_code == 403
    assert not Person.objects.filter(name__in=["Intruder", "Renamed"]).exists()


def test_anonymous_visitors_are_sent_to_sign_in_and_unknown_people_are_not_found(world):
    for path in ("/access/people/", "/access/people/new/", "/access/people/1/edit/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert client_for(world.alice).get("/access/people/999999/edit/").status_code == 404


def test_the_api_refuses_an_email_already_named_as_the_page_does(world):
    PersonFactory(name="Secret Someone", email="pcc@essex.example")
    api = APIClient()
    api.force_authenticate(world.alice)
    response = api.post(
        "/api/v1/people/", {"name": "Pat Holt", "email": "PCC@essex.example"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["email"] == ["Someone is already named with this email address."]
    assert not Person.objects.filter(name="Pat Holt").exists()


def test_inviting_a_named_persons_address_later_links_their_account(world, ada, mailoutbox):
    admin = client_for(ada)
    admin.post("/access/people/new/", person_form(email="pat.holt@essex.example"))
    pat = Person.objects.get(name="Pat Holt")
    response = admin.post(
        "/access/invite/", {"email": "pat.holt@essex.example", "role": "viewer", "force": ""}
    )
    assert response.status_code == 302
    pat.refresh_from_db()
    assert pat.user is not None and pat.user.email == "pat.holt@essex.example"
    assert Person.objects.filter(email__iexact="pat.holt@essex.example").count() == 1
    assert "Has an account" in admin.get("/access/people/", {"name": "Pat"}).content.decode()
