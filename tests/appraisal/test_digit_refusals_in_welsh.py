"""The economic case's forms refuse a number written in other digits in the language of
the page, as every other form does."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from realise.appraisal.forms import clean_bias
from tests.core.welsh_entries import welsh

ENGLISH = "'%(value)s' is not a number: write it with the digits 0 to 9."
WELSH = "Nid yw '%(value)s' yn rhif: ysgrifennwch ef â’r digidau 0 i 9."


def test_an_optimism_bias_in_other_digits_is_refused_in_welsh():
    with (
        welsh({ENGLISH: WELSH}),
        translation.override("cy"),
        pytest.raises(ValidationError) as refused,
    ):
        clean_bias("٢٤%")
    assert refused.value.messages == ["Nid yw '٢٤%' yn rhif: ysgrifennwch ef â’r digidau 0 i 9."]
