"""SQLite FTS5 search over `knowledge_searchentry`.

Migration 0002 creates `knowledge_searchentry_fts`, an FTS5 table whose content is the
title and body of the search entry table (porter stemming, accents folded), and triggers
that copy every insert, update and delete into it. Django rebuilds a SQLite table when a
later migration alters it, which drops its triggers, so `ensure_index_triggers` re-creates
any that are missing after every `migrate`.

Only constants are formatted into SQL here; everything the user typed is a parameter.
Matching uses FTS5's query language (each term quoted, so nothing the user types is read
as syntax), ranking `bm25()` with the title weighted above the body, highlighting
`snippet()`.
"""

from __future__ import annotations

from contextlib import nullcontext

from django.db import connection, connections
from django.db.models import QuerySet

from realise.knowledge.indexing import PRIVATE_USE
from realise.knowledge.search.query import ParsedQuery, Term

FTS_TABLE = "knowledge_searchentry_fts"
TITLE_WEIGHT, BODY_WEIGHT = 4.0, 1.0

# The same statements as migration 0002; kept here to restore triggers a table rebuild drops.
TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS knowledge_searchentry_fts_insert
    AFTER INSERT ON knowledge_searchentry BEGIN
        INSERT INTO knowledge_searchentry_fts(rowid, title, body)
        VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS knowledge_searchentry_fts_delete
    AFTER DELETE ON knowledge_searchentry BEGIN
        INSERT INTO knowledge_searchentry_fts(knowledge_searchentry_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS knowledge_searchentry_fts_update
    AFTER UPDATE ON knowledge_searchentry BEGIN
        INSERT INTO knowledge_searchentry_fts(knowledge_searchentry_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO knowledge_searchentry_fts(rowid, title, body)
        VALUES (new.id, new.title, new.body);
    END""",
]


def session():
    """Nothing to prepare on SQLite."""
    return nullcontext()


def ensure_index_triggers(sender=None, using="default", **kwargs) -> None:
    """After `migrate`: make sure the FTS5 table's triggers exist (SQLite only)."""
    database = connections[using]
    if database.vendor != "sqlite":
        return
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE]
        )
        if cursor.fetchone()[0] == 0:
            return
        for statement in TRIGGERS:
            cursor.execute(statement)


def _quoted(term: Term) -> str:
    # Terms are made of \w characters only, so quoting them leaves no FTS5 syntax behind.
    return '"' + " ".join(term.words) + '"'


def match_expression(query: ParsedQuery) -> str:
    """The FTS5 MATCH text for a parsed query; '' when nothing is left to match."""
    # (`parse` has left out common words, for both databases alike)
    groups = [
        "(" + " AND ".join(_quoted(t) for t in group) + ")" for group in query.groups if group
    ]
    if not groups:
        return ""
    expression = " OR ".join(groups)
    if query.excluded:
        excluded = " OR ".join(_quoted(t) for t in query.excluded)
        expression = f"({expression}) NOT ({excluded})"
    return expression


def _restriction(entries: QuerySet) -> tuple[str, list]:
    """SQL limiting FTS rows to the candidate entries (nothing when every entry is one).

    The unary plus stops SQLite handing the list of allowed rows to FTS5 as a rowid
    constraint: looking each of thousands of rows up in the index is far slower than
    scanning the matches and checking each against the list.
    """
    if not entries.query.where:
        return "", []
    sql, params = entries.order_by().values("pk").query.sql_with_params()
    return f" AND +rowid IN ({sql})", list(params)


def search(entries: QuerySet, query: ParsedQuery, *, limit: int, offset: int = 0):
    """(number of matches, [(entry id, score)] best first) for one page, in one query."""
    match = match_expression(query)
    if not match:
        return 0, []
    restriction, params = _restriction(entries)
    where = f"{FTS_TABLE} MATCH %s{restriction}"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, score, count(*) OVER () FROM ("  # noqa: S608
            f"SELECT rowid AS id, bm25({FTS_TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score "
            f"FROM {FTS_TABLE} WHERE {where}) ORDER BY score, id LIMIT %s OFFSET %s",
            [match, *params, limit, offset],
        )
        rows = cursor.fetchall()
        if rows:
            total = rows[0][2]
        else:
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {where}", [match, *params])  # noqa: S608
            total = cursor.fetchone()[0]
    # bm25() is lower for better matches; report higher-is-better like PostgreSQL.
    return total, [(row_id, -score) for row_id, score, _ in rows]


def snippets(ids: list[int], query: ParsedQuery) -> dict[int, str]:
    match = match_expression(query)
    if not match or not ids:
        return {}
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, snippet({FTS_TABLE}, 1, %s, %s, ' … ', 28) FROM {FTS_TABLE} "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})",
            [PRIVATE_USE[0], PRIVATE_USE[1], match, *ids],
        )
        return dict(cursor.fetchall())
