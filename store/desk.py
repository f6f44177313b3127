"""Persistence for the partnership desk: facts, question state and evidence, watch hits.

Storage only, no decisions: tracking/ decides what is a fact, evidence or hit, and
partwatch/desk_sync.py moves the results here. The caller holds the write transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Literal, cast

import sqlite_utils

from store.desk_records import AdoptedQuestion, Evidence, FactRecord, Hit, Source, StoryRef
from store.timefmt import from_db, to_db

_CHUNK = 500
# How the desk and the watch alerts cite an article (its canonical link): select SOURCE_COLUMNS
# over articles a JOIN feeds f, read them back with source_of_row.
SOURCE_COLUMNS = ("a.id, COALESCE(f.name, f.title, f.url), COALESCE(a.canonical_url, a.url), a.title, "
                   "a.published, a.first_seen")
_SOURCE_FROM = "articles a JOIN feeds f ON f.id = a.feed_id"


def id_chunks(ids: Sequence[int]) -> Iterable[tuple[str, list[int]]]:
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start:start + _CHUNK])
        yield ",".join("?" * len(chunk)), chunk


def source_of_row(row: Sequence[Any], offset: int = 0) -> Source:
    return Source(article_id=int(row[offset]), feed=str(row[offset + 1]), url=row[offset + 2],
                  title=str(row[offset + 3]), published=from_db(row[offset + 4]),
                  first_seen=from_db(row[offset + 5]))


# --- meta --------------------------------------------------------------------------------------
def get_meta(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
                    "excluded.value", (key, value))


def last_looked(db: sqlite_utils.Database, partnership: str) -> datetime | None:
    """When the user last looked at the partnership's timeline (None: never)."""
    value = get_meta(db, f"desk.last_looked.{partnership}")
    return from_db(value) if value else None


def set_last_looked(db: sqlite_utils.Database, partnership: str, when: datetime) -> None:
    set_meta(db, f"desk.last_looked.{partnership}", to_db(when))


# --- articles as sources ------------------------------------------------------------------------
def sources_for(db: sqlite_utils.Database, article_ids: Iterable[int]) -> dict[int, Source]:
    wanted = list(dict.fromkeys(article_ids))
    found: dict[int, Source] = {}
    for marks, chunk in id_chunks(wanted):
        for row in db.conn.execute(f"SELECT {SOURCE_COLUMNS} FROM {_SOURCE_FROM} WHERE a.id IN ({marks})",
                                   chunk):
            found[int(row[0])] = source_of_row(row)
    return found


def all_article_ids(db: sqlite_utils.Database) -> list[int]:
    return [int(row[0]) for row in db.conn.execute("SELECT id FROM articles ORDER BY id")]


# --- stories (H4's tables when present; otherwise every article is its own story) -----------------
def _has_table(db: sqlite_utils.Database, name: str) -> bool:
    row = db.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return row is not None


def story_of(db: sqlite_utils.Database, article_ids: Iterable[int]) -> dict[int, int]:
    """article id -> story id; an article with no story is its own story (id = article id)."""
    wanted = list(dict.fromkeys(article_ids))
    found = {article_id: article_id for article_id in wanted}
    if not _has_table(db, "story_articles"):
        return found
    for marks, chunk in id_chunks(wanted):
        for article_id, story_id in db.conn.execute(
            f"SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks})", chunk
        ):
            found[int(article_id)] = int(story_id)
    return found


def story_refs(db: sqlite_utils.Database, partnership: str) -> list[StoryRef]:
    """The stories that concern the partnership: those with at least one tagged member."""
    tagged = [int(r[0]) for r in db.conn.execute(
        "SELECT article_id FROM article_partnerships WHERE partnership = ?", (partnership,))]
    stories = story_of(db, tagged)
    members: dict[int, list[int]] = {}
    if _has_table(db, "story_articles"):
        story_ids = sorted(set(stories.values()))
        for marks, chunk in id_chunks(story_ids):
            for article_id, story_id in db.conn.execute(
                f"SELECT article_id, story_id FROM story_articles WHERE story_id IN ({marks})", chunk
            ):
                members.setdefault(int(story_id), []).append(int(article_id))
    for article_id, story_id in stories.items():
        members.setdefault(story_id, [])
        if article_id not in members[story_id]:
            members[story_id].append(article_id)
    heads = _story_heads(db, list(members))
    sources = sources_for(db, [a for ids in members.values() for a in ids])
    texts = _lead_texts(db, [heads[s][0] if s in heads else min(ids) for s, ids in members.items()])
    refs = []
    for story_id, ids in members.items():
        ordered = sorted((sources[i] for i in ids if i in sources), key=lambda s: (s.published, s.article_id))
        if not ordered:
            continue
        lead_id, origin_id, title = heads.get(story_id, (ordered[0].article_id, ordered[0].article_id, None))
        lead = next((s for s in ordered if s.article_id == lead_id), ordered[0])
        origin = next((s for s in ordered if s.article_id == origin_id), ordered[0])
        members_origin_first = (origin, *(s for s in ordered if s is not origin))
        refs.append(StoryRef(
            id=story_id, title=title or lead.title, url=lead.url, origin=origin.feed,
            outlets=len({s.feed for s in ordered}), first_published=ordered[0].published,
            summary=texts.get(lead.article_id, ""), members=members_origin_first,
        ))
    return refs


def _story_heads(db: sqlite_utils.Database, story_ids: list[int]) -> dict[int, tuple[int, int, str]]:
    """story id -> (lead article, origin article, title) from the stories table, when present."""
    if not _has_table(db, "stories"):
        return {}
    found: dict[int, tuple[int, int, str]] = {}
    for marks, chunk in id_chunks(story_ids):
        for story_id, lead_id, origin_id, title in db.conn.execute(
            f"SELECT id, lead_id, origin_id, title FROM stories WHERE id IN ({marks})", chunk
        ):
            found[int(story_id)] = (int(lead_id), int(origin_id), str(title))
    return found


def _lead_texts(db: sqlite_utils.Database, article_ids: list[int]) -> dict[int, str]:
    """The first 300 characters of each article's text, cut at a word (the story's summary).

    The feed's own text is the summary even when the page's full text was fetched (a teaser is
    a summary); the full text stands in only for a feed that gave no text at all."""
    found: dict[int, str] = {}
    for marks, chunk in id_chunks(article_ids):
        for article_id, text in db.conn.execute(
            f"SELECT id, substr(COALESCE(NULLIF(text, ''), full_text, ''), 1, 301) FROM articles"
            f" WHERE id IN ({marks})", chunk
        ):
            text = str(text)
            if len(text) > 300:
                text = text[:300].rsplit(" ", 1)[0] + " …"
            found[int(article_id)] = text
    return found


# --- facts and question sentences ---------------------------------------------------------------
def forget_articles(db: sqlite_utils.Database, article_ids: Sequence[int]) -> None:
    """Drop the facts, question sentences and evidence of these articles (before recomputing)."""
    for marks, chunk in id_chunks(article_ids):
        for table in ("facts", "question_sentences", "question_evidence"):
            db.conn.execute(f"DELETE FROM {table} WHERE article_id IN ({marks})", chunk)


def forget_all(db: sqlite_utils.Database) -> None:
    for table in ("facts", "question_sentences", "question_evidence"):
        db.conn.execute(f"DELETE FROM {table}")


def insert_facts(db: sqlite_utils.Database, rows: Iterable[tuple[str, int, date, str, str, str]]) -> int:
    """Rows of (partnership, article id, date, precision, expression, sentence)."""
    cursor = db.conn.executemany(
        "INSERT INTO facts (partnership, article_id, date, precision, expression, sentence) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(p, a, d.isoformat(), pr, e, s) for p, a, d, pr, e, s in rows],
    )
    return max(cursor.rowcount, 0)


def facts_for(db: sqlite_utils.Database, partnership: str) -> list[FactRecord]:
    rows = db.conn.execute(
        f"SELECT x.partnership, x.date, x.precision, x.expression, x.sentence, {SOURCE_COLUMNS} "
        "FROM facts x JOIN articles a ON a.id = x.article_id JOIN feeds f ON f.id = a.feed_id "
        "WHERE x.partnership = ? "
        "ORDER BY x.date, x.id", (partnership,),
    ).fetchall()
    stories = story_of(db, [int(row[5]) for row in rows])
    return [
        FactRecord(partnership=row[0], date=date.fromisoformat(row[1]), precision=row[2], expression=row[3],
                   sentence=row[4], source=source_of_row(row, 5), story_id=stories.get(int(row[5])))
        for row in rows
    ]


def insert_question_sentences(db: sqlite_utils.Database, rows: Iterable[tuple[int, str, str]]) -> None:
    """Rows of (article id, partnership, interrogative sentence)."""
    db.conn.executemany(
        "INSERT OR IGNORE INTO question_sentences (article_id, partnership, sentence) VALUES (?, ?, ?)",
        list(rows),
    )


def question_candidates(db: sqlite_utils.Database, partnership: str | None = None
                        ) -> list[tuple[str, str, Source]]:
    """(partnership, sentence, source) for every stored interrogative sentence."""
    sql = (f"SELECT q.partnership, q.sentence, {SOURCE_COLUMNS} FROM question_sentences q "
           f"JOIN articles a ON a.id = q.article_id JOIN feeds f ON f.id = a.feed_id")
    params: tuple[str, ...] = ()
    if partnership is not None:
        sql += " WHERE q.partnership = ?"
        params = (partnership,)
    return [(str(row[0]), str(row[1]), source_of_row(row, 2)) for row in db.conn.execute(sql, params)]


# --- questions: adopted, dismissed, status, evidence ---------------------------------------------
def adopt_question(db: sqlite_utils.Database, question: AdoptedQuestion, article_id: int | None,
                   when: datetime) -> None:
    db.conn.execute(
        "INSERT OR REPLACE INTO adopted_questions (id, partnership, text, terms, article_id, adopted) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (question.id, question.partnership, question.text, json.dumps([list(g) for g in question.terms]),
         article_id, to_db(when)),
    )


def adopted_questions(db: sqlite_utils.Database) -> list[AdoptedQuestion]:
    rows = db.conn.execute("SELECT id, partnership, text, terms FROM adopted_questions ORDER BY adopted, id")
    return [AdoptedQuestion(id=row[0], partnership=row[1], text=row[2],
                     terms=tuple(tuple(str(t) for t in group) for group in json.loads(row[3])))
            for row in rows]


def dismiss_suggestion(db: sqlite_utils.Database, suggestion_id: str, text: str, partnership: str | None,
                       when: datetime) -> None:
    db.conn.execute(
        "INSERT OR REPLACE INTO dismissed_suggestions (id, partnership, text, dismissed) VALUES (?, ?, ?, ?)",
        (suggestion_id, partnership, text, to_db(when)),
    )


def dismissed_ids(db: sqlite_utils.Database) -> list[str]:
    return [str(row[0]) for row in db.conn.execute("SELECT id FROM dismissed_suggestions ORDER BY id")]


def dismissed_texts(db: sqlite_utils.Database) -> list[str]:
    return [str(row[0]) for row in db.conn.execute("SELECT text FROM dismissed_suggestions ORDER BY id")]


Status = Literal["open", "answered"]


def set_status(db: sqlite_utils.Database, question_id: str, status: Status, answer: str | None,
               article_id: int | None, when: datetime) -> None:
    db.conn.execute(
        "INSERT OR REPLACE INTO question_status (question_id, status, answer, article_id, updated) "
        "VALUES (?, ?, ?, ?, ?)",
        (question_id, status, answer, article_id, to_db(when)),
    )


def statuses(db: sqlite_utils.Database) -> dict[str, tuple[Status, str | None, int | None, datetime]]:
    rows = db.conn.execute("SELECT question_id, status, answer, article_id, updated FROM question_status")
    return {str(r[0]): (cast(Status, r[1]), r[2], r[3], from_db(r[4])) for r in rows}


def forget_evidence(db: sqlite_utils.Database, question_ids: Iterable[str] | None = None) -> None:
    """Drop the evidence of these questions (all of it when None)."""
    if question_ids is None:
        db.conn.execute("DELETE FROM question_evidence")
        return
    db.conn.executemany("DELETE FROM question_evidence WHERE question_id = ?", [(q,) for q in question_ids])


def insert_evidence(db: sqlite_utils.Database, rows: Iterable[tuple[str, int, str]]) -> None:
    """Rows of (question id, article id, sentence)."""
    db.conn.executemany(
        "INSERT OR IGNORE INTO question_evidence (question_id, article_id, sentence) VALUES (?, ?, ?)",
        list(rows),
    )


def evidence_for(db: sqlite_utils.Database, question_id: str, limit: int | None = None) -> list[Evidence]:
    """The question's evidence, newest first (then article id, then sentence: deterministic)."""
    sql = (f"SELECT e.sentence, {SOURCE_COLUMNS} FROM question_evidence e "
           "JOIN articles a ON a.id = e.article_id JOIN feeds f ON f.id = a.feed_id "
           "WHERE e.question_id = ? ORDER BY a.published DESC, a.id DESC, e.sentence")
    params: tuple[Any, ...] = (question_id,)
    if limit is not None:
        sql += " LIMIT ?"
        params = (question_id, limit)
    return [Evidence(source=source_of_row(row, 1), sentence=str(row[0]))
            for row in db.conn.execute(sql, params)]


# --- watch hits ---------------------------------------------------------------------------------
def store_hits(db: sqlite_utils.Database, article_ids: Sequence[int], hits: Iterable[tuple[str, int, str]],
               found: datetime) -> list[tuple[str, int]]:
    """Make the stored hits of `article_ids` equal `hits` (item id, article id, sentence).

    A hit already stored keeps its found time and seen state (a re-polled article does not
    light an item up again); hits that no longer match are dropped. Returns the (item id,
    article id) pairs that are new.
    """
    conn = db.conn
    wanted = {(item, article): sentence for item, article, sentence in hits}
    existing: set[tuple[str, int]] = set()
    for marks, chunk in id_chunks(article_ids):
        for item, article in conn.execute(
            f"SELECT item_id, article_id FROM watch_hits WHERE article_id IN ({marks})", chunk
        ):
            existing.add((str(item), int(article)))
    stale = existing - set(wanted)
    conn.executemany("DELETE FROM watch_hits WHERE item_id = ? AND article_id = ?", list(stale))
    new = sorted(set(wanted) - existing, key=lambda key: (key[1], key[0]))
    conn.executemany(
        "INSERT INTO watch_hits (item_id, article_id, sentence, found, seen) VALUES (?, ?, ?, ?, 0)",
        [(item, article, wanted[(item, article)], to_db(found)) for item, article in new],
    )
    conn.executemany(
        "UPDATE watch_hits SET sentence = ? WHERE item_id = ? AND article_id = ?",
        [(wanted[key], key[0], key[1]) for key in existing & set(wanted)],
    )
    return new


def drop_hits_of_other_items(db: sqlite_utils.Database, item_ids: Iterable[str]) -> None:
    """Forget the hits of watch items that are no longer configured."""
    keep = list(item_ids)
    marks = ",".join("?" * len(keep))
    if keep:
        db.conn.execute(f"DELETE FROM watch_hits WHERE item_id NOT IN ({marks})", keep)
    else:
        db.conn.execute("DELETE FROM watch_hits")


def hits(db: sqlite_utils.Database, item_id: str | None = None, unseen_only: bool = False,
         pairs: Iterable[tuple[str, int]] | None = None) -> list[Hit]:
    """Stored hits, newest article first (then item, then article id)."""
    sql = (f"SELECT h.item_id, h.sentence, h.found, h.seen, {SOURCE_COLUMNS} FROM watch_hits h "
           f"JOIN articles a ON a.id = h.article_id JOIN feeds f ON f.id = a.feed_id")
    clauses: list[str] = []
    params: list[Any] = []
    if item_id is not None:
        clauses.append("h.item_id = ?")
        params.append(item_id)
    if unseen_only:
        clauses.append("h.seen = 0")
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY a.published DESC, h.item_id, a.id DESC"
    rows = db.conn.execute(sql, params).fetchall()
    result = [Hit(item_id=str(r[0]), sentence=str(r[1]), found=from_db(r[2]), seen=bool(r[3]),
                  source=source_of_row(r, 4)) for r in rows]
    if pairs is not None:
        wanted = set(pairs)
        result = [hit for hit in result if (hit.item_id, hit.source.article_id) in wanted]
    return result


def mark_seen(db: sqlite_utils.Database, item_ids: Iterable[str] | None = None) -> int:
    """Mark the hits of these items (all items when None) seen; returns how many changed."""
    if item_ids is None:
        return int(db.conn.execute("UPDATE watch_hits SET seen = 1 WHERE seen = 0").rowcount)
    return sum(int(db.conn.execute("UPDATE watch_hits SET seen = 1 WHERE seen = 0 AND item_id = ?",
                                   (item,)).rowcount) for item in item_ids)
