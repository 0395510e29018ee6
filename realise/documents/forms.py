"""Forms for highlight reports, downloads of documents and closing an initiative.

The closure forms accept blanks: the closure service decides what is missing and names
each item, so the page shows one list of problems whatever was left out.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from realise.collaborations.models import Stage
from realise.core.forms import DateInput, GovukForm, MonthField
from realise.documents.board_pack import meeting_date_problem
from realise.documents.highlight import month_problem
from realise.documents.models import Marking
from realise.documents.render import DOCX, PDF
from realise.documents.services import ClosurePlan, HandoverInput, LessonInput
from realise.knowledge.models import Theme
from realise.organisations.models import Person

FORMAT_CHOICES = [(PDF, "PDF"), (DOCX, _("Word (.docx)"))]


class MarkingField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Protective marking"))
        kwargs.setdefault("choices", Marking.choices)
        kwargs.setdefault("initial", Marking.OFFICIAL)
        kwargs.setdefault("widget", forms.RadioSelect)
        kwargs.setdefault(
            "help_text", _("Printed at the top and bottom of every page of the document.")
        )
        super().__init__(**kwargs)


class HighlightReportForm(GovukForm, forms.Form):
    progress = forms.CharField(
        label=_("Progress this month"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What moved on since last month. Leave a blank line between paragraphs."),
    )
    issues = forms.CharField(
        label=_("Issues and risks"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    decisions_needed = forms.CharField(
        label=_("Decisions needed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Decisions asked of the governance bodies; they appear in board packs."),
    )
    next_steps = forms.CharField(
        label=_("Next steps"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    marking = MarkingField()


class HighlightMonthForm(GovukForm, forms.Form):
    """Which month's report to show (a GET form)."""

    month = MonthField(label=_("Month reported on"), help_text=_("For example 2026-10."))

    def clean_month(self):
        month = self.cleaned_data["month"]
        problem = month_problem(month)
        if problem:
            raise forms.ValidationError(problem)
        return month


class DownloadForm(GovukForm, forms.Form):
    """How a document is downloaded (a GET form)."""

    format = forms.ChoiceField(
        label=_("Format"), choices=FORMAT_CHOICES, initial=PDF, widget=forms.RadioSelect
    )
    marking = MarkingField()


class BoardPackForm(DownloadForm):
    date = forms.DateField(
        label=_("Meeting date"),
        widget=DateInput(),
        help_text=_(
            "The agenda is the body's meeting on this day. Figures are as at this day, or as "
            "at today for a meeting still to come."
        ),
    )
    field_order = ["date", "format", "marking"]

    def clean_date(self):
        day = self.cleaned_data["date"]
        problem = meeting_date_problem(day)
        if problem:
            raise forms.ValidationError(problem, code="out_of_range")
        return day


# Closure -------------------------------------------------------------------------------------


def given(form: forms.Form) -> dict:
    """The values of a bound form that are of the right kind, even when others are not: a
    date that is not one is named once, as such, and is not also taken for everything else
    on the form left blank."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


class ClosureForm(GovukForm, forms.Form):
    confirm_realised = forms.BooleanField(
        label=_("I confirm these figures as the level of benefits realised"),
        required=False,
    )
    review_date = forms.DateField(
        label=_("Date of the post-implementation review"),
        required=False,
        widget=DateInput(),
        help_text=_("Usually 6 to 12 months after closure."),
    )
    summary = forms.CharField(
        label=_("Closing summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional: what the initiative delivered, in a few sentences."),
    )
    marking = MarkingField(
        required=False,
        help_text=_(
            "Printed on every page of the closure report. OFFICIAL-SENSITIVE reports, "
            "and the lessons with them, are seen only by the collaboration's own forces."
        ),
    )


class LessonForm(GovukForm, forms.Form):
    title = forms.CharField(
        label=_("The lesson in one line"),
        max_length=200,
        required=False,
        help_text=_("Optional: the first line of what happened is used otherwise."),
    )
    theme = forms.ChoiceField(
        choices=[("", _("Choose a theme")), *Theme.choices], required=False, label=_("Theme")
    )
    stage = forms.TypedChoiceField(
        label=_("Stage it was learned at"),
        choices=[("", _("The initiative's current stage")), *Stage.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    what_happened = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    what_to_repeat = forms.CharField(
        label=_("What to repeat"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    what_to_avoid = forms.CharField(
        label=_("What to avoid"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    recommendation = forms.CharField(
        label=_("Recommendation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def lesson(self) -> LessonInput:
        data = given(self)
        return LessonInput(
            title=data.get("title", ""),
            theme=data.get("theme", ""),
            stage=data.get("stage"),
            what_happened=data.get("what_happened", ""),
            what_to_repeat=data.get("what_to_repeat", ""),
            what_to_avoid=data.get("what_to_avoid", ""),
            recommendation=data.get("recommendation", ""),
        )


LessonFormSet = forms.formset_factory(LessonForm, extra=0, min_num=2, max_num=50)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        text = obj.name
        if obj.role_title:
            text += f", {obj.role_title}"
        if obj.force_id:
            text += f" ({obj.force.name})"
        return text


class HandoverForm(GovukForm, forms.Form):
    """One outstanding benefit's hand-over to business as usual."""

    bau_owner = PersonChoiceField(
        label=_("Owner in business as usual"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Choose a person"),
    )
    measurement_owner = PersonChoiceField(
        label=_("Measurement owner"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("The owner in business as usual"),
        help_text=_("Who records the actuals from now on."),
    )
    continuing_measures = forms.CharField(
        label=_("Measures that continue"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, benefit, user, **kwargs):
        kwargs.setdefault("prefix", f"handover-{benefit.pk}")
        super().__init__(*args, **kwargs)
        self.benefit = benefit
        # The benefit's owners as they stand are kept: the hand-over may leave them in place.
        people = (
            Person.objects.choosable_by(
                user, keeping=[benefit.owner_id, benefit.measurement_owner_id]
            )
            .select_related("force")
            .order_by("name")
        )
        self.fields["bau_owner"].queryset = people
        self.fields["measurement_owner"].queryset = people
        if benefit.measure:
            self.fields["continuing_measures"].help_text = _("Measured until now: %(measure)s") % {
                "measure": benefit.measure
            }

    def handover(self) -> HandoverInput:
        data = given(self)
        return HandoverInput(
            bau_owner=data.get("bau_owner"),
            measurement_owner=data.get("measurement_owner"),
            continuing_measures=data.get("continuing_measures", ""),
        )


def closure_plan(
    form: ClosureForm, lessons, handovers: list[HandoverForm], today: datetime.date
) -> ClosurePlan:
    data = given(form)
    return ClosurePlan(
        lessons=[lesson_form.lesson() for lesson_form in lessons.forms],
        handovers={item.benefit.pk: item.handover() for item in handovers},
        review_date=data.get("review_date"),
        realised_confirmed=bool(data.get("confirm_realised")),
        summary=data.get("summary", ""),
        closed_on=today,
        marking=data.get("marking") or Marking.OFFICIAL,
    )
