"""Repository search: one interface over PostgreSQL full-text search and SQLite FTS5.

    results = search("vetting backlog", user=request.user, filters=SearchFilters(kinds=["lesson"]))
    results.count()        # how many visible items match
    results[0:20]          # the best twenty, as Hit objects (best first)
    related(lesson, user=request.user)   # the most similar other collaborations and lessons

Visibility is applied before ranking: a caller only ever counts and sees the entries that
`realise.knowledge.models.visible_item_filter` lets them see. The database-specific work
(matching, ranking, highlighting) is in `postgres.py` and `sqlite.py`; both take the same
`ParsedQuery` and the same queryset of candidate entries.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from types import ModuleType

from django.db import connection
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from realise.collaborations.models import Collaboration, ForceShare
from realise.knowledge.indexing import PRIVATE_USE, REGISTRY, searchable_for
from realise.knowledge.models import SearchEntry, visible_item_filter
from realise.knowledge.search import postgres, sqlite
from realise.knowledge.search.query import ParsedQuery, any_of, key_terms, parse

__all__ = [
    "Hit",
    "SearchFilters",
    "SearchResults",
    "backend",
    "candidates",
    "parse",
    "related",
    "search",
]

MARK_START, MARK_END = PRIVATE_USE
HIT_FIELDS = ("kind", "object_id", "title", "url", "date", "collaboration__name")
WHITESPACE = re.compile(r"\s+")


@dataclass
class SearchFilters:
    kinds: list[str] = field(default_factory=list)
    force: str = ""  # a member force's slug
    region: str = ""  # a region's slug
    function: str = ""
    theme: str = ""
    stage: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@dataclass
class Hit:
    type: str
    id: int
    title: str
    snippet: SafeString
    url: str
    score: float
    label: str = ""
    collaboration: str = ""
    date: datetime.date | None = None

    def as_dict(self) -> dict:
        return {
            "type": self.type,
            "id": self.id,
            "title": self.title,
            "snippet": str(self.snippet),
            "url": self.url,
            "score": round(self.score, 6),
        }


def backend() -> ModuleType:
    """The search backend for the default database."""
    if connection.vendor == "postgresql":
        return postgres
    return sqlite


def candidates(user, filters: SearchFilters | None = None) -> QuerySet:
    """The search entries `user` may see, narrowed by `filters` (not yet by any words)."""
    filters = filters or SearchFilters()
    entries = SearchEntry.objects.filter(visible_item_filter(user))
    if filters.kinds:
        entries = entries.filter(kind__in=filters.kinds)
    if filters.force:
        entries = entries.filter(
            collaboration_id__in=ForceShare.objects.filter(force__slug=filters.force).values(
                "collaboration_id"
            )
        )
    if filters.region:
        entries = entries.filter(
            collaboration_id__in=ForceShare.objects.filter(
                force__region__slug=filters.region
            ).values("collaboration_id")
        )
    if filters.function:
        entries = entries.filter(collaboration__function=filters.function)
    if filters.theme:
        entries = entries.filter(theme=filters.theme)
    if filters.stage is not None:
        entries = entries.filter(stage=filters.stage)
    if filters.date_from:
        entries = entries.filter(date__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(date__lte=filters.date_to)
    return entries


def render_snippet(raw: str | None) -> SafeString:
    """Escape the snippet text, then turn the backend's markers into <mark> highlights."""
    text = WHITESPACE.sub(" ", raw or "").strip()
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)  # noqa: S308 - every character of the text was escaped above


class SearchResults:
    """Matching entries, best first; sliced lazily so that Django's Paginator can page it.

    Counting runs the first page's search as well (one pass over the matches gives both),
    so that a page showing the count and the first results searches once.
    """

    FIRST_PAGE = 20

    def __init__(self, query: ParsedQuery, entries: QuerySet):
        self.query = query
        self.entries = entries
        self._count: int | None = None
        self._first_page: list[Hit] | None = None

    def count(self) -> int:
        if self._count is None:
            if self.query:
                self._first_page = self._run(0, self.FIRST_PAGE)
            else:
                self._count = 0
        assert self._count is not None  # `_run` sets it
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, int):
            return self.page(key, 1)[0]
        start = key.start or 0
        stop = key.stop if key.stop is not None else start + self.FIRST_PAGE
        return self.page(start, max(stop - start, 0))

    def page(self, offset: int, limit: int) -> list[Hit]:
        if not self.query or limit <= 0:
            return []
        if (offset, limit) == (0, self.FIRST_PAGE) and self._first_page is not None:
            return self._first_page
        return self._run(offset, limit)

    def _run(self, offset: int, limit: int) -> list[Hit]:
        engine = backend()
        with engine.session():
            total, ranked = engine.search(self.entries, self.query, limit=limit, offset=offset)
            self._count = total
            if not ranked:
                return []
            ids = [entry_id for entry_id, _ in ranked]
            snippets = engine.snippets(ids, self.query)
            rows = {
                row[0]: row
                for row in SearchEntry.objects.filter(pk__in=ids).values_list("pk", *HIT_FIELDS)
            }
        hits = []
        for entry_id, score in ranked:
            if entry_id not in rows:
                continue
            _, kind, object_id, title, url, date, collaboration = rows[entry_id]
            searchable = REGISTRY.get(kind)
            hits.append(
                Hit(
                    type=kind,
                    id=object_id,
                    title=title,
                    snippet=render_snippet(snippets.get(entry_id)),
                    url=url,
                    score=float(score),
                    label=str(searchable.label) if searchable else kind,
                    collaboration=collaboration or "",
                    date=date,
                )
            )
        return hits


def search(text: str, *, user, filters: SearchFilters | None = None) -> SearchResults:
    """Search what `user` may see for `text`; slice the result for a page of hits."""
    return SearchResults(parse(text), candidates(user, filters))


def related(obj, *, user, kinds: tuple[str, ...] = ("collaboration", "lesson"), limit: int = 5):
    """The items most like `obj` (by its key terms) that `user` may see, best first.

    For a collaboration, its own initiatives, lessons and documents are left out: the
    point is to find what *other* collaborations did.
    """
    searchable = searchable_for(obj)
    if searchable is None:
        return []
    entry = SearchEntry.objects.filter(kind=searchable.kind, object_id=obj.pk).first()
    if entry is None:
        return []
    words = key_terms(entry.title, entry.body)
    if not words:
        return []
    entries = candidates(user, SearchFilters(kinds=list(kinds))).exclude(pk=entry.pk)
    if isinstance(obj, Collaboration):
        entries = entries.exclude(collaboration_id=obj.pk)
    return SearchResults(any_of(words), entries).page(0, limit)
