"""Untrusted feed HTML and text -> safe plain text.

Why plain text: article text ends up in a terminal (CLI, TUI) and in Markdown exports. Markup,
scripts, tracking pixels and terminal escape sequences must not survive, and dedupe compares
words, not tags. selectolax (lexbor) parses real-world tag soup fast enough for every entry of a
cold poll.

Rules, in order:
1. Elements whose content is never prose are removed with their content: script, style,
   noscript, template, iframe, object, embed, svg, math, canvas, img, picture, video, audio, head.
2. Block elements (p, div, li, headings, tr, blockquote, pre, br, hr, ...) become line breaks.
3. Entities are decoded (by the parser; `html.unescape` on the tag-free fast path).
4. Control characters (C0 except newline and tab, DEL, C1), bidi embedding/override/isolate
   marks, zero-width characters, soft hyphens, lone surrogates and NULs are removed, so no escape
   sequence (ANSI, OSC 8 links, title changes) or reordering trick reaches a terminal.
5. Whitespace is folded: runs of spaces/tabs/exotic spaces become one space, lines are stripped,
   empty lines dropped. Titles are folded into a single line.
"""

from __future__ import annotations

import html

from selectolax.lexbor import LexborHTMLParser

DROP_TAGS = [
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
    "canvas", "img", "picture", "video", "audio", "head",
]
BLOCK_SELECTOR = ",".join(
    [
        "p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5",
        "h6", "tr", "table", "blockquote", "pre", "section", "article", "header", "footer",
        "aside", "nav", "figure", "figcaption", "address", "main", "details", "summary",
    ]
)

_INVISIBLE = (
    [c for c in range(0x00, 0x20) if c not in (0x09, 0x0A)]
    + list(range(0x7F, 0xA0))
    + [0xAD, 0x061C, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x2061, 0x2062, 0x2063,
       0x2064, 0xFEFF]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
    + list(range(0xD800, 0xE000))
)
_DELETE: dict[int, None | str] = {c: None for c in _INVISIBLE}
_DELETE[0x0D] = "\n"  # a bare CR is a line break, not garbage


def clean_text(text: str) -> str:
    """Remove invisible and control characters (rule 4); keep newlines and tabs."""
    return text.translate(_DELETE)


def fold_lines(text: str) -> str:
    """Rule 5 for bodies: one space between words, one newline between non-empty lines.

    str.split()/splitlines() fold every Unicode space and line break in C: three times faster
    than a regex per line, which mattered (a fifth of a feed's parse time)."""
    lines = (" ".join(line.split()) for line in clean_text(text).splitlines())
    return "\n".join(line for line in lines if line)


def fold_line(text: str) -> str:
    """Rule 5 for titles and names: everything on one line."""
    return " ".join(clean_text(text).split())


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment, block structure kept as line breaks."""
    if "<" not in markup:
        return fold_lines(html.unescape(markup) if "&" in markup else markup)
    tree = LexborHTMLParser(markup.replace("\x00", ""))
    tree.strip_tags(DROP_TAGS)
    for node in tree.css(BLOCK_SELECTOR):
        node.insert_before("\n")
        node.insert_after("\n")
    root = tree.body or tree.root
    if root is None:
        return ""
    return fold_lines(root.text(deep=True))
