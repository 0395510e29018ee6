from django.conf import settings
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from realise.core.errors import Refused


class ObjectPermissionMixin(PermissionRequiredMixin):
    """Object-level permission from core.permissions; 403 for the signed in (a page that says
    what was refused and who can grant access), login for others."""

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
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
