"""The migrations agree with the models, and `Relabel` changes labels only."""

import pytest
from django.core.management import call_command
from django.db import models
from django.db.migrations.state import ModelState, ProjectState

from realise.core.migration_operations import Relabel


@pytest.mark.django_db
def test_the_models_need_no_migration_that_is_not_written():
    # Exits (SystemExit 1) when a model has changed without its migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _state_with_a_title(**options) -> ProjectState:
    state = ProjectState()
    fields = [("id", models.AutoField(primary_key=True)), ("title", models.CharField(**options))]
    state.add_model(ModelState("shelf", "Book", fields))
    return state


def test_relabel_gives_the_field_its_new_label():
    state = _state_with_a_title(max_length=200)
    operation = Relabel("book", "title", models.CharField(max_length=200, verbose_name="teitl"))
    operation.state_forwards("shelf", state)
    assert state.models["shelf", "book"].fields["title"].verbose_name == "teitl"
    assert state.apps.get_model("shelf", "Book")._meta.get_field("title").max_length == 200


def test_relabel_refuses_any_change_but_the_label():
    state = _state_with_a_title(max_length=200)
    operation = Relabel("book", "title", models.CharField(max_length=100, verbose_name="title"))
    with pytest.raises(ValueError, match=r"shelf\.book\.title.*more than its label"):
        operation.state_forwards("shelf", state)
