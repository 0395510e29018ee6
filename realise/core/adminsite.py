"""The Django admin, for Realise administrators only.

Staff status alone opens nothing: the admin is for staff users who are also administrators
(the `administrator` role, or superusers). Everyone else is refused at its door, and within
it an administrator may view, add, change and delete whatever the model's admin allows
(derived tables and records written by a workflow are read only). Each app's `admin.py`
builds on the classes here.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from realise.core.permissions import access_for


def is_admin_user(user) -> bool:
    return bool(user.is_active and user.is_staff and access_for(user).administrator)


class RealiseAdminSite(admin.AdminSite):
    site_header = "Realise administration"
    site_title = "Realise administration"
    index_title = "Records"

    def has_permission(self, request):
        return is_admin_user(request.user)


class AdministratorsOnly:
    """Every right in the admin belongs to administrators (the site has checked already)."""

    def has_module_permission(self, request):
        return is_admin_user(request.user)

    def has_view_permission(self, request, obj=None):
        return is_admin_user(request.user)

    def has_add_permission(self, request, *args):
        return is_admin_user(request.user)

    def has_change_permission(self, request, obj=None):
        return is_admin_user(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_admin_user(request.user)


class DomainAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_per_page = 50


class DomainHistoryAdmin(AdministratorsOnly, SimpleHistoryAdmin):
    """For models that keep their history: the admin shows it."""

    list_per_page = 50


class ReadOnly:
    """Derived tables and records a workflow writes: seen here, changed only by Realise."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DomainInline(AdministratorsOnly, admin.TabularInline):
    extra = 0
