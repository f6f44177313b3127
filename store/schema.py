"""The schema as a list of migrations; PRAGMA user_version is the index of the last one applied.

Each package that persists something owns one section below. Until the first release a
section may still be edited in place; after it, a change is a new migration at the end.
"""

from __future__ import annotations

# --- 1. feeds and articles (foundation) -------------------------------------------------------
FOUNDATION = """
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,       -- where the feed lives now (a permanent redirect moves it)
    requested_url TEXT UNIQUE,      -- the URL as written in config.toml / `feeds add`, once moved
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
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

-- small facts that belong to no row: last poll time, hashes of config sections, UI state
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# --- 3. partnership desk: tags, dated facts, questions, watch hits (H5) -------------------------
DESK = """
-- which articles concern which configured partnership (rebuilt when [[partnerships]] change)
CREATE TABLE article_partnerships (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    partnership TEXT NOT NULL,
    PRIMARY KEY (partnership, article_id)
) WITHOUT ROWID;
CREATE INDEX article_partnerships_article ON article_partnerships (article_id);

-- dated facts: a sentence naming a party with a date expression, resolved to (date, precision)
CREATE TABLE facts (
    id INTEGER PRIMARY KEY,
    partnership TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    date TEXT NOT NULL,             -- YYYY-MM-DD, the first day of the period
    precision TEXT NOT NULL,        -- day | week | month | early-month | ... | quarter | year
    expression TEXT NOT NULL,       -- the date expression as written
    sentence TEXT NOT NULL
);
CREATE INDEX facts_partnership ON facts (partnership, date);
CREATE INDEX facts_article ON facts (article_id);

-- interrogative sentences in articles that concern a partnership: the source of suggestions
CREATE TABLE question_sentences (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    partnership TEXT NOT NULL,
    sentence TEXT NOT NULL,
    PRIMARY KEY (partnership, article_id, sentence)
) WITHOUT ROWID;
CREATE INDEX question_sentences_article ON question_sentences (article_id);

-- suggestions the user adopted: questions kept in the database, never in the user's TOML
CREATE TABLE adopted_questions (
    id TEXT PRIMARY KEY,
    partnership TEXT,
    text TEXT NOT NULL,
    terms TEXT NOT NULL,            -- JSON list of lists of terms
    article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    adopted TEXT NOT NULL
);
CREATE TABLE dismissed_suggestions (
    id TEXT PRIMARY KEY,
    partnership TEXT,
    text TEXT NOT NULL,
    dismissed TEXT NOT NULL
);
CREATE TABLE question_status (
    question_id TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('open', 'answered')),
    answer TEXT,
    article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    updated TEXT NOT NULL
);
CREATE TABLE question_evidence (
    question_id TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    sentence TEXT NOT NULL,
    PRIMARY KEY (question_id, article_id, sentence)
) WITHOUT ROWID;
CREATE INDEX question_evidence_article ON question_evidence (article_id);

-- watch item hits; `seen` is set by `partwatch watch seen` or the dashboard
CREATE TABLE watch_hits (
    item_id TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    sentence TEXT NOT NULL,
    found TEXT NOT NULL,
    seen INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (item_id, article_id)
) WITHOUT ROWID;
CREATE INDEX watch_hits_article ON watch_hits (article_id);
"""

# --- 2. stories (tracking/stories.py; written by partwatch/stories_sync.py) -------------------
STORIES = """
-- one row per story; id = the id of the article that founded it (stable across rebuilds)
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    lead_id INTEGER NOT NULL,       -- the article shown for the story
    origin_id INTEGER NOT NULL,     -- the earliest or credited article
    title TEXT NOT NULL,            -- the lead's title, site suffix stripped
    first_published TEXT NOT NULL,
    last_published TEXT NOT NULL,
    articles INTEGER NOT NULL,
    outlets INTEGER NOT NULL,
    contradictions INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX stories_last_published ON stories (last_published, id);

-- every placed article belongs to exactly one story
CREATE TABLE story_articles (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story_id INTEGER NOT NULL
);
CREATE INDEX story_articles_story ON story_articles (story_id);

-- the user's merges and splits, replayed on every rebuild: merge = must link, split = cannot link
CREATE TABLE story_decisions (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
    article_a INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    article_b INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    made TEXT NOT NULL
);
CREATE INDEX story_decisions_a ON story_decisions (article_a);
CREATE INDEX story_decisions_b ON story_decisions (article_b);

-- figures that disagree between members: one row per side
CREATE TABLE story_contradictions (
    story_id INTEGER NOT NULL,
    number INTEGER NOT NULL,        -- which contradiction of the story (0, 1, ...)
    position INTEGER NOT NULL,      -- which side of it
    kind TEXT NOT NULL,             -- money | percent | date | number
    value TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    sentence TEXT NOT NULL,
    PRIMARY KEY (story_id, number, position)
) WITHOUT ROWID;
"""

# --- 4. the dashboard (tui) ---------------------------------------------------------------------
UI = """
-- unread counts on every refresh: a partial index over the unread rows only, instead of a scan
-- of every article's row (57 ms -> 7 ms at 100,000 articles)
CREATE INDEX articles_unread ON articles (published) WHERE read_at IS NULL;
"""

# --- 5. full text of article pages for full_text feeds (store/full_text.py) ---------------------
FULL_TEXT = """
-- `text` keeps the feed's own text (the teaser); full_text is the page's extracted main text
ALTER TABLE articles ADD COLUMN full_text TEXT;
-- NULL: to fetch (new, or a failure that may pass) | ok | failed (final: never tried again)
ALTER TABLE articles ADD COLUMN full_text_state TEXT;
ALTER TABLE articles ADD COLUMN full_text_error TEXT;     -- why the last try failed
ALTER TABLE articles ADD COLUMN full_text_tries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN full_text_at TEXT;        -- when the page was last tried

-- search finds an article by its full text: the index holds COALESCE(full_text, text) (the same
-- as text for every row before this migration), so the triggers delete what they inserted and
-- an FTS 'rebuild' (which would read `text` alone) must never be run
DROP TRIGGER articles_ad;
DROP TRIGGER articles_au;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, COALESCE(old.full_text, old.text));
END;
CREATE TRIGGER articles_au AFTER UPDATE OF title, text, full_text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, COALESCE(old.full_text, old.text));
    INSERT INTO articles_fts (rowid, title, text)
        VALUES (new.id, new.title, COALESCE(new.full_text, new.text));
END;
"""

# --- 6. watch alerts: the notify outbox (partwatch/notify/) -------------------------------------
# Delivery state per (entry, hit), so a hit is sent once and never lost.
NOTIFY = """
-- each [[notify]] entry id the polls have seen in config.toml, and since when: an entry gets only
-- the hits found from then on (a new entry is not flooded with old hits)
CREATE TABLE notify_entries (
    id TEXT PRIMARY KEY,
    since TEXT NOT NULL
);

-- one row per (entry, watch hit) queued for delivery; `state` pending -> sent, or skipped when
-- the user marked the hit seen before it went out (or the hit was stored before the entry appeared)
CREATE TABLE notify_outbox (
    entry_id TEXT NOT NULL REFERENCES notify_entries(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'skipped')),
    queued TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_try TEXT,
    last_error TEXT,                -- the last failed attempt's one-line error (null once sent)
    next_try TEXT,                  -- not retried before this time (null: at the next poll)
    done TEXT,                      -- when it was sent or skipped
    PRIMARY KEY (entry_id, item_id, article_id)
) WITHOUT ROWID;
CREATE INDEX notify_outbox_pending ON notify_outbox (entry_id, queued) WHERE state = 'pending';
"""

# --- 7. search indexing off the poll's critical path (store/search_index.py) -------------------
# Measured with bench/poll.sh's corpus, indexing each feed's rows as they are stored was ~90% of
# the writer thread's CPU in a cold poll; indexing them later in one statement costs a third.
SEARCH_INDEX = """
-- new articles not yet in articles_fts: written by the same transaction as the article, so a
-- killed poll leaves them listed and the next index_pending call adds them
CREATE TABLE fts_pending (
    article_id INTEGER PRIMARY KEY
);
DROP TRIGGER articles_ai;
DROP TRIGGER articles_ad;
DROP TRIGGER articles_au;
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT OR IGNORE INTO fts_pending (article_id) VALUES (new.id);
END;
-- a pending row is not in the index: deleting its old values there would corrupt it, and the
-- pending insert reads the row's values when it runs, so an update needs nothing more
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
        SELECT 'delete', old.id, old.title, COALESCE(old.full_text, old.text)
        WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE article_id = old.id);
    DELETE FROM fts_pending WHERE article_id = old.id;
END;
CREATE TRIGGER articles_au AFTER UPDATE OF title, text, full_text ON articles
WHEN NOT EXISTS (SELECT 1 FROM fts_pending WHERE article_id = old.id) BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, COALESCE(old.full_text, old.text));
    INSERT INTO articles_fts (rowid, title, text)
        VALUES (new.id, new.title, COALESCE(new.full_text, new.text));
END;
"""

MIGRATIONS: list[tuple[int, str]] = [
    (1, FOUNDATION),
    (2, STORIES),
    (3, DESK),
    (4, UI),
    (5, FULL_TEXT),
    (6, NOTIFY),
    (7, SEARCH_INDEX),
]
