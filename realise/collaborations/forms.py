from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.datastructures import MultiValueDict
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
from realise.organisations.models import Force, Person


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


class ShareForm(GovukForm, forms.ModelForm):
    """One member force's share, with the version it was opened at: a share someone else
    changed since (on another page, or through the API) is not overwritten unseen."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ForceShare
        fields = ["force", "percent", "basis"]
        labels = {
            "force": gettext_lazy("force"),
            "percent": gettext_lazy("share in percent"),
            "basis": gettext_lazy("basis"),
        }
        widgets = {
            "force": forms.Select(attrs={"class": "govuk-select"}),
            "percent": forms.NumberInput(
                attrs={"class": "govuk-input govuk-input--width-5", "step": "any"}
            ),
            "basis": forms.TextInput(attrs={"class": "govuk-input"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


def _error_fields(form: forms.BaseForm) -> list[str]:
    """A share's fields shown with an error: those typed in (an error of the hidden id is
    about the share itself)."""
    return [name for name in form.errors if name in ("force", "percent", "basis")]


SHARE_CHANGED = gettext_lazy(
    "Someone else changed the share of %(force)s since you opened this form: it is now "
    "%(percent)s%%. Check the shares, then save again to replace it with yours, or cancel to "
    "keep theirs."
)
SHARE_REMOVED = gettext_lazy(
    "The share of %(force)s was removed since you opened this form: open the form again to "
    "see every share."
)


def _percent(value: Decimal) -> str:
    return format(value.normalize(), "f")


class ShareFormSet(BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.is_bound and i < self.initial_form_count() and form.instance.pk is None:
            # Listed when the form was opened, removed since: say so, naming its force.
            posted = form.data.get(form.add_prefix("force"))
            named = Force.objects.filter(pk=posted).first() if str(posted).isdigit() else None
            form.fields["id"].error_messages["invalid_choice"] = SHARE_REMOVED % {
                "force": named or _("a force")
            }
        return form

    def full_clean(self):
        super().full_clean()
        # Each field in error is marked and described by its message (GOV.UK's pattern).
        for form in self.forms:
            for name in _error_fields(form):
                widget = form.fields[name].widget
                error_class = "govuk-select--error" if name == "force" else "govuk-input--error"
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {error_class}".strip()
                widget.attrs["aria-describedby"] = f"{form[name].id_for_label}-error"

    def error_lines(self) -> list[tuple[str, str]]:
        """The error summary's lines: (the field it links to, the message)."""
        lines = [("#shares", str(error)) for error in self.non_form_errors()]
        for number, form in enumerate(self.forms, start=1):
            for name, errors in form.errors.items():
                for error in errors:
                    if name in _error_fields(form):
                        text = _("Share %(number)s, %(field)s: %(error)s") % {
                            "number": number,
                            "field": form.fields[name].label,
                            "error": error,
                        }
                        lines.append((f"#{form[name].id_for_label}", text))
                    else:
                        lines.append(("#shares", str(error)))
        return lines

    def _stale_shares(self) -> list[str]:
        """Shares changed by someone else since the form was opened whose values this form
        would replace: each named with its value now. The form is armed, as a stale record's
        is (`VersionedFormMixin.stale`), so that sending it again replaces them."""
        problems, stale = [], []
        for form in self.initial_forms:
            data = getattr(form, "cleaned_data", None) or {}
            share = form.instance
            opened_at = data.get("version")
            if not share.pk or opened_at is None or data.get("DELETE"):
                continue
            if opened_at == share.version:
                share.expected_version = opened_at  # the save itself compares and sets
                continue
            if not {"force", "percent", "basis"} & set(form.changed_data):
                continue  # nothing of theirs would be replaced
            # (the form has put the values typed on its instance: theirs are read again)
            theirs = ForceShare.objects.select_related("force").get(pk=share.pk)
            problems.append(
                SHARE_CHANGED % {"force": theirs.force, "percent": _percent(theirs.percent)}
            )
            stale.append(form)
        if stale:
            assert isinstance(self.data, (MultiValueDict, dict))
            posted = self.data.copy()
            for form in stale:
                posted[form.add_prefix("version")] = str(form.instance.version)
            self.data = posted
            for form in self.forms:
                form.data = posted
        return problems

    def clean(self):
        if any(self.errors):
            return
        stale = self._stale_shares()
        if stale:
            raise ValidationError(stale)
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
    form=ShareForm,
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "sro").queryset = Person.objects.choosable_by(
            user, keeping=[self.instance.sro_id]
        ).order_by("name")
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


NO_DECIDING_BODY = gettext_lazy(
    "%(collaboration)s has no governance body to decide its stage gates yet: add one on the "
    "collaboration's page (Add a governance body), with this stage among its stage gates "
    "decided."
)


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
        bodies = model_choice_field(self, "body")
        bodies.queryset = bodies_of(collaboration_chain(initiative.collaboration), user)
        if not bodies.queryset.exists():
            # Nothing to choose: say so, and what to do, rather than "This field is required".
            bodies.help_text = bodies.error_messages["required"] = NO_DECIDING_BODY % {
                "collaboration": initiative.collaboration
            }
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
