import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from realise.benefits.models import Benefit
from realise.collaborations.models import Initiative, Stage
from realise.core.forms import DateInput, GovukForm, choice_field, model_choice_field
from realise.core.models import Visibility
from realise.governance.models import (
    BodyMember,
    Cadence,
    CorporationSole,
    EscalationKind,
    GovernanceBody,
    Meeting,
    MeetingStatus,
    PostImplementationReview,
    day_range_problem,
)
from realise.governance.services import (
    VISIBILITY_RANK,
    action_due_problem,
    collaboration_tree,
    meeting_date_problem,
    meeting_day_problem,
)
from realise.organisations.models import Person

GATE_STAGES = [(value, label) for value, label in Stage.choices if value >= 1]


class GovernanceBodyForm(GovukForm, forms.ModelForm):
    decides_stages = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Stage gates this body decides"),
        choices=GATE_STAGES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Initiatives waiting to enter these stages appear on its agendas."),
    )

    class Meta:
        model = GovernanceBody
        fields = [
            "name",
            "slug",
            "body_type",
            "cadence",
            "every_weeks",
            "meets_from",
            "meeting_time",
            "meeting_minutes",
            "location",
            "chair",
            "escalates_to",
            "decides_stages",
            "terms_of_reference",
            "visibility",
        ]
        help_texts = {
            "slug": gettext_lazy("A short name for web addresses, e.g. 7f-programme-board.")
        }
        widgets = {
            "meets_from": DateInput(),
            "terms_of_reference": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, collaboration, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.collaboration = collaboration
        related = {collaboration.pk, *(c.pk for c in collaboration.ancestors())}
        bodies = GovernanceBody.objects.filter(collaboration_id__in=related)
        if user is not None:  # never offer a body the person may not see
            bodies = bodies.filter(pk__in=GovernanceBody.objects.visible_to(user).values("pk"))
        if self.instance.pk:
            bodies = bodies.exclude(pk=self.instance.pk)
        self.fields["escalates_to"].queryset = bodies
        self.fields["chair"].queryset = Person.objects.choosable_by(
            user, keeping=[self.instance.chair_id]
        ).order_by("name")
        # Usual time and length: left empty, they keep the body's (or the default) values.
        for name in ("meeting_time", "meeting_minutes"):
            self.fields[name].required = False

    def _usual(self, name):
        value = self.cleaned_data.get(name)
        if value is None:
            value = getattr(self.instance, name)
        return value

    def clean_meeting_time(self):
        return self._usual("meeting_time")

    def clean_meeting_minutes(self):
        return self._usual("meeting_minutes")

    def clean_escalates_to(self):
        target = self.cleaned_data.get("escalates_to")
        node, seen = target, set()
        while node is not None and node.pk not in seen:
            if self.instance.pk and node.pk == self.instance.pk:
                raise ValidationError(_("A body cannot escalate, directly or not, to itself."))
            seen.add(node.pk)
            node = node.escalates_to
        return target

    def clean(self):
        data = super().clean()
        if (
            data.get("cadence") not in (None, "ad_hoc")
            and not data.get("meets_from")
            and not self.has_error("meets_from")
        ):
            self.add_error("meets_from", _("Give the date of the first meeting of a regular body."))
        if data.get("cadence") == Cadence.WEEKS and not data.get("every_weeks"):
            self.add_error("every_weeks", _("Give the number of weeks between meetings."))
        return data


class BodyMemberForm(GovukForm, forms.ModelForm):
    class Meta:
        model = BodyMember
        fields = ["person", "represents_kind", "represents_force", "represents_other"]

    def __init__(self, *args, body, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body
        self.fields["person"].queryset = (
            Person.objects.choosable_by(user, keeping=[self.instance.person_id])
            .select_related("force")
            .order_by("name")
        )

    def clean(self):
        data = super().clean()
        kind, force = data.get("represents_kind"), data.get("represents_force")
        if kind in (CorporationSole.PCC, CorporationSole.CHIEF_CONSTABLE) and force is None:
            self.add_error("represents_force", _("Choose the force whose corporation sole it is."))
        person = data.get("person")
        if person and self.body.members.filter(person=person).exclude(pk=self.instance.pk).exists():
            self.add_error("person", _("%(name)s is already a member.") % {"name": person.name})
        return data


class MeetingForm(GovukForm, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "start_time", "duration_minutes", "location", "status", "notes"]
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, body: GovernanceBody, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body

    def clean(self):
        data = super().clean()
        day = data.get("date")
        if day is not None and data.get("status") != MeetingStatus.CANCELLED:
            problem = meeting_day_problem(self.body, day, self.instance, data.get("start_time"))
            if problem:
                self.add_error("date", problem)
        meeting = self.instance
        if meeting.pk is None or not meeting.decisions.exists():
            return data
        # Its decisions (and any stage gates among them) are dated the meeting's day.
        day = date_format(meeting.date, "j F Y")
        if data.get("date") not in (None, meeting.date):
            self.add_error(
                "date",
                _(
                    "Decisions were recorded at this meeting on %(day)s, and are dated that "
                    "day: the meeting stays on it."
                )
                % {"day": day},
            )
        if data.get("status") == MeetingStatus.CANCELLED:
            self.add_error(
                "status",
                _("Decisions were recorded at this meeting on %(day)s: it cannot be cancelled.")
                % {"day": day},
            )
        return data

    def save(self, commit=True):
        if "date" in self.changed_data:
            # A person chose the day: it is no longer the calendar's move off a holiday.
            self.instance.adjusted_from = None
        return super().save(commit=commit)


class WithinPageForm(GovukForm):
    """A form rendered inside the page's own <form>, which carries the one CSRF token."""


class DecisionForm(WithinPageForm, forms.Form):
    text = forms.CharField(label=gettext_lazy("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    rationale = forms.CharField(
        label=gettext_lazy("Rationale"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    initiative = forms.ModelChoiceField(
        label=gettext_lazy("Initiative"),
        queryset=Initiative.objects.none(),
        required=False,
        empty_label=gettext_lazy("No initiative"),
    )
    to_stage = forms.TypedChoiceField(
        label=gettext_lazy("Stage gate"),
        choices=[("", gettext_lazy("Not a stage-gate decision")), *GATE_STAGES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy(
            "Choose a stage to move the initiative through that gate; the gate's rules are checked."
        ),
    )
    visibility = forms.ChoiceField(label=gettext_lazy("Who may see this decision"))

    def __init__(self, *args, body: GovernanceBody, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        model_choice_field(self, "initiative").queryset = Initiative.objects.filter(
            collaboration_id__in=collaboration_tree(body.collaboration)
        ).order_by("name")
        widest = min(
            VISIBILITY_RANK[body.visibility], VISIBILITY_RANK[body.collaboration.visibility]
        )
        choice_field(self, "visibility").choices = [
            (value, label)
            for value, label in Visibility.choices
            if VISIBILITY_RANK[value] <= widest
        ]
        self.fields["visibility"].initial = next(
            value for value, rank in VISIBILITY_RANK.items() if rank == widest
        )

    def clean(self):
        data = super().clean()
        not_yet = meeting_date_problem(self.meeting) if self.meeting is not None else None
        if not_yet:
            self.add_error(None, not_yet)
        if data.get("to_stage") is not None and not data.get("initiative"):
            self.add_error("initiative", _("Choose the initiative whose stage gate it is."))
        return data


class ActionForm(WithinPageForm, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Action"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=gettext_lazy("Nobody named"),
    )
    due_on = forms.DateField(label=gettext_lazy("Due date"), required=False, widget=DateInput())

    def __init__(self, *args, user, decided_on: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.decided_on = decided_on
        model_choice_field(self, "owner").queryset = Person.objects.choosable_by(user).order_by(
            "name"
        )

    def clean_due_on(self):
        due_on = self.cleaned_data.get("due_on")
        problem = action_due_problem(due_on, self.decided_on) if self.decided_on else None
        if problem:
            raise ValidationError(problem)
        return due_on

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and (data.get("owner") or data.get("due_on")):
            self.add_error("text", _("Say what the action is."))
        return data


ActionFormSet = formset_factory(ActionForm, extra=3, max_num=20)


class PostImplementationReviewForm(GovukForm, forms.ModelForm):
    """The review carried out: when, and what it found."""

    class Meta:
        model = PostImplementationReview
        fields = ["completed_on", "notes"]
        widgets = {"completed_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 6})}
        labels = {
            "completed_on": gettext_lazy("Date carried out"),
            "notes": gettext_lazy("What the review found"),
        }
        help_texts = {
            "notes": gettext_lazy(
                "The benefits delivered against the business case, what was not, and why."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = True
        self.fields["completed_on"].error_messages["required"] = _(
            "Enter the date the review was carried out."
        )
        self.fields["notes"].error_messages["required"] = _("Say what the review found.")

    def clean_completed_on(self):
        day = self.cleaned_data["completed_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The date carried out cannot be in the future."))
        problem = day_range_problem(day, _("date carried out"))
        if problem:
            raise ValidationError(problem)
        return day


class BenefitChoiceField(forms.ModelChoiceField):
    """A benefit listed by its reference and title."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.reference} {obj.title}"


class EscalationForm(GovukForm, forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What is escalated"),
        choices=EscalationKind.choices,
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What the problem is and what you ask the receiving body to do."),
    )
    benefit = BenefitChoiceField(
        label=gettext_lazy("Benefit"),
        queryset=Benefit.objects.none(),
        required=False,
        empty_label=gettext_lazy("None"),
    )
    initiative = forms.ModelChoiceField(
        label=gettext_lazy("Initiative"),
        queryset=Initiative.objects.none(),
        required=False,
        empty_label=gettext_lazy("None"),
    )

    def __init__(self, *args, body: GovernanceBody, **kwargs):
        super().__init__(*args, **kwargs)
        tree = collaboration_tree(body.collaboration)
        model_choice_field(self, "benefit").queryset = Benefit.objects.filter(
            initiative__collaboration_id__in=tree
        ).order_by("reference")
        model_choice_field(self, "initiative").queryset = Initiative.objects.filter(
            collaboration_id__in=tree
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("kind") == EscalationKind.BENEFIT_OFF_TRACK and not data.get("benefit"):
            self.add_error("benefit", _("Choose the benefit that is off track."))
        return data


class ResolutionForm(GovukForm, forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("How the escalation was resolved"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
