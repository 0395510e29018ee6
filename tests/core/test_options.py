"""A day given on the command line: read as YYYY-MM-DD, or refused naming the option."""

import datetime

import pytest
from django.core.management.base import CommandError

from realise.core.options import day_option


def test_a_day_is_read_and_an_option_not_given_is_none():
    assert day_option("2026-11-30", "--today") == datetime.date(2026, 11, 30)
    assert day_option(None, "--today") is None


@pytest.mark.parametrize(
    ("text", "example", "message"),
    [
        ("30/11/2026", "", "--date: '30/11/2026' is not a date; write it as YYYY-MM-DD"),
        ("", "", "--date: '' is not a date; write it as YYYY-MM-DD"),
        (
            "2026-02-30",
            "e.g. 2026-11-30.",
            "--date: '2026-02-30' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-30.",
        ),
    ],
)
def test_what_is_not_a_day_is_a_usage_error_naming_the_option(text, example, message):
    with pytest.raises(CommandError) as refused:
        day_option(text, "--date", example)
    assert refused.value.returncode == 2
    assert str(refused.value) == message
