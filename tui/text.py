"""Untrusted text made safe to show: article titles and bodies come from anyone on the web.

They never reach Textual's markup parser (a title "[bold red]x[/]" would restyle the screen, a
stray "[/]" would crash it, "[@click=...]" would bind an action), and the control characters
that carry terminal escape sequences (ESC, CSI, OSC, BEL, C1 controls, bidi overrides) are
removed before display, so what is left prints literally and harmlessly.
"""

from __future__ import annotations

import re
from datetime import datetime

from rich.text import Text

# C0 controls except tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate
# marks that can reorder what the reader sees.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\ufeff]")
_SPACE = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """Text for a multi-line pane: controls removed, tabs and line breaks kept."""
    if not text:
        return ""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_line(text: str | None) -> str:
    """Text for one line of a list: controls removed and every run of whitespace one space."""
    return _SPACE.sub(" ", clean(text)).strip()


def line(text: str | None, style: str = "") -> Text:
    """A single-line rich Text: never parsed as markup."""
    return Text(clean_line(text), style=style, no_wrap=True, overflow="ellipsis")


def day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else "—"


def minute(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"


BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int]) -> str:
    """Block characters scaled to the largest value; a day with no articles is the lowest block."""
    top = max(values, default=0)
    if top <= 0:
        return BLOCKS[0] * len(values)
    return "".join(BLOCKS[min(len(BLOCKS) - 1, (v * (len(BLOCKS) - 1) + top - 1) // top)] for v in values)
