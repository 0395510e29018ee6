"""GOV.UK form rendering shared by every form in Realise."""

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.forms.boundfield import BoundField
from django.utils.html import conditional_escape

from realise.core import inputs

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
    """Mixin: render with crispy-forms-gds; the page template supplies <form> and buttons."""

    bound_field_class = EscapedBoundField

    @property
    def helper(self) -> FormHelper:
        helper = FormHelper(self)
        helper.form_tag = False
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
                problem = inputs.number_problem(self[name].data)
                if problem:
                    self.add_error(name, problem)


class MonthField(forms.DateField):
    """A calendar month entered as YYYY-MM, stored as its first day."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "YYYY-MM", "size": 8})
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": "Enter a month as YYYY-MM, for example 2026-10."}

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


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# Local accounts: Django's own forms, in GOV.UK markup ------------------------------------------


class GovukPasswordChangeForm(GovukForm, PasswordChangeForm):
    pass


class GovukPasswordResetForm(GovukForm, PasswordResetForm):
    pass


class GovukSetPasswordForm(GovukForm, SetPasswordForm):
    """Choose a password (after a reset, or on accepting an invitation), checked by every
    validator in AUTH_PASSWORD_VALIDATORS, common passwords included."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "new_password1"
        ].help_text = password_validation.password_validators_help_text_html()
