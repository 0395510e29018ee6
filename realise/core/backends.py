"""Sign-in by password, with no rights of its own.

Realise's rights come from roles (`organisations.Membership`), checked by the rules in each
app's `rules.py` through django-rules' backend. Django's per-user and per-group model
permissions are never granted (the admin is for administrators, `core.adminsite`), so
asking for them could only answer no. Django's `ModelBackend` would still look them up,
with two queries for every user a rule refuses, on every page whose navigation asks
(`perms.core.view_auditrecord`). The backends here authenticate as Django's do and answer
no to every model permission at once.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class NoModelPermissions:
    """Answers no to every Django model permission, without a query."""

    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return False

    def has_module_perms(self, user_obj, app_label) -> bool:
        return False


class PasswordBackend(NoModelPermissions, ModelBackend):
    """A username and password, checked as Django's `ModelBackend` checks them."""
