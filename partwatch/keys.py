"""The dashboard's key binding ids, for the `[keys]` config section (validated at load).

The ids are the public names of the dashboard's actions (README lists them); the TUI declares
them on its bindings and a test keeps this list equal to what the TUI declares. They live here,
not in tui/, because loading the config must not import Textual (the cron path loads it too).
"""

from __future__ import annotations

import re

# id -> what it does (README's table is this list)
BINDING_IDS: dict[str, str] = {
    "quit": "quit",
    "help": "show every key",
    "search": "full-text search",
    "poll": "poll every feed now",
    "export": "export the Markdown briefing",
    "open_link": "open the link in the browser",
    "back": "leave the picker, the search box or a pane",
    "view.timeline": "show the Timeline view",
    "view.stories": "show the Stories view",
    "view.questions": "show the Questions view",
    "view.watch": "show the Watch view",
    "view.feeds": "show the Feeds view",
    "view.articles": "show the Articles view",
    "partnership.previous": "previous partnership",
    "partnership.next": "next partnership",
    "partnerships": "focus (or open) the partnership picker",
    "article.toggle_read": "mark the article read or unread",
    "question.answer": "answer the question",
    "question.reopen": "reopen the question",
    "question.adopt": "adopt the suggested question",
    "question.dismiss": "dismiss the suggested question",
    "watch.seen": "mark the watch item's hits seen",
    "watch.all_seen": "mark every watch item shown seen",
    "story.mark": "mark the story to merge others into",
    "story.merge": "merge the story into the marked one",
    "story.split": "story screen: split the selected copy out",
    "story.back": "story screen: back to the dashboard",
    "story.open_link": "story screen: open the copy's link",
    "list.up": "cursor up",
    "list.down": "cursor down",
    "list.page_up": "page up",
    "list.page_down": "page down",
    "list.first": "first row",
    "list.last": "last row (loads the next page)",
    "open": "open the article or story",
    "help.close": "close the help",
    "dialog.cancel": "cancel a dialog",
}

# One key as Textual names it: a printable character, or names joined by "+" ("ctrl+f",
# "question_mark", "f5"); a binding may take several, comma-separated.
KEY_NAME = re.compile(r"^(?:[^\s,]|[A-Za-z0-9_]+(?:\+[A-Za-z0-9_]+)*)$")


def bad_key(keys: str) -> str | None:
    """The first key in a comma-separated list that is not a key name, or None if all are."""
    for key in keys.split(","):
        if not KEY_NAME.match(key.strip()):
            return key.strip() or "(empty)"
    return None
