"""Briefings: the desk's content for one or more partnerships, as Markdown or JSON.

Everything in a briefing that comes from an article (headlines, sentences, outlet names,
URLs) is untrusted. Markdown escaping (`md_text`): control characters and the invisible
Unicode format characters that can hide or reorder text (zero-width, bidi overrides) are
removed, line breaks are folded into spaces (a headline cannot start a heading, list or
quote), and every ASCII punctuation character that Markdown, GitHub or Obsidian give a
meaning to is backslash-escaped, so no text can open a link, image, HTML tag, entity,
emphasis, table cell, comment (%%), highlight (==), math ($) or autolink (":" and "." are
escaped, which splits "https://..." and "www...." for GitHub's autolinker). Links are only
written for http and https URLs, with parentheses, spaces and angle brackets percent-encoded.

Output is deterministic for the same database apart from the generation time: every list
is sorted on keys that include an id.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from store.desk_records import Evidence, Hit, Source
from tracking.questions import QuestionView
from tracking.timeline import TimelineEntry, period_label
from tracking.watch import WatchState

MARKDOWN_EVIDENCE = 3     # latest evidence shown per question in Markdown (JSON has all given)


@dataclass(frozen=True)
class WatchView:
    id: str
    title: str
    partnership: str | None
    state: WatchState
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class PartnershipBriefing:
    id: str
    name: str
    parties: dict[str, tuple[str, ...]]
    timeline: tuple[TimelineEntry, ...]
    questions: tuple[QuestionView, ...]
    watch: tuple[WatchView, ...]
    last_looked: datetime | None = None     # entries are marked new only when the user has looked


@dataclass(frozen=True)
class Briefing:
    generated: datetime
    since: date | None
    partnerships: tuple[PartnershipBriefing, ...]
    watch: tuple[WatchView, ...]


# --- untrusted text -----------------------------------------------------------------------------
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&:@~=$%^])")


def clean_text(text: str) -> str:
    """Control and invisible format characters removed, whitespace folded to single spaces."""
    text = _INVISIBLE.sub("", text)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    return " ".join(text.split())


def md_text(text: str) -> str:
    """Untrusted text as inert Markdown (see the module docstring)."""
    return _MD_SPECIAL.sub(r"\\\1", clean_text(text))


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for a Markdown link destination, or None."""
    if not url:
        return None
    url = clean_text(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe="/:?#[]@!$&'*+,;=%~-._")


def md_link(text: str, url: str | None) -> str:
    target = safe_url(url)
    label = md_text(text) or md_text(url or "") or "link"
    return f"[{label}]({target})" if target else label


# --- JSON ---------------------------------------------------------------------------------------
def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _json_source(source: Source) -> dict[str, Any]:
    return {"feed": source.feed, "url": source.url, "published": _ts(source.published)}


def _json_watch(view: WatchView) -> dict[str, Any]:
    return {
        "id": view.id, "title": view.title, "partnership": view.partnership, "state": view.state,
        "hits": [{"url": h.source.url, "title": h.source.title, "feed": h.source.feed, "sentence": h.sentence,
                  "published": _ts(h.source.published)} for h in view.hits],
    }


def _json_evidence(evidence: Evidence) -> dict[str, Any]:
    source = evidence.source
    return {"url": source.url, "sentence": evidence.sentence, "published": _ts(source.published)}


def to_json_data(briefing: Briefing) -> dict[str, Any]:
    return {
        "generated": _ts(briefing.generated),
        "partnerships": [
            {
                "id": p.id, "name": p.name,
                "parties": {party: list(aliases) for party, aliases in p.parties.items()},
                "timeline": [
                    {"date": e.date.isoformat(), "precision": e.precision, "kind": e.kind, "title": e.title,
                     "text": e.text, "sources": [_json_source(s) for s in e.sources], "story_id": e.story_id}
                    for e in p.timeline
                ],
                "questions": [
                    {"id": q.id, "text": q.text, "status": q.status, "answer": q.answer,
                     "evidence": [_json_evidence(e) for e in q.evidence]}
                    for q in p.questions
                ],
                "watch": [_json_watch(w) for w in p.watch],
            }
            for p in briefing.partnerships
        ],
        "watch": [_json_watch(w) for w in briefing.watch],
    }


def to_json(briefing: Briefing) -> str:
    return json.dumps(to_json_data(briefing), indent=2, ensure_ascii=False) + "\n"


# --- Markdown -----------------------------------------------------------------------------------
def _day(moment: datetime | date) -> str:
    day = moment.date() if isinstance(moment, datetime) else moment
    return period_label(day, "day")


def _period(briefing: Briefing) -> str:
    dates = [e.date for p in briefing.partnerships for e in p.timeline]
    start = briefing.since or (min(dates) if dates else None)
    end = briefing.generated.date()
    return f"{_day(start)} to {_day(end)}" if start else f"up to {_day(end)}"


def _sources_md(sources: Sequence[Source]) -> str:
    return ", ".join(md_link(s.feed, s.url) for s in sources)


def _timeline_md(entries: Sequence[TimelineEntry], last_looked: datetime | None) -> list[str]:
    if not entries:
        return ["No stories or dated facts in this period.", ""]
    lines = []
    if last_looked is not None:
        fresh = sum(1 for entry in entries if entry.new)
        lines += [f"{fresh} new since you last looked ({last_looked.strftime('%Y-%m-%d %H:%M')} UTC).", ""]
    for entry in entries:
        when = md_text(period_label(entry.date, entry.precision))
        new = " · **new**" if entry.new and last_looked is not None else ""
        if entry.kind == "story":
            copies = len(entry.sources)
            outlets = f"{entry.outlets} outlet{'s' if entry.outlets != 1 else ''}"
            origin = md_text(entry.origin or (entry.sources[0].feed if entry.sources else "unknown"))
            url = entry.url or (entry.sources[0].url if entry.sources else None)
            lines.append(f"- **{when}** · {md_link(entry.title, url)} · {origin}, {outlets}, "
                         f"{copies} cop{'ies' if copies != 1 else 'y'}{new}")
        else:
            lines.append(f"- **{when}** · fact: {md_text(entry.text)} · "
                         f"sources: {_sources_md(entry.sources)}{new}")
    lines.append("")
    return lines


def _questions_md(questions: Sequence[QuestionView]) -> list[str]:
    if not questions:
        return ["No questions.", ""]
    lines = []
    for q in questions:
        adopted = " (adopted)" if q.origin == "adopted" else ""
        lines.append(f"- **{md_text(q.text)}** · {q.status}{adopted}")
        if q.status == "answered":
            answer = md_text(q.answer) if q.answer else "answered"
            source = f" · {md_link(q.answer_source.title, q.answer_source.url)}" if q.answer_source else ""
            lines.append(f"  - answer: {answer}{source}")
        if not q.evidence:
            lines.append("  - no evidence yet")
        for evidence in q.evidence[:MARKDOWN_EVIDENCE]:
            cited = evidence.source
            lines.append(f"  - {_day(cited.published)} · {md_link(cited.feed, cited.url)}: "
                         f"{md_text(evidence.sentence)}")
    lines.append("")
    return lines


def _watch_md(items: Sequence[WatchView]) -> list[str]:
    if not items:
        return ["No watch items.", ""]
    lines = []
    for item in items:
        count = len(item.hits)
        lines.append(f"- **{md_text(item.title)}** · {item.state} · {count} hit{'s' if count != 1 else ''}")
        for hit in item.hits:
            lines.append(f"  - {_day(hit.source.published)} · {md_link(hit.source.title, hit.source.url)} · "
                         f"{md_text(hit.source.feed)}: {md_text(hit.sentence)}")
    lines.append("")
    return lines


def to_markdown(briefing: Briefing) -> str:
    lines = [
        "# partwatch briefing",
        "",
        f"Generated {briefing.generated.strftime('%Y-%m-%d %H:%M')} UTC · period: {_period(briefing)}",
        "",
    ]
    for p in briefing.partnerships:
        parties = "; ".join(
            md_text(party) + (f" ({', '.join(md_text(a) for a in aliases)})" if aliases else "")
            for party, aliases in p.parties.items()
        )
        lines += [f"## {md_text(p.name)}", "", f"Parties: {parties}", "", "### Timeline", ""]
        lines += _timeline_md(p.timeline, p.last_looked)
        lines += ["### Open questions", ""] + _questions_md(p.questions)
        lines += ["### Watch items", ""] + _watch_md(p.watch)
    lines += ["## All watch items", ""] + _watch_md(briefing.watch)
    return "\n".join(lines).rstrip("\n") + "\n"
