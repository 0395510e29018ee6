"""Repeated token-authenticated API reads come from the shared cache, and never outlive a write.

The suite runs with the cache off; these tests turn it on.
"""

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from realise.core.api.cache import _token_and_version
from realise.core.dataversion import data_version, version_of_kinds
from realise.core.models import AuditRecord
from realise.core.permissions import access_for, access_kinds, forget_access
from realise.organisations.models import Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.REALISE_API_CACHE_SECONDS = 300
    cache.clear()


def by_token(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_a_repeated_read_is_answered_from_the_cache_with_the_same_body_and_headers(world):
    alice = by_token(world.alice)
    first = alice.get(f"/api/v1/benefits/{world.benefit.pk}/")
    again = alice.get(f"/api/v1/benefits/{world.benefit.pk}/")
    assert first.status_code == again.status_code == 200
    assert "X-Realise-Cache" not in first
    assert again["X-Realise-Cache"] == "hit"
    assert again.content == first.content
    for header in ("Content-Type", "Content-Language", "ETag", "Allow", "Vary"):
        assert again.get(header) == first.get(header), header


def test_a_write_is_seen_on_the_next_read(world):
    alice = by_token(world.alice)
    path = f"/api/v1/benefits/{world.benefit.pk}/"
    assert alice.get(path).json()["title"] == "Reduced vetting backlog"
    assert alice.get(path)["X-Realise-Cache"] == "hit"
    world.benefit.title = "Vetting backlog halved"
    world.benefit.save()
    fresh = alice.get(path)
    assert "X-Realise-Cache" not in fresh
    assert fresh.json()["title"] == "Vetting backlog halved"


def test_one_readers_answer_is_never_given_to_another(world):
    path = f"/api/v1/benefits/{world.benefit.pk}/"
    assert by_token(world.alice).get(path).status_code == 200
    assert by_token(world.alice).get(path)["X-Realise-Cache"] == "hit"
    # nora leads Norfolk's benefits, outside the private Essex and Kent collaboration.
    outsider = by_token(world.nora).get(path)
    assert outsider.status_code == 404
    assert "X-Realise-Cache" not in outsider
    listed = by_token(world.nora).get("/api/v1/benefits/").json()
    assert world.benefit.pk not in [b["id"] for b in listed["results"]]


def test_a_revoked_token_or_a_deactivated_account_is_refused_at_once(world):
    path = f"/api/v1/benefits/{world.benefit.pk}/"
    alice = by_token(world.alice)
    alice.get(path)
    assert alice.get(path)["X-Realise-Cache"] == "hit"
    world.alice.is_active = False
    world.alice.save()
    assert alice.get(path).status_code == 401
    world.alice.is_active = True
    world.alice.save()
    assert alice.get(path).status_code == 200
    Token.objects.filter(user=world.alice).delete()
    assert alice.get(path).status_code == 401


def test_a_role_taken_away_is_seen_on_the_next_read(world):
    path = f"/api/v1/benefits/{world.benefit.pk}/"
    alice = by_token(world.alice)
    assert alice.get(path).status_code == 200
    assert alice.get(path)["X-Realise-Cache"] == "hit"
    Membership.objects.filter(user=world.alice).delete()
    assert alice.get(path).status_code == 404


def test_an_account_change_outside_the_audit_trail_is_seen_on_the_next_read(
    world, django_capture_on_commit_callbacks
):
    sam = UserFactory(username="sam", email="sam@essex.police.example")
    alice = by_token(world.alice)
    alice.get("/api/v1/benefits/")
    assert alice.get("/api/v1/benefits/")["X-Realise-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        sam.email = "samuel@essex.police.example"
        sam.save()
    assert "X-Realise-Cache" not in alice.get("/api/v1/benefits/")


def test_every_private_record_an_inspector_reads_stays_in_the_audit_trail(world):
    ivy = UserFactory(username="ivy")
    Membership.objects.create(user=ivy, role="inspector")
    client = by_token(ivy)
    path = f"/api/v1/benefits/{world.benefit.pk}/"
    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200
        assert "X-Realise-Cache" not in response
    views = AuditRecord.objects.filter(action="view", username="ivy")
    assert views.count() == 3


def test_the_cache_can_be_turned_off(world, settings):
    settings.REALISE_API_CACHE_SECONDS = 0
    alice = by_token(world.alice)
    alice.get("/api/v1/benefits/")
    assert "X-Realise-Cache" not in alice.get("/api/v1/benefits/")


def test_session_reads_and_writes_go_the_full_way(world):
    session = APIClient()
    session.force_login(world.alice)
    session.get("/api/v1/benefits/")
    assert "X-Realise-Cache" not in session.get("/api/v1/benefits/")
    alice = by_token(world.alice)
    alice.get("/api/v1/benefits/")
    assert "X-Realise-Cache" not in alice.head("/api/v1/benefits/")


def token_queries(captured) -> int:
    return sum('"authtoken_token"' in query["sql"] for query in captured)


def test_a_read_not_in_the_cache_checks_its_token_once(world):
    alice = by_token(world.alice)
    with CaptureQueriesContext(connection) as miss:
        assert alice.get(f"/api/v1/benefits/{world.benefit.pk}/").status_code == 200
    with CaptureQueriesContext(connection) as hit:
        assert alice.get(f"/api/v1/benefits/{world.benefit.pk}/")["X-Realise-Cache"] == "hit"
    assert token_queries(miss.captured_queries) == 1
    assert token_queries(hit.captured_queries) == 1


def test_a_write_and_an_unknown_token_are_checked_by_the_api_itself(world):
    alice = by_token(world.alice)
    with CaptureQueriesContext(connection) as write:
        response = alice.patch(
            f"/api/v1/benefits/{world.benefit.pk}/", {"title": "Backlog halved"}, format="json"
        )
    assert response.status_code in (200, 428)
    assert token_queries(write.captured_queries) == 1
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    refused = stranger.get(f"/api/v1/benefits/{world.benefit.pk}/")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Invalid token."}


def test_a_hit_costs_one_query_that_reads_the_same_token_account_and_data_version(world):
    alice = by_token(world.alice)
    path = f"/api/v1/benefits/{world.benefit.pk}/"
    alice.get(path)
    with CaptureQueriesContext(connection) as hit:
        assert alice.get(path)["X-Realise-Cache"] == "hit"
    assert len(hit.captured_queries) == 1
    # What that one statement gives is what Django's own queries give, field for field.
    key = Token.objects.get(user=world.alice).key
    token, version = _token_and_version(key)
    expected = Token.objects.select_related("user").get(key=key)
    for field in Token._meta.concrete_fields:
        assert getattr(token, field.attname) == getattr(expected, field.attname), field.name
    for field in type(world.alice)._meta.concrete_fields:
        assert getattr(token.user, field.attname) == getattr(expected.user, field.attname), (
            field.name
        )
    assert version == data_version()
    assert _token_and_version("0" * 40) is None


def test_a_miss_reads_the_version_of_the_readers_access_with_its_token(world):
    """The token's statement also reads the version the reader's access is kept under, the
    same as read alone: a miss finds the access in the shared cache without another query,
    and a role granted still moves it."""
    key = Token.objects.get_or_create(user=world.alice)[0].key
    token, _ = _token_and_version(key)
    assert token.user._realise_access_version == version_of_kinds(access_kinds())
    alice = by_token(world.alice)
    alice.get(f"/api/v1/benefits/{world.benefit.pk}/")  # the access, worked out and kept
    with CaptureQueriesContext(connection) as miss:
        assert alice.get("/api/v1/benefits/").status_code == 200
    assert not [q for q in miss.captured_queries if q["sql"].startswith('SELECT (SELECT "hash"')]
    Membership.objects.filter(user=world.alice).update(role="viewer")  # behind the trail
    Membership.objects.get(user=world.alice).save()  # a write the trail records
    moved, _ = _token_and_version(key)
    assert moved.user._realise_access_version != token.user._realise_access_version
    assert moved.user._realise_access_version == version_of_kinds(access_kinds())


def test_a_miss_asks_the_shared_cache_for_the_answer_and_the_access_at_once(world, monkeypatch):
    """A read not in the cache asks the shared cache once, for the answer and the reader's
    access together; the view then works with that access, and no other read is made of it."""
    alice = by_token(world.alice)
    alice.get(f"/api/v1/benefits/{world.benefit.pk}/")  # the access, worked out and kept
    asked = []
    shared = caches["default"]
    real_get, real_get_many = shared.get, shared.get_many

    within_many = []  # the local-memory cache's get_many asks get for each key

    def get(key, *args, **kwargs):
        if not within_many:
            asked.append(key)
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        asked.append(tuple(keys))
        within_many.append(True)
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            within_many.pop()

    monkeypatch.setattr(shared, "get", get)
    monkeypatch.setattr(shared, "get_many", get_many)
    response = alice.get("/api/v1/benefits/")

    assert response.status_code == 200 and response.get("X-Realise-Cache") != "hit"
    together = [key for key in asked if isinstance(key, tuple)]
    assert len(together) == 1 and any(key.startswith("realise:access:") for key in together[0])
    assert not [key for key in asked if isinstance(key, str) and key.startswith("realise:access:")]
    assert world.benefit.reference in response.content.decode()


def test_access_forgotten_after_a_role_change_is_worked_out_again_in_the_same_request(world):
    """The version read with the token belongs to the access as it was: once a change to
    the reader's roles is followed by `forget_access`, their access is read afresh."""
    key = Token.objects.get_or_create(user=world.dave)[0].key
    token, _ = _token_and_version(key)
    reader = token.user
    assert not access_for(reader).administrator
    membership = Membership.objects.get(user=world.dave)
    membership.role = "administrator"
    membership.save()
    forget_access(reader)
    assert access_for(reader).administrator


def test_a_miss_is_kept_without_reading_the_data_version_again(world):
    """Whether the request wrote anything is known in the process: a miss reads the data
    version once, with its token, and its answer is then served from the cache."""
    alice = by_token(world.alice)
    path = f"/api/v1/benefits/{world.benefit.pk}/"
    with CaptureQueriesContext(connection) as miss:
        assert "X-Realise-Cache" not in alice.get(path)
    head = [q for q in miss.captured_queries if "core_audithead" in q["sql"]]
    assert len(head) == 1  # the token's own statement
    assert alice.get(path)["X-Realise-Cache"] == "hit"


def test_a_read_that_writes_is_not_kept(world, monkeypatch):
    """A read that moved the data version itself (here a write made while answering it, as
    an inspector's read of a private record writes its audit record) is answered in full
    and its answer is not kept: a read begun before that write committed must not be
    answered from it (an inspector's read must write its own record)."""
    from realise.core.api import cache as read_cache

    alice = by_token(world.alice)
    path = f"/api/v1/benefits/{world.benefit.pk}/"
    kept = []
    real_set = read_cache.cache.set
    monkeypatch.setattr(
        read_cache.cache, "set", lambda key, *a, **k: (kept.append(key), real_set(key, *a, **k))
    )
    real_call = read_cache.APIReadCache.__call__

    def writing(self, request):
        inner = self.get_response

        def answer(request):
            world.benefit.title = "Written while reading"
            world.benefit.save()
            return inner(request)

        self.get_response = answer
        try:
            return real_call(self, request)
        finally:
            self.get_response = inner

    with monkeypatch.context() as patched:
        patched.setattr(read_cache.APIReadCache, "__call__", writing)
        assert alice.get(path).json()["title"] == "Written while reading"
    assert not [key for key in kept if key.startswith("realise:api:")]
    assert "X-Realise-Cache" not in alice.get(path)  # read in full, and now kept
    assert [key for key in kept if key.startswith("realise:api:")]
    assert alice.get(path)["X-Realise-Cache"] == "hit"
