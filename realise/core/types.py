"""Types the apps share in their annotations."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

# Who asks for a change or a read: a signed-in user, or an anonymous visitor (whose
# permission checks refuse).
Actor: TypeAlias = User | AnonymousUser
