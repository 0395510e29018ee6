"""GOV.UK form rendering shared by every form in Realise."""

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm


class GovukForm:
    """Mixin: render with crispy-forms-gds; the page template supplies <form> and buttons."""

    @property
    def helper(self) -> FormHelper:
        helper = FormHelper(self)
        helper.form_tag = False
        helper.label_size = "s"
        helper.legend_size = "s"
        return helper


class MonthField(forms.DateField):
    """A calendar month entered as YYYY-MM, stored as its first day."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "YYYY-MM", "size": 8})
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": "Enter a month as YYYY-MM, for example 2026-10."}

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
