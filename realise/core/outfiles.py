"""The files the command line writes (`--out FILE`): checked before any work is done, and
written whole or not at all."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import CommandError


def check_out(name: str, option: str = "--out", what: str = "the file") -> Path:
    """The file to write, or a usage error (exit status 2) naming `option` when it cannot be
    written (`what` names the file asked for): a folder named as the file, a folder that
    does not exist or cannot be written to, a read-only file. Checked before the document
    or workbook is built."""
    out = Path(name)
    folder = out.parent
    if out.is_dir():
        raise CommandError(f"{option}: '{out}' is a folder; name {what} to write", returncode=2)
    if not folder.is_dir():
        raise CommandError(f"{option}: the folder '{folder}' does not exist", returncode=2)
    writable = os.access(out, os.W_OK) if out.exists() else os.access(folder, os.W_OK | os.X_OK)
    if not writable:
        raise CommandError(f"{option}: cannot write '{out}': permission denied", returncode=2)
    return out


@contextlib.contextmanager
def replacing(out: Path) -> Iterator[Path]:
    """A path beside `out` to write to; when the block ends without an error it takes
    `out`'s place in one step, else it is removed. A write that fails part way (a full
    disk, an error while the rows are read) leaves `out` as it was, never half written."""
    part = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        yield part
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)
