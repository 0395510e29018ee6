from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from realise.core.errors import Refused
from realise.core.permissions import hidden_from


class ObjectPermissionMixin(PermissionRequiredMixin):
    """Object-level permission from the apps' rules: 404 for whoever may not see the object
    at all (as if it did not exist), 403 for a reader who may see it but not do this (a page
    that says what was refused and who can grant access), and the sign-in page for a visitor
    who could see it once signed in."""

    def handle_no_permission(self):
        user = self.request.user
        # A page behind sign-in sends every visitor to sign in first, whatever they asked
        # for, so that tells nothing about what exists.
        signing_in = not user.is_authenticated and isinstance(self, LoginRequiredMixin)
        if not signing_in and hidden_from(user, self.get_permission_object()):
            raise Http404("No such page.")
        if not user.is_authenticated:
            return super().handle_no_permission()
        try:
            obj = self.get_permission_object()
        except Exception:  # noqa: BLE001 - the refusal stands without its object
            obj = None
        permissions = self.get_permission_required()
        raise Refused(
            self.get_permission_denied_message(),  # the view's own words, if it has them
            obj=obj,
            permission=permissions[0] if permissions else "",
        )


class PostPermissionMixin(ObjectPermissionMixin):
    """The permission guards POST alone: any other method gets the view's usual answer (its
    page for whoever may see it, or 405) without the check."""

    def has_permission(self):
        return self.request.method != "POST" or super().has_permission()


class CookiesView(TemplateView):
    """The cookies Realise sets, with their names and lifetimes taken from the settings."""

    template_name = "core/cookies.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            session_cookie=settings.SESSION_COOKIE_NAME,
            session_days=settings.SESSION_COOKIE_AGE // 86400,
            csrf_cookie=settings.CSRF_COOKIE_NAME,
            csrf_days=(settings.CSRF_COOKIE_AGE or 0) // 86400,
        )
        return context
