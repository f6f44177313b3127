"""URL hygiene for article links: which links we keep, and one canonical form per article.

Why: the same article reaches us through several feeds with different tracking decorations
(`?utm_source=rss`, `#comments`, `&fbclid=...`). Stories are deduplicated on the canonical URL,
so the canonical form drops everything that identifies the *reader* rather than the *page*,
and keeps everything else in a stable order.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")
SAFE_SCHEMES = frozenset({"http", "https"})

TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
"""Query keys starting with these are analytics campaign tags (Google, Piwik/Matomo, HubSpot)."""

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
        "mc_cid", "mc_eid", "ref", "ref_src", "ref_url", "cmpid", "cmp", "icid", "ncid", "sr_share",
        "smid", "rssfeed", "feedtype", "_hsenc", "_hsmi", "mkt_tok",
        "spm", "soc_src", "soc_trk", "at_medium", "at_campaign", "oly_enc_id",
        "oly_anon_id", "vero_id", "wt.mc_id", "ocid", "guce_referrer", "guce_referrer_sig",
        "guccounter", "__twitter_impression", "s_cid", "ito", "taid", "xtor",
    }
)
"""Exact query keys (lowercased) that only tag the visitor, never select the page.

Known false positive: a site whose page is chosen by `?ref=` or `?cid=` loses that key in the
canonical form only; the stored `url` keeps it, so the link still opens the right page.
"""


def safe_url(raw: str | None) -> str | None:
    """`raw` stripped, when it is an absolute http(s) URL with a host; None otherwise.

    Why: feed links are untrusted. `javascript:`, `data:` and `file:` links must never become
    clickable in the TUI or an export, and relative links (no base we trust) are useless.
    """
    if not raw:
        return None
    url = _CONTROL.sub("", raw.strip())
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.hostname:
        return None
    return url


def canonical_url(raw: str | None) -> str | None:
    """One spelling per page: lowercase scheme and host, no default port, no fragment,
    no tracking parameters, the remaining query sorted; None for unsafe or unparsable links."""
    url = safe_url(raw)
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    netloc = host
    if port is not None and not (scheme == "http" and port == 80 or scheme == "https" and port == 443):
        netloc = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(k)
    ]
    query.sort()
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def _is_tracking(key: str) -> bool:
    low = key.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)
