from django import forms
from django.utils.translation import gettext_lazy as _

from realise.benefits.forms import AmountField
from realise.collaborations.models import Collaboration
from realise.core.forms import GovukForm, choice_field, model_choice_field
from realise.core.versioning import VersionedFormMixin
from realise.knowledge.models import Lesson
from realise.organisations.models import Person
from realise.pipeline.models import Opportunity, OpportunityStatus

EDITABLE_STATUSES = [
    (value, label)
    for value, label in OpportunityStatus.choices
    if value != OpportunityStatus.INITIATIVE
]


# The estimates, read as the actuals forms read amounts: "£40,000" is 40000.
ESTIMATES = ("low", "most_likely", "high")


class OpportunityForm(VersionedFormMixin, GovukForm, forms.ModelForm):
    """Add or edit an opportunity. The model's `clean()` checks the range (low <= most
    likely <= high) and the reason for a rejection, for pages and API alike. The estimates
    take a pound sign and commas between thousands (`AmountField`)."""

    class Meta:
        model = Opportunity
        fields = [
            "title",
            "description",
            "source",
            "lesson",
            "unit",
            "low",
            "most_likely",
            "high",
            "years",
            "confidence",
            "owner",
            "status",
            "rejection_reason",
        ]
        field_classes = dict.fromkeys(ESTIMATES, AmountField)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "rejection_reason": forms.Textarea(attrs={"rows": 3}),
            # A text box, not a number box: a browser sends "£40,000" from a text box only.
            **dict.fromkeys(
                ESTIMATES,
                forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "spellcheck": "false",
                        "class": "govuk-input--width-10",
                    }
                ),
            ),
        }
        help_texts = {
            "low": _("Annual value, in the unit above."),
            "most_likely": _("Annual value, in the unit above."),
            "high": _("Annual value, in the unit above."),
        }

    def __init__(self, *args, user=None, collaboration: Collaboration | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if collaboration is not None:
            self.instance.collaboration = collaboration
        lessons = Lesson.objects.visible_to(user)
        if (
            self.instance.lesson_id is not None
            and not lessons.filter(pk=self.instance.lesson_id).exists()
        ):
            # Linked by someone who may see the lesson: kept as it is, neither shown nor
            # (by leaving the choice empty) undone by this editor.
            del self.fields["lesson"]
        else:
            model_choice_field(self, "lesson").queryset = lessons.order_by("title")
        model_choice_field(self, "owner").queryset = Person.objects.choosable_by(
            user, keeping=[self.instance.owner_id]
        ).order_by("name")
        if self.instance.initiative_id is not None:
            # It became an initiative: its status is fixed, the link is kept.
            del self.fields["status"]
            del self.fields["rejection_reason"]
        else:
            choice_field(self, "status").choices = EDITABLE_STATUSES
