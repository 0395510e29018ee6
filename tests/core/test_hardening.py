"""Production hardening: deploy checks, the content security policy, lockout, passwords, SSO."""

import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError

from realise.core.oidc import endpoints_from_env

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "REALISE_TESTING") and not k.startswith("REALISE_OIDC")
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="k3" * 30 + "-not-a-real-secret",
        ALLOWED_HOSTS="realise.example",
        REALISE_BASE_URL="https://realise.example",
    )
    env.update(extra)
    return env


def deploy_check(**extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(**extra),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_settings():
    completed = deploy_check()
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "no issues" in completed.stdout


def test_deploy_check_warns_of_a_base_url_left_at_this_machine():
    """Reminder e-mails and calendar feeds link to REALISE_BASE_URL."""
    env = production_env()
    del env["REALISE_BASE_URL"]
    completed = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 1
    assert "(realise.W001) REALISE_BASE_URL is 'http://127.0.0.1:8000'" in completed.stderr


def test_deploy_check_is_clean_with_single_sign_on_configured():
    completed = deploy_check(
        REALISE_OIDC_CLIENT_ID="realise",
        REALISE_OIDC_CLIENT_SECRET="not-a-real-secret",
        REALISE_OIDC_AUTHORITY="https://login.microsoftonline.com/contoso-tenant/v2.0",
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_pages_and_api_carry_a_strict_content_security_policy(client, world):
    for url in ["/", "/accounts/login/", "/api/v1/schema/"]:
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_no_template_has_an_inline_script_or_style():
    offenders = []
    # Printed documents (rendered to PDF and Word, never served as a page) carry their style.
    printed = ROOT / "realise" / "templates" / "documents" / "print"
    for template in (ROOT / "realise" / "templates").rglob("*.html"):
        if printed in template.parents:
            continue
        text = template.read_text()
        for needle in ("<script>", "<style", " style="):
            if needle in text:
                offenders.append(f"{template.relative_to(ROOT)}: {needle}")
    assert offenders == []


def test_sign_in_is_locked_after_repeated_failures(client, world):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit):
        response = client.post("/accounts/login/", {"username": "bob", "password": "wrong"})
        assert response.status_code in (200, 429)
    locked = client.post(
        "/accounts/login/", {"username": "bob", "password": "correct-horse-battery"}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_fewer_failures_than_the_limit_do_not_lock(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/accounts/login/", {"username": "bob", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": "bob", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.bob.pk)


@pytest.mark.parametrize("weak", ["short1", "password123", "1234567890123", "realise-user"])
def test_weak_passwords_are_refused(db, weak):
    from django.contrib.auth.models import User

    with pytest.raises(ValidationError):
        validate_password(weak, User(username="realise-user"))


def test_a_long_uncommon_password_is_accepted(db):
    validate_password("kettle-orbit-lantern-47")


def entra_env(monkeypatch, **values) -> environ.Env:
    for name in [n for n in os.environ if n.startswith("REALISE_OIDC")]:
        monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return environ.Env()


def test_entra_endpoints_come_from_the_authority(monkeypatch):
    env = entra_env(
        monkeypatch, REALISE_OIDC_AUTHORITY="https://login.microsoftonline.com/contoso-id/v2.0"
    )
    assert endpoints_from_env(env) == (
        "https://login.microsoftonline.com/contoso-id/oauth2/v2.0/authorize",
        "https://login.microsoftonline.com/contoso-id/oauth2/v2.0/token",
        "https://graph.microsoft.com/oidc/userinfo",
        "https://login.microsoftonline.com/contoso-id/discovery/v2.0/keys",
    )


def test_another_provider_needs_its_endpoints_named(monkeypatch):
    env = entra_env(monkeypatch, REALISE_OIDC_AUTHORITY="https://sso.force.example/realms/x")
    with pytest.raises(ImproperlyConfigured, match="REALISE_OIDC_AUTHORIZATION_ENDPOINT"):
        endpoints_from_env(env)
    env = entra_env(
        monkeypatch,
        REALISE_OIDC_AUTHORIZATION_ENDPOINT="https://sso.force.example/auth",
        REALISE_OIDC_TOKEN_ENDPOINT="https://sso.force.example/token",
        REALISE_OIDC_USERINFO_ENDPOINT="https://sso.force.example/userinfo",
        REALISE_OIDC_JWKS_ENDPOINT="https://sso.force.example/certs",
    )
    assert endpoints_from_env(env)[1] == "https://sso.force.example/token"


def test_plain_http_endpoints_are_refused(monkeypatch):
    env = entra_env(
        monkeypatch,
        REALISE_OIDC_AUTHORIZATION_ENDPOINT="http://sso.force.example/auth",
        REALISE_OIDC_TOKEN_ENDPOINT="https://sso.force.example/token",
        REALISE_OIDC_USERINFO_ENDPOINT="https://sso.force.example/userinfo",
        REALISE_OIDC_JWKS_ENDPOINT="https://sso.force.example/certs",
    )
    with pytest.raises(ImproperlyConfigured, match="https"):
        endpoints_from_env(env)


def test_single_sign_on_finds_the_account_by_user_principal_name(world):
    from realise.organisations.oidc_backend import ForceSignOnBackend

    world.bob.email = "Bob.Brewer@essex.police.example"
    world.bob.save()
    backend = ForceSignOnBackend.__new__(ForceSignOnBackend)
    backend.UserModel = type(world.bob)
    claims = {"sub": "x", "preferred_username": "bob.brewer@essex.police.example"}
    assert backend.verify_claims(claims)
    assert list(backend.filter_users_by_claims(claims)) == [world.bob]
    assert not backend.verify_claims({"sub": "x"})
