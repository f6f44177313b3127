"""Full text of article pages: which pages a poll fetches, and what each fetch left behind.

The feed's own text stays in `articles.text` (the teaser); the page's extracted text goes to
`articles.full_text`, and every reader that feeds dedupe, facts and evidence reads
`COALESCE(full_text, text)` (store/articles.py, store/stories.py, store/reading.py).

States (`full_text_state`): NULL = to fetch, `ok` = extracted (never fetched again), `failed`
= given up (never fetched again; `full_text_error` says why). A failure that may pass (the
fetcher's `retry`) leaves the state NULL until the article has had MAX_TRIES tries.

Which pages a poll fetches: of each full_text feed polled, at most `per_feed` articles still to
fetch, newest first, so new articles come first and the older articles of a feed switched to
full text are caught up a few per poll.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlite_utils

from feeds.records import PageJob, PageResult
from store.db import transaction
from store.feeds import mark_pending_refresh
from store.records import PageCounts
from store.timefmt import to_db

MAX_TRIES = 3


def pending_pages(db: sqlite_utils.Database, feed_ids: Iterable[int], per_feed: int) -> list[PageJob]:
    """The article pages to fetch this poll for these feeds (full_text feeds only)."""
    jobs: list[PageJob] = []
    if per_feed <= 0:
        return jobs
    for feed_id in dict.fromkeys(feed_ids):
        rows = db.conn.execute(
            "SELECT a.id, a.url, length(a.text) FROM articles a JOIN feeds f ON f.id = a.feed_id"
            " WHERE a.feed_id = ? AND f.full_text = 1 AND a.full_text_state IS NULL AND a.url IS NOT NULL"
            " ORDER BY a.published DESC, a.id DESC LIMIT ?",
            (feed_id, per_feed),
        )
        jobs += [PageJob(article_id=int(row[0]), url=str(row[1]), teaser_chars=int(row[2] or 0))
                 for row in rows]
    return jobs


def store_pages(db: sqlite_utils.Database, results: Sequence[PageResult], now: datetime) -> list[int]:
    """Record page results in one transaction; return the ids of the articles whose text arrived.

    Those ids are also marked for the refresh (store.feeds.PENDING_REFRESH) in the same
    transaction, so a poll killed before its refresh re-places and re-tags them next time.
    An article that already has its full text is left alone.
    """
    stamp = to_db(now)
    arrived: list[int] = []
    with transaction(db):
        conn = db.conn
        for result in results:
            if result.text is not None:
                cursor = conn.execute(
                    "UPDATE articles SET full_text = ?, full_text_state = 'ok', full_text_error = NULL,"
                    " full_text_tries = full_text_tries + 1, full_text_at = ?"
                    " WHERE id = ? AND full_text IS NULL",
                    (result.text, stamp, result.article_id),
                )
                if cursor.rowcount:
                    arrived.append(result.article_id)
            else:
                conn.execute(
                    "UPDATE articles SET full_text_error = ?, full_text_tries = full_text_tries + 1,"
                    " full_text_at = ?, full_text_state = CASE WHEN ? AND full_text_tries + 1 < ?"
                    " THEN NULL ELSE 'failed' END WHERE id = ? AND full_text IS NULL",
                    (result.error or "failed", stamp, int(result.retry), MAX_TRIES, result.article_id),
                )
        by_feed: dict[int, list[int]] = {}
        for article_id in arrived:
            row = conn.execute("SELECT feed_id FROM articles WHERE id = ?", (article_id,)).fetchone()
            by_feed.setdefault(int(row[0]), []).append(article_id)
        for feed_id, ids in by_feed.items():
            mark_pending_refresh(db, feed_id, ids)
    return arrived


def page_counts(db: sqlite_utils.Database) -> dict[int, PageCounts]:
    """feed id -> its article pages' counts and latest error, for every full_text feed."""
    found: dict[int, PageCounts] = {}
    rows = db.conn.execute(
        "SELECT f.id,"
        " (SELECT count(*) FROM articles a WHERE a.feed_id = f.id AND a.full_text_state = 'ok'),"
        " (SELECT count(*) FROM articles a WHERE a.feed_id = f.id AND a.full_text_state = 'failed'),"
        " (SELECT count(*) FROM articles a WHERE a.feed_id = f.id AND a.full_text_state IS NULL"
        "   AND a.url IS NOT NULL),"
        " (SELECT a.full_text_error FROM articles a WHERE a.feed_id = f.id AND a.full_text_error IS NOT NULL"
        "   ORDER BY a.full_text_at DESC, a.id DESC LIMIT 1)"
        " FROM feeds f WHERE f.full_text = 1"
    )
    for feed_id, fetched, failed, waiting, last_error in rows:
        found[int(feed_id)] = PageCounts(int(fetched), int(failed), int(waiting), last_error)
    return found
