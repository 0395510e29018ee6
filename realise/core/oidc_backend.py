"""Single sign-on: match a person signed in by the force's identity provider to their
Realise account, by e-mail address or user principal name.

Roles still come from memberships that an administrator grants: signing in gives no
access of its own.
"""

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from realise.core.oidc import login_names


class ForceSignOnBackend(OIDCAuthenticationBackend):
    """Entra ID puts the user principal name in the ID token, not in userinfo: use both."""

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
