"""Every form's labels follow the language of the page (#20): a label Django makes from a
field's name ("Baseline date") or a model field's plain verbose name is English on a Welsh
page, so each visible form field's label must be marked for translation, on the form or the
model."""

import importlib
import pkgutil

import pytest
from django import forms
from django.utils import translation
from django.utils.functional import Promise

import realise
from realise.benefits.forms import BenefitForm
from realise.core.uploads import FileRefused, check_upload


def _form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(realise.__path__, "realise."):
        if module.name.rsplit(".", 1)[-1] == "forms":
            importlib.import_module(module.name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            if subclass.__module__.startswith("realise."):
                found.add(subclass)
    return sorted(found, key=lambda cls: (cls.__module__, cls.__name__))


def test_there_are_forms_to_check():
    names = {cls.__name__ for cls in _form_classes()}
    assert {"BenefitForm", "LessonForm", "CollaborationForm", "DecisionForm"} <= names


def test_every_form_field_label_is_marked_for_translation():
    unmarked = [
        f"{cls.__module__}.{cls.__name__}.{name}: {field.label!r}"
        for cls in _form_classes()
        for name, field in getattr(cls, "base_fields", {}).items()
        if not isinstance(field.label, Promise)
        and not field.widget.is_hidden
        and (field.label is None or any(c.isalpha() for c in field.label))
    ]
    assert unmarked == []


@pytest.fixture
def welsh():
    with translation.override("cy"):
        yield


def test_a_benefit_form_reads_welsh_labels_on_a_welsh_page(welsh):
    fields = BenefitForm.base_fields
    assert str(fields["baseline_date"].label) == "Dyddiad y llinell sylfaen"
    assert str(fields["cashable"].label) == "Ariannol"


def test_an_upload_refusal_and_the_accepted_types_are_in_welsh(welsh):
    upload = type("Upload", (), {"name": "tool.exe", "size": 10, "read": lambda self, n: b"MZ"})
    with pytest.raises(FileRefused) as refused:
        check_upload(upload())
    message = str(refused.value)
    assert message.startswith("Nid yw 'tool.exe' yn fath o ffeil a dderbynnir.")
    assert "Word (.docx)" in message and " neu " in message
    assert " or " not in message and "Upload" not in message
