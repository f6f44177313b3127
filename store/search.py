"""Full-text search over article titles and text (SQLite FTS5).

User input never reaches FTS5's query language as is: a stray quote, a dash or a word such as
NOT or NEAR would raise a syntax error or change the meaning. Each whitespace-separated word is
quoted as an FTS5 string (double quotes doubled) and the words are ANDed; text between double
quotes is one phrase (its words in that order; an unclosed quote runs to the end, as while it
is being typed); a trailing `*` on a word or phrase keeps its meaning as a prefix search
("exclusiv*" finds "exclusivity"). A search box that runs as the user types passes
`typing=True`: the last word or phrase, still being typed unless the query ends in a space or a
closing quote, is a prefix too (so "FTC clos" already finds "FTC closes").
"""

from __future__ import annotations

import re
import sqlite3

import sqlite_utils

from store.articles import ARTICLE_COLUMNS, ARTICLE_FROM, row_to_article
from store.records import Article

_TERM = re.compile(r'"(?P<phrase>[^"]*)("(?P<star>\*)?|$)|(?P<word>[^\s"]+)')


def match_expression(query: str, *, typing: bool = False) -> str | None:
    """The safe FTS5 MATCH expression for free text typed by a user; None when nothing is left."""
    query = query.replace("\x00", "")
    found = list(_TERM.finditer(query))
    terms: list[str] = []
    for number, term in enumerate(found, 1):
        still_typing = typing and number == len(found) and term.end() == len(query) and (
            term["word"] is not None or not term.group(0).endswith('"'))
        if term["word"] is not None:
            text, prefix = term["word"].rstrip("*"), term["word"].endswith("*")
        else:
            text, prefix = " ".join(term["phrase"].split()), term["star"] is not None
        if not any(ch.isalnum() for ch in text):
            continue
        quoted = '"' + text.replace('"', '""') + '"'
        terms.append(quoted + "*" if prefix or still_typing else quoted)
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
