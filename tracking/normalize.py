"""Text normalisation for story matching: the same headline must compare equal whatever the
outlet did to its punctuation, its entities or its name.

Normalisation (applied in this order):

1. HTML entities decoded (`&amp;`, `&#8217;`; twice, because feeds double-escape), Unicode NFKC
   (full-width letters, ligatures and non-breaking spaces become their plain forms).
2. Curly quotes, primes and guillemets folded to `'` / `"`; en and em dashes, minus signs and
   the other Unicode dashes folded to `-`. Control characters dropped, whitespace folded.
3. A trailing site suffix is stripped (titles only), at most twice ("Title | Tech - The Verge"):

   * any separator (`` - ``, `` | ``, `` – ``, `` — ``, `` :: ``, `` · ``) followed by the outlet's
     own name (the feed's display name, compared case-insensitively, also without a leading
     "The" or a trailing ".com"/".org" and such);
   * `` - `` or `` | `` followed by something name-like: one to five words, at most 40
     characters, every word capitalised or a digit or a connector ("of", "the", "and", "&",
     "de", "for", "on", "at"), or a bare domain ("Bloomberg.com"), when at least three words
     stay in front. This is the form Google News uses ("Headline - The New York Times") and
     aggregators re-publish. Measured on ../shared/corpus/google_news_rss_title_polls: every
     one of the 42,551 titles carries " - Publisher"; " | " is followed by a publisher or a
     section ("Hindustan Times", "UK news"); " — " and " – " are nearly always part of the
     headline ("... — but come up short"), so they are stripped only for the outlet's name.

   Known false positives: a Title-Case subtitle after " - " ("Titanfall - Capture The Flag
   Triple Threat") is taken for a site name. Harmless for matching: every copy of that headline
   loses the same words.

4. For comparison keys only: lower case, punctuation turned into spaces, and tokens with a
   light plural/possessive fold ("deals" -> "deal", "microsoft's" -> "microsoft").
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

# What an article's story features (tracking/dedupe.py `features`: the words of this module, the
# body sketch) are made of, as a number: bump it with any change that gives an article different
# features. Stories placed with other features are rebuilt at the next poll (the stories stamp,
# partwatch/stamps.py, which reads it here because this module imports no numpy).
# 2: body shingles hashed by CRC-32 of their words and sketched in numpy (was SHA-1 per shingle).
# 3: headline overlap weighs a shared word as if the story's members were one document.
FEATURES_VERSION = 3

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u0060": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2039": "'",
        "\u203a": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\ufe58": "-",
        "\ufe63": "-",
        "\uff0d": "-",
    }
)
# The dashes that are folded above; suffix separators are looked for before folding them away.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")
_SEPARATORS = (" - ", " | ", " \u2013 ", " \u2014 ", " :: ", " \u00b7 ")
_NAME_SEPARATORS = (" - ", " | ")
_CONNECTORS = frozenset({"of", "the", "and", "&", "de", "for", "on", "at", "in", "a", "la", "le", "y"})
_DOMAIN = re.compile(
    r"^[\w-]+(\.[\w-]+)*\.(com|org|net|co\.uk|co|io|news|tv|info|ai|de|fr|uk|in|au|ca|eu)$", re.IGNORECASE
)
_NAME_TAIL = re.compile(r"\.(com|org|net|co\.uk|io|news)$", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:['.][^\W_]+)*", re.UNICODE)

# Short function words that say nothing about which news a headline reports.
STOPWORDS = frozenset(
    """
a about after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers him his how i if in into is it its itself just me more most my new no nor not
now of off on once only or other our out over own same says say said she should so some such than
that the their them then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours amid via vs
""".split()
)


def _unescaped(text: str) -> str:
    return html.unescape(html.unescape(text)) if "&" in text else text


def _normalized(text: str) -> str:
    return _CONTROL.sub("", unicodedata.normalize("NFKC", text))


def clean_text(text: str) -> str:
    """Entities decoded, NFKC, quotes and dashes folded, control characters removed, spaces folded."""
    return _SPACE.sub(" ", _normalized(_unescaped(text))).strip()


_BODY_WORD = re.compile(r"\w+")
# ASCII bytes -> the byte itself, lower-cased, for the \w characters, else a space; the control
# characters clean_text removes are deleted, as there ("ab\x00cd" is one word).
_ASCII_WORD_BYTES = bytes(c if chr(c).isalnum() or c == 0x5F else 0x20 for c in range(128)).lower()
_ASCII_WORD_BYTES += b" " * 128
_ASCII_CONTROL = bytes([*range(0x09), *range(0x0B, 0x20), 0x7F])


def body_words(text: str) -> list[bytes]:
    """The \\w+ words of `clean_text(text).casefold()`, as UTF-8: what body shingles and the lede
    are made of. An ASCII body (NFKC leaves it alone; casefold is lower) takes one bytes.translate
    and split instead of clean_text's regex passes and findall: under a quarter of the time on the
    synthetic bench feeds."""
    text = _unescaped(text)
    if text.isascii():
        return text.encode().translate(_ASCII_WORD_BYTES, _ASCII_CONTROL).split()
    return [word.encode() for word in _BODY_WORD.findall(_normalized(text).casefold())]


def _fold(text: str) -> str:
    return text.translate(_QUOTES)


@lru_cache(maxsize=4096)
def _outlet_forms(outlet: str | None) -> frozenset[str]:
    if not outlet:
        return frozenset()
    name = _fold(clean_text(outlet)).casefold()
    forms = {name, _NAME_TAIL.sub("", name)}
    forms |= {form[4:] for form in forms if form.startswith("the ")}
    forms |= {form.removeprefix("www.") for form in forms}
    return frozenset(form for form in forms if form)


def _name_like(suffix: str) -> bool:
    if len(suffix) > 40 or not suffix:
        return False
    if _DOMAIN.match(suffix):
        return True
    words = suffix.split()
    if not 1 <= len(words) <= 5:
        return False
    for word in words:
        if word.casefold() in _CONNECTORS:
            continue
        first = word[0]
        if not (first.isupper() or first.isdigit()):
            return False
    return True


def strip_site_suffix(title: str, outlet: str | None = None) -> str:
    """The title without a trailing " - Outlet" / " | Outlet" (see the module docstring)."""
    forms = _outlet_forms(outlet)
    for _ in range(2):
        best = -1
        for sep in _SEPARATORS:
            at = title.rfind(sep)
            if at <= 0:
                continue
            suffix = title[at + len(sep) :].strip()
            head = title[:at].strip()
            folded = _fold(suffix).casefold()
            if folded in forms or _NAME_TAIL.sub("", folded) in forms:
                best = max(best, at)
            elif sep in _NAME_SEPARATORS and len(head.split()) >= 3 and _name_like(suffix):
                best = max(best, at)
        if best <= 0:
            break
        title = title[:best].rstrip()
    return title


def display_title(title: str, outlet: str | None = None) -> str:
    """A title fit for comparison and display: cleaned, with quotes folded and the suffix gone."""
    return strip_site_suffix(_fold(clean_text(title)), outlet) if title else ""


@lru_cache(maxsize=262_144)
def _stem(token: str) -> str:
    """A crude suffix fold ("tapering", "tapered" -> "taper"; "deals" -> "deal") so that
    inflections of one word meet. False friends ("news" -> "new", "sister" -> "sist") cost little:
    both sides of a comparison fold alike, and IDF weighs the common results down."""
    if token.endswith("'s"):
        token = token[:-2]
    token = token.replace("'", "").replace(".", "")
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    for suffix in ("ing", "ed", "es", "er", "s"):
        if len(token) > len(suffix) + 3 and token.endswith(suffix):
            return token[: -len(suffix)]
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def comparison_key(title: str) -> str:
    """Lower case words separated by single spaces: the string rapidfuzz compares."""
    return " ".join(_WORD.findall(title.casefold()))


_SLUG_WORD = re.compile(r"[^\W_]+")
_SLUG_NOISE = frozenset({"html", "htm", "php", "aspx", "story", "article", "news", "index", "amp", "www"})


def slug_words(url: str | None) -> list[str]:
    """Content words of a URL path ("/2026/03/19/openai-aws-deal-azure/" -> openai, aws, deal,
    azure): most outlets put the original headline in the slug, before any later edit of the
    title, so it is a second statement of what the article is about. Paths with fewer than
    three such words (ids, hashes) give none."""
    if not url:
        return []
    at = url.find("://")
    path = url[at + 3 :] if at >= 0 else url
    path = path.split("?", 1)[0].split("#", 1)[0]
    slash = path.find("/")
    if slash < 0:
        return []
    words = [
        _stem(w)
        for w in _SLUG_WORD.findall(path[slash:].casefold())
        if len(w) > 2 and not w.isdigit() and w not in _SLUG_NOISE and w not in STOPWORDS
    ]
    return words if len(words) >= 3 else []


def tokens(text: str) -> list[str]:
    """Content words of `text` (already cleaned), lower-cased and lightly stemmed, in order."""
    stem = _stem
    stop = STOPWORDS
    return [w for w in map(stem, _WORD.findall(text.casefold())) if len(w) > 1 and w not in stop]


@lru_cache(maxsize=65_536)
def content_words(word: bytes) -> tuple[str, ...]:
    """`tokens` of one body word: a lede's distinct words each cost a cache look-up, not a regex
    pass and a stem call (the words of a lede repeat across the articles of a window)."""
    return tuple(tokens(word.decode()))
