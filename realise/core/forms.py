"""GOV.UK form rendering shared by every form in Realise."""

from crispy_forms_gds.helper import FormHelper
from django import forms


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
