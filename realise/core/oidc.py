"""Optional single sign-on with OpenID Connect, for forces that use Microsoft Entra ID.

Settings come from the environment (see docs/security.md); this module derives Entra's
endpoints from its authority (it is read by settings.py, so it imports no models). The
authentication backend is in `oidc_backend`.
"""

from __future__ import annotations

import re
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


def login_names(claims: dict) -> list[str]:
    names = [claims.get("email"), claims.get("preferred_username"), claims.get("upn")]
    return [n.strip().lower() for n in names if isinstance(n, str) and "@" in n]


def username_for(email: str) -> str:
    """A readable user name for a new account: the address's local part, made safe."""
    local = email.split("@")[0].lower()
    return re.sub(r"[^a-z0-9.@+_-]", "-", local)[:150] or "user"
