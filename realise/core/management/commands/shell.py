"""`manage.py shell`: Django's shell, which imports every model as it starts, the history
models (django-simple-history's, such as `HistoricalBenefit`) included.

Those models live in their app's `models` module, not where `__module__` says, so Django's
own list named paths that do not import and the shell began with a warning of some fifty
lines. Each model is named here by a path it imports from."""

from importlib import import_module

from django.apps import apps
from django.core.management.commands.shell import Command as DjangoShellCommand


def importable_path(model: type) -> str | None:
    """A dotted path that imports `model`: where it lives, else the path Django names (and
    warns about); None for a model of no module, which Django leaves out too."""
    if not model.__module__:
        return None
    modules = [model.__module__, f"{model.__module__}.models"]
    tracked = getattr(model, "instance_type", None)  # a history model's own model
    if tracked is not None:
        modules.append(tracked.__module__)
    for module in modules:
        try:
            found = getattr(import_module(module), model.__name__, None)
        except ImportError:
            continue
        if found is model:
            return f"{module}.{found.__name__}"
    return f"{model.__module__}.{model.__name__}"


class Command(DjangoShellCommand):
    def get_auto_imports(self):
        paths = (importable_path(model) for model in reversed(apps.get_models()))
        return [path for path in paths if path is not None]
