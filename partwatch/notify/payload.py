"""The JSON object every entry receives for a hit: a public interface (README, "Watch alerts").

Keys are flat so that a shell script reads them with one `jq .headline`. Article text is
untrusted and goes in as it is stored (already plain text, control characters removed by
feeds/text.py); JSON escaping is all a JSON receiver needs. ntfy headers are cleaned in send.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from partwatch.config import Config
from store.notify import Pending
from store.timefmt import to_db


def hit_payload(config: Config, hit: Pending, *, test: bool = False) -> dict[str, Any]:
    item = next((w for w in config.watch if w.id == hit.item_id), None)
    return {
        "id": f"{hit.item_id}:{hit.article_id}",
        "notify_id": hit.entry_id,
        "watch_id": hit.item_id,
        "watch_title": item.title if item is not None else hit.item_id,
        "partnership": item.partnership if item is not None else None,
        "partnerships": list(hit.partnerships),
        "headline": hit.headline,
        "outlet": hit.outlet,
        "url": hit.url,
        "published": to_db(hit.published),
        "found_at": to_db(hit.found),
        "sentence": hit.sentence,
        "article_id": hit.article_id,
        "test": test,
    }


def sample_hit(config: Config, entry_id: str, now: datetime) -> Pending:
    """A made-up hit for `partwatch notify test`: the first configured watch item (or a
    placeholder), an article that does not exist (article id 0)."""
    item = config.watch[0] if config.watch else None
    partnership = item.partnership if item is not None and item.partnership else None
    return Pending(
        entry_id=entry_id, item_id=item.id if item is not None else "sample",
        article_id=0, headline="partwatch test alert: this is what a watch hit looks like",
        outlet="partwatch", url="https://example.com/partwatch-test-alert", published=now, found=now,
        sentence="Sent by `partwatch notify test`; no article matched anything.",
        partnerships=(partnership,) if partnership else (),
    )
