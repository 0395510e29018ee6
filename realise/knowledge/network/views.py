"""The network of people's pages: the directory (/people/), what you share
(/account/sharing/) and networks (/networks/). Signed-in users only; the rules are in
`knowledge.network`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from realise.knowledge import network
from realise.knowledge.filtersets import DirectoryFilter
from realise.organisations.forms import (
    NetworkForm,
    NetworkResourceForm,
    SharingForm,
)
from realise.organisations.models import Network, NetworkRole


class DirectoryView(LoginRequiredMixin, TemplateView):
    template_name = "knowledge/directory.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        chosen = DirectoryFilter(self.request.GET or None, network.directory_people(user))
        people = chosen.qs
        page = Paginator(people, self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(
            form=chosen.form,
            page=page,
            entries=network.entries(page.object_list, user),
            filtered=chosen.filtered,
        )
        return context


class SharingView(LoginRequiredMixin, FormView):
    template_name = "knowledge/sharing.html"
    form_class = SharingForm

    @cached_property
    def person(self):
        return network.person_for(self.request.user)

    def get_initial(self):
        sharing = network.sharing_of(self.person) if self.person else None
        if sharing is None:
            return {}
        return {
            "share_email": sharing.share_email,
            "share_phone": sharing.share_phone,
            "share_job_title": sharing.share_job_title,
            "phone": sharing.phone,
            "topics": list(sharing.topics.all()),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["person"] = self.person
        return context

    def form_valid(self, form):
        try:
            sharing = network.save_sharing(self.request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
            return self.form_invalid(form)
        shown = [
            label
            for flag, label in [
                (sharing.share_job_title, _("your job title")),
                (sharing.share_email, _("your email address")),
                (sharing.share_phone, _("your phone number")),
            ]
            if flag
        ]
        topics = ", ".join(t.name for t in sharing.topics.order_by("name"))
        details = ", ".join(shown) if shown else _("none of your contact details")
        if topics:
            text = _("Saved. The directory now shows %(details)s, and that you lead: %(topics)s.")
        else:
            text = _("Saved. The directory now shows %(details)s, and no topics you lead.")
        text %= {"details": details, "topics": topics}
        messages.success(self.request, text)
        return redirect("account-sharing")


class NetworkListView(LoginRequiredMixin, TemplateView):
    template_name = "knowledge/network_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["networks"] = network.networks_for(user)
        context["mine"] = set(user.network_memberships.values_list("network_id", flat=True))
        context["may_start"] = user.has_perm("organisations.add_network")
        return context


def _errors_to_form(form, error: ValidationError) -> None:
    for name, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


class NetworkCreateView(LoginRequiredMixin, FormView):
    template_name = "knowledge/network_form.html"
    form_class = NetworkForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("organisations.add_network"):
            raise PermissionDenied(_("Only administrators and programme teams start networks."))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            created = network.start_network(self.request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Started %(name)s. You are its coordinator: add its resources.")
            % {"name": created.name},
        )
        return redirect(created.get_absolute_url())


class NetworkMixin(LoginRequiredMixin):
    request: HttpRequest
    kwargs: Any

    @cached_property
    def network(self) -> Network:
        return get_object_or_404(network.networks_for(self.request.user), slug=self.kwargs["slug"])


class NetworkDetailView(NetworkMixin, TemplateView):
    template_name = "knowledge/network_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        members = network.members_for(self.network, user)
        for member in members:
            member.name = network.display_name(member.user)
        role = network.role_in(self.network, user)
        context.update(
            network=self.network,
            role=role,
            role_label=NetworkRole(role).label if role else "",
            may_see_inside=network.may_see_inside(self.network, user),
            members=members,
            resources=network.resources_for(self.network, user),
            may_add=network.may_add_resource(self.network, user),
        )
        return context


class NetworkJoinView(NetworkMixin, View):
    """POST: join (or, with `leave`, leave) the network."""

    leave = False

    def post(self, request, slug):
        names = {"network": self.network.name}
        if self.leave:
            left = network.leave(self.network, request.user)
            if left.successor is not None:
                names["person"] = network.display_name(left.successor.user)
                messages.success(
                    request, _("You have left %(network)s. %(person)s now coordinates it.") % names
                )
            elif left.was_member:
                messages.success(request, _("You have left %(network)s.") % names)
        elif network.join(self.network, request.user):
            messages.success(request, _("You have joined %(network)s.") % names)
        else:
            messages.info(request, _("You are already a member of %(network)s.") % names)
        return redirect(self.network.get_absolute_url())


class NetworkResourceCreateView(NetworkMixin, FormView):
    template_name = "knowledge/network_resource_form.html"
    form_class = NetworkResourceForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not network.may_add_resource(
            self.network, request.user
        ):
            raise PermissionDenied(
                _("Only the network's coordinators and administrators add resources.")
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "network": self.network}

    def form_valid(self, form):
        try:
            resource = network.add_resource(self.network, self.request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Added “%(title)s” to %(name)s.")
            % {"title": resource.title, "name": self.network.name},
        )
        return redirect(self.network.get_absolute_url())
