"""/api/v1/memberships/: granting and revoking roles through the API, with the same rules as
the pages and the command line.

ada administers; alice runs the Essex and Kent collaboration (ek, private); nora leads
benefits for Norfolk, outside it; dave only reads.
"""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from realise.core.models import AuditRecord
from realise.organisations.models import Membership
from tests.factories import CollaborationFactory, UserFactory, share


def roles_of(user) -> set[tuple]:
    return {
        (
            m.role,
            m.force.slug if m.force_id else None,
            tuple(m.collaborations.values_list("slug", flat=True)),
        )
        for m in Membership.objects.filter(user=user)
    }


def test_an_administrator_grants_lists_and_revokes(world, people, as_user):
    sam = UserFactory(username="sam")
    ada = as_user(world.ada)
    body = {"user": "sam", "role": "force-lead", "force": "kent", "collaboration": "ek"}
    response = ada.post("/api/v1/memberships/", body, format="json")
    assert response.status_code == 201, response.data
    assert response.json()["role"] == "force-lead"
    assert response.json()["collaborations"] == ["ek"]
    assert roles_of(sam) == {("force_lead", "kent", ("ek",))}

    again = ada.post("/api/v1/memberships/", body, format="json")
    assert again.status_code == 200
    assert Membership.objects.filter(user=sam).count() == 1

    listed = ada.get("/api/v1/memberships/?user=sam&role=force-lead&force=E23000032").json()
    assert [m["id"] for m in listed["results"]] == [response.json()["id"]]
    inspectors = ada.get("/api/v1/memberships/?role=inspector").json()["results"]
    assert [(m["user"], m["force"]) for m in inspectors] == [("ivy", None)]

    refused = ada.delete(f"/api/v1/memberships/{response.json()['id']}/", format="json")
    assert refused.status_code == 400
    assert "reason" in refused.json()
    gone = ada.delete(
        f"/api/v1/memberships/{response.json()['id']}/",
        {"reason": "Moved to another force"},
        format="json",
    )
    assert gone.status_code == 204
    assert roles_of(sam) == set()
    deleted = AuditRecord.objects.filter(model="organisations.membership", action="delete").get()
    assert deleted.username == "ada"
    assert deleted.before["reason"] == "Moved to another force"


def test_wrong_names_are_refused_field_by_field(world, people, as_user):
    response = as_user(world.ada).post(
        "/api/v1/memberships/",
        {"user": "nobody", "role": "chief", "force": "atlantis", "collaboration": "nope"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"user", "role", "force", "collaboration"}
    assert "administrator, programme, force-lead" in str(response.json()["role"])


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({"role": "administrator"}, "administrator"),
        ({"role": "inspector"}, "inspector"),
        ({"role": "programme", "force": "essex"}, "Name a collaboration"),
        ({"role": "viewer", "collaboration": "elsewhere"}, "not on the programme team"),
        ({"role": "force-lead", "force": "norfolk", "collaboration": "ek"}, "not a member"),
    ],
)
def test_a_programme_team_cannot_grant_beyond_its_scope(world, people, as_user, body, why):
    elsewhere = CollaborationFactory(slug="elsewhere")
    share(elsewhere, "Norfolk", "100")
    sam = UserFactory(username="sam")
    response = as_user(world.alice).post(
        "/api/v1/memberships/", {"user": "sam", **body}, format="json"
    )
    assert response.status_code == 403, response.data
    assert why in response.json()["detail"]
    assert roles_of(sam) == set()


def test_a_programme_team_grants_within_its_collaborations_and_nested_ones(world, people, as_user):
    child = CollaborationFactory(slug="ek-child", parent=world.collab, visibility="private")
    share(child, "Kent", "100")
    sam = UserFactory(username="sam")
    alice = as_user(world.alice)
    for body in (
        {"role": "programme", "collaboration": "ek"},
        {"role": "force-lead", "force": "kent", "collaboration": "ek-child"},
    ):
        response = alice.post("/api/v1/memberships/", {"user": "sam", **body}, format="json")
        assert response.status_code == 201, response.data
    assert roles_of(sam) == {
        ("programme_team", None, ("ek",)),
        ("force_lead", "kent", ("ek-child",)),
    }
    # alice sees the memberships within her collaborations, not bob's or nora's.
    listed = {m["user"] for m in alice.get("/api/v1/memberships/").json()["results"]}
    assert listed == {"alice", "sam"}
    # Anyone else who does not manage access: nothing to see, nothing to grant.
    assert as_user(world.dave).get("/api/v1/memberships/").json()["count"] == 0
    refused = as_user(world.dave).post(
        "/api/v1/memberships/", {"user": "sam", "role": "viewer"}, format="json"
    )
    assert refused.status_code == 403


def test_a_programme_team_cannot_revoke_an_administrator(world, people, as_user):
    ada_membership = Membership.objects.get(user=world.ada)
    response = as_user(world.alice).delete(
        f"/api/v1/memberships/{ada_membership.pk}/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=ada_membership.pk).exists()


def test_revoking_a_role_removes_access_at_once_for_a_token(world, people):
    """dave reads the private collaboration with his token; once his role is revoked the
    same token, in the very next request, no longer sees it (and pages neither)."""
    token = Token.objects.create(user=world.dave)
    dave = APIClient()
    dave.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert dave.get("/api/v1/collaborations/ek/").status_code == 200
    from django.test import Client

    page = Client()
    page.force_login(world.dave)
    address = world.collab.get_absolute_url()
    assert page.get(address).status_code == 200

    membership = Membership.objects.get(user=world.dave)
    admin = APIClient()
    admin.force_authenticate(world.ada)
    response = admin.delete(
        f"/api/v1/memberships/{membership.pk}/?reason=Left+the+force", format="json"
    )
    assert response.status_code == 204

    assert dave.get("/api/v1/collaborations/ek/").status_code == 404
    assert page.get(address).status_code in (403, 404)  # refused, whichever the page gives
    assert dave.get("/api/v1/benefits/").json()["count"] == 0


def test_collaborations_are_written_as_they_are_read(world, people, as_user):
    """The list the API returns is accepted back, by slug or id: each collaboration named
    is checked by the same rules, and granted all or none."""
    child = CollaborationFactory(slug="ek-child", parent=world.collab, visibility="private")
    share(child, "Kent", "100")
    elsewhere = CollaborationFactory(slug="elsewhere")
    share(elsewhere, "Norfolk", "100")
    sam = UserFactory(username="sam")
    alice = as_user(world.alice)

    body = {"user": "sam", "role": "viewer", "collaborations": ["ek", child.pk]}
    response = alice.post("/api/v1/memberships/", body, format="json")
    assert response.status_code == 201, response.data
    assert response.json()["collaborations"] == ["ek", "ek-child"]
    membership = Membership.objects.get(user=sam)
    assert (membership.role, membership.force) == ("viewer", None)
    assert set(membership.collaborations.values_list("slug", flat=True)) == {"ek", "ek-child"}
    again = alice.post("/api/v1/memberships/", response.json(), format="json")
    assert again.status_code == 200, again.data

    # One collaboration beyond alice's remit refuses the whole grant.
    refused = alice.post(
        "/api/v1/memberships/",
        {"user": "sam", "role": "benefit-owner", "collaborations": ["ek", "elsewhere"]},
        format="json",
    )
    assert refused.status_code == 403
    assert "not on the programme team" in refused.json()["detail"]
    assert not Membership.objects.filter(user=sam, role="benefit_owner").exists()


@pytest.mark.parametrize(
    ("collaborations", "why"),
    [
        ([{"x": 1}], "slug (text) or its id (a number)"),
        ("ek", "Give a list of collaboration slugs or ids"),
        ([""], "slug (text) or its id (a number)"),
        ([True], "slug (text) or its id (a number)"),
        ([987654], "no collaboration with slug or id '987654'"),
        (["nope"], "no collaboration with slug 'nope'"),
    ],
)
def test_malformed_collaborations_are_refused_naming_the_field(
    world, people, as_user, collaborations, why
):
    sam = UserFactory(username="sam")
    response = as_user(world.alice).post(
        "/api/v1/memberships/",
        {"user": "sam", "role": "viewer", "collaborations": collaborations},
        format="json",
    )
    assert response.status_code == 400, response.data
    assert list(response.json()) == ["collaborations"]
    assert why in response.json()["collaborations"][0]
    assert roles_of(sam) == set()


def test_a_refusal_about_a_collaboration_names_the_field_sent(world, people, as_user):
    sam = UserFactory(username="sam")
    ada = as_user(world.ada)
    whole = ada.post(
        "/api/v1/memberships/", {"user": "sam", "role": "viewer", "force": "kent"}, format="json"
    )
    assert whole.status_code == 201
    for field, value in (("collaborations", ["ek"]), ("collaboration", "ek")):
        response = ada.post(
            "/api/v1/memberships/",
            {"user": "sam", "role": "viewer", "force": "kent", field: value},
            format="json",
        )
        assert response.status_code == 400
        assert list(response.json()) == [field]
        assert "revoke it first" in response.json()[field][0]
    assert roles_of(sam) == {("viewer", "kent", ())}
