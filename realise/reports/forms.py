"""Forms of the Excel register pages: what to export, and the workbook to import."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from realise.core import uploads
from realise.core.forms import GovukForm
from realise.core.permissions import visible_collaborations, visible_initiatives


class RegisterExportForm(GovukForm, forms.Form):
    collaboration = forms.ModelChoiceField(
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label="Every collaboration you can see",
        help_text="Collaborations nested in it are included.",
    )
    initiative = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="slug", empty_label="Every initiative"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collaboration"].queryset = visible_collaborations(user).order_by("name")
        self.fields["initiative"].queryset = visible_initiatives(user).order_by("name")


class RegisterUploadForm(GovukForm, forms.Form):
    file = forms.FileField(
        label="Register workbook",
        help_text=(
            "An Excel workbook (.xlsx) in the register's layout, for example one exported "
            f"from here. At most {filesizeformat(settings.REALISE_UPLOAD_MAX_BYTES)}."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        """The one upload check: size, an Excel workbook by its content, expansion."""
        upload = self.cleaned_data["file"]
        try:
            uploads.check_upload(upload, allowed=uploads.WORKBOOK_TYPES)
        except uploads.FileRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        return upload
