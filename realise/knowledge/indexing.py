"""The search index: a registry of searchable types and the functions that keep it current.

Each searchable type registers itself once with `register()`, naming how to describe one of
its objects as an `EntryData` (title, body text, URL, visibility, collaboration and the
fields the search filters use). Saving or deleting a registered model updates its
`SearchEntry` through signals, inside the same transaction as the write, so the index is
never behind the data. Code that changes searchable text without saving the model itself
(e.g. a new document version) calls `index_object(obj)`.

Another app makes its own model searchable with::

    from realise.knowledge.indexing import EntryData, register

    register("decision", "Decision", Decision, describe_decision)

or, without registering, by calling `index_object(obj)` / `remove_object(obj)` after its
writes once a describer for the model is registered.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from realise.core.types import StrOrPromise
from realise.knowledge.models import SearchEntry

MAX_BODY_CHARS = 100_000  # PostgreSQL refuses a tsvector over 1 MB; this stays well within
PRIVATE_USE = ("\ue000", "\ue001")  # reserved for highlight markers in snippets


@dataclass
class EntryData:
    title: str
    body: str
    url: str
    visibility: str
    collaboration_id: int | None
    theme: str = ""
    stage: int | None = None
    date: datetime.date | None = None


@dataclass
class Searchable:
    kind: str
    label: StrOrPromise  # shown in the language of the page
    plural: StrOrPromise
    model: type[models.Model]
    describe: Callable[[Any], EntryData]  # takes an object of `model`
    queryset: Callable[[], models.QuerySet] | None = None

    def all_objects(self) -> models.QuerySet:
        if self.queryset is not None:
            return self.queryset()
        return self.model._default_manager.all()


_M = TypeVar("_M", bound=models.Model)

REGISTRY: dict[str, Searchable] = {}
_BY_MODEL: dict[type[models.Model], Searchable] = {}


def register(
    kind: str,
    label: StrOrPromise,
    model: type[_M],
    describe: Callable[[_M], EntryData],
    *,
    plural: StrOrPromise | None = None,
    queryset: Callable[[], models.QuerySet] | None = None,
    connect_signals: bool = True,
) -> Searchable:
    """Make `model` searchable as `kind`; its saves and deletes then update the index."""
    searchable = Searchable(kind, label, plural or f"{label}s", model, describe, queryset)
    REGISTRY[kind] = searchable
    _BY_MODEL[model] = searchable
    if connect_signals:
        post_save.connect(_saved, sender=model, dispatch_uid=f"knowledge-index-{kind}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"knowledge-unindex-{kind}")
    return searchable


def kinds() -> list[tuple[str, StrOrPromise]]:
    """(kind, plural label) of every registered type, for filters."""
    return [(s.kind, s.plural) for s in REGISTRY.values()]


def searchable_for(obj_or_model) -> Searchable | None:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    for klass in model.__mro__:
        if klass in _BY_MODEL:
            return _BY_MODEL[klass]
    return None


def clean_text(text: str) -> str:
    for marker in PRIVATE_USE:
        text = text.replace(marker, " ")
    return text.replace("\x00", "")


def join_text(*parts) -> str:
    return "\n".join(str(part).strip() for part in parts if part and str(part).strip())


def index_object(obj) -> None:
    """Write (or rewrite) the search entry of one object of a registered type."""
    searchable = searchable_for(obj)
    if searchable is None:
        raise LookupError(f"{type(obj).__name__} is not registered for search.")
    # The index is written in English whatever the language of the request that saved
    # the object, so that the same record always reads the same in the index.
    with translation.override("en-gb"):
        data = searchable.describe(obj)
    SearchEntry.objects.update_or_create(
        kind=searchable.kind,
        object_id=obj.pk,
        defaults={
            "collaboration_id": data.collaboration_id,
            "title": clean_text(data.title)[:300],
            "body": clean_text(data.body)[:MAX_BODY_CHARS],
            "url": data.url[:300],
            "visibility": data.visibility,
            "theme": data.theme,
            "stage": data.stage,
            "date": data.date,
        },
    )


def remove_object(obj=None, *, kind: str | None = None, object_id: int | None = None) -> None:
    """Remove an object's search entry (pass the object, or its kind and id)."""
    if obj is not None:
        searchable = searchable_for(obj)
        if searchable is None:
            return
        kind, object_id = searchable.kind, obj.pk
    if object_id is None:
        return  # an unsaved object has no entry
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


def index_many(objects: Iterable[models.Model]) -> int:
    count = 0
    for obj in objects:
        index_object(obj)
        count += 1
    return count


@transaction.atomic
def reindex_all(kinds_to_index: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the entries of the given kinds (all by default), dropping stale ones."""
    counts = {}
    for kind in list(kinds_to_index or REGISTRY):
        searchable = REGISTRY[kind]
        objects = searchable.all_objects()
        SearchEntry.objects.filter(kind=kind).exclude(object_id__in=objects.values("pk")).delete()
        counts[kind] = index_many(objects.iterator(chunk_size=500))
    return counts


def _saved(sender, instance, raw=False, **kwargs):
    if raw:  # loading fixtures: related rows may not exist yet
        return
    index_object(instance)


def _deleted(sender, instance, **kwargs):
    remove_object(instance)
