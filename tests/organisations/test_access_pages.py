"""The /access/ pages: administrators manage every role, a programme team those within the
collaborations it runs; a refusal reads as it does in the API and at the command line.

ada administers; alice runs the Essex and Kent collaboration (ek, private); dave only reads.
"""

from django.test import Client

from realise.core.models import AuditRecord
from realise.organisations.models import Membership
from tests.factories import CollaborationFactory, UserFactory, member, share


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_those_who_manage_access_see_the_pages(world, ada):
    assert client_for(ada).get("/access/").status_code == 200
    assert client_for(world.alice).get("/access/").status_code == 200
    assert client_for(world.dave).get("/access/").status_code == 403
    anonymous = Client().get("/access/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_the_list_filters_by_user_role_force_and_collaboration(world, ada):
    admin = client_for(ada)
    page = admin.get("/access/", {"role": "force_lead"}).content.decode()
    assert ">bob<" in page and ">carol<" in page and ">nora<" in page
    assert ">alice<" not in page
    page = admin.get("/access/", {"role": "force_lead", "force": "kent"}).content.decode()
    assert ">carol<" in page and ">bob<" not in page
    page = admin.get("/access/", {"collaboration": "ek"}).content.decode()
    assert ">alice<" in page and ">bob<" not in page
    page = admin.get("/access/", {"user": "da"}).content.decode()
    assert ">dave<" in page and ">ada<" in page and ">bob<" not in page


def test_a_programme_team_sees_only_roles_within_its_collaborations(world):
    page = client_for(world.alice).get("/access/").content.decode()
    assert ">alice<" in page
    assert ">nora<" not in page and ">bob<" not in page


def test_a_programme_team_cannot_grant_beyond_its_scope_on_the_page(world):
    elsewhere = CollaborationFactory(name="Eastern Region", slug="eastern")
    share(elsewhere, "Norfolk", "100")
    sam = UserFactory(username="sam")
    alice = client_for(world.alice)
    # Administrator is not even offered, and sent anyway it is refused.
    form = alice.get("/access/grant/").content.decode()
    assert 'value="administrator"' not in form and 'value="inspector"' not in form
    assert "Eastern Region" not in form
    response = alice.post("/access/grant/", {"user": "sam", "role": "administrator", "reason": "x"})
    assert response.status_code == 200
    assert Membership.objects.filter(user=sam).count() == 0
    response = alice.post("/access/grant/", {"user": "sam", "role": "programme_team"})
    assert "Name a collaboration" in response.content.decode()
    assert Membership.objects.filter(user=sam).count() == 0
    # Within ek: granted.
    response = alice.post(
        "/access/grant/",
        {
            "user": "sam",
            "role": "force_lead",
            "force": world.carol.memberships.get().force.pk,
            "collaborations": [world.collab.pk],
            "reason": "Kent's new lead",
        },
    )
    assert response.status_code == 302
    granted = Membership.objects.get(user=sam)
    assert (granted.role, granted.force.slug, granted.reason) == (
        "force_lead",
        "kent",
        "Kent's new lead",
    )
    assert list(granted.collaborations.values_list("slug", flat=True)) == ["ek"]


def test_a_grant_within_several_collaborations_is_all_or_nothing(world):
    # Kent is a member of ek but not of the Essex-only partnership nested in it.
    essex_only = CollaborationFactory(name="Zeta Essex Custody", slug="zeta", parent=world.collab)
    share(essex_only, "Essex", "100")
    sam = UserFactory(username="sam")
    response = client_for(world.alice).post(
        "/access/grant/",
        {
            "user": "sam",
            "role": "force_lead",
            "force": world.carol.memberships.get().force.pk,
            "collaborations": [world.collab.pk, essex_only.pk],
            "reason": "Kent's new lead",
        },
    )
    assert response.status_code == 200
    assert "That force is not a member of the collaboration named" in response.content.decode()
    assert not Membership.objects.filter(user=sam).exists()


def test_an_unknown_user_is_named_on_the_field(world, ada):
    response = client_for(ada).post("/access/grant/", {"user": "ghost", "role": "viewer"})
    assert response.status_code == 200
    assert "no user &#x27;ghost&#x27;" in response.content.decode()


def test_revoking_needs_a_reason_kept_in_history_and_audit(world, ada):
    dave = Membership.objects.get(user=world.dave)
    admin = client_for(ada)
    response = admin.post(f"/access/{dave.pk}/revoke/", {"reason": ""})
    assert response.status_code == 200
    assert "Give the reason" in response.content.decode()
    assert Membership.objects.filter(pk=dave.pk).exists()

    response = admin.post(f"/access/{dave.pk}/revoke/", {"reason": "Left the board"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=dave.pk).exists()
    history = Membership.history.filter(id=dave.pk).order_by("history_id")
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert history.last().reason == "Left the board"
    assert history.last().history_user == ada
    audit = AuditRecord.objects.filter(
        model="organisations.membership", object_id=str(dave.pk), action="delete"
    ).get()
    assert (audit.username, audit.via, audit.before["reason"]) == ("ada", "page", "Left the board")


def test_the_audit_trail_names_the_collaborations_a_role_is_within(world, ada):
    UserFactory(username="sam")
    other = CollaborationFactory(name="Kent Custody", slug="kent-custody")
    share(other, "Kent", "100")
    admin = client_for(ada)
    kent = world.carol.memberships.get().force.pk
    granted = {"user": "sam", "role": "viewer", "force": kent, "reason": "Board member"}
    admin.post("/access/grant/", {**granted, "collaborations": [world.collab.pk]})
    sam = Membership.objects.get(user__username="sam")
    changed = {**granted, "collaborations": [other.pk], "reason": "Moved to custody"}
    assert admin.post(f"/access/{sam.pk}/change/", changed).status_code == 302
    admin.post(f"/access/{sam.pk}/revoke/", {"reason": "Left"})

    trail = AuditRecord.objects.filter(model="organisations.membership", object_id=str(sam.pk))
    held = [
        record.after["collaborations"]
        for record in trail.order_by("sequence")
        if record.after and "collaborations" in record.after
    ]
    assert held[0] == [] and held[1] == [world.collab.pk] and held[-1] == [other.pk]
    assert trail.get(action="delete").before["collaborations"] == [other.pk]


def test_a_programme_team_cannot_revoke_or_change_a_role_outside_its_scope(world):
    alice = client_for(world.alice)
    nora = Membership.objects.get(user=world.nora)
    assert alice.get(f"/access/{nora.pk}/revoke/").status_code == 404
    assert alice.post(f"/access/{nora.pk}/revoke/", {"reason": "x"}).status_code == 404
    assert alice.get(f"/access/{nora.pk}/change/").status_code == 404
    assert Membership.objects.filter(pk=nora.pk).exists()


def test_changing_a_role_keeps_it_within_scope(world, ada):
    sam = UserFactory(username="sam")
    mine = Membership.objects.create(user=sam, role="viewer")
    mine.collaborations.set([world.collab])
    alice = client_for(world.alice)
    response = alice.post(
        f"/access/{mine.pk}/change/",
        {
            "user": "sam",
            "role": "programme_team",
            "collaborations": [world.collab.pk],
            "reason": "Joined the team",
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.role == "programme_team"
    other = CollaborationFactory(slug="other")
    response = alice.post(
        f"/access/{mine.pk}/change/",
        {"user": "sam", "role": "viewer", "collaborations": [other.pk]},
    )
    assert response.status_code == 200  # not a choice she is offered
    mine.refresh_from_db()
    assert list(mine.collaborations.values_list("slug", flat=True)) == ["ek"]


def test_a_user_can_hold_several_memberships(world, ada):
    admin = client_for(ada)
    bob = world.bob
    response = admin.post(
        "/access/grant/",
        {"user": "bob", "role": "viewer", "force": world.nora.memberships.get().force.pk},
    )
    assert response.status_code == 302
    assert sorted(bob.memberships.values_list("role", "force__slug")) == [
        ("force_lead", "essex"),
        ("viewer", "norfolk"),
    ]
    page = admin.get("/access/users/bob/").content.decode()
    assert "Force benefits lead, Essex" in page and "Viewer (read only), Norfolk" in page


def test_deactivating_a_user_stops_sign_in_and_token_but_keeps_history(world, ada):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    token = Token.objects.create(user=world.bob)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/collaborations/ek/").status_code == 200
    session = client_for(world.bob)
    assert session.get("/account/").status_code == 200

    response = client_for(ada).post("/access/users/bob/", {"action": "deactivate"})
    assert response.status_code == 302
    world.bob.refresh_from_db()
    assert world.bob.is_active is False
    assert api.get("/api/v1/collaborations/ek/").status_code == 401
    assert session.get("/account/").status_code == 302  # signed out
    signing_in = Client().post(
        "/accounts/login/", {"username": "bob", "password": "correct-horse-battery"}
    )
    assert signing_in.status_code == 200  # the form again, not a redirect: refused
    # Their roles and history stay.
    assert Membership.objects.filter(user=world.bob).exists()

    client_for(ada).post("/access/users/bob/", {"action": "reactivate"})
    world.bob.refresh_from_db()
    assert world.bob.is_active


def test_only_an_administrator_deactivates(world, ada):
    response = client_for(world.alice).post("/access/users/alice/", {"action": "deactivate"})
    assert response.status_code == 403
    world.alice.refresh_from_db()
    assert world.alice.is_active


def test_the_banners_speak_the_pages_language(world):
    sam = UserFactory(username="sam")
    alice = client_for(world.alice)
    alice.post("/language/", {"language": "cy", "next": "/"})
    response = alice.post(
        "/access/grant/",
        {
            "user": "sam",
            "role": "force_lead",
            "force": world.carol.memberships.get().force.pk,
            "collaborations": [world.collab.pk],
            "reason": "Kent's new lead",
        },
        follow=True,
    )
    banner = [str(message) for message in response.context["messages"]]
    assert banner == [f"Rhoddwyd: sam: Arweinydd buddion yr heddlu, Kent, {world.collab.name}."], (
        banner
    )
    assert Membership.objects.filter(user=sam, role="force_lead").exists()


def test_a_role_also_within_a_private_collaboration_names_only_what_the_manager_may_see(world):
    """A viewer's role names both a collaboration Norfolk runs and the private Essex and
    Kent one: Norfolk's programme team manages it without reading the other's name."""
    from rest_framework.test import APIClient

    ns = CollaborationFactory(name="Norfolk and Suffolk", slug="ns", visibility="private")
    share(ns, "Norfolk", "50")
    share(ns, "Suffolk", "50")
    viewer = member("vic", "Essex", "viewer", ns, world.collab)
    manager = member("nina", "Norfolk", "programme_team", ns)
    client = client_for(manager)
    hidden = world.collab.name

    listed = client.get("/access/").content.decode()
    assert "Norfolk and Suffolk" in listed and hidden not in listed
    page = client.get(f"/access/users/{viewer.username}/").content.decode()
    assert "Norfolk and Suffolk" in page and hidden not in page
    api = APIClient()
    api.force_authenticate(manager)
    rows = api.get("/api/v1/memberships/", {"user": viewer.username}).json()["results"]
    assert [row["collaborations"] for row in rows] == [["ns"]]
    # Alice, who runs both, reads both.
    assert (
        hidden in client_for(world.alice).get(f"/access/users/{viewer.username}/").content.decode()
    )
