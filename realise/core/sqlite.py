"""SQLite's LIKE, case-insensitive for every letter as PostgreSQL's searches are.

Django turns `icontains`, `iexact`, `istartswith` and their kin into LIKE on SQLite, whose
own LIKE folds only the letters A to Z: "ŵ" would not find "Ŵ", nor "é" "É", where
PostgreSQL (UPPER on both sides) finds them. Each SQLite connection gets a LIKE of its own
that folds every letter Python folds, with SQLite's wildcards (`%` any run of characters,
`_` any one) and its ESCAPE character. On SQLite `contains` is LIKE too, as Django documents,
so it stays case-insensitive, for every letter now.
"""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=1024)
def _pattern(pattern: str, escape: str | None) -> re.Pattern[str]:
    parts = []
    characters = iter(pattern)
    for character in characters:
        if escape is not None and character == escape:
            parts.append(re.escape(next(characters, "")))
        elif character == "%":
            parts.append(".*")
        elif character == "_":
            parts.append(".")
        else:
            parts.append(re.escape(character))
    return re.compile("".join(parts), re.DOTALL | re.IGNORECASE)


def like(pattern, value, escape=None) -> bool | None:
    """`value LIKE pattern [ESCAPE escape]` (SQLite passes the pattern first)."""
    if pattern is None or value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return _pattern(str(pattern), escape).fullmatch(str(value)) is not None


def install_like(sender, connection, **kwargs) -> None:
    """`connection_created`: give a new SQLite connection the LIKE above."""
    if connection.vendor != "sqlite":
        return
    for arguments in (2, 3):
        connection.connection.create_function("like", arguments, like, deterministic=True)
