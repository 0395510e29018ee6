"""PostgreSQL full-text search over `knowledge_searchentry`.

Migration 0002 adds a stored generated column, `search_vector`: the English `tsvector` of
the title (weight A) and the body (weight B), with a GIN index; 0003 adds `title_vector`,
the title alone. PostgreSQL recomputes both on every insert and update, so the index is
always current. Here the parsed query becomes a `tsquery` (`SearchQuery`), matched with
`@@`, ranked with `ts_rank` (`SearchRank`, scaled by document length) and highlighted with
`ts_headline` (`SearchHeadline`).

Two things keep it fast on a large repository:

* The planner does not know that testing `@@` row by row means decompressing every
  entry's vector, so for a common word it may prefer reading the whole table to using the
  GIN index. Searches therefore run with sequential scans switched off, for those queries
  only, and with JIT compilation off too (the penalty the planner then puts on the small
  tables it must still scan would otherwise make every search look worth compiling).
* Ranking means reading each matching entry's whole vector, which is slow for a word found
  in thousands of entries. So a cheap first pass orders every match by how well its
  *title* matches (a small vector kept for this), then by date, and only the first
  `SHORTLIST` are ranked on their full text. Below that many matches every match is
  ranked; asking for results beyond the shortlist ranks them all.
"""

from __future__ import annotations

import operator
from contextlib import contextmanager
from functools import reduce

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    Expression,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import Left

from realise.knowledge.indexing import PRIVATE_USE
from realise.knowledge.models import SearchEntry
from realise.knowledge.search.query import ParsedQuery, Term

CONFIG = "english"
LENGTH_NORMALISATION = 1  # divide the rank by 1 + log(length): concise matches first
SHORTLIST = 300
HEADLINE_CHARS = 20_000  # ts_headline reads the whole text it is given: keep it bounded


class IndexedVector(Expression):
    """A generated tsvector column of the search entry table."""

    output_field = SearchVectorField()

    def __init__(self, column: str = "search_vector"):
        super().__init__()
        self.column = column

    def as_sql(self, compiler, connection):
        alias = compiler.query.base_table
        return f"{compiler.quote_name_unless_alias(alias)}.{self.column}", []


@contextmanager
def index_scans():
    """Plan the enclosed queries without sequential scans (see the module's docstring).

    One transaction for everything inside; nested uses cost nothing more."""
    if getattr(connection, "_realise_index_scans", False):
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), current_setting('jit'), "
            "set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)"
        )
        seqscan, jit, _, _ = cursor.fetchone()
        connection._realise_index_scans = True
        try:
            yield
        except BaseException:
            # Leaving the atomic block rolls back to before the settings were changed.
            connection._realise_index_scans = False
            raise
        connection._realise_index_scans = False
        cursor.execute(
            "SELECT set_config('enable_seqscan', %s, true), set_config('jit', %s, true)",
            [seqscan, jit],
        )


session = index_scans


def _term(term: Term) -> SearchQuery:
    search_type = "phrase" if term.is_phrase else "plain"
    return SearchQuery(term.text, config=CONFIG, search_type=search_type)


def to_tsquery(query: ParsedQuery) -> SearchQuery:
    groups = [reduce(operator.and_, (_term(t) for t in group)) for group in query.groups]
    combined = reduce(operator.or_, groups)
    for term in query.excluded:
        combined = combined & ~_term(term)
    return combined


def _matching(entries: QuerySet, tsquery: SearchQuery) -> QuerySet:
    return entries.alias(indexed_vector=IndexedVector()).filter(indexed_vector=tsquery)


def search(entries: QuerySet, query: ParsedQuery, *, limit: int, offset: int = 0):
    """(number of matches, [(entry id, score)] best first) for one page, in one pass where
    the page is within the shortlist."""
    tsquery = to_tsquery(query)
    matching = _matching(entries, tsquery)
    full_rank = SearchRank(IndexedVector(), tsquery, normalization=LENGTH_NORMALISATION)
    with index_scans():
        if offset + limit > SHORTLIST:
            total = matching.count()
            ranked = matching.annotate(score=full_rank)
        else:
            # A cheap pass over every match (counting them on the way): title matches
            # first, then the most recent; only the shortlist is ranked on its full text.
            shortlist = list(
                matching.alias(title_vector=IndexedVector("title_vector"))
                .annotate(
                    in_title=ExpressionWrapper(
                        Q(title_vector=tsquery), output_field=BooleanField()
                    ),
                    total=Window(Count("pk")),
                )
                .order_by("-in_title", F("date").desc(nulls_last=True), "-pk")
                .values_list("pk", "total")[:SHORTLIST]
            )
            if not shortlist:
                return 0, []
            total = shortlist[0][1]
            ranked = SearchEntry.objects.filter(pk__in=[pk for pk, _ in shortlist]).annotate(
                score=full_rank
            )
        rows = ranked.order_by("-score", "pk").values_list("pk", "score")
        return total, list(rows[offset : offset + limit])


def snippets(ids: list[int], query: ParsedQuery) -> dict[int, str]:
    headline = SearchHeadline(
        Left("body", HEADLINE_CHARS),
        to_tsquery(query),
        config=CONFIG,
        start_sel=PRIVATE_USE[0],
        stop_sel=PRIVATE_USE[1],
        max_words=30,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    rows = SearchEntry.objects.filter(pk__in=ids).annotate(snippet=headline)
    return dict(rows.values_list("pk", "snippet"))
