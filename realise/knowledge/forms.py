from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from realise.collaborations.models import Collaboration, Function, Initiative, Stage
from realise.core.forms import DateInput, GovukForm
from realise.core.language import lazy_format
from realise.core.permissions import access_for
from realise.knowledge.extract import ALLOWED_DESCRIPTION
from realise.knowledge.indexing import kinds
from realise.knowledge.models import Document, Lesson, Theme
from realise.knowledge.search import SearchFilters
from realise.organisations.models import Force, Person, Region

# The largest upload, in the language of the page that shows it.
UPLOAD_LIMIT = lazy(filesizeformat, str)(settings.REALISE_UPLOAD_MAX_BYTES)


def editable_collaborations(user):
    """Collaborations whose repository `user` may add to."""
    access = access_for(user)
    if access.administrator:
        return Collaboration.objects.all()
    return Collaboration.objects.filter(pk__in=access.programme_collaborations)


class RepositoryItemForm(GovukForm, forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        collaborations = editable_collaborations(user)
        if self.instance.pk:
            collaborations = collaborations | Collaboration.objects.filter(
                pk=self.instance.collaboration_id
            )
        self.fields["collaboration"].queryset = collaborations.distinct().order_by("name")
        self.fields["initiative"].queryset = Initiative.objects.filter(
            collaboration__in=self.fields["collaboration"].queryset
        ).select_related("collaboration")
        self.fields["initiative"].label_from_instance = lambda initiative: (
            f"{initiative.name} ({initiative.collaboration.name})"
        )

    def clean(self):
        data = super().clean()
        collaboration, initiative = data.get("collaboration"), data.get("initiative")
        if collaboration and initiative and initiative.collaboration_id != collaboration.pk:
            self.add_error(
                "initiative",
                _("%(initiative)s is not an initiative of %(collaboration)s.")
                % {"initiative": initiative, "collaboration": collaboration},
            )
        return data


class LessonForm(RepositoryItemForm):
    class Meta:
        model = Lesson
        fields = [
            "collaboration",
            "initiative",
            "title",
            "theme",
            "stage",
            "what_happened",
            "what_to_repeat",
            "what_to_avoid",
            "recommendation",
            "author",
            "date",
            "visibility",
        ]
        widgets = {
            "what_happened": forms.Textarea(attrs={"rows": 4}),
            "what_to_repeat": forms.Textarea(attrs={"rows": 3}),
            "what_to_avoid": forms.Textarea(attrs={"rows": 3}),
            "recommendation": forms.Textarea(attrs={"rows": 3}),
            "date": DateInput(),
        }
        help_texts = {
            "visibility": _(
                "Private: only the collaboration's own forces. Policing: any signed-in "
                "user. Public: anyone. A lesson is never shown more widely than its collaboration."
            )
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["author"].queryset = Person.objects.choosable_by(
            user, keeping=[self.instance.author_id]
        ).order_by("name")


class DocumentForm(RepositoryItemForm):
    file = forms.FileField(
        label=_("File"),
        help_text=lazy_format(
            _("%(allowed)s; at most %(size)s. Its type is checked by its content."),
            allowed=ALLOWED_DESCRIPTION,
            size=UPLOAD_LIMIT,
        ),
    )
    note = forms.CharField(required=False, max_length=300, label=_("Version note"))

    class Meta:
        model = Document
        fields = [
            "collaboration",
            "initiative",
            "kind",
            "stage",
            "title",
            "description",
            "visibility",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class DocumentEditForm(RepositoryItemForm):
    class Meta:
        model = Document
        fields = [
            "collaboration",
            "initiative",
            "kind",
            "stage",
            "title",
            "description",
            "visibility",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class VersionForm(GovukForm, forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=lazy_format(
            _("%(allowed)s; at most %(size)s."), allowed=ALLOWED_DESCRIPTION, size=UPLOAD_LIMIT
        ),
    )
    note = forms.CharField(
        required=False,
        max_length=300,
        label=_("What changed"),
        help_text=_("For the version history."),
    )


class SearchForm(GovukForm, forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=500,
        error_messages={
            "max_length": _(
                "Search for at most %(limit_value)d characters (you typed %(show_value)d)."
            )
        },
    )
    type = forms.MultipleChoiceField(
        label=_("Type"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    force = forms.ModelChoiceField(
        label=_("Force"),
        queryset=Force.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Any force"),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Any region"),
    )
    function = forms.ChoiceField(
        label=_("Function"), required=False, choices=[("", _("Any function")), *Function.choices]
    )
    theme = forms.ChoiceField(
        label=_("Lesson theme"), required=False, choices=[("", _("Any theme")), *Theme.choices]
    )
    stage = forms.TypedChoiceField(
        label=_("Stage"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any stage")), *Stage.choices],
    )
    date_from = forms.DateField(label=_("From date"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To date"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = kinds()

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The to date must be on or after the from date."))
        return data

    def filters(self):
        data = self.cleaned_data
        return SearchFilters(
            kinds=data.get("type") or [],
            force=data["force"].slug if data.get("force") else "",
            region=data["region"].slug if data.get("region") else "",
            function=data.get("function") or "",
            theme=data.get("theme") or "",
            stage=data.get("stage"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
