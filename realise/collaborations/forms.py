from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from realise.collaborations.bodies import bodies_of, collaboration_chain
from realise.collaborations.models import (
    Agreement,
    Collaboration,
    ForceShare,
    Initiative,
    InitiativeStatus,
    PartyRole,
    ReviewOutcome,
    Stage,
)
from realise.collaborations.services import (
    HUNDRED,
    GateResult,
    check_shares_total,
    decision_date_problem,
    duplicate_name_problem,
    initiative_change_problems,
)
from realise.core.forms import DateInput, GovukForm, choice_field, model_choice_field
from realise.core.versioning import VersionedFormMixin
from realise.organisations.models import Force


class CollaborationForm(VersionedFormMixin, GovukForm, forms.ModelForm):
    class Meta:
        model = Collaboration
        fields = [
            "name",
            "slug",
            "parent",
            "purpose",
            "objectives",
            "function",
            "lead_force",
            "legal_basis",
            "visibility",
        ]
        help_texts = {"slug": gettext_lazy("A short name for web addresses, e.g. 7f-procurement.")}
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The collaborations the user may see (as the API offers), and the one it sits
        # within now, so that an edit can keep it.
        visible = Collaboration.objects.visible_to(user).values("pk")
        model_choice_field(self, "parent").queryset = Collaboration.objects.filter(
            Q(pk__in=visible) | Q(pk=self.instance.parent_id)
        )

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        own = self.instance.pk
        if parent and own and (parent.pk == own or own in {c.pk for c in parent.ancestors()}):
            raise ValidationError(_("A collaboration cannot sit within itself."))
        return parent


class ShareFormSet(BaseInlineFormSet):
    def clean(self):
        if any(self.errors):
            return
        percents, forces = [], set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("force"):
                continue
            if data["force"].pk in forces:
                raise ValidationError(_("%(force)s is listed twice.") % {"force": data["force"]})
            forces.add(data["force"].pk)
            percents.append(data.get("percent") or Decimal("0"))
        # Shares saved since the form was opened (in another tab, or through the API) are
        # not in it, yet stay: they count towards the total.
        listed = [form.instance.pk for form in self.initial_forms if form.instance.pk]
        added = (
            list(self.instance.shares.exclude(pk__in=listed).select_related("force"))
            if self.instance.pk
            else []
        )
        for share in added:
            if share.force_id in forces:
                raise ValidationError(
                    _(
                        "A share for %(force)s was saved since this form was opened: open the "
                        "form again to see every share."
                    )
                    % {"force": share.force}
                )
        percents += [share.percent for share in added]
        total = sum(percents, Decimal("0"))
        if added and total != HUNDRED:
            raise ValidationError(
                ngettext(
                    "Since this form was opened, a share was saved for %(forces)s. With it the "
                    "force shares add up to %(total)s%%, not exactly 100%%: open the form again "
                    "to see every share.",
                    "Since this form was opened, shares were saved for %(forces)s. With them the "
                    "force shares add up to %(total)s%%, not exactly 100%%: open the form again "
                    "to see every share.",
                    len(added),
                )
                % {
                    "forces": ", ".join(str(share.force) for share in added),
                    "total": format(total.normalize(), "f"),
                }
            )
        check_shares_total(percents)
        super().clean()


ForceShareFormSet = inlineformset_factory(
    Collaboration,
    ForceShare,
    fields=["force", "percent", "basis"],
    formset=ShareFormSet,
    extra=3,
    can_delete=True,
)


class InitiativeForm(VersionedFormMixin, GovukForm, forms.ModelForm):
    class Meta:
        model = Initiative
        fields = ["name", "slug", "sro", "status", "purpose", "start_date", "end_date"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Closing is the closure's (`initiative_change_problems`): the list offers active and
        # on hold, or, once closed, closed alone; anything else posted is refused by name.
        status = choice_field(self, "status")
        closed = bool(self.instance.pk) and self.instance.status == InitiativeStatus.CLOSED
        status.widget.choices = [
            (value, label)
            for value, label in status.choices
            if (value == InitiativeStatus.CLOSED) == closed
        ]
        if not closed:
            status.help_text = gettext_lazy(
                "To close the initiative, use “Close the initiative” on its page: it records "
                "the lessons learned and hands its benefits over to business as usual."
            )

    def clean_name(self):
        """The name is unique within the collaboration (the database's constraint, which a
        form without the collaboration field would leave unchecked)."""
        name = self.cleaned_data["name"]
        problem = duplicate_name_problem(self.instance, name)
        if problem:
            raise ValidationError(problem)
        return name

    def clean_status(self):
        status = self.cleaned_data.get("status")
        initiative = self.instance
        if not initiative.pk:  # a new one: named in the message by the slug given
            initiative = Initiative(slug=self.cleaned_data.get("slug") or "")
        problems = initiative_change_problems(initiative, status=status)
        if "status" in problems:
            raise ValidationError(problems["status"])
        return status

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be after the start date."))
        return data


class StageChangeForm(GovukForm, forms.Form):
    to_stage = forms.TypedChoiceField(
        label=gettext_lazy("Move to stage"), choices=Stage.choices, coerce=int
    )
    body: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("Deciding body"),
        queryset=None,
        empty_label=None,
    )
    decided_on = forms.DateField(label=gettext_lazy("Date of decision"), widget=DateInput())
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("Moving back to an earlier stage needs the reason here."),
    )

    def __init__(self, *args, initiative: Initiative, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        model_choice_field(self, "body").queryset = bodies_of(
            collaboration_chain(initiative.collaboration), user
        )
        self.fields["to_stage"].initial = min(initiative.stage + 1, Stage.EVALUATION)

    def clean_decided_on(self):
        decided_on = self.cleaned_data["decided_on"]
        problem = decision_date_problem(self.initiative, decided_on)
        if problem is not None:
            raise ValidationError(problem)
        return decided_on


def add_gate_errors(form: forms.BaseForm, result: GateResult, field: str = "to_stage") -> None:
    """Show the gate's refusal on the stage field, so the error summary links to it: each
    problem, and how many benefits fall short (the page lists them, each with its rules)."""
    for problem in result.problems:
        form.add_error(field, str(problem))
    if result.failures:
        count = len(result.failures)
        form.add_error(
            field,
            ngettext(
                "%(count)s benefit does not meet the rules of %(stage)s: it is listed below "
                "with what it lacks.",
                "%(count)s benefits do not meet the rules of %(stage)s: they are listed below, "
                "each with what it lacks.",
                count,
            )
            % {"count": count, "stage": Stage(result.to_stage).label},
        )


class AgreementForm(VersionedFormMixin, GovukForm, forms.ModelForm):
    """An agreement, its parties (each member force's PCC and Chief Constable) and documents."""

    parties = forms.MultipleChoiceField(
        label=gettext_lazy("Parties"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "The corporations sole who signed: each member force's policing body and "
            "Chief Constable."
        ),
    )

    class Meta:
        model = Agreement
        fields = [
            "title",
            "legal_basis",
            "signed_on",
            "review_due",
            "review_body",
            "documents",
            "notes",
        ]
        widgets = {
            "signed_on": DateInput(),
            "review_due": DateInput(),
            "documents": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "review_due": gettext_lazy(
                "Leave empty for a year after signing (REALISE_AGREEMENT_REVIEW_MONTHS)."
            ),
            "documents": gettext_lazy(
                "The collaboration's documents in the repository: the signed agreement "
                "and its schedules."
            ),
        }

    def __init__(self, *args, collaboration: Collaboration, **kwargs):
        super().__init__(*args, **kwargs)
        self.collaboration = collaboration
        self.fields["review_due"].required = False
        model_choice_field(self, "review_body").queryset = bodies_of(
            collaboration_chain(collaboration)
        )
        model_choice_field(self, "documents").queryset = collaboration.documents.order_by("title")
        choices = []
        for share in collaboration.shares.select_related("force").order_by("force__name"):
            force = share.force
            choices += [
                (f"{force.pk}:{PartyRole.PCC}", force.policing_body),
                (f"{force.pk}:{PartyRole.CHIEF_CONSTABLE}", force.chief_constable),
            ]
        choice_field(self, "parties").choices = choices
        if self.instance.pk:
            self.fields["parties"].initial = [
                f"{p.force_id}:{p.role}" for p in self.instance.parties.all()
            ]

    def clean_parties(self) -> list[tuple]:
        forces = {f.pk: f for f in Force.objects.filter(shares__collaboration=self.collaboration)}
        parties = []
        for value in self.cleaned_data["parties"]:
            force_id, role = value.split(":", 1)
            parties.append((forces[int(force_id)], role))
        return parties


class AgreementReviewForm(GovukForm, forms.Form):
    reviewed_on = forms.DateField(label=gettext_lazy("Date of review"), widget=DateInput())
    body: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("Deciding body"),
        queryset=None,
        empty_label=None,
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=ReviewOutcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("Needed when the agreement is varied or terminated: how, or why."),
    )

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "body").queryset = bodies_of(
            collaboration_chain(agreement.collaboration)
        )
        if agreement.review_body_id:
            self.fields["body"].initial = agreement.review_body_id
