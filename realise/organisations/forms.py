"""Forms for the people and access pages (GOV.UK markup through crispy-forms-gds)."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from realise.core.forms import DateInput, GovukForm
from realise.core.permissions import access_for
from realise.organisations import services
from realise.organisations.models import (
    Force,
    NetworkAccess,
    NetworkResource,
    Person,
    ResourceKind,
    Role,
    Topic,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def role_choices(by) -> list[tuple[str, "StrOrPromise"]]:
    """The roles `by` may grant (a programme team never grants administrator or inspector)."""
    if by is None or access_for(by).administrator:
        return list(Role.choices)
    return [
        (v, label) for v, label in Role.choices if v not in (Role.ADMINISTRATOR, Role.INSPECTOR)
    ]


def collaborations_for(by):
    """The collaborations `by` may grant roles within."""
    model = services.collaboration_model()
    access = access_for(by)
    if access.administrator:
        return model.objects.order_by("name")
    return model.objects.filter(pk__in=access.programme_collaborations).order_by("name")


class MembershipForm(GovukForm, forms.Form):
    """Grant a role, or change one (`membership` given)."""

    user = forms.CharField(
        label=_("User name"), max_length=150, help_text=_("Their Realise user name.")
    )
    role = forms.ChoiceField(label=_("Role"), widget=forms.RadioSelect)
    force = forms.ModelChoiceField(
        label=_("Force"),
        required=False,
        queryset=Force.objects.order_by("name"),
        empty_label=_("No force"),
        help_text=_("Needed for a force benefits lead. Administrators and inspectors need none."),
    )
    collaborations: "forms.ModelMultipleChoiceField[Any]" = forms.ModelMultipleChoiceField(
        label=_("Within these collaborations"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "And the collaborations nested in them. A programme team must name at least "
            "one of its own."
        ),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args, by, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.by, self.membership = by, membership
        self.fields["role"].choices = role_choices(by)
        self.fields["collaborations"].queryset = collaborations_for(by)
        if membership is not None:
            self.fields["user"].disabled = True
            self.initial.update(
                user=membership.user.username,
                role=membership.role,
                force=membership.force,
                collaborations=list(membership.collaborations.all()),
            )

    def clean_user(self):
        try:
            return services.user_named(self.cleaned_data["user"])
        except services.UnknownName as error:
            raise forms.ValidationError(str(error)) from None


class RevokeForm(GovukForm, forms.Form):
    reason = forms.CharField(
        label=_("Why is this role being revoked?"),
        max_length=500,
        help_text=_("Kept in the history and the audit trail."),
        error_messages={"required": _("Give the reason: it is kept in the history.")},
    )


class InviteForm(GovukForm, forms.Form):
    email = forms.EmailField(label=_("Email address"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role to grant"), widget=forms.RadioSelect)
    force = MembershipForm.base_fields["force"]
    collaborations: "forms.ModelMultipleChoiceField[Any]" = forms.ModelMultipleChoiceField(
        label=_("Within these collaborations"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        self.fields["role"].choices = role_choices(by)
        self.fields["collaborations"].queryset = collaborations_for(by)

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        refusal = services.refusal_to_invite(email, self.by)
        if refusal:
            raise forms.ValidationError(refusal)
        return email


class PersonForm(GovukForm, forms.Form):
    """Name a person who may never sign in, or change one (`person` given)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Enter the name of the person.")},
    )
    role_title = forms.CharField(
        label=_("Role or title (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example, Police and Crime Commissioner for Essex, or external auditor."),
    )
    force = forms.ModelChoiceField(
        label=_("Force (optional)"),
        required=False,
        queryset=Force.objects.order_by("name"),
        empty_label=_("No force"),
    )
    email = forms.EmailField(
        label=_("Email address (optional)"),
        max_length=254,
        required=False,
        help_text=_(
            "Reminders for what they own go to this address. Inviting it later links their "
            "new account to this person."
        ),
    )

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        if person is not None:
            self.initial.update(
                name=person.name,
                role_title=person.role_title,
                force=person.force,
                email=person.email,
            )

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        refusal = services.refusal_to_name(email, self.person)
        if refusal:
            raise forms.ValidationError(refusal)
        return email


class CoverForm(GovukForm, forms.Form):
    person = forms.ModelChoiceField(
        label=_("Who is away"), queryset=Person.objects.none(), help_text=_("The owner.")
    )
    deputy = forms.CharField(label=_("Deputy's user name"), max_length=150)
    starts = forms.DateField(label=_("First day"), widget=DateInput())
    ends = forms.DateField(label=_("Last day"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        access = access_for(by)
        if access.administrator or access.programme_collaborations:
            # Whom the reader may choose; the cover's own rule (`services.may_arrange_cover`)
            # then refuses people with records outside the collaborations a team runs.
            people = Person.objects.choosable_by(by).order_by("name")
        else:
            people = Person.objects.filter(user=by)
        self.fields["person"].queryset = people

    def clean_deputy(self):
        try:
            return services.user_named(self.cleaned_data["deputy"])
        except services.UnknownName as error:
            raise forms.ValidationError(str(error)) from None


# The network of people ------------------------------------------------------------------


class SharingForm(GovukForm, forms.Form):
    share_job_title = forms.BooleanField(label=_("Show my job title"), required=False)
    share_email = forms.BooleanField(label=_("Show my email address"), required=False)
    share_phone = forms.BooleanField(label=_("Show my phone number"), required=False)
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=30,
        help_text=_("Shown only if you choose to show your phone number."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics you lead for your force"),
        required=False,
        queryset=Topic.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Others find you in the directory by these topics."),
    )

    def clean(self):
        data = super().clean()
        if data.get("share_phone") and not (data.get("phone") or "").strip():
            self.add_error("phone", _("Enter the phone number to show, or do not share it."))
        return data


class NetworkResourceForm(GovukForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    url = forms.URLField(
        label=_("Address (web link)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("For guidance, a template or a link: where it can be read."),
    )
    lesson: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Or a lesson from the repository"),
        required=False,
        queryset=None,
        empty_label=_("No lesson"),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Lessons belong to the knowledge app, above this one: reached through the relation.
        lessons = NetworkResource._meta.get_field("lesson").related_model
        self.fields["lesson"].queryset = lessons.objects.visible_to(user).order_by("title")

    def clean(self):
        data = super().clean()
        if not data.get("url") and not data.get("lesson") and "url" not in self.errors:
            self.add_error("url", _("Give the address of the resource, or choose a lesson."))
        elif data.get("url") and data.get("lesson"):
            self.add_error("url", _("Give an address or a lesson, not both."))
        return data


class NetworkForm(GovukForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name for its address"),
        max_length=100,
        help_text=_("Letters, numbers and hyphens, e.g. fleet-managers."),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea,
        help_text=_("Who it is for and what it does."),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        required=False,
        queryset=Topic.objects.order_by("name"),
        empty_label=_("None"),
    )
    access = forms.ChoiceField(
        label=_("Who sees its members and resources"),
        choices=NetworkAccess.choices,
        widget=forms.RadioSelect,
        initial=NetworkAccess.OPEN,
    )
