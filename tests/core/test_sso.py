"""Single sign-on, the whole round trip against an identity provider run on 127.0.0.1:
Realise sends the browser to the provider, the provider sends it back with a code, Realise
trades the code for a signed ID token, checks it against the provider's published keys and
gives the person the memberships their groups map to. Nothing in Realise is patched.

The map used here: the "Realise-Essex-Leads" group makes a person a force benefits lead for
Essex in the Essex and Kent collaboration ("ek"); "Realise-Kent-Viewers" a viewer in Kent
(named by its ONS code, E23000032).
"""

import json
import logging
import os
from urllib.parse import urlsplit

import environ
import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client

from realise.core.oidc import oidc_settings, parse_role_map
from realise.organisations import services
from realise.organisations.models import Membership
from realise.organisations.sso import apply_role_map
from tests.core.identity_provider import CLIENT_ID, CLIENT_SECRET, IdentityProvider
from tests.factories import force

User = get_user_model()

ROLE_MAP = {
    "Realise-Essex-Leads": [{"role": "force-lead", "force": "essex", "collaboration": "ek"}],
    "Realise-Kent-Viewers": [{"role": "viewer", "force": "E23000032"}],
}

PRIYA = {
    "sub": "0b5e-priya",
    "email": "priya.shah@essex.police.example",
    "given_name": "Priya",
    "family_name": "Shah",
}


@pytest.fixture
def provider(tmp_path):
    with IdentityProvider(tmp_path) as idp:
        yield idp


@pytest.fixture
def sso(settings, provider, monkeypatch, world):
    """Realise configured, as an operator would, from the provider's discovery document."""
    discovery = requests.get(
        f"{provider.issuer}/.well-known/openid-configuration",
        verify=str(provider.certificate),
        timeout=10,
    ).json()
    for name in [n for n in os.environ if n.startswith("REALISE_OIDC")]:
        monkeypatch.delenv(name)
    for name, value in {
        "REALISE_OIDC_CLIENT_ID": CLIENT_ID,
        "REALISE_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "REALISE_OIDC_AUTHORIZATION_ENDPOINT": discovery["authorization_endpoint"],
        "REALISE_OIDC_TOKEN_ENDPOINT": discovery["token_endpoint"],
        "REALISE_OIDC_USERINFO_ENDPOINT": discovery["userinfo_endpoint"],
        "REALISE_OIDC_JWKS_ENDPOINT": discovery["jwks_uri"],
        "REALISE_OIDC_CREATE_USERS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    for name, value in oidc_settings(environ.Env()).items():
        setattr(settings, name, value)
    settings.OIDC_VERIFY_SSL = str(provider.certificate)  # trust the provider's own certificate
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "realise.organisations.oidc_backend.ForceSignOnBackend",
    ]
    settings.ROOT_URLCONF = "tests.core.sso_urls"
    settings.REALISE_OIDC_ROLE_MAP = parse_role_map(json.dumps(ROLE_MAP))
    settings.REALISE_OIDC_GROUPS_CLAIM = "groups"
    return provider


def sign_in(provider, person: dict) -> Client:
    """A fresh browser signs in through the provider as `person`."""
    provider.person = person
    browser = Client()
    start = browser.get("/oidc/authenticate/")
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.issuer}/authorize?")
    at_provider = requests.get(
        start["Location"], allow_redirects=False, verify=str(provider.certificate), timeout=10
    )
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/oidc/callback/"
    done = browser.get(f"{back.path}?{back.query}")
    assert done.status_code == 302
    browser.landed_on = done["Location"]
    return browser


def memberships(user) -> set[tuple]:
    return {
        (m.force.name, m.role, m.source, tuple(sorted(c.slug for c in m.collaborations.all())))
        for m in Membership.objects.filter(user=user)
    }


def test_first_sign_in_creates_the_user_with_the_roles_their_groups_map_to(sso):
    browser = sign_in(sso, {**PRIYA, "groups": ["Realise-Essex-Leads", "Finance-All-Staff"]})

    assert browser.landed_on == "/"
    priya = User.objects.get(email="priya.shah@essex.police.example")
    assert priya.username == "priya.shah"
    assert (priya.first_name, priya.last_name) == ("Priya", "Shah")
    assert memberships(priya) == {("Essex", "force_lead", "sso", ("ek",))}
    # The provider was really asked: a code traded at the token endpoint, keys fetched.
    assert {"GET /authorize", "POST /token", "GET /keys", "GET /userinfo"} <= set(sso.requests)
    # The role takes effect at once: the private collaboration is open to her.
    assert browser.get("/collaborations/ek/").status_code == 200
    assert browser.get("/account/").context["user"] == priya


def test_app_roles_in_the_roles_claim_map_too(sso):
    sign_in(sso, {**PRIYA, "roles": ["Realise-Kent-Viewers"]})

    priya = User.objects.get(email=PRIYA["email"])
    assert memberships(priya) == {("Kent", "viewer", "sso", ())}


def test_a_mapped_role_goes_with_its_group_and_a_hand_granted_one_stays(sso, world):
    sign_in(sso, {**PRIYA, "groups": ["Realise-Essex-Leads", "Realise-Kent-Viewers"]})
    priya = User.objects.get(email=PRIYA["email"])
    assert memberships(priya) == {
        ("Essex", "force_lead", "sso", ("ek",)),
        ("Kent", "viewer", "sso", ()),
    }
    # An administrator grants her a Norfolk viewer role by hand.
    Membership.objects.create(user=priya, force=force("Norfolk"), role="viewer")

    # She moves out of the Essex leads group.
    browser = sign_in(sso, {**PRIYA, "groups": ["Realise-Kent-Viewers"]})

    assert memberships(priya) == {
        ("Kent", "viewer", "sso", ()),
        ("Norfolk", "viewer", "manual", ()),
    }
    # The removal is in the history, made at her sign-in.
    removed = Membership.history.get(history_type="-")
    assert (removed.role, removed.force.name, removed.history_user) == (
        "force_lead",
        "Essex",
        priya,
    )
    # Kent is still a member of the collaboration, so she still sees it, as a viewer.
    assert browser.get("/collaborations/ek/").status_code == 200

    # With no mapped group left, only what was granted by hand remains.
    sign_in(sso, {**PRIYA, "groups": []})
    assert memberships(priya) == {("Norfolk", "viewer", "manual", ())}


def test_an_existing_account_is_matched_by_email_and_keeps_its_hand_granted_role(sso, world):
    # bob already leads benefits for Essex, granted by hand; the group gives the same role.
    world.bob.email = "bob.brewer@essex.police.example"
    world.bob.save()
    bob = {"sub": "0b5e-bob", "email": world.bob.email, "groups": ["Realise-Essex-Leads"]}

    sign_in(sso, bob)
    assert memberships(world.bob) == {("Essex", "force_lead", "manual", ())}
    assert User.objects.filter(email__iexact=world.bob.email).count() == 1

    sign_in(sso, {**bob, "groups": []})
    assert memberships(world.bob) == {("Essex", "force_lead", "manual", ())}


def test_a_changed_map_entry_updates_the_membership_it_gave(sso, settings, world):
    sign_in(sso, {**PRIYA, "groups": ["Realise-Essex-Leads"]})
    priya = User.objects.get(email=PRIYA["email"])
    other = world.collab.__class__.objects.create(name="Eastern Region Forensics", slug="erf")
    settings.REALISE_OIDC_ROLE_MAP = parse_role_map(
        json.dumps(
            {
                "Realise-Essex-Leads": [
                    {"role": "force-lead", "force": "essex", "collaboration": "erf"}
                ]
            }
        )
    )

    sign_in(sso, {**PRIYA, "groups": ["Realise-Essex-Leads"]})

    assert other.slug == "erf"
    assert memberships(priya) == {("Essex", "force_lead", "sso", ("erf",))}


def test_a_sign_in_not_from_the_provider_is_refused(sso):
    """A callback with a code the provider never issued signs nobody in."""
    browser = Client()
    browser.get("/oidc/authenticate/")
    state = browser.session["oidc_states"]
    forged = browser.get(f"/oidc/callback/?code=made-up&state={next(iter(state))}", follow=True)
    assert forged.redirect_chain[-1][0] == "/accounts/login/"
    assert "Your force account did not sign you in to Realise" in forged.content.decode()
    assert "_auth_user_id" not in browser.session
    assert not User.objects.filter(email=PRIYA["email"]).exists()


def test_a_new_account_gets_a_user_name_of_its_own(sso, forces):
    User.objects.create_user("priya.shah", email="priya.shah@kent.police.example")

    sign_in(sso, {**PRIYA, "groups": ["Realise-Essex-Leads"]})

    priya = User.objects.get(email=PRIYA["email"])
    assert priya.username == "priya.shah-2"
    assert memberships(priya) == {("Essex", "force_lead", "sso", ("ek",))}


def test_a_deactivated_account_is_not_replaced_by_a_new_one(sso, forces):
    User.objects.create_user("priya.shah", email=PRIYA["email"], is_active=False)

    browser = sign_in(sso, {**PRIYA, "groups": ["Realise-Essex-Leads"]})

    assert browser.landed_on == "/accounts/login/"
    assert "_auth_user_id" not in browser.session
    assert list(User.objects.filter(email=PRIYA["email"]).values_list("is_active", flat=True)) == [
        False
    ]
    assert not Membership.objects.filter(user__email=PRIYA["email"]).exists()


def test_deactivating_ends_the_session_single_sign_on_began(sso):
    browser = sign_in(sso, {**PRIYA, "groups": ["Realise-Essex-Leads"]})
    assert browser.get("/collaborations/ek/").status_code == 200

    services.set_active(User.objects.get(email=PRIYA["email"]), False)

    # The next request is as from someone signed out.
    assert browser.get("/collaborations/ek/").status_code == 404
    account = browser.get("/account/")
    assert account.status_code == 302
    assert account["Location"].startswith("/accounts/login/")


# The map on its own ----------------------------------------------------------------------


def test_an_entry_naming_an_unknown_force_is_logged_and_skipped(world, caplog):
    role_map = parse_role_map(
        json.dumps(
            {
                "Leads": [
                    {"role": "force-lead", "force": "atlantis"},
                    {"role": "viewer", "force": "kent"},
                ],
                "Board": [{"role": "viewer", "force": "essex", "collaboration": "no-such"}],
            }
        )
    )
    with caplog.at_level(logging.ERROR, logger="realise.organisations.sso"):
        result = apply_role_map(world.dave, {"groups": ["Leads", "Board"]}, role_map)

    assert memberships(world.dave) == {
        ("Essex", "viewer", "manual", ()),
        ("Kent", "viewer", "sso", ()),
    }
    assert len(result.skipped) == 2
    messages = [r.getMessage() for r in caplog.records]
    assert any("group 'Leads'" in m and "'atlantis'" in m for m in messages)
    assert any(
        "group 'Board'" in m and "no collaboration has the slug 'no-such'" in m for m in messages
    )


def test_the_inspector_role_is_granted_once_realise_has_it(world, caplog):
    """`inspector` is accepted in the map; while this version has no such role the entry is
    skipped with a warning, and once it has, the membership is granted."""
    from realise.organisations.models import Role

    role_map = parse_role_map('{"HMICFRS": [{"role": "inspector", "force": "essex"}]}')
    with caplog.at_level(logging.WARNING, logger="realise.organisations.sso"):
        result = apply_role_map(world.nora, {"groups": ["HMICFRS"]}, role_map)
    if "inspector" in Role.values:
        assert ("Essex", "inspector", "sso", ()) in memberships(world.nora)
    else:
        assert result.granted == []
        assert [r.levelname for r in caplog.records] == ["WARNING"]
        assert "role 'inspector' is not available" in caplog.records[0].getMessage()


def test_without_a_map_sign_in_leaves_memberships_alone(world, settings):
    Membership.objects.create(user=world.dave, force=force("Kent"), role="viewer", source="sso")
    settings.REALISE_OIDC_ROLE_MAP = None
    assert apply_role_map(world.dave, {"groups": []}) is None
    assert ("Kent", "viewer", "sso", ()) in memberships(world.dave)


def test_an_empty_map_removes_every_mapped_membership_and_nothing_else(world):
    Membership.objects.create(user=world.dave, force=force("Kent"), role="viewer", source="sso")
    result = apply_role_map(world.dave, {"groups": ["Realise-Kent-Viewers"]}, parse_role_map("{}"))
    assert result.removed == [f"{world.dave} – Viewer (read only), Kent"]
    assert memberships(world.dave) == {("Essex", "viewer", "manual", ())}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "REALISE_OIDC_ROLE_MAP is not valid JSON"),
        ("[1, 2]", "must be a JSON object of group names"),
        ('{"G": "viewer"}', "REALISE_OIDC_ROLE_MAP['G'] must be a list"),
        (
            '{"G": [{"role": "chief", "force": "essex"}]}',
            "REALISE_OIDC_ROLE_MAP['G'] entry 1 has role 'chief': the role is one of "
            "administrator, programme, force-lead, benefit-owner, viewer, inspector.",
        ),
        ('{"G": [{"role": "viewer"}]}', "REALISE_OIDC_ROLE_MAP['G'] entry 1 needs a force"),
        (
            '{"G": [{"role": "viewer", "force": "essex"}, {"role": "viewer", "forse": "kent"}]}',
            "REALISE_OIDC_ROLE_MAP['G'] entry 2 has unknown key 'forse'",
        ),
    ],
)
def test_a_bad_map_is_refused_naming_the_entry(text, message):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured) as refused:
        parse_role_map(text)
    assert message in str(refused.value)


def test_a_bad_map_stops_realise_starting():
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("REALISE_OIDC")}
    env["REALISE_OIDC_ROLE_MAP"] = '{"Realise-Essex-Leads": [{"role": "lead", "force": "essex"}]}'
    completed = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode != 0
    assert "REALISE_OIDC_ROLE_MAP['Realise-Essex-Leads'] entry 1 has role 'lead'" in (
        completed.stderr
    )
