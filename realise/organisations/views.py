"""People and access pages under /access/: memberships (grant, change, revoke), users
(deactivate), named people (add, change), invitations and cover; and the invitee's page to
choose a password.

Every change goes through `organisations.services`, as the API and the command line do.
"""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from django_tables2 import SingleTableMixin

from realise.core import language
from realise.core.forms import GovukSetPasswordForm
from realise.core.models import AuditRecord
from realise.core.paging import LastPageMixin
from realise.core.permissions import ACCOUNT_KIND, access_for
from realise.core.types import signed_in_user
from realise.organisations import forms, services
from realise.organisations.filtersets import AccessFilter, PeopleFilter
from realise.organisations.models import Invitation, InvitationStatus, Membership, Person, Role
from realise.organisations.rules import may_read_email

# Rows on each page of the lists of invitations and cover.
PAGE_SIZE = 50


class AccessMixin(LoginRequiredMixin):
    """For whoever manages access: administrators and programme teams (others: 403).
    `permission` is the rule a page needs, the one the API checks for the same records."""

    permission = "organisations.add_membership"
    refusal = _("Only administrators and a collaboration's programme team manage access.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.permission):
            raise PermissionDenied(self.refusal)
        return super().dispatch(request, *args, **kwargs)


def _refusal(form, error) -> None:
    """A service's refusal on the form: on the field it names, else at the top."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error))
        return
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


# Memberships ------------------------------------------------------------------------------------


class MembershipTable(tables.Table):
    user = tables.Column(
        verbose_name=_("User"), accessor="user__username", order_by="user__username"
    )
    role = tables.Column(verbose_name=_("Role"))
    force = tables.Column(verbose_name=_("Force"), default="–")
    collaborations = tables.Column(verbose_name=_("Within"), empty_values=(), orderable=False)
    actions = tables.TemplateColumn(
        verbose_name=_("Actions"),
        template_name="organisations/_membership_actions.html",
        orderable=False,
    )

    class Meta:
        model = Membership
        fields = ["user", "role", "force", "collaborations"]
        order_by = "user"
        empty_text = _("No roles match.")

    def render_collaborations(self, record):
        seen = services.seen_collaborations(record, self.request.user)
        return ", ".join(c.name for c in seen) or "–"


class AccessListView(AccessMixin, SingleTableMixin, TemplateView):
    template_name = "organisations/access_list.html"
    table_class = MembershipTable
    paginate_by = 50

    @cached_property
    def filterset(self):
        return AccessFilter(
            self.request.GET or None,
            services.manageable_memberships(signed_in_user(self.request)),
            request=self.request,
        )

    def get_table_data(self):
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.filterset.form
        context["administrator"] = access_for(self.request.user).administrator
        return context


class GrantView(AccessMixin, FormView):
    template_name = "organisations/membership_form.html"
    form_class = forms.MembershipForm
    extra_context = {"page_title": _("Grant a role")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "by": self.request.user}

    def get_initial(self):
        return {"user": self.request.GET.get("user", "")}

    def form_valid(self, form):
        data = form.cleaned_data
        chosen = list(data["collaborations"])
        try:
            changed = False
            # Within every collaboration chosen, or none: a refusal for one grants nothing.
            with transaction.atomic():
                for collaboration in chosen or [None]:
                    outcome = services.grant(
                        user=data["user"],
                        role=data["role"],
                        force=data["force"],
                        collaboration=collaboration,
                        by=self.request.user,
                        reason=data["reason"],
                    )
                    changed = changed or outcome.changed
        except (ValidationError, PermissionDenied) as error:
            _refusal(form, error)
            return self.form_invalid(form)
        who = role_words(data["user"], data["role"], data["force"], chosen)
        messages.success(
            self.request,
            (_("Granted: %(who)s.") if changed else _("Already held: %(who)s.")) % {"who": who},
        )
        return redirect(reverse("access-list") + f"?user={data['user'].username}")


def role_words(user, role: str, force, collaborations) -> str:
    """A role as the page's banners name it, in the page's language: "bob: Force benefits
    lead, Essex, Essex and Kent Serious Crime" (the command line words its own)."""
    parts = [f"{user.get_username()}: {Role(role).label}"]
    if force is not None:
        parts.append(language.force_name(force))
    parts += [collaboration.name for collaboration in collaborations]
    return ", ".join(str(part) for part in parts)


def membership_words(membership: Membership, reader) -> str:
    return role_words(
        membership.user,
        membership.role,
        membership.force,
        sorted(services.seen_collaborations(membership, reader), key=lambda c: c.name),
    )


class MembershipMixin(AccessMixin):
    """The membership named in the address, among those the user manages (else 404)."""

    request: HttpRequest
    kwargs: Any

    @cached_property
    def membership(self) -> Membership:
        return get_object_or_404(
            services.manageable_memberships(signed_in_user(self.request)), pk=self.kwargs["pk"]
        )


class MembershipChangeView(MembershipMixin, FormView):
    template_name = "organisations/membership_form.html"
    form_class = forms.MembershipForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "by": self.request.user,
            "membership": self.membership,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=_("Change %(name)s's role") % {"name": self.membership.user.username},
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            outcome = services.change(
                self.membership,
                role=data["role"],
                force=data["force"],
                collaborations=data["collaborations"],
                by=self.request.user,
                reason=data["reason"],
            )
        except (ValidationError, PermissionDenied) as error:
            _refusal(form, error)
            return self.form_invalid(form)
        membership = outcome.membership or self.membership
        who = membership_words(membership, self.request.user)
        messages.success(self.request, _("Changed: %(who)s.") % {"who": who})
        return redirect("access-list")


class MembershipRevokeView(MembershipMixin, FormView):
    template_name = "organisations/membership_revoke.html"
    form_class = forms.RevokeForm

    def get_context_data(self, **kwargs):
        seen = services.seen_collaborations(self.membership, self.request.user)
        return super().get_context_data(membership=self.membership, seen=seen, **kwargs)

    def form_valid(self, form):
        who = membership_words(self.membership, self.request.user)  # before it goes
        try:
            services.remove(
                self.membership, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            _refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Revoked: %(who)s.") % {"who": who})
        return redirect("access-list")


# Users --------------------------------------------------------------------------------------------


# The latest changes to an account shown on its page; the audit trail holds them all.
ACCOUNT_CHANGES_SHOWN = 10


class UserView(AccessMixin, TemplateView):
    """One user: their roles (those the viewer manages), and deactivation (administrators)."""

    template_name = "organisations/user_detail.html"

    @cached_property
    def person(self):
        user = get_object_or_404(get_user_model(), username=self.kwargs["username"])
        if access_for(self.request.user).administrator:
            return user
        if (
            not services.manageable_memberships(signed_in_user(self.request))
            .filter(user=user)
            .exists()
        ):
            raise Http404
        return user

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["person"] = self.person
        reader = signed_in_user(self.request)
        memberships = list(services.manageable_memberships(reader).filter(user=self.person))
        for membership in memberships:
            membership.seen = services.seen_collaborations(membership, reader)
        context["memberships"] = memberships
        context["administrator"] = access_for(self.request.user).administrator
        if context["administrator"]:
            context["account_changes"] = AuditRecord.objects.filter(
                model=ACCOUNT_KIND, object_id=str(self.person.pk)
            )[:ACCOUNT_CHANGES_SHOWN]
        return context

    def post(self, request, username):
        active = request.POST.get("action") == "reactivate"
        try:
            services.set_active(self.person, active, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("access-user", username=username)
        messages.success(request, services.activation_message(username, active))
        return redirect("access-user", username=username)


# Named people -------------------------------------------------------------------------------------


class PeopleMixin(AccessMixin):
    """For whoever may name people, by the rule the people API checks (`add_person`)."""

    permission = "organisations.add_person"
    refusal = _("Only administrators and programme teams name people.")


class PersonTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"))
    role_title = tables.Column(verbose_name=_("Role or title"), default="–")
    force = tables.Column(verbose_name=_("Force"), default="–", order_by="force__name")
    email = tables.Column(verbose_name=_("Email"), empty_values=(), orderable=False)
    account = tables.Column(
        verbose_name=_("Account"), accessor="user_id", empty_values=(), orderable=False
    )
    actions = tables.TemplateColumn(
        verbose_name=_("Actions"),
        template_name="organisations/_person_actions.html",
        orderable=False,
    )

    class Meta:
        model = Person
        fields = ["name", "role_title", "force"]
        order_by = "name"

    def render_email(self, record):
        if record.email and may_read_email(self.request.user, record):
            return record.email
        return "–"

    def render_account(self, record):
        user = record.user
        if user is None:
            return _("No account")
        invitation = getattr(user, "invitation", None)
        # An invitee's account is inactive until they accept: it is theirs, not deactivated.
        invited = invitation is not None and invitation.status == InvitationStatus.PENDING
        if user.is_active or invited:
            return _("Has an account")
        return _("Account deactivated")


class PeopleListView(PeopleMixin, SingleTableMixin, TemplateView):
    template_name = "organisations/person_list.html"
    table_class = PersonTable
    paginate_by = 50

    @cached_property
    def filterset(self):
        # The people this reader may choose, as the forms and the people API offer them
        # (`Person.objects.choosable_by`): everyone for an administrator.
        people = Person.objects.choosable_by(self.request.user).select_related(
            "force", "sharing", "user__invitation"
        )
        return PeopleFilter(self.request.GET or None, people, request=self.request)

    def get_table_data(self):
        return self.filterset.qs

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        filtered = self.filterset.is_bound and self.request.GET.keys() - {"page", "sort"}
        nobody = _("No one matches these filters.") if filtered else _("No one is named yet.")
        table.empty_text = nobody
        return table

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.filterset.form, **kwargs)


class PersonFormView(PeopleMixin, FormView):
    """Name a person (no `pk` in the address) or change one."""

    template_name = "organisations/person_form.html"
    form_class = forms.PersonForm

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs:
            self.permission = "organisations.change_person"
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def person(self) -> Person | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(
            Person.objects.choosable_by(self.request.user), pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.person}

    def get_context_data(self, **kwargs):
        if self.person is None:
            title = _("Name a person")
        else:
            title = _("Change %(name)s") % {"name": self.person.name}
        return super().get_context_data(page_title=title, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            if self.person is None:
                person = services.name_person(**data, by=self.request.user)
                done = _("Named: %(person)s.")
            else:
                person = services.change_person(self.person, **data, by=self.request.user)
                done = _("Changed: %(person)s.")
        except (ValidationError, PermissionDenied) as error:
            _refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, done % {"person": person})
        return redirect(reverse("people-list") + "?" + urlencode({"name": person.name}))


# Invitations --------------------------------------------------------------------------------------


class InvitationListView(AccessMixin, LastPageMixin, ListView):
    template_name = "organisations/invitation_list.html"
    context_object_name = "invitations"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return services.invitations_for(self.request.user).order_by("-sent_at", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(days=services.invitation_days(), **kwargs)


class InviteView(AccessMixin, FormView):
    template_name = "organisations/invite_form.html"
    form_class = forms.InviteForm
    extra_context = {"page_title": _("Invite someone")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "by": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            invitation = services.invite(
                email=data["email"],
                role=data["role"],
                force=data["force"],
                collaborations=data["collaborations"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                by=self.request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            _refusal(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Invitation sent to %(email)s (user name %(name)s).")
            % {"email": invitation.email, "name": invitation.user.username},
        )
        return redirect("invitation-list")


class InvitationActionView(AccessMixin, View):
    """Resend or withdraw (POST only)."""

    def post(self, request, pk, action):
        invitation = get_object_or_404(services.invitations_for(request.user), pk=pk)
        act = {"resend": services.resend, "withdraw": services.withdraw}.get(action)
        if act is None:
            raise Http404
        try:
            act(invitation, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("invitation-list")
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("invitation-list")
        if action == "resend":
            done = _("Invitation to %(email)s sent again.")
        else:
            done = _("Invitation to %(email)s withdrawn.")
        messages.success(request, done % {"email": invitation.email})
        return redirect("invitation-list")


class AcceptInvitationView(FormView):
    """The invitee chooses a password; a used, withdrawn or expired link is refused."""

    template_name = "organisations/invitation_accept.html"
    form_class = GovukSetPasswordForm

    @cached_property
    def invitation(self) -> Invitation | None:
        return services.pending_invitation(self.kwargs["uidb64"], self.kwargs["token"])

    def dispatch(self, request, *args, **kwargs):
        if self.invitation is None:
            response = self.response_class(
                request=request,
                template="organisations/invitation_invalid.html",
                context={"days": services.invitation_days()},
                status=410,
            )
            return response
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.invitation.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(invitation=self.invitation, **kwargs)

    def form_valid(self, form):
        services.accept(self.invitation, form.cleaned_data["new_password1"])
        messages.success(
            self.request,
            _("Your password is set. Sign in as %(name)s.")
            % {"name": self.invitation.user.username},
        )
        return redirect("login")


# Cover --------------------------------------------------------------------------------------------


class CoverListView(LoginRequiredMixin, LastPageMixin, ListView):
    template_name = "organisations/cover_list.html"
    context_object_name = "covers"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return services.covers_for(self.request.user).order_by("-starts", "pk")


class CoverCreateView(LoginRequiredMixin, FormView):
    """Name a deputy; someone with no one to choose (no named person of their own) is told
    why and what to do instead of being shown an empty list."""

    template_name = "organisations/cover_form.html"
    form_class = forms.CoverForm
    extra_context = {"page_title": _("Name a deputy")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "by": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        access = access_for(self.request.user)
        context["nobody"] = not context["form"].fields["person"].queryset.exists()
        context["manages_people"] = access.administrator or bool(access.programme_collaborations)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            cover = services.name_deputy(**data, by=self.request.user)
        except (ValidationError, PermissionDenied) as error:
            _refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Cover arranged: %(cover)s.") % {"cover": cover})
        return redirect("cover-list")


class CoverEndView(LoginRequiredMixin, View):
    def post(self, request, pk):
        cover = get_object_or_404(services.covers_for(request.user), pk=pk)
        try:
            services.end_cover(cover, by=request.user)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("cover-list")
        messages.success(request, _("Cover ended."))
        return redirect("cover-list")
