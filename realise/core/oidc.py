"""Optional single sign-on with OpenID Connect, for forces that use Microsoft Entra ID.

Settings come from the environment (see docs/security.md); this module derives Entra's
endpoints from its authority and reads the map from groups to roles (it is read by
settings.py, so it imports no models). The authentication backend, and the memberships a
sign-in gives, belong to the organisations app (`realise.organisations.oidc_backend` and
`realise.organisations.sso`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

ENDPOINTS = ("AUTHORIZATION", "TOKEN", "USERINFO", "JWKS")
ENTRA_HOSTS = {"login.microsoftonline.com", "login.microsoftonline.us"}


def entra_endpoints(authority: str) -> tuple[str, str, str, str]:
    """Endpoints of an Entra ID tenant from its authority,
    e.g. https://login.microsoftonline.com/<tenant id>/v2.0."""
    parts = urlsplit(authority)
    tenant = parts.path.strip("/").split("/")[0] if parts.path.strip("/") else ""
    if not tenant:
        raise ImproperlyConfigured(
            "REALISE_OIDC_AUTHORITY must name the tenant, e.g. "
            "https://login.microsoftonline.com/<tenant id>/v2.0"
        )
    base = f"{parts.scheme}://{parts.netloc}/{tenant}"
    return (
        f"{base}/oauth2/v2.0/authorize",
        f"{base}/oauth2/v2.0/token",
        "https://graph.microsoft.com/oidc/userinfo",
        f"{base}/discovery/v2.0/keys",
    )


def endpoints_from_env(env) -> tuple[str, str, str, str]:
    """Explicit `REALISE_OIDC_<NAME>_ENDPOINT`s win; otherwise an Entra authority."""
    explicit = [env.str(f"REALISE_OIDC_{name}_ENDPOINT", default="") for name in ENDPOINTS]
    authority = env.str("REALISE_OIDC_AUTHORITY", default="").rstrip("/")
    derived: tuple[str, ...] = ("", "", "", "")
    if authority:
        if urlsplit(authority).hostname not in ENTRA_HOSTS and not all(explicit):
            raise ImproperlyConfigured(
                "REALISE_OIDC_AUTHORITY is not a Microsoft Entra ID authority: set "
                "REALISE_OIDC_AUTHORIZATION_ENDPOINT, _TOKEN_ENDPOINT, _USERINFO_ENDPOINT and "
                "_JWKS_ENDPOINT from your provider's discovery document."
            )
        if urlsplit(authority).hostname in ENTRA_HOSTS:
            derived = entra_endpoints(authority)
    chosen = tuple(e or d for e, d in zip(explicit, derived, strict=True))
    missing = [
        f"REALISE_OIDC_{n}_ENDPOINT" for n, v in zip(ENDPOINTS, chosen, strict=True) if not v
    ]
    if missing:
        raise ImproperlyConfigured(
            "Single sign-on needs REALISE_OIDC_AUTHORITY (Entra ID) or " + ", ".join(missing)
        )
    for value in chosen:
        if urlsplit(value).scheme != "https":
            raise ImproperlyConfigured(f"OpenID Connect endpoints must use https: {value}")
    return chosen  # type: ignore[return-value]


def oidc_settings(env) -> dict:
    """mozilla-django-oidc's settings from the environment (settings.py applies them when
    REALISE_OIDC_CLIENT_ID is set)."""
    secret = env.str("REALISE_OIDC_CLIENT_SECRET", default="")
    if not secret:
        raise ImproperlyConfigured(
            "REALISE_OIDC_CLIENT_SECRET must be set with REALISE_OIDC_CLIENT_ID."
        )
    authorization, token, userinfo, jwks = endpoints_from_env(env)
    return {
        "OIDC_RP_CLIENT_ID": env.str("REALISE_OIDC_CLIENT_ID"),
        "OIDC_RP_CLIENT_SECRET": secret,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": authorization,
        "OIDC_OP_TOKEN_ENDPOINT": token,
        "OIDC_OP_USER_ENDPOINT": userinfo,
        "OIDC_OP_JWKS_ENDPOINT": jwks,
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": "openid email profile",
        "OIDC_CREATE_USER": env.bool("REALISE_OIDC_CREATE_USERS", default=False),
        "OIDC_USERNAME_ALGO": "realise.core.oidc.username_for",
        # A refused sign-in goes back to the sign-in page, which says what happened.
        "LOGIN_REDIRECT_URL_FAILURE": "/accounts/login/",
    }


def login_names(claims: dict) -> list[str]:
    names = [claims.get("email"), claims.get("preferred_username"), claims.get("upn")]
    return [n.strip().lower() for n in names if isinstance(n, str) and "@" in n]


def username_for(email: str) -> str:
    """A readable user name for a new account: the address's local part, made safe."""
    local = email.split("@")[0].lower()
    return re.sub(r"[^a-z0-9.@+_-]", "-", local)[:150] or "user"


# Roles from the identity provider's groups -----------------------------------------------
#
# `REALISE_OIDC_ROLE_MAP` maps a group (or app role) named in the sign-in claims to the
# memberships it gives, e.g.
#   {"Realise-Essex-Leads": [{"role": "force-lead", "force": "essex", "collaboration": "7f"}]}
# Roles are named as on the command line; forces by slug or ONS code; the collaboration
# (optional) by slug. The shape and the role names are checked when Realise starts; forces
# and collaborations are looked up at each sign-in (see realise/organisations/sso.py).

# The role names people write (as the `realise grant` command takes them) and the stored value.
ROLE_NAMES = {
    "administrator": "administrator",
    "programme": "programme_team",
    "force-lead": "force_lead",
    "benefit-owner": "benefit_owner",
    "viewer": "viewer",
    "inspector": "inspector",
}
GRANT_KEYS = {"role", "force", "collaboration"}


@dataclass(frozen=True)
class MappedGrant:
    """One membership a group gives: `role` is the stored value (e.g. "force_lead")."""

    group: str
    role: str
    force: str
    collaboration: str = ""

    def describe(self) -> str:
        where = f", collaboration {self.collaboration!r}" if self.collaboration else ""
        return f"group {self.group!r}: role {self.role!r}, force {self.force!r}{where}"


def parse_role_map(text: str | None) -> dict[str, tuple[MappedGrant, ...]] | None:
    """The role map from its JSON text; None when it is not set (roles are then left alone at
    sign-in). A mistake raises ImproperlyConfigured naming the group and entry."""
    if text is None or not text.strip():
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(
            f"REALISE_OIDC_ROLE_MAP is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}."
        ) from None
    if not isinstance(data, dict):
        raise ImproperlyConfigured(
            "REALISE_OIDC_ROLE_MAP must be a JSON object of group names, e.g. "
            '{"Realise-Essex-Leads": [{"role": "force-lead", "force": "essex"}]}.'
        )
    accepted = ", ".join(ROLE_NAMES)
    parsed: dict[str, tuple[MappedGrant, ...]] = {}
    for group, entries in data.items():
        if isinstance(entries, dict):
            entries = [entries]
        if not isinstance(entries, list) or not entries:
            raise ImproperlyConfigured(
                f"REALISE_OIDC_ROLE_MAP[{group!r}] must be a list of "
                '{"role", "force", "collaboration"} objects.'
            )
        grants = []
        for number, entry in enumerate(entries, start=1):
            name = f"REALISE_OIDC_ROLE_MAP[{group!r}] entry {number}"
            if not isinstance(entry, dict):
                raise ImproperlyConfigured(f"{name} must be an object with role and force.")
            unknown = sorted(set(entry) - GRANT_KEYS)
            if unknown:
                raise ImproperlyConfigured(
                    f"{name} has unknown key {unknown[0]!r}: the keys are role, force and "
                    "collaboration."
                )
            role, force = entry.get("role"), entry.get("force")
            collaboration = entry.get("collaboration") or ""
            if role not in ROLE_NAMES:
                raise ImproperlyConfigured(
                    f"{name} has role {role!r}: the role is one of {accepted}."
                )
            if not isinstance(force, str) or not force.strip():
                raise ImproperlyConfigured(
                    f'{name} needs a force (its slug or ONS code, e.g. "essex").'
                )
            if not isinstance(collaboration, str):
                raise ImproperlyConfigured(f"{name} names its collaboration by its slug (text).")
            grants.append(
                MappedGrant(str(group), ROLE_NAMES[role], force.strip(), collaboration.strip())
            )
        parsed[str(group)] = tuple(grants)
    return parsed


def groups_in(claims: dict, claim_name: str) -> set[str]:
    """The groups and app roles a person's claims carry: the configured claim and `roles`
    (Entra ID puts security groups in `groups` and app roles in `roles`)."""
    found: set[str] = set()
    for name in dict.fromkeys([claim_name, "roles"]):
        value = claims.get(name)
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            found |= {item for item in value if isinstance(item, str)}
    return found
