"""Full-text search over article titles and text (SQLite FTS5).

User input never reaches FTS5's query language as is: a stray quote, a dash or a word such as
NOT or NEAR would raise a syntax error or change the meaning. Each whitespace-separated word is
quoted as an FTS5 string (double quotes doubled) and the words are ANDed; a trailing `*` on a
word keeps its meaning as a prefix search ("exclusiv*" finds "exclusivity"). A search box that
runs as the user types passes `typing=True`: the last word, still being typed unless the query
ends in a space, is a prefix too (so "FTC clos" already finds "FTC closes").
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

from store.articles import ARTICLE_COLUMNS, ARTICLE_FROM, row_to_article
from store.records import Article


def match_expression(query: str, *, typing: bool = False) -> str | None:
    """The safe FTS5 MATCH expression for free text typed by a user; None when nothing is left."""
    terms: list[str] = []
    words = query.split()
    still_typing = typing and bool(words) and not query[-1:].isspace()
    for number, word in enumerate(words, 1):
        prefix = word.endswith("*") or (still_typing and number == len(words))
        word = word.rstrip("*").replace("\x00", "")
        if not any(ch.isalnum() for ch in word):
            continue
        quoted = '"' + word.replace('"', '""') + '"'
        terms.append(quoted + "*" if prefix else quoted)
    return " ".join(terms) if terms else None


def search_ids(db: sqlite_utils.Database, query: str, limit: int = 100, *,
               typing: bool = False) -> list[int]:
    """Ids of the best matches for `query`, best first (bm25 with titles weighted 5x)."""
    expression = match_expression(query, typing=typing)
    if expression is None:
        return []
    try:
        rows = db.conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
            "ORDER BY bm25(articles_fts, 5.0, 1.0) LIMIT ?",
            (expression, limit),
        ).fetchall()
    except sqlite3.OperationalError:
        # The quoting above leaves no syntax to get wrong; this guards FTS5 builds that reject
        # an odd token, so that a search box never crashes the caller.
        return []
    return [int(row[0]) for row in rows]


def search(db: sqlite_utils.Database, query: str, limit: int = 100, *,
           typing: bool = False) -> list[Article]:
    """The best matching articles for `query`, best first."""
    ids = search_ids(db, query, limit, typing=typing)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = db.conn.execute(f"SELECT {ARTICLE_COLUMNS} FROM {ARTICLE_FROM} WHERE a.id IN ({marks})", ids)
    by_id = {article.id: article for article in map(row_to_article, rows)}
    return [by_id[i] for i in ids if i in by_id]
