"""`realise reindex [TYPE ...]`: a wrong type is a usage error naming the argument."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_reindex_refuses_an_unknown_type_naming_the_argument():
    with pytest.raises(CommandError) as error:
        call_command("reindex", "lesson", "bogus", stdout=None)
    assert error.value.returncode == 2
    assert str(error.value).startswith("types: no type 'bogus'; use any of: collaboration, ")
