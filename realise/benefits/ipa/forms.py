"""Forms for the benefits map, change requests, contributions and attribution."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from realise.benefits import contributions
from realise.benefits.forms import PlanForm
from realise.benefits.models import Benefit, Change, Contribution, Objective
from realise.benefits.realisation import collaboration_and_descendants
from realise.collaborations.bodies import bodies_of, collaboration_chain
from realise.collaborations.models import Initiative
from realise.core.forms import DateInput, GovukForm
from realise.organisations.models import Person


def _family(collaboration) -> list[int]:
    """The top collaboration above `collaboration` and every one nested in it."""
    chain = [collaboration, *collaboration.ancestors()]
    return collaboration_and_descendants(chain[-1])


def _deciding_bodies(benefit, user):
    """The bodies that may decide on the benefit's plan: those of its collaboration and the
    ones it is nested in, that the person may see."""
    return bodies_of(collaboration_chain(benefit.initiative.collaboration), user)


class BenefitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference} {obj.title} ({obj.initiative.name})"


class BenefitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference} {obj.title}"


def _keeping_hidden(form: forms.ModelForm, name: str):
    """The records chosen in the many-to-many field `name`, and those already linked that
    the editor may not see (not offered to them, so neither shown nor undone by a save)."""
    chosen = form.cleaned_data[name]
    if form.instance.pk is None:
        return chosen
    offered = form.fields[name].queryset  # type: ignore[attr-defined]
    hidden = getattr(form.instance, name).exclude(pk__in=offered.values("pk"))
    model = offered.model
    return model.objects.filter(
        pk__in=[*chosen.values_list("pk", flat=True), *hidden.values_list("pk", flat=True)]
    )


class ObjectiveForm(GovukForm, forms.ModelForm):
    benefits = BenefitsChoiceField(
        queryset=Benefit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Benefits that serve this objective"),
    )

    class Meta:
        model = Objective
        fields = ["text", "order", "benefits"]

    def __init__(self, *args, collaboration, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benefits"].queryset = (
            Benefit.objects.visible_to(user)
            .filter(initiative__collaboration_id__in=_family(collaboration))
            .select_related("initiative")
            .order_by("initiative__name", "reference")
        )

    def clean_benefits(self):
        return _keeping_hidden(self, "benefits")


class ChangeForm(GovukForm, forms.ModelForm):
    benefits = BenefitsChoiceField(
        queryset=Benefit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Benefits this change delivers"),
    )

    class Meta:
        model = Change
        fields = ["description", "enablers", "benefits"]
        widgets = {"enablers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, initiative, user, **kwargs):
        super().__init__(*args, **kwargs)
        family = _family(initiative.collaboration)
        self.fields["enablers"].queryset = (
            Initiative.objects.visible_to(user)
            .filter(collaboration_id__in=family)
            .exclude(pk=initiative.pk)
            .order_by("name")
        )
        self.fields["benefits"].queryset = (
            Benefit.objects.visible_to(user)
            .filter(initiative__collaboration_id__in=family)
            .select_related("initiative")
            .order_by("initiative__name", "reference")
        )

    def clean_enablers(self):
        return _keeping_hidden(self, "enablers")

    def clean_benefits(self):
        return _keeping_hidden(self, "benefits")


class ChangeRequestForm(PlanForm):
    """The proposed profile (the whole of it), why, who asked and who decides."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Why change it")
    )
    requested_by = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, label=gettext_lazy("Requested by")
    )
    body: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,
        label=gettext_lazy("Body that will decide"),
        required=False,
    )
    field_order = ["reason", "requested_by", "body", "profile"]

    def __init__(self, *args, benefit, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].label = gettext_lazy("Proposed planned profile")
        self.fields["body"].queryset = _deciding_bodies(benefit, user)
        self.fields["requested_by"].queryset = Person.objects.choosable_by(user).order_by("name")


class DecisionForm(GovukForm, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))],
        widget=forms.RadioSelect,
        label=gettext_lazy("Decision"),
    )
    decided_on = forms.DateField(widget=DateInput(), label=gettext_lazy("Decided on"))
    body: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label=gettext_lazy("Deciding body")
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=gettext_lazy("Decision note"),
    )

    def __init__(self, *args, change_request, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        benefit = change_request.benefit
        self.fields["body"].queryset = _deciding_bodies(benefit, user)
        self.fields["body"].initial = change_request.body_id
        self.fields["decided_on"].initial = datetime.date.today()


class ContributionForm(GovukForm, forms.Form):
    """What a benefit contributes to, chosen among the benefits the editor may see, and how
    they relate; it opens on the current link.

    A link to a parent the editor may not see is neither shown nor undone: the form shows
    nothing of it (not the parent, not its note, which is the hidden link's and so has no
    field here) and opens on "No change"; saving with no choice keeps the link as it is
    (`keeps_hidden_link`); choosing a parent is refused, naming this field, since it would
    replace a link the editor cannot see. Only someone who may see the parent changes or
    removes that link (`contributions.set_contribution` and `remove_contribution` refuse it
    too, wherever they are asked)."""

    parent = BenefitChoiceField(
        queryset=Benefit.objects.none(),
        required=False,
        label=gettext_lazy("Contributes to"),
        empty_label=gettext_lazy("Nothing: it is not part of another benefit"),
        help_text=gettext_lazy("The benefit higher up whose figures already include this one's."),
    )
    note = forms.CharField(max_length=300, required=False, label=gettext_lazy("How they relate"))

    def __init__(self, *args, benefit, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.benefit = benefit
        # Only the benefits the editor may see: a private collaboration of the family names
        # none of its benefits here.
        self.fields["parent"].queryset = (
            Benefit.objects.visible_to(user)
            .filter(
                initiative__collaboration_id__in=_family(benefit.initiative.collaboration),
                unit=benefit.unit,
                is_disbenefit=benefit.is_disbenefit,
            )
            .exclude(pk=benefit.pk)
            .select_related("initiative")
            .order_by("initiative__name", "reference")
        )
        link = Contribution.objects.filter(child=benefit).select_related("parent").first()
        hidden = link is not None and contributions.parent_hidden_from(link, user)
        self.hidden_link = link if hidden else None
        if self.hidden_link is not None:
            parent = self.fields["parent"]
            parent.empty_label = _("No change: keep the link to a benefit you may not see")
            parent.help_text = _(
                "It already contributes to a benefit you may not see. Only someone who may "
                "see that benefit can change or remove the link."
            )
            del self.fields["note"]
        elif link is not None:
            self.initial.setdefault("parent", link.parent_id)
            self.initial.setdefault("note", link.note)

    @property
    def keeps_hidden_link(self) -> bool:
        """Whether saving leaves the link to a parent the editor may not see as it is."""
        return self.hidden_link is not None and self.cleaned_data.get("parent") is None

    def clean_parent(self):
        parent = self.cleaned_data["parent"]
        if parent is not None and self.hidden_link is not None:
            raise forms.ValidationError(contributions.hidden_parent_message(self.benefit))
        return parent


class AttributionForm(GovukForm, forms.Form):
    """One optional percentage per initiative of the collaboration family that the editor
    may see; the claims of initiatives they may not see are neither shown nor undone."""

    basis = forms.CharField(
        max_length=300, required=False, label=gettext_lazy("How the shares were agreed")
    )

    def __init__(self, *args, benefit, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiatives = list(
            Initiative.objects.visible_to(user)
            .filter(collaboration_id__in=_family(benefit.initiative.collaboration))
            .order_by("name")
        )
        offered = {initiative.pk for initiative in self.initiatives}
        claims = list(benefit.attributions.select_related("initiative"))
        current = {a.initiative_id: a.percent for a in claims}
        self.hidden_claims = {
            a.initiative: a.percent for a in claims if a.initiative_id not in offered
        }
        fields = {}
        for initiative in self.initiatives:
            fields[f"share_{initiative.pk}"] = forms.DecimalField(
                label=_("%(name)s (percent)") % {"name": initiative.name},
                required=False,
                max_digits=7,
                decimal_places=4,
                min_value=Decimal("0"),
                max_value=Decimal("100"),
                initial=current.get(initiative.pk),
                widget=forms.NumberInput(attrs={"step": "any"}),
            )
        fields["basis"] = self.fields.pop("basis")
        existing = benefit.attributions.exclude(basis="").values_list("basis", flat=True).first()
        fields["basis"].initial = existing
        self.fields = fields

    def shares(self) -> dict:
        """The shares given, with the claims of the initiatives not offered as they were."""
        out = dict(self.hidden_claims)
        for initiative in self.initiatives:
            percent = self.cleaned_data.get(f"share_{initiative.pk}")
            if percent:
                out[initiative] = percent
        return out


class AsAtForm(GovukForm, forms.Form):
    date = forms.DateField(widget=DateInput(), label=gettext_lazy("Show the plan as at"))
