"""The notify outbox's own rules in the store (deliveries are tested in tests/partwatch)."""

from __future__ import annotations

import sqlite_utils

from store import notify as outbox
from store.articles import store_articles
from store.feeds import add_feed
from store.timefmt import now
from tests.store.helpers import NOW, article


def test_an_entry_gone_from_the_config_takes_its_outbox_with_it(fresh_db: sqlite_utils.Database) -> None:
    feed_id = add_feed(fresh_db, "https://a.example/feed", NOW, name="Outlet A").id
    article_id = store_articles(fresh_db, feed_id, [article("g")], NOW)[0][0]
    fresh_db.conn.execute("INSERT INTO watch_hits (item_id, article_id, sentence, found) "
                          "VALUES ('ftc', ?, 's', '2026-01-01')", (article_id,))
    outbox.add_entries(fresh_db, ["phone", "desk"], now())
    rows = "SELECT entry_id FROM notify_outbox ORDER BY entry_id"
    assert [r[0] for r in fresh_db.conn.execute(rows)] == ["desk", "phone"]
    outbox.drop_entries(fresh_db, ["phone"])
    assert outbox.entries(fresh_db) == {"desk"}
    assert [r[0] for r in fresh_db.conn.execute(rows)] == ["desk"]
