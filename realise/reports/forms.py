"""Forms of the Excel register pages: what to export, and the workbook to import."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from realise.collaborations.models import Collaboration, Initiative
from realise.core import uploads
from realise.core.forms import GovukForm
from realise.core.language import lazy_format
from realise.reports.mapped.grid import LETTERS, column_letter
from realise.reports.mapped.mapping import FIELDS, MAX_HEADER_ROW
from realise.reports.models import RegisterMapping

# The largest upload, in the language of the page that shows it.
UPLOAD_LIMIT = lazy(filesizeformat, str)(settings.REALISE_UPLOAD_MAX_BYTES)


class RegisterExportForm(GovukForm, forms.Form):
    collaboration: "forms.ModelChoiceField[Collaboration]" = forms.ModelChoiceField(
        label=_("Collaboration"),
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label=_("Every collaboration you can see"),
        help_text=_("Collaborations nested in it are included."),
    )
    initiative: "forms.ModelChoiceField[Initiative]" = forms.ModelChoiceField(
        label=_("Initiative"),
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label=_("Every initiative"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collaboration"].queryset = Collaboration.objects.visible_to(user).order_by(
            "name"
        )
        self.fields["initiative"].queryset = Initiative.objects.visible_to(user).order_by("name")


class RegisterUploadForm(GovukForm, forms.Form):
    file = forms.FileField(
        label=_("Register workbook"),
        help_text=(
            lazy_format(
                _(
                    "An Excel workbook (.xlsx) in the register's layout, for example one "
                    "exported from here. At most %(size)s."
                ),
                size=UPLOAD_LIMIT,
            )
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


# Bring your own register ----------------------------------------------------------------------

MAPPED_TYPES = (".xlsx", ".ods", ".csv")
NOT_IN_FILE = ""
BLOCKS = 3
HEADER_ROWS = _("Enter a row number from 1 to %(limit)s.")
NOT_A_HEADING = _(
    "'%(value)s' is not a heading of the header row: choose one from the list, or show the "
    "columns of this sheet and header row again."
)


class MappedUploadForm(GovukForm, forms.Form):
    file = forms.FileField(
        label=_("Your register"),
        help_text=(
            lazy_format(
                _(
                    "Your own benefits register as it is: Excel (.xlsx), OpenDocument "
                    "(.ods) or CSV. At most %(size)s."
                ),
                size=UPLOAD_LIMIT,
            )
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(MAPPED_TYPES)}),
    )
    saved: "forms.ModelChoiceField[RegisterMapping]" = forms.ModelChoiceField(
        label=_("Use a saved mapping"),
        queryset=None,
        required=False,
        empty_label=_("No: map the columns now"),
        help_text=_("A mapping saved last time for the same layout fills in every choice."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["saved"].queryset = RegisterMapping.objects.filter(
            collaboration__in=Collaboration.objects.visible_to(user)
        ).select_related("collaboration")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            uploads.check_upload(upload, allowed=("xlsx", "ods", "csv"))
        except uploads.FileRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        upload.seek(0)
        return upload


class MappingForm(GovukForm, forms.Form):
    """Every choice of a mapping on one page; the column choices are the cells of the
    chosen sheet's header row."""

    sheet = forms.ChoiceField(label=_("Sheet"))
    header_row = forms.IntegerField(
        label=_("Header row"),
        min_value=1,
        max_value=MAX_HEADER_ROW,
        help_text=_("The row holding the column headings, below any title block."),
        error_messages={
            "required": _("Enter the number of the row holding the column headings."),
            "invalid": _("Enter the header row as a number, e.g. 4."),
            "min_value": lazy_format(HEADER_ROWS, limit=MAX_HEADER_ROW),
            "max_value": lazy_format(HEADER_ROWS, limit=MAX_HEADER_ROW),
        },
    )
    initiative = forms.ChoiceField(
        label=_("Initiative"),
        required=False,
        help_text=_("The initiative every row belongs to, or choose a column below."),
    )
    initiative_column = forms.ChoiceField(
        label=_("Or the column naming each row's initiative"), required=False
    )
    evidence_note = forms.CharField(
        label=_("Evidence for the actuals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Where the figures came from, for every actual of this import "
            "(e.g. 'Copied from the 7F register v12'), unless an evidence column is mapped."
        ),
    )
    save_as = forms.CharField(
        label=_("Save this mapping as"),
        required=False,
        max_length=100,
        help_text=_("A name to reuse it next month, e.g. '7F register'. Leave empty not to save."),
    )
    collaboration: "forms.ModelChoiceField[Collaboration]" = forms.ModelChoiceField(
        label=_("Save it for collaboration"), queryset=None, required=False, to_field_name="slug"
    )

    def __init__(self, *args, sheets, headers, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        # A hidden sheet is offered all the same, and marked: it is imported if chosen.
        self.fields["sheet"].choices = [
            (
                sheet.name,
                _("%(sheet)s (hidden)") % {"sheet": sheet.name} if sheet.hidden else sheet.name,
            )
            for sheet in sheets
        ]
        self.fields["initiative"].choices = [("", _("Choose an initiative"))] + [
            (i.slug, f"{i.name} ({i.collaboration.name})")
            for i in Initiative.objects.visible_to(user)
            .select_related("collaboration")
            .order_by("name")
        ]
        columns = [(NOT_IN_FILE, _("Not in this file"))] + [
            (text, f"{column_letter(index)}: {text}") for index, text in sorted(headers.items())
        ]
        self.fields["initiative_column"].choices = columns
        self.fields["initiative_column"].error_messages["invalid_choice"] = NOT_A_HEADING
        self.fields["collaboration"].queryset = Collaboration.objects.visible_to(user).order_by(
            "name"
        )
        self.field_names = []
        for name, (label, _kind) in FIELDS.items():
            self.fields[f"col_{name}"] = forms.ChoiceField(
                label=label,
                choices=columns,
                required=False,
                error_messages={"invalid_choice": NOT_A_HEADING},
            )
            self.field_names.append(f"col_{name}")
        self.block_names = []
        for index in range(BLOCKS):
            self.fields[f"block{index}_kind"] = forms.ChoiceField(
                label=_("Months across, block %(number)s") % {"number": index + 1},
                choices=[
                    ("", _("None")),
                    ("planned", _("Planned values")),
                    ("actual", _("Actuals")),
                ],
                required=False,
            )
            self.fields[f"block{index}_first"] = forms.CharField(
                label=_("Block %(number)s from column") % {"number": index + 1}, required=False
            )
            self.fields[f"block{index}_last"] = forms.CharField(
                label=_("Block %(number)s to column") % {"number": index + 1}, required=False
            )
            self.block_names.append(index)
        self.order_fields(
            ["sheet", "header_row", "initiative", "initiative_column", *self.field_names]
        )

    def clean(self):
        """Column letters of each block; and when the header row is not one to read,
        that error alone, not one more for each column chosen from the row it replaced."""
        data = super().clean()
        row = data.get("header_row")
        if row is not None and not self.headers:
            self.add_error(
                "header_row",
                _("Row %(row)s of this sheet is empty: enter the row holding the column headings.")
                % {"row": row},
            )
        if "header_row" in self.errors:
            for name in ("initiative_column", *self.field_names):
                self.errors.pop(name, None)
        for index in self.block_names:
            kind = data.get(f"block{index}_kind")
            for end in ("first", "last"):
                name = f"block{index}_{end}"
                letters = (data.get(name) or "").strip().upper()
                if letters and not LETTERS.match(letters):
                    self.add_error(
                        name,
                        _("'%(value)s' is not a column: enter its letters, e.g. F or AB.")
                        % {"value": data[name].strip()},
                    )
                elif kind and not letters:
                    self.add_error(name, _("Enter the column letters, e.g. F or AB."))
        return data

    def labelled_errors(self) -> list[tuple[str, str]]:
        """Each error with the id of its field, the message naming the field."""
        found = [("", str(error)) for error in self.non_field_errors()]
        for name in self.fields:
            bound = self[name]
            for error in bound.errors:
                found.append((bound.id_for_label, f"{bound.label}: {error}"))
        return found

    def mapping_json(self) -> dict:
        """The mapping as JSON (check it with `parse_mapping`)."""
        data = self.cleaned_data
        mapping: dict = {"sheet": data["sheet"], "header_row": data["header_row"]}
        if data.get("initiative_column"):
            mapping["initiative"] = {"column": data["initiative_column"]}
        elif data.get("initiative"):
            mapping["initiative"] = data["initiative"]
        mapping["columns"] = {name[4:]: data[name] for name in self.field_names if data.get(name)}
        mapping["monthly"] = [
            {
                "kind": data[f"block{i}_kind"],
                "first_column": data[f"block{i}_first"].strip().upper(),
                "last_column": data[f"block{i}_last"].strip().upper(),
            }
            for i in self.block_names
            if data.get(f"block{i}_kind")
        ]
        if data.get("evidence_note", "").strip():
            mapping["evidence_note"] = data["evidence_note"].strip()
        return mapping


def mapping_initial(mapping: dict) -> dict:
    """A mapping's JSON as the form's initial values."""
    initial = {
        "sheet": mapping.get("sheet"),
        "header_row": mapping.get("header_row"),
        "evidence_note": mapping.get("evidence_note", ""),
    }
    initiative = mapping.get("initiative")
    if isinstance(initiative, dict):
        initial["initiative_column"] = initiative.get("column")
    else:
        initial["initiative"] = initiative
    for name, where in (mapping.get("columns") or {}).items():
        initial[f"col_{name}"] = where
    for index, block in enumerate((mapping.get("monthly") or [])[:BLOCKS]):
        initial[f"block{index}_kind"] = block.get("kind")
        initial[f"block{index}_first"] = block.get("first_column")
        initial[f"block{index}_last"] = block.get("last_column")
    return initial
