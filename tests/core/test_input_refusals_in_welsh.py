"""The refusals of `core.inputs` (a month that is not one, a number in other digits) read in
the language of the page: Welsh on a Welsh page, the same English words as before on an
English one, the API and the command line."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from realise.core import inputs
from realise.core.forms import MonthInputField
from tests.core.welsh_entries import welsh

NOT_A_MONTH = "'%(text)s' is not a month; write it as YYYY-MM, e.g. 2026-10."
NOT_A_MONTH_CY = "Nid yw '%(text)s' yn fis; ysgrifennwch ef fel BBBB-MM, e.e. 2026-10."
NOT_DIGITS = "'%(value)s' is not a number: write it with the digits 0 to 9."
NOT_DIGITS_CY = "Nid yw '%(value)s' yn rhif: ysgrifennwch ef â’r digidau 0 i 9."


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en-gb")


def refusal(text: str) -> str:
    with pytest.raises(ValueError) as refused:
        inputs.parse_month(text)
    return str(refused.value)


@pytest.mark.parametrize("text", ["October 2026", "2026-13"])
def test_a_month_that_is_not_one_is_refused_in_welsh_on_a_welsh_page(text):
    with welsh({NOT_A_MONTH: NOT_A_MONTH_CY}), translation.override("cy"):
        shown = refusal(text)
    assert shown == f"Nid yw '{text}' yn fis; ysgrifennwch ef fel BBBB-MM, e.e. 2026-10."


@pytest.mark.parametrize("text", ["October 2026", "2026-13"])
def test_the_english_words_are_unchanged(text):
    with welsh({NOT_A_MONTH: NOT_A_MONTH_CY}):
        assert refusal(text) == f"'{text}' is not a month; write it as YYYY-MM, e.g. 2026-10."


def test_a_month_field_given_yyyy_mm_refuses_in_welsh():
    with (
        welsh({NOT_A_MONTH: NOT_A_MONTH_CY}),
        translation.override("cy"),
        pytest.raises(ValidationError) as refused,
    ):
        MonthInputField().clean("2026-13")
    assert refused.value.messages == [
        "Nid yw '2026-13' yn fis; ysgrifennwch ef fel BBBB-MM, e.e. 2026-10."
    ]


def test_a_number_in_other_digits_is_refused_in_welsh():
    with (
        welsh({NOT_DIGITS: NOT_DIGITS_CY}),
        translation.override("cy"),
        pytest.raises(ValidationError) as refused,
    ):
        inputs.check_number_text("١٢٥٠")
    assert refused.value.messages == ["Nid yw '١٢٥٠' yn rhif: ysgrifennwch ef â’r digidau 0 i 9."]
    with pytest.raises(ValidationError) as english:
        inputs.check_number_text("１２５０")
    assert english.value.messages == [
        "'１２５０' is not a number: write it with the digits 0 to 9."
    ]


def test_the_planned_profile_page_names_the_line_and_the_month_in_welsh(client, world):
    client.force_login(world.alice)
    client.post("/language/", {"language": "cy", "next": "/"})
    with welsh({NOT_A_MONTH: NOT_A_MONTH_CY}):
        page = client.post(
            f"/benefits/{world.benefit.pk}/plan/", {"profile": "2026-04 1000\n2026-13 1000"}
        ).content.decode()
    assert "yn fis; ysgrifennwch ef fel BBBB-MM, e.e. 2026-10." in page
    assert "is not a month" not in page
    assert not world.benefit.planned_values.exists()
