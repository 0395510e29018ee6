"""No lost updates in the pages: an edit form carries the version it was opened at.

If someone else saved the record in the meantime, the form is shown again saying so, with
their values beside yours; saving again (deliberately) replaces theirs. The save itself is
a compare-and-set (see `core.models.Versioned`), so a change that races in between the
check and the save is caught too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from realise.core.models import StaleVersion

STALE_MESSAGE = _(
    "Someone else changed this since you opened it. Their values are shown above the "
    "form: check them, then save again to replace them with yours, or cancel to keep theirs."
)


def _display(instance, name: str) -> str:
    field = instance._meta.get_field(name)
    value = getattr(instance, name, None)
    if field.choices and value not in (None, ""):
        value = getattr(instance, f"get_{name}_display")()
    return "(empty)" if value in (None, "") else str(value)


def _comparable(value) -> str:
    if hasattr(value, "pk"):
        value = value.pk
    return "" if value is None else str(value)


# The mixin is only ever combined with a ModelForm: type-check it as one.
if TYPE_CHECKING:
    _ModelFormBase = forms.ModelForm
else:
    _ModelFormBase = object


class VersionedFormMixin(_ModelFormBase):
    """For ModelForms of `Versioned` models: a hidden `version` and the stale check."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=self.instance.version
        )
        self.version_conflict: list[tuple[str, str, str]] = []

    def clean(self):
        data = super().clean()
        opened_at = data.get("version")
        if self.instance.pk is None or opened_at is None:
            return data
        if opened_at != self.instance.version:
            self.stale(self.instance)
        else:
            self.instance.expected_version = opened_at
        return data

    def stale(self, current) -> None:
        """Say the record changed, list its current values, and arm the form to replace
        them if it is sent again."""
        data = getattr(self, "cleaned_data", {})
        rows = []
        for name in self._meta.fields or ():
            if name not in self.fields or name not in data:
                continue
            field = current._meta.get_field(name)
            theirs = getattr(current, field.attname, None)
            if _comparable(theirs) != _comparable(data[name]):
                label = str(self.fields[name].label or field.verbose_name).capitalize()
                yours = data[name]
                shown = "(empty)" if yours in (None, "") else str(yours)
                if field.choices and yours not in (None, ""):
                    shown = str(dict(field.flatchoices).get(yours, yours))
                rows.append((label, _display(current, name), shown))
        self.version_conflict = rows
        self.add_error(None, STALE_MESSAGE)
        # A bound form's data: the request's POST (a QueryDict), or a plain dict.
        assert isinstance(self.data, (MultiValueDict, dict))
        posted = self.data.copy()
        posted[self.add_prefix("version")] = str(current.version)
        self.data = posted


class VersionConflictMixin:
    """For update views: a save that lost a race shows the form again, not an error page."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except StaleVersion:
            current = type(form.instance)._default_manager.get(pk=form.instance.pk)
            form.stale(current)
            return self.form_invalid(form)
