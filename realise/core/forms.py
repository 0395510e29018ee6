"""GOV.UK form rendering shared by every form in Realise."""

import datetime
import re

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.forms.boundfield import BoundField
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from realise.core import inputs, language

NUMBER_FIELDS = (forms.DecimalField, forms.FloatField, forms.IntegerField)


class EscapedBoundField(BoundField):
    """A field whose label and hint are shown as text. crispy-forms-gds renders both with
    `|safe`, and some carry what people typed (an initiative's or a benefit's name): they are
    escaped here, once (text already marked safe, e.g. built with format_html, is kept)."""

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        self.label = conditional_escape(self.label)
        self.help_text = conditional_escape(self.help_text)


class GovukForm:
    """Mixin: render with crispy-forms-gds; the page template supplies <form>, its one CSRF
    token (a POST form's) and buttons. crispy's own token is off: it would repeat the page's
    in a POST form and put the token in the address of a GET form's results."""

    bound_field_class: type[BoundField] | None = EscapedBoundField

    @property
    def helper(self) -> FormHelper:
        helper = FormHelper(self)
        helper.form_tag = False
        helper.disable_csrf = True
        helper.label_size = "s"
        helper.legend_size = "s"
        return helper

    def full_clean(self):
        """Also refuse numbers typed in digits other than 0 to 9 (Python would read
        Arabic-Indic or full-width digits silently) in every number field."""
        super().full_clean()
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return
        for name, field in self.fields.items():
            if isinstance(field, NUMBER_FIELDS) and name in self.cleaned_data:
                problem = inputs.number_text_problem(self[name].data)
                if problem:
                    self.add_error(name, problem)
        mark_date_errors(self)


class MonthField(forms.DateField):
    """A calendar month entered as YYYY-MM, stored as its first day."""

    widget = forms.TextInput(
        attrs={"inputmode": "numeric", "placeholder": gettext_lazy("YYYY-MM"), "size": 8}
    )
    input_formats = ["%Y-%m"]
    default_error_messages = {
        "invalid": gettext_lazy("Enter a month as YYYY-MM, for example 2026-10.")
    }

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not inputs.MONTH_TEXT.match(value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value:
            problem = inputs.month_problem(value)
            if problem:
                raise forms.ValidationError(problem, code="out_of_range")

    def prepare_value(self, value):
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m")
        return value


class PeriodField(MonthField):
    """A month as YYYY-MM, or a day of it as YYYY-MM-DD (as the API's period filters take
    it), read as the month's first day: a period is a calendar month."""

    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {
        "invalid": gettext_lazy(
            "Enter a month as YYYY-MM (or a day as YYYY-MM-DD), for example 2026-10."
        )
    }
    pattern = re.compile(r"^[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?$")

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not self.pattern.match(value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        day = forms.DateField.to_python(self, value)
        return day.replace(day=1) if day else day


class DateInput(forms.DateInput):
    """A date box, styled as GOV.UK's text inputs (crispy-forms-gds styles only those)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"class": "govuk-input govuk-input--width-10", **(attrs or {})},
            format="%Y-%m-%d",
        )


def mark_date_errors(form: forms.BaseForm) -> None:
    """Give each date box with an error GOV.UK's error border, as text inputs have (call it
    again after adding an error once the form is cleaned)."""
    for name in form.errors:
        widget = form.fields[name].widget if name in form.fields else None
        if not isinstance(widget, DateInput):
            continue
        classes = widget.attrs.get("class", "")
        if "govuk-input--error" not in classes:
            widget.attrs["class"] = f"{classes} govuk-input--error".strip()


# Local accounts: Django's own forms, in GOV.UK markup ------------------------------------------


class GovukPasswordChangeForm(GovukForm, PasswordChangeForm):
    pass


class GovukPasswordResetForm(GovukForm, PasswordResetForm):
    def send_mail(self, *args, **kwargs):
        """The email is written in the language the account remembers (English if none),
        not in the language of whoever asked for it."""
        context = kwargs.get("context", args[2] if len(args) > 2 else {})
        with translation.override(language.of_user(context.get("user"))):
            super().send_mail(*args, **kwargs)


class GovukSetPasswordForm(GovukForm, SetPasswordForm):
    """Choose a password (after a reset, or on accepting an invitation), checked by every
    validator in AUTH_PASSWORD_VALIDATORS, common passwords included."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "new_password1"
        ].help_text = password_validation.password_validators_help_text_html()


class MonthInputWidget(forms.MultiWidget):
    """The GOV.UK month input: a month and a year box, posted as `<name>_month` and
    `<name>_year`. A single `<name>` posted as YYYY-MM (older links and scripts) is read too."""

    template_name = "core/widgets/month_input.html"

    def __init__(self, attrs=None):
        box = "govuk-input govuk-date-input__input"
        super().__init__(
            {
                "month": forms.TextInput(
                    attrs={"class": f"{box} govuk-input--width-2", "inputmode": "numeric"}
                ),
                "year": forms.TextInput(
                    attrs={"class": f"{box} govuk-input--width-4", "inputmode": "numeric"}
                ),
            },
            attrs,
        )

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.month), str(value.year)]
        if isinstance(value, str) and inputs.MONTH_TEXT.match(value.strip()):
            year, month = value.strip().split("-")
            return [str(int(month)), year]
        return [None, None]

    def value_from_datadict(self, data, files, name):
        if name in data and f"{name}_month" not in data and f"{name}_year" not in data:
            return data.get(name) or [None, None]
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)


def _shown(text: str, limit: int = 8) -> str:
    """What was typed, as an error repeats it: cut short when it runs long."""
    return text if len(text) <= limit else f"{text[:limit]}…"


class MonthInputField(forms.MultiValueField):
    """A calendar month from the GOV.UK month input, stored as its first day, within the
    months Realise records. Errors say which box is wrong."""

    widget = MonthInputWidget

    def __init__(self, **kwargs):
        super().__init__(
            fields=(forms.CharField(required=False), forms.CharField(required=False)),
            require_all_fields=False,
            **kwargs,
        )

    def _wrong(self, box: int, message: str):
        """The error, tied to the box that is wrong so the summary links straight to it."""
        for index, subfield in enumerate(self.fields):
            subfield.widget.errors = [message] if index == box else []
        return forms.ValidationError(message)

    def compress(self, data_list):
        month_text, year_text = (list(data_list) + [None, None])[:2]
        month_text, year_text = (month_text or "").strip(), (year_text or "").strip()
        if not month_text and not year_text:
            return None
        if not month_text:
            raise self._wrong(0, _("Enter the month as a number from 1 to 12."))
        if not year_text:
            raise self._wrong(1, _("Enter the year, for example 2026."))
        for box, text in enumerate((month_text, year_text)):
            problem = inputs.number_text_problem(text)
            if problem:
                raise self._wrong(box, problem)
        if (
            not month_text.isascii()
            or not month_text.isdigit()
            or len(month_text) > 2
            or not 1 <= int(month_text) <= 12
        ):
            raise self._wrong(
                0,
                _("'%(text)s' is not a month: enter a number from 1 to 12.")
                % {"text": _shown(month_text)},
            )
        if not year_text.isascii() or not year_text.isdigit() or len(year_text) != 4:
            raise self._wrong(
                1, _("'%(text)s' is not a year: enter four digits.") % {"text": _shown(year_text)}
            )
        period = datetime.date(int(year_text), int(month_text), 1)
        problem = inputs.month_problem(period)
        if problem:
            raise self._wrong(0, problem)
        return period

    def clean(self, value):
        if isinstance(value, str):  # YYYY-MM in one field, as the API and imports write it
            if not inputs.MONTH_TEXT.match(value.strip()):
                raise forms.ValidationError(MonthField.default_error_messages["invalid"])
            try:
                return inputs.parse_month(value)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
        if self.required and not any((v or "").strip() for v in (value or [])):
            raise self._wrong(0, _("Enter the month and year."))
        return super().clean(value)


class TextInput(forms.TextInput):
    """A number box with GOV.UK's prefix or suffix: '£' before money, 'hours' after time
    (`AmountInput`). It keeps the name TextInput because crispy-forms-gds picks a box's
    classes by the widget's class name: a TextInput is styled `govuk-input`, with the error
    border (`govuk-input--error`) when its value is refused, however the error was added."""

    template_name = "core/widgets/amount_input.html"

    def __init__(self, attrs=None, *, prefix: str = "", suffix: str = ""):
        super().__init__({"inputmode": "decimal", "spellcheck": "false", **(attrs or {})})
        self.prefix, self.suffix = prefix, suffix

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(prefix=self.prefix, suffix=self.suffix)
        return context


AmountInput = TextInput


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's field `name`, declared (or generated from a relation) as a model choice
    field, so that its queryset and empty label can be set."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, declared (or generated from choices) as a choice field, so
    that its choices can be set."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field
