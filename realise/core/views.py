from rules.contrib.views import PermissionRequiredMixin


class ObjectPermissionMixin(PermissionRequiredMixin):
    """Object-level permission from core.permissions; 403 for the signed in, login for others."""

    def handle_no_permission(self):
        self.raise_exception = self.request.user.is_authenticated
        return super().handle_no_permission()


class PostPermissionMixin(ObjectPermissionMixin):
    """The permission guards POST alone: any other method gets the view's usual answer (its
    page for whoever may see it, or 405) without the check."""

    def has_permission(self):
        return self.request.method != "POST" or super().has_permission()
