"""Uploaded files written to storage inside a transaction, and removed again when that
transaction does not commit.

Storage is not transactional: a file written for a row that is then rolled back (a refused
line in a month's actuals, a version number taken by someone else at the same moment, a
database error) would stay in storage, orphaned, with no row naming it. So a file for a row
is written with `store`, inside `atomic()` (Django's `transaction.atomic`, which it opens),
and `atomic()` deletes the files stored in it when its block raises, is marked for
rollback, or fails to commit. A block nested in another `atomic()` hands its files to the
outer one on success, so they go if the outer block does not commit; keep the outermost
block of a write that stores files an `atomic()` for that reason.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar

from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)

_Stored = list[tuple[Storage, str]]
_stored: ContextVar[_Stored | None] = ContextVar("realise_stored_files", default=None)


@contextlib.contextmanager
def atomic(using: str | None = None) -> Iterator[None]:
    """`transaction.atomic`, deleting the files `store`d inside it unless it commits."""
    outer = _stored.get()
    files: _Stored = []
    token = _stored.set(files)
    kept = False
    try:
        with transaction.atomic(using=using):
            yield
            rolled_back = transaction.get_rollback(using)
        kept = not rolled_back
    finally:
        _stored.reset(token)
        if not kept:
            _remove(files)
        elif outer is not None:
            outer.extend(files)


def store(file: FieldFile, name: str, content: File) -> None:
    """Write `content` for the row holding `file` (its field's `upload_to` and storage
    apply), without saving the row; it is removed if the enclosing `atomic()` does not
    commit."""
    files = _stored.get()
    if files is None:
        raise RuntimeError("store() writes a file for a row inside stored_files.atomic() only.")
    file.save(name, content, save=False)
    if file.name:
        files.append((file.storage, file.name))


def _remove(files: _Stored) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except Exception as error:  # noqa: BLE001 - the write's own error is the one to raise
            logger.warning(
                "Could not remove the file %s of a write that did not commit: %s", name, error
            )
