"""A number typed in digits other than 0 to 9 is refused on every form in the language of
the page (a number field of any form, a box of the month input, a line of the planned
profile), while the register import words the same refusal in English."""

import pytest
from django import forms
from django.utils import translation

from realise.benefits.forms import PlanForm
from realise.core.forms import GovukForm, MonthInputField
from realise.reports.register import cells
from realise.reports.register.results import CellError
from tests.core.welsh_entries import welsh

NOT_DIGITS = "'%(value)s' is not a number: write it with the digits 0 to 9."
NOT_DIGITS_CY = "Nid yw '%(value)s' yn rhif: ysgrifennwch ef â’r digidau 0 i 9."


class FigureForm(GovukForm, forms.Form):
    amount = forms.DecimalField(max_digits=10, decimal_places=2)
    month = MonthInputField()


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en-gb")


def welsh_errors(data: dict) -> dict:
    with welsh({NOT_DIGITS: NOT_DIGITS_CY}), translation.override("cy"):
        form = FigureForm(data)
        form.is_valid()
        return {name: [str(message) for message in errors] for name, errors in form.errors.items()}


def test_a_number_field_refuses_other_digits_in_welsh():
    errors = welsh_errors({"amount": "١٢٥٠", "month_month": "3", "month_year": "2026"})
    assert errors == {"amount": ["Nid yw '١٢٥٠' yn rhif: ysgrifennwch ef â’r digidau 0 i 9."]}


def test_a_box_of_the_month_input_refuses_other_digits_in_welsh():
    errors = welsh_errors({"amount": "10", "month_month": "３", "month_year": "2026"})
    assert errors == {"month": ["Nid yw '３' yn rhif: ysgrifennwch ef â’r digidau 0 i 9."]}


def test_the_english_words_are_unchanged_on_an_english_form():
    form = FigureForm({"amount": "１２５０", "month_month": "3", "month_year": "２０２６"})
    assert not form.is_valid()
    assert form.errors == {
        "amount": ["'１２５０' is not a number: write it with the digits 0 to 9."],
        "month": ["'２０２６' is not a number: write it with the digits 0 to 9."],
    }


def test_a_line_of_the_planned_profile_refuses_other_digits_in_welsh():
    with welsh({NOT_DIGITS: NOT_DIGITS_CY}), translation.override("cy"):
        form = PlanForm({"profile": "2026-04 1000\n2026-05 ١٢٥٠"})
        assert not form.is_valid()
        (message,) = form.errors["profile"]
    assert message == "Llinell 2: Nid yw '١٢٥٠' yn rhif: ysgrifennwch ef â’r digidau 0 i 9."


def test_the_register_import_refuses_other_digits_in_english_whatever_the_page():
    with (
        welsh({NOT_DIGITS: NOT_DIGITS_CY}),
        translation.override("cy"),
        pytest.raises(CellError) as refused,
    ):
        cells.read_decimal("١٢٥٠")
    assert str(refused.value) == "'١٢٥٠' is not a number: write it with the digits 0 to 9"
