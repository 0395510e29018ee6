"""Your account: who you are, and your API token (created, shown once, revoked)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from rest_framework.authtoken.models import Token


class AccountView(LoginRequiredMixin, TemplateView):
    template_name = "core/account.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["memberships"] = (
            user.memberships.select_related("force")
            .prefetch_related("collaborations")
            .order_by("role", "force__name")
        )
        context["token"] = Token.objects.filter(user=user).first()
        return context

    def post(self, request):
        action = request.POST.get("action")
        if action == "create":
            with transaction.atomic():
                Token.objects.filter(user=request.user).delete()
                token = Token.objects.create(user=request.user)
            response = self.render_to_response(self.get_context_data(new_key=token.key))
            add_never_cache_headers(response)
            return response
        if action == "revoke":
            deleted, _kinds = Token.objects.filter(user=request.user).delete()
            if deleted:
                messages.success(request, _("Your API token is revoked: it no longer works."))
        return redirect("account")
