"""The schema as a list of migrations; PRAGMA user_version is the index of the last one applied.

Each package that persists something owns one section below. Until the first release a
section may still be edited in place; after it, a change is a new migration at the end.
"""

from __future__ import annotations

# --- 1. feeds and articles (foundation) -------------------------------------------------------
FOUNDATION = """
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    name TEXT,                      -- from config.toml or `feeds add`; wins over title
    title TEXT,                     -- as the feed calls itself
    source TEXT NOT NULL DEFAULT 'config' CHECK (source IN ('config', 'user')),
    full_text INTEGER NOT NULL DEFAULT 0,
    etag TEXT,
    last_modified TEXT,
    last_polled TEXT,
    last_status TEXT,               -- ok | not_modified | failed | gone
    http_status INTEGER,
    last_error TEXT,
    warning TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    next_due TEXT,
    gone INTEGER NOT NULL DEFAULT 0,
    added TEXT NOT NULL,
    removed TEXT                    -- left config.toml or `feeds remove`d: kept with its articles, not polled
);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    guid TEXT NOT NULL,
    url TEXT,
    canonical_url TEXT,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    author TEXT,
    published TEXT NOT NULL,        -- UTC; the first-seen time when the feed gave none
    first_seen TEXT NOT NULL,
    updated TEXT NOT NULL,          -- last time the title or text changed
    content_hash TEXT NOT NULL,
    read_at TEXT,
    UNIQUE (feed_id, guid)
);
CREATE INDEX articles_published ON articles (published, id);
CREATE INDEX articles_canonical_url ON articles (canonical_url);

CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, text, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

-- small facts that belong to no row: last poll time, hashes of config sections, UI state
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

MIGRATIONS: list[tuple[int, str]] = [
    (1, FOUNDATION),
]
