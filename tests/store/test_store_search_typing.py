"""Search as you type: the word still being typed is a prefix, and no input breaks the query."""

from __future__ import annotations

import sqlite_utils

from store.articles import store_articles
from store.feeds import add_feed
from store.search import match_expression, search
from tests.store.helpers import NOW, article

HOSTILE = ['"', '"FTC', 'FTC"', "AND", "FTC AND", "*", "FTC *", "NEAR(", "NEAR(FTC", "-", "FTC -",
           "-clos", "(", ")", "^", ":", "clos:", "OR", "NOT", "\x00", "'", "FTC clos\"", "a\"b*"]


def _db_with_titles(db: sqlite_utils.Database) -> None:
    feed_id = add_feed(db, "https://a.example/feed", NOW, name="Outlet A").id
    store_articles(db, feed_id, [article("closes", title="FTC closes Microsoft inquiry", text="done"),
                                 article("opens", title="FTC opens Microsoft inquiry", text="begun")], NOW)


def test_the_last_word_is_a_prefix_while_typing(fresh_db: sqlite_utils.Database) -> None:
    _db_with_titles(fresh_db)
    assert {a.guid for a in search(fresh_db, "FTC", typing=True)} == {"closes", "opens"}
    assert [a.guid for a in search(fresh_db, "FTC clos", typing=True)] == ["closes"]
    assert search(fresh_db, "FTC clos") == []                    # the CLI still matches whole words
    assert search(fresh_db, "FTC clos ", typing=True) == []      # a space ends the word
    assert [a.guid for a in search(fresh_db, "ftc CLOSES", typing=True)] == ["closes"]


def test_prefix_expression_is_quoted() -> None:
    assert match_expression("FTC clos", typing=True) == '"FTC" "clos"*'
    assert match_expression("FTC clos ", typing=True) == '"FTC" "clos"'
    assert match_expression('say "hi', typing=True) == '"say" "hi"*'           # an open phrase
    assert match_expression('"FTC closes" deal', typing=True) == '"FTC closes" "deal"*'
    assert match_expression('"FTC clo', typing=True) == '"FTC clo"*'
    assert match_expression('"FTC closes"', typing=True) == '"FTC closes"'    # closed: whole words
    assert match_expression("-", typing=True) is None


def test_hostile_input_while_typing_never_raises(fresh_db: sqlite_utils.Database) -> None:
    _db_with_titles(fresh_db)
    for query in HOSTILE:
        expression = match_expression(query, typing=True)
        if expression is not None:                  # the expression itself is valid FTS5
            fresh_db.conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?",
                                  (expression,)).fetchall()
        search(fresh_db, query, typing=True)
    assert [a.guid for a in search(fresh_db, '"FTC clos', typing=True)] == ["closes"]
    assert [a.guid for a in search(fresh_db, "NEAR( clos", typing=True)] == []
    assert [a.guid for a in search(fresh_db, "FTC -clos", typing=True)] == ["closes"]


def test_a_quoted_phrase_matches_its_words_in_order(fresh_db: sqlite_utils.Database) -> None:
    _db_with_titles(fresh_db)
    assert [a.guid for a in search(fresh_db, '"FTC closes"')] == ["closes"]
    assert search(fresh_db, '"closes FTC"') == []               # the same words, another order
    assert {a.guid for a in search(fresh_db, "closes FTC")} == {"closes"}
    assert [a.guid for a in search(fresh_db, '"Microsoft inq', typing=True)] != []
