"""Welsh for a test's own strings, put into the compiled Welsh catalogue for the length of a
test (`with welsh({msgid: msgstr}): ...`). A message then reads in Welsh on a Welsh page only
if it is marked for translation and put into words in the reader's language: plain English,
or text translated before the reader's language applies, still reads in English."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.utils.translation import trans_real

MISSING = object()


@contextlib.contextmanager
def welsh(entries: dict[str, str]) -> Iterator[None]:
    catalogue = trans_real.translation("cy")._catalog  # type: ignore[attr-defined]
    top = catalogue._catalogs[0]
    before = {msgid: top.get(msgid, MISSING) for msgid in entries}
    top.update(entries)
    try:
        yield
    finally:
        for msgid, text in before.items():
            if text is MISSING:
                top.pop(msgid, None)
            else:
                top[msgid] = text
