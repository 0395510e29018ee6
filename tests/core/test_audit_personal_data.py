"""Personal data in the audit trail: an email address and the reason a role was granted,
changed or revoked (or a deputy's cover noted) reach only whoever manages people and
access. Readers of the trail who do not (viewers, inspectors) see each change, when and by
whom, with those values withheld: on the trail's page (filtered or not), in its CSV
download and on the history pages. What is stored is unchanged, and the chain verifies.

ada administers; ivy inspects; alice runs the Essex and Kent collaboration (ek); dave only
reads (people of tests/conftest.py).
"""

import csv
import datetime
import io

import pytest
from django.test import Client

from realise.core import audit
from realise.core.history import per_object
from realise.core.models import AuditRecord
from realise.organisations import services
from realise.organisations.models import Cover, Membership, Person
from tests.factories import force, member

EMAIL = "pat.private@essex.police.example"
NEW_EMAIL = "pat.moved@kent.police.example"
GRANTED = "Standing in while the vetting lead is on long-term sick leave"
REVOKED = "Left the force after a disciplinary hearing"
COVER_NOTE = "Maternity leave"


@pytest.fixture
def ada(world):
    return member("ada", "Essex", "administrator")


@pytest.fixture
def ivy(world):
    return member("ivy", "Norfolk", "inspector")


@pytest.fixture
def personal(world, ada):
    """A named person whose address changed; a role granted and revoked, each with a
    reason; a cover with its note."""
    pat = services.name_person(name="Pat Private", email=EMAIL, by=ada)
    services.change_person(pat, name="Pat Private", email=NEW_EMAIL, by=ada)
    services.grant(user=world.nora, role="viewer", force=force("Norfolk"), by=ada, reason=GRANTED)
    membership = Membership.objects.get(user=world.nora, role="viewer")
    services.remove(membership, by=ada, reason=REVOKED)
    Cover.objects.create(
        person=world.erin_person,
        deputy=world.carol,
        starts=datetime.date(2026, 5, 1),
        ends=datetime.date(2026, 8, 31),
        note=COVER_NOTE,
    )
    return pat


PRIVATE = (EMAIL, NEW_EMAIL, GRANTED, REVOKED, COVER_NOTE)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def trail_page(user, **filters) -> str:
    response = signed_in(user).get("/audit/", filters)
    assert response.status_code == 200
    return response.content.decode()


def exported(user, **filters) -> list[dict]:
    response = signed_in(user).get("/audit/export.csv", filters)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def readers(world, ivy):
    return {"viewer": world.dave, "inspector": ivy}


@pytest.mark.parametrize("reader", ["viewer", "inspector"])
def test_the_trail_page_withholds_addresses_and_reasons(world, ivy, personal, reader):
    user = readers(world, ivy)[reader]
    for filters in ({}, {"model": "organisations.person"}, {"model": "organisations.membership"}):
        page = trail_page(user, **filters)
        for text in PRIVATE:
            assert text not in page, (filters, text)
        assert "(withheld)" in page
    # The changes themselves are shown: what, when and by whom.
    people = trail_page(user, model="organisations.person")
    assert "Pat Private" in people and "ada" in people
    roles = trail_page(user, model="organisations.membership", username="ada")
    assert "nora" in roles and "Viewer (read only)" in roles


@pytest.mark.parametrize("reader", ["viewer", "inspector"])
def test_the_trail_download_withholds_addresses_and_reasons(world, ivy, personal, reader):
    rows = exported(readers(world, ivy)[reader])
    text = "".join(str(row) for row in rows)
    for private in PRIVATE:
        assert private not in text
    person = [
        r
        for r in rows
        if r["model"] == "organisations.person" and r["object_id"] == str(personal.pk)
    ]
    assert [r["action"] for r in person] == ["create", "update"]
    assert '"email":"(withheld)"' in person[1]["after"]
    assert '"email":"(withheld)"' in person[1]["before"]
    assert {r["withheld"] for r in person} == {"email"}
    assert {r["withheld"] for r in rows if r["model"] == "benefits.benefit"} == {""}
    revoked = [r for r in rows if r["model"] == "organisations.membership"][-1]
    assert revoked["action"] == "delete"
    assert '"reason":"(withheld)"' in revoked["before"]
    # Each record keeps its place in the chain: number and hashes as stored.
    stored = AuditRecord.objects.get(sequence=int(revoked["sequence"]))
    assert (revoked["hash"], revoked["previous_hash"]) == (stored.hash, stored.previous_hash)


def test_a_welsh_page_withholds_in_welsh_and_its_download_in_english(world, ivy, personal):
    client = signed_in(ivy)
    client.post("/language/", {"language": "cy", "next": "/"})
    page = client.get("/audit/", {"model": "organisations.person"}).content.decode()
    assert EMAIL not in page and NEW_EMAIL not in page
    download = client.get("/audit/export.csv", {"model": "organisations.person"})
    rows = csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode()))
    (created,) = [r for r in rows if r["object_id"] == str(personal.pk) and r["after"]][:1]
    assert '"email":"(withheld)"' in created["after"]


def test_administrators_and_access_managers_still_read_every_value(world, ada, personal):
    page = trail_page(ada)
    rows = "".join(str(row) for row in exported(ada))
    for private in PRIVATE:
        assert private in page
        assert private in rows
    assert "(withheld)" not in page
    # A programme team manages access: given the trail as a reader too, it reads them.
    member("alice", "Essex", "viewer")
    page = trail_page(world.alice, model="organisations.membership")
    assert GRANTED in page and REVOKED in page


def test_what_is_stored_is_unchanged_and_the_chain_verifies(world, ivy, personal):
    trail_page(ivy)
    exported(ivy)
    created = AuditRecord.objects.get(
        model="organisations.person", object_id=str(personal.pk), action="create"
    )
    assert created.after["email"] == EMAIL
    assert audit.verify().ok


@pytest.mark.parametrize("reader", ["viewer", "inspector"])
def test_the_history_withholds_addresses_and_reasons(world, ivy, ada, personal, reader):
    def shown(user) -> str:
        changes = per_object(Person.history.filter(id=personal.pk), str, reader=user)
        changes += per_object(Membership.history.filter(user=world.nora), str, reader=user)
        return repr([(c.what, c.fields) for c in changes])

    text = shown(readers(world, ivy)[reader])
    for private in (EMAIL, NEW_EMAIL, GRANTED, REVOKED):
        assert private not in text
    assert "(withheld)" in text and "Pat Private" in text
    everything = shown(ada)
    for private in (EMAIL, NEW_EMAIL, GRANTED, REVOKED):
        assert private in everything


@pytest.mark.parametrize("reader", ["viewer", "inspector"])
def test_the_api_gives_readers_no_reason_and_no_trail(world, ivy, personal, reader):
    """The API has no audit or history resource; memberships, with their reasons, are for
    whoever manages access (emails: tests/api/test_people_emails.py)."""
    from rest_framework.test import APIClient

    services.grant(user=world.nora, role="viewer", force=force("Norfolk"), reason=GRANTED)
    api = APIClient()
    api.force_authenticate(readers(world, ivy)[reader])
    for path in ("/api/v1/memberships/", "/api/v1/audit/", "/api/v1/"):
        response = api.get(path)
        assert GRANTED not in response.content.decode()
        assert "audit" not in response.content.decode().lower()
