"""Read pages as a Welsh reader would, and find English the service wrote itself (#20).

What people typed stays as typed, so any run of text that comes from the database (or is a
piece of a stored text cut by a link or a search highlight) is left out; what remains
should hold no English words. Text marked with another language (`lang="en"`), code
samples and scripts are left out too."""

from __future__ import annotations

import re

from django.apps import apps
from django.db import models

from realise.core.translations import ElementStack

# Words common in English sentences and never Welsh words ("a", "i", "o", "at", "is", "no"
# and "on" are Welsh too, so they are not here).
ENGLISH = re.compile(
    r"\b(the|and|of|with|for|from|this|that|are|has|have|not|your|you|was|were|will|"
    r"by|or|to|in|it|be|as|each|which|who|when|what|there|their|must)\b",
    re.IGNORECASE,
)
VISIBLE_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
SKIPPED_ELEMENTS = {"script", "style", "code", "pre", "kbd", "template"}


def stored_text() -> tuple[str, list[str]]:
    """Every stored string, joined (to find a piece of one) and as a list of the longer
    ones, longest first (to take out of a run that mixes stored and written text)."""
    values: set[str] = set()
    for model in apps.get_models():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        if not names:
            continue
        for row in model.objects.values_list(*names):
            values.update(" ".join(v.split()) for v in row if isinstance(v, str) and v.strip())
    joined = "\n".join(values)
    longer = sorted((v for v in values if " " in v), key=len, reverse=True)
    return joined, longer


class _Runs(ElementStack):
    def __init__(self):
        super().__init__()
        self.runs: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        lang = values.get("lang") or ""
        skipped = tag in SKIPPED_ELEMENTS or (tag != "html" and bool(lang) and lang != "cy")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if not skipped and not self.left_out():
            self.runs += [values[name] for name in VISIBLE_ATTRIBUTES if values.get(name)]
            if tag == "input" and values.get("type") in ("submit", "button"):
                self.runs.append(values.get("value") or "")
        self.open(tag, skipped)

    def handle_data(self, data):
        if data.strip() and not self.left_out():
            self.runs.append(" ".join(data.split()))


def read(html: str) -> tuple[list[str], list[str]]:
    """The page's runs of visible text, and its links."""
    parser = _Runs()
    parser.feed(html)
    parser.close()
    return parser.runs, parser.links


def _has_english(text: str) -> bool:
    """An English word, not written in capitals (the search's OR, IT as a function)."""
    return any(not match.group(0).isupper() for match in ENGLISH.finditer(text))


def _written(part: str, joined: str, longer: list[str]) -> bool:
    """Whether `part` holds English that is not stored text (or a piece of it)."""
    if not _has_english(part):
        return False
    piece = part.strip(" .,:;()")
    if piece and piece in joined:
        return False
    for value in longer:
        if value in part:
            part = part.replace(value, " ")
    return _has_english(part)


def english_in(runs: list[str], stored: tuple[str, list[str]]) -> list[str]:
    """The runs that hold English words the service wrote (not stored text). A search
    result joins pieces of a stored text with "…": each piece is looked at alone."""
    joined, longer = stored
    return [
        run
        for run in runs
        if any(_written(part, joined, longer) for part in re.split(r"…|\.\.\.", run))
    ]
