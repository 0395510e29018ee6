"""Single sign-on: match a person signed in by the force's identity provider to their
Realise account, by e-mail address or user principal name.

Signing in gives no access of its own: roles come from memberships, granted by hand or,
with `REALISE_OIDC_ROLE_MAP`, from the groups in the person's claims, renewed at every
sign-in (`realise.organisations.sso`).
"""

import logging

import requests
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from realise.core.backends import NoModelPermissions
from realise.core.oidc import login_names
from realise.organisations.sso import apply_role_map

logger = logging.getLogger(__name__)

FAILED = _(
    "Your force account did not sign you in to Realise. Try again; if this is your first "
    "time, ask a Realise administrator to set up your account with your force e-mail address."
)


class ForceSignOnBackend(NoModelPermissions, OIDCAuthenticationBackend):
    """Entra ID puts the user principal name in the ID token, not in userinfo: use both."""

    def authenticate(self, request, **kwargs):
        """A sign-in the provider refuses (an unknown or used code, a token that fails its
        checks, a provider out of reach) signs nobody in and says so: never a server error."""
        user = None
        try:
            user = super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation, ValueError) as error:
            logger.warning("Single sign-on refused: %s", error)
        if user is None and request is not None and request.GET.get("code"):
            messages.error(request, FAILED)
        return user

    def get_user(self, user_id):
        """The signed-in user of a session, while their account is active: a deactivated
        user's sessions end at once, as with a password (Django's `ModelBackend`)."""
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def get_userinfo(self, access_token, id_token, payload):
        claims = dict(payload or {})
        claims.update(super().get_userinfo(access_token, id_token, payload) or {})
        names = login_names(claims)
        if names and not claims.get("email"):
            claims["email"] = names[0]
        return claims

    def verify_claims(self, claims) -> bool:
        return bool(login_names(claims))

    def filter_users_by_claims(self, claims):
        names = login_names(claims)
        if not names:
            return self.UserModel.objects.none()
        users = self.UserModel.objects.filter(email__iexact=names[0], is_active=True)
        for name in names[1:]:
            users |= self.UserModel.objects.filter(email__iexact=name, is_active=True)
        return users

    def get_username(self, claims):
        """The readable name from the e-mail address, numbered if another account has it
        (priya.shah, priya.shah-2, ...)."""
        base = super().get_username(claims)[:140]
        username, number = base, 1
        while self.UserModel.objects.filter(username__iexact=username).exists():
            number += 1
            username = f"{base}-{number}"
        return username

    def create_user(self, claims):
        names = login_names(claims)
        if self.UserModel.objects.filter(email__iexact=names[0], is_active=False).exists():
            # A deactivated account stays deactivated: no fresh account beside it.
            raise SuspiciousOperation(f"the account for {names[0]} is deactivated")
        user = super().create_user(claims)
        self._sync(user, claims)
        return user

    def update_user(self, user, claims):
        user = super().update_user(user, claims)
        self._sync(user, claims)
        return user

    def _sync(self, user, claims) -> None:
        """The name the provider holds, and the memberships the person's groups give."""
        names = {
            "first_name": claims.get("given_name"),
            "last_name": claims.get("family_name"),
        }
        changed = [
            field
            for field, value in names.items()
            if isinstance(value, str) and value.strip() and getattr(user, field) != value.strip()
        ]
        for field in changed:
            setattr(user, field, names[field].strip()[:150])
        if changed:
            user.save(update_fields=changed)
        apply_role_map(user, claims)
