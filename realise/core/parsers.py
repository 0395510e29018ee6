"""Request body parsers of the API (kept apart from `realise.core.api`: DRF reads them from
settings while it is itself being imported)."""

from __future__ import annotations

from rest_framework import exceptions, parsers

MAX_JSON_DEPTH = 32


def _depth(value, limit: int) -> int:
    """How deeply `value` nests (iteratively, stopping past `limit`)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """JSON bodies, refused with 400 (not a 500) when they nest deeper than any Realise
    body does or too deeply for the parser."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - the body nests too deeply.") from None
        if _depth(data, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
            raise exceptions.ParseError(
                f"JSON parse error - the body nests more than {MAX_JSON_DEPTH} levels deep."
            )
        return data
