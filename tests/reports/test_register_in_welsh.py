"""The register import reads the English words it always has, whatever the language of the
page it is started from; a register exported from a Welsh page (Welsh drop-downs) imports
too, in either language."""

import pytest
from django.utils import translation
from openpyxl import load_workbook

from realise.benefits.models import Benefit
from realise.reports.register.importing import import_register
from realise.reports.register.xlsx import BENEFITS, INITIATIVES, write_register
from tests.reports.conftest import append_row, row_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en-gb")


def errors_of(result) -> list[str]:
    return [str(error) for error in result.errors]


def new_benefit(reference: str, labels: list[str]) -> list:
    subcategory, direction, unit, nature, status = labels
    return [
        reference,
        "joint-vetting",
        "Fewer re-vets",
        "",
        subcategory,
        direction,
        "Hours spent re-vetting",
        unit,
        nature,
        400,
        None,
        250,
        None,
        "Erin Owner <erin@kent.police.example>",
        "Frank Measurer <frank@essex.police.example>",
        "No",
        "No",
        "Yes",
        None,
        status,
    ]


def test_an_english_workbook_imports_while_welsh_is_active(register, exported):
    english = ["1b Savings: time", "Decrease", "Hours", "Quantitative", "Proposed"]
    append_row(exported, BENEFITS, new_benefit("B-VET-3", english))

    with translation.override("cy"):
        result = import_register(exported, user=register.alice)

    assert result.ok, errors_of(result)
    assert result.counts[BENEFITS].created == 1
    assert result.counts[BENEFITS].unchanged == 2
    assert result.counts[INITIATIVES].unchanged == 1
    new = Benefit.objects.get(reference="B-VET-3")
    assert (new.subcategory, new.direction, new.unit, new.nature, new.status) == (
        "1b",
        "decrease",
        "hours",
        "quantitative",
        "proposed",
    )


def test_a_welsh_cell_is_refused_in_english_words(register, exported):
    append_row(
        exported,
        BENEFITS,
        new_benefit(
            "B-VET-3", ["1b Savings: time", "Sideways", "Hours", "Quantitative", "Proposed"]
        ),
    )
    with translation.override("cy"):
        result = import_register(exported, user=register.alice)
    assert not result.ok
    assert any("'Sideways' is not a direction" in error for error in errors_of(result))


def test_a_register_exported_in_welsh_has_welsh_choices_and_imports_unchanged(register, tmp_path):
    path = tmp_path / "cofrestr.xlsx"
    with translation.override("cy"):
        write_register(path)
    book = load_workbook(path)
    row = row_of(path, BENEFITS, "B-VET-1")
    assert book[BENEFITS][f"E{row}"].value == "1a Arbedion: arian"
    english = tmp_path / "register.xlsx"
    write_register(english)
    header = [cell.value for cell in book[BENEFITS][1]]
    assert header == [cell.value for cell in load_workbook(english)[BENEFITS][1]]

    for language in ("en-gb", "cy"):
        with translation.override(language):
            result = import_register(path, user=register.alice)
        assert result.ok, errors_of(result)
        assert result.changes == 0, language
