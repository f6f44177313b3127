"""`partwatch questions`: open questions with their status and evidence, and suggestions.

Adopted suggestions are stored in the database (config.toml is never rewritten); a dismissed
suggestion is never suggested again. Untrusted text is printed plain, control characters
and escape sequences removed.
"""

from __future__ import annotations

import json
from typing import Any

import click
import sqlite_utils

from partwatch import desk_sync
from partwatch.commands.common import UsageProblem, plain
from partwatch.commands.deskdb import check_partnership, open_desk
from partwatch.desk_views import question_views, suggestions
from store import desk as store_desk
from store.db import transaction
from store.desk_records import AdoptedQuestion, Source
from store.timefmt import now as utc_now
from tracking.questions import Suggestion, adopted_question


def _source_json(source: Source) -> dict[str, Any]:
    return {"article": source.article_id, "feed": source.feed, "title": source.title, "url": source.url,
            "published": source.published.strftime("%Y-%m-%dT%H:%M:%SZ")}


@click.group(invoke_without_command=True)
@click.option("--partnership", "-p", default=None, help="Only this partnership's questions and suggestions.")
@click.option("--json", "as_json", is_flag=True, help="Print questions and suggestions as one JSON object.")
@click.option("--evidence", default=3, show_default=True, help="Evidence sentences shown per question.")
@click.pass_context
def questions(ctx: click.Context, partnership: str | None, as_json: bool, evidence: int) -> None:
    """List open questions with status and latest evidence, then suggested questions.

    Subcommands answer, reopen, adopt and dismiss change them.
    """
    if ctx.invoked_subcommand is not None:
        return
    config, db = open_desk(ctx)
    check_partnership(config, partnership)
    views = question_views(db, config, partnership)
    suggested = suggestions(db, config, partnership)
    if as_json:
        data = {
            "questions": [
                {"id": q.id, "text": q.text, "partnership": q.partnership, "origin": q.origin,
                 "status": q.status, "answer": q.answer,
                 "answer_article": _source_json(q.answer_source) if q.answer_source else None,
                 "evidence": [dict(_source_json(e.source), sentence=e.sentence) for e in q.evidence]}
                for q in views
            ],
            "suggestions": [
                {"id": s.id, "text": s.text, "partnerships": list(s.partnerships),
                 "sources": [_source_json(src) for src in s.sources]}
                for s in suggested
            ],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if not views:
        click.echo("No questions configured." + (" Adopt a suggestion below." if suggested else ""))
    for q in views:
        where = f" ({q.partnership})" if q.partnership else ""
        click.echo(f"{q.id} [{q.status}] {plain(q.text)}{where}")
        if q.status == "answered":
            src = q.answer_source
            by = f" (article {src.article_id}: {plain(src.title)})" if src else ""
            click.echo(f"  answer: {plain(q.answer) or '-'}{by}")
        click.echo(f"  evidence: {len(q.evidence)} sentence{'s' if len(q.evidence) != 1 else ''}")
        for item in q.evidence[:evidence]:
            click.echo(f"  - {item.source.published:%Y-%m-%d} {plain(item.source.feed)} "
                       f"(article {item.source.article_id}): {plain(item.sentence)}")
    if suggested:
        click.echo("")
        click.echo("Suggested questions (partwatch questions adopt ID | dismiss ID):")
        for s in suggested:
            count = len(s.sources)
            sources = f"{count} source{'s' if count != 1 else ''}"
            click.echo(f"  {s.id} ({', '.join(s.partnerships)}; {sources}) {plain(s.text)}")


def _known_question(ctx: click.Context, question_id: str) -> sqlite_utils.Database:
    config, db = open_desk(ctx)
    known = {q.id for q in desk_sync.all_questions(db, config)}
    if question_id not in known:
        raise UsageProblem(f"no question {question_id!r}; `partwatch questions` lists the ids")
    return db


@questions.command()
@click.argument("question_id", metavar="ID")
@click.argument("text", required=False, default=None)
@click.option("--article", type=int, default=None, help="The id of the article that answered it.")
@click.pass_context
def answer(ctx: click.Context, question_id: str, text: str | None, article: int | None) -> None:
    """Mark question ID answered, with an optional answer TEXT and answering article."""
    db = _known_question(ctx, question_id)
    if article is not None and not store_desk.sources_for(db, [article]):
        raise UsageProblem(f"--article {article}: no such article")
    with transaction(db):
        store_desk.set_status(db, question_id, "answered", text, article, utc_now())
    click.echo(f"{question_id}: answered")


@questions.command()
@click.argument("question_id", metavar="ID")
@click.pass_context
def reopen(ctx: click.Context, question_id: str) -> None:
    """Mark question ID open again (the answer text is dropped)."""
    db = _known_question(ctx, question_id)
    with transaction(db):
        store_desk.set_status(db, question_id, "open", None, None, utc_now())
    click.echo(f"{question_id}: open")


def _suggestion(ctx: click.Context, suggestion_id: str) -> tuple[sqlite_utils.Database, Suggestion]:
    config, db = open_desk(ctx)
    found = next((s for s in suggestions(db, config) if s.id == suggestion_id), None)
    if found is None:
        raise UsageProblem(f"no suggestion {suggestion_id!r}; `partwatch questions` lists them")
    return db, found


@questions.command()
@click.argument("suggestion_id", metavar="SUGGESTION")
@click.pass_context
def adopt(ctx: click.Context, suggestion_id: str) -> None:
    """Adopt a suggested question: it becomes a question (stored in the database) with evidence.

    It belongs to the first partnership whose articles ask it, or to the one given with
    `partwatch questions --partnership ID adopt SUGGESTION`.
    """
    db, suggestion = _suggestion(ctx, suggestion_id)
    chosen = ctx.parent.params.get("partnership") if ctx.parent is not None else None
    if chosen is not None and chosen not in suggestion.partnerships:
        raise UsageProblem(f"suggestion {suggestion_id} is not asked in articles of {chosen!r} "
                           f"(it is in: {', '.join(suggestion.partnerships)})")
    question = adopted_question(suggestion, chosen)
    with transaction(db):
        store_desk.adopt_question(db, AdoptedQuestion(question.id, question.partnership, question.text,
                                                      question.terms),
                                  suggestion.sources[0].article_id, utc_now())
    found = desk_sync.add_question_evidence(db, question)
    terms = " AND ".join("/".join(group) for group in question.terms)
    click.echo(f"{question.id}: adopted (terms: {plain(terms)}; {found} evidence sentences)")


@questions.command()
@click.argument("suggestion_id", metavar="SUGGESTION")
@click.pass_context
def dismiss(ctx: click.Context, suggestion_id: str) -> None:
    """Dismiss a suggested question: it is never suggested again."""
    db, suggestion = _suggestion(ctx, suggestion_id)
    with transaction(db):
        store_desk.dismiss_suggestion(db, suggestion.id, suggestion.text, None, utc_now())
    click.echo(f"{suggestion.id}: dismissed")
