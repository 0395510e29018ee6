"""Migration operations of Realise's own.

`Relabel` is Django's `AlterField` for a change of a field's verbose name (its label on
forms, in Welsh and in English) and nothing else. Django alters no column for a label, yet
its `AlterField` renders the field's model and every model related to it once more, in
every migration run: with a label for each field of the register, that was a third of
the time it takes to build a database. `Relabel` writes the label into the migration state
and leaves the rendered models alone: no migration reads a label. It refuses a field that
differs in anything but its label, so it can never hide a change to the schema.
"""

from __future__ import annotations

from django.db import migrations


def _without_label(field) -> tuple:
    _name, path, args, kwargs = field.deconstruct()
    kwargs.pop("verbose_name", None)
    return path, args, kwargs


class Relabel(migrations.AlterField):
    """The field's label is now `field`'s verbose name; nothing else about it changes."""

    def state_forwards(self, app_label, state):
        model_key = app_label, self.model_name_lower
        fields = state.models[model_key].fields
        old = fields[self.name]
        if _without_label(old) != _without_label(self.field):
            raise ValueError(
                f"Relabel {app_label}.{self.model_name}.{self.name}: the field changes in "
                "more than its label; use AlterField."
            )
        fields[self.name] = self.field
        if state._relations is not None:
            # The same relation as before, now held by the relabelled field.
            state.resolve_model_field_relations(model_key, self.name, self.field)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        """A label is not in the database."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        """A label is not in the database."""

    def describe(self):
        return f"Relabel field {self.name} on {self.model_name}"
