"""API tokens: created on your account page, shown once, revoked there too."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def test_a_user_creates_a_token_sees_it_once_and_uses_it(client, world):
    client.force_login(world.bob)
    page = client.get("/account/").content.decode()
    assert "You have no API token." in page

    created = client.post("/account/", {"action": "create"})
    key = Token.objects.get(user=world.bob).key
    assert key in created.content.decode()
    assert "no-store" in created["Cache-Control"]
    assert key not in client.get("/account/").content.decode()

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/benefits/").json()["count"] == 1


def test_a_new_token_replaces_the_old_one(client, world):
    client.force_login(world.bob)
    client.post("/account/", {"action": "create"})
    old = Token.objects.get(user=world.bob).key
    client.post("/account/", {"action": "create"})
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert api.get("/api/v1/benefits/").status_code == 401


def test_a_revoked_token_no_longer_works(client, world):
    client.force_login(world.bob)
    client.post("/account/", {"action": "create"})
    key = Token.objects.get(user=world.bob).key
    response = client.post("/account/", {"action": "revoke"}, follow=True)
    assert "no longer works" in response.content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/benefits/").status_code == 401


def test_token_carries_exactly_its_users_permissions(world):
    key = Token.objects.create(user=world.dave).key
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.patch(f"/api/v1/benefits/{world.benefit.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 403


def test_the_account_page_needs_sign_in(client, db):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
