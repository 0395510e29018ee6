from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count
from django.http import Http404
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from realise.core.permissions import (
    hidden_from,
    visible_benefits,
    visible_collaborations,
    visible_initiatives,
)


class ObjectPermissionMixin(PermissionRequiredMixin):
    """Object-level permission from core.permissions: 404 for whoever may not see the object
    at all (as if it did not exist), 403 for a reader who may see it but not do this, and
    the sign-in page for a visitor who could see it once signed in."""

    def handle_no_permission(self):
        user = self.request.user
        # A page behind sign-in sends every visitor to sign in first, whatever they asked
        # for, so that tells nothing about what exists.
        signing_in = not user.is_authenticated and isinstance(self, LoginRequiredMixin)
        if not signing_in and hidden_from(user, self.get_permission_object()):
            raise Http404("No such page.")
        self.raise_exception = user.is_authenticated
        return super().handle_no_permission()


class PostPermissionMixin(ObjectPermissionMixin):
    """The permission guards POST alone: any other method gets the view's usual answer (its
    page for whoever may see it, or 405) without the check."""

    def has_permission(self):
        return self.request.method != "POST" or super().has_permission()


class HomeView(TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_authenticated:
            context["counts"] = {
                "collaborations": visible_collaborations(user).count(),
                "initiatives": visible_initiatives(user).count(),
                "benefits": visible_benefits(user).count(),
            }
            context["collaborations"] = (
                visible_collaborations(user)
                .filter(parent__isnull=True)
                .annotate(initiative_count=Count("initiatives", distinct=True))
                .order_by("name")[:10]
            )
        return context
