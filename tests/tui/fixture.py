"""The fixed database the dashboard tests and snapshots run on.

Built only through store/ functions (store_result, as a poll stores a feed) and the refresh that
follows a poll (stories, tags, evidence, watch hits), from hand-written articles on the
storyline, at a fixed time. One article carries a hostile title (markup and escape sequences).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from feeds.records import FeedResult, ParsedArticle, PollSettings
from partwatch.config import Config, parse_config
from partwatch.refresh import after_poll
from store.db import open_db
from store.feeds import add_feed, store_result

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
HOSTILE = ("[bold red]x[/] \x1b[31mred\x1b[0m \x1b]8;;http://evil.example\x07link\x1b]8;;\x07 "
           "[@click=app.quit]bye[/]")

CONFIG = """
[[feeds]]
url = "http://127.0.0.1:1/decoder.xml"
name = "The Decoder"

[[feeds]]
url = "http://127.0.0.1:1/wire.xml"
name = "Cloud Wire"

[[feeds]]
url = "http://127.0.0.1:1/farm.xml"
name = "TechNewsHub"

[[feeds]]
url = "http://127.0.0.1:1/broken.xml"
name = "Broken Feed"

[[partnerships]]
id = "msft-openai"
name = "Microsoft and OpenAI"
parties = { Microsoft = ["MSFT", "Azure"], OpenAI = [] }

[[partnerships]]
id = "openai-aws"
name = "OpenAI and AWS"
parties = { OpenAI = [], AWS = ["Amazon Web Services", "Amazon"] }

[[questions]]
id = "stateful"
text = "Does Azure exclusivity cover stateful runtimes?"
terms = [["stateful"], ["Azure", "exclusive", "exclusivity"]]
partnership = "msft-openai"

[[questions]]
id = "frontier-launch"
text = "When does Frontier launch fully?"
terms = [["Frontier"], ["launch"]]

[[watch]]
id = "ftc"
title = "FTC probe"
terms = [["FTC", "Federal Trade Commission"], ["probe", "inquiry", "investigation", "scrutiny"]]

[[watch]]
id = "lawsuit"
title = "Lawsuit filed"
terms = [["lawsuit", "legal action", "sues"]]
exclude = ["no lawsuit"]
partnership = "msft-openai"
"""

# (feed, guid, days before NOW, title, text)
ARTICLES: list[tuple[str, str, float, str, str]] = [
    ("decoder", "d1", 265, "OpenAI and AWS announce a stateful runtime for OpenAI models on Bedrock",
     "In late February OpenAI and Amazon Web Services announced a stateful runtime environment for "
     "OpenAI models on Amazon Bedrock. AWS invests $50 billion in OpenAI. Does the deal cover "
     "every OpenAI product, or only Frontier?"),
    ("wire", "w1", 264, "AWS to invest $50 billion in OpenAI, hosts Frontier",
     "Amazon Web Services will invest $50 billion in OpenAI and becomes the sole third-party cloud for "
     "Frontier, a new OpenAI model in limited testing. AWS holds about 32% of cloud infrastructure."),
    ("decoder", "d2", 246, "OpenAI's AWS deal may undermine Microsoft's Azure exclusivity rights",
     "OpenAI says Azure stays the exclusive cloud for its stateless APIs. Analysts call stateless "
     "versus stateful a grey area. The deal was announced in late February. Azure AI grows 50% a year."),
    ("farm", "f1", 245, "OpenAI's AWS deal may undermine Microsoft's Azure exclusivity rights",
     "Source: The Decoder. OpenAI says Azure remains exclusive for stateless APIs, a grey area for "
     "stateful runtimes. The deal was announced in mid-2024. Azure AI grows 300% a year."),
    ("wire", "w2", 240, "Microsoft weighs legal action against OpenAI and Amazon",
     "Microsoft executives reportedly find the AWS arrangement unworkable and weigh legal action, "
     "a possible lawsuit, against OpenAI and Amazon before Frontier's full launch."),
    ("decoder", "d3", 120, "Microsoft and OpenAI overhaul their commercial agreement",
     "Microsoft and OpenAI loosen Azure exclusivity in a new agreement, read as a defence against "
     "FTC scrutiny and an EU probe under the Digital Markets Act. Microsoft has invested since 2019."),
    ("wire", "w3", 20, "FTC opens inquiry into cloud AI partnerships",
     "The FTC opened an inquiry into cloud AI partnerships including Microsoft and OpenAI, and OpenAI "
     "and AWS. Azure holds about 23% of cloud infrastructure."),
    ("farm", "f2", 12, HOSTILE,
     "A body with \x1b[2J escape sequences and [b]markup[/b] about Microsoft and OpenAI."),
    ("wire", "w4", 6, "Frontier launch date set for December, OpenAI tells AWS customers",
     "OpenAI told AWS customers that Frontier will launch fully in December on Amazon Bedrock."),
    ("decoder", "d4", 2, "Microsoft Copilot adds OpenAI models to Microsoft 365",
     "Microsoft 365 Copilot, built on the partnership with OpenAI, adds the newest models this week."),
]

FEED_URLS = {"decoder": "http://127.0.0.1:1/decoder.xml", "wire": "http://127.0.0.1:1/wire.xml",
             "farm": "http://127.0.0.1:1/farm.xml", "broken": "http://127.0.0.1:1/broken.xml"}


def fixture_config(db_path: Path) -> Config:
    return parse_config(CONFIG, None, db=db_path)


def parsed(guid: str, published: datetime, title: str, text: str, feed: str) -> ParsedArticle:
    digest = hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()
    return ParsedArticle(guid=guid, url=f"https://{feed}.example/{guid}", canonical_url=None, title=title,
                         text=text, author=None, published=published, content_hash=digest)


def build_fixture_db(db_path: Path, *, articles: bool = True) -> Config:
    """Create the fixed database at `db_path` and return its config."""
    config = fixture_config(db_path)
    db = open_db(db_path)
    try:
        if not articles:
            return config
        settings = PollSettings()
        feeds = {key: add_feed(db, url, NOW, name=name) for (key, url), name in zip(
            FEED_URLS.items(), ["The Decoder", "Cloud Wire", "TechNewsHub", "Broken Feed"], strict=True)}
        changed: list[int] = []
        for key, feed in feeds.items():
            if key == "broken":
                result = FeedResult(url=feed.url, status="failed", http_status=500,
                                    error="HTTP 500 Internal Server Error")
            else:
                items = [parsed(guid, NOW - timedelta(days=days), title, text, key)
                         for f, guid, days, title, text in ARTICLES if f == key]
                result = FeedResult(url=feed.url, status="ok", http_status=200, articles=items)
            stored = store_result(db, feed, result, NOW - timedelta(hours=1), settings)
            changed += stored.new_ids
        after_poll(db, config, sorted(changed))
    finally:
        db.conn.close()
    return config


def fixed_clock() -> datetime:
    return NOW
