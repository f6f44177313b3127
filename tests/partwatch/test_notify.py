"""Watch alerts end to end: real polls of the demo feeds on a loopback server, [[notify]] entries
pointing at a loopback receiver (tests/partwatch/receiver.py) or at a program."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import Result

from partwatch.notify import retry
from partwatch.notify.send import click_url, header_value
from store.db import open_db
from tests.feedserver import FeedServer, Route, item, rss_feed
from tests.partwatch.receiver import Receiver
from tests.partwatch.test_desk_cli import DEMO, EMPTY_RSS, TRUTH, Desk

ALL_HITS = sum(len(guids) for guids in TRUTH["watch"].values())
LEDGERLINE_HITS = sum(1 for guids in TRUTH["watch"].values() for g in guids if g.startswith("ledgerline-"))
PAYLOAD_KEYS = {"id", "notify_id", "watch_id", "watch_title", "partnership", "partnerships", "headline",
                "outlet", "url", "published", "found_at", "sentence", "article_id", "test"}


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The in-poll retry delays, shortened: the tests check that retries happen, not how long
    retry.py waits between them."""
    monkeypatch.setattr(retry, "IN_POLL_DELAYS", (0.01, 0.01))


class NotifyDesk(Desk):
    def notify(self, toml: str) -> None:
        with self.config.open("a", encoding="utf-8") as out:
            out.write("\n" + textwrap.dedent(toml))

    def poll_json(self) -> tuple[Result, dict[str, object]]:
        result = self("poll", "--json")
        return result, json.loads(result.stdout)

    def hit_ids(self, sql_where: str = "1", params: tuple[object, ...] = ()) -> list[str]:
        db = open_db(self.db)
        try:
            rows = db.conn.execute(f"SELECT h.item_id, h.article_id FROM watch_hits h WHERE {sql_where}",
                                   params).fetchall()
        finally:
            db.conn.close()
        return sorted(f"{item_id}:{article}" for item_id, article in rows)


@pytest.fixture
def desk(feed_server: FeedServer, tmp_path: Path) -> NotifyDesk:
    return NotifyDesk(feed_server, tmp_path)


def webhook(receiver: Receiver, entry_id: str = "hooks", path: str = "/hook", extra: str = "") -> str:
    return f'[[notify]]\nid = "{entry_id}"\nwebhook = "{receiver.url(path)}"\n{extra}\n'


def test_each_hit_is_sent_exactly_once_across_two_polls(desk: NotifyDesk, receiver: Receiver) -> None:
    desk.notify(webhook(receiver, extra='headers = { Authorization = "Bearer s3cret" }'))
    desk.serve("ledgerline.xml", EMPTY_RSS)
    first, summary = desk.poll_json()
    assert first.exit_code == 0, first.output
    assert summary["notifications"] == {"sent": ALL_HITS - LEDGERLINE_HITS, "failed": 0, "pending": 0}
    assert len(receiver.posts) == ALL_HITS - LEDGERLINE_HITS

    desk.serve("ledgerline.xml", (DEMO / "feeds" / "ledgerline.xml").read_bytes())
    second, summary = desk.poll_json()
    assert second.exit_code == 0, second.output
    assert summary["notifications"] == {"sent": LEDGERLINE_HITS, "failed": 0, "pending": 0}
    assert desk("poll", "--quiet").stdout.count("\n") == 0        # a third poll sends nothing

    assert sorted(receiver.ids()) == desk.hit_ids()                # every hit, each once
    post = receiver.posts[0]
    assert post.headers["content-type"] == "application/json"
    assert post.headers["authorization"] == "Bearer s3cret"
    payload = post.json()
    assert set(payload) == PAYLOAD_KEYS and payload["test"] is False and payload["notify_id"] == "hooks"
    db = open_db(desk.db)
    title, outlet, url, published = db.conn.execute(
        "SELECT a.title, COALESCE(f.name, f.title), COALESCE(a.canonical_url, a.url), a.published "
        "FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?", (payload["article_id"],)
    ).fetchone()
    db.conn.close()
    assert (payload["headline"], payload["outlet"], payload["url"], payload["published"]) == (
        title, outlet, url, published)
    watch = {w["id"]: w for w in json.loads(desk("watch", "--json").stdout)}[payload["watch_id"]]
    assert (payload["watch_title"], payload["partnership"]) == (watch["title"], watch["partnership"])


def test_a_500_is_retried_within_the_poll(desk: NotifyDesk, receiver: Receiver) -> None:
    desk.notify(webhook(receiver))
    receiver.fail_next(500)
    result, summary = desk.poll_json()
    assert result.exit_code == 0, result.output
    assert summary["notifications"] == {"sent": ALL_HITS, "failed": 0, "pending": 0}
    assert len(receiver.posts) == ALL_HITS + 1                     # the 500, then the same hit again
    assert receiver.posts[0].body == receiver.posts[1].body
    assert sorted(receiver.ids()[1:]) == desk.hit_ids()


def test_retry_after_holds_the_entry_until_then(desk: NotifyDesk, receiver: Receiver) -> None:
    desk.notify(webhook(receiver))
    receiver.fail_next(503, 503, 503, headers={"Retry-After": "3600"})
    result, summary = desk.poll_json()
    assert result.exit_code == 1
    assert summary["notifications"] == {"sent": 0, "failed": 1, "pending": ALL_HITS}
    assert len(receiver.posts) == 3                                # one hit, its three tries
    again, summary = desk.poll_json()                              # within the hour: that hit waits
    assert again.exit_code == 0
    assert summary["notifications"] == {"sent": ALL_HITS - 1, "failed": 0, "pending": 1}
    assert receiver.posts[0].json()["id"] not in receiver.ids()[3:]


def test_next_try_follows_retry_after_within_bounds() -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 3, 19, 12, 0, tzinfo=UTC)
    assert retry.next_try(now, None) is None
    assert retry.next_try(now, "garbage") is None
    assert retry.next_try(now, "120") == now + timedelta(seconds=120)
    assert retry.next_try(now, "99999999") == now + retry.MAX_WAIT
    assert retry.next_try(now, "Thu, 19 Mar 2026 13:00:00 GMT") == now + timedelta(hours=1)


def test_a_receiver_down_for_a_whole_poll_gets_everything_at_the_next(desk: NotifyDesk,
                                                                      tmp_path: Path) -> None:
    down = Receiver()
    port = down.port
    down.close()                                                    # nothing listens: refused
    desk.notify(f'[[notify]]\nid = "hooks"\nwebhook = "http://127.0.0.1:{port}/hook"\n')
    first = desk("poll", "--quiet")
    assert first.exit_code == 1
    failures = [line for line in first.stdout.splitlines() if line.startswith("notify ")]
    assert failures == [f"notify hooks: not delivered: connection refused; {ALL_HITS} hits waiting, "
                        "tried again at the next poll"]
    listed = json.loads(desk("notify", "--json").stdout)
    assert (listed[0]["pending"], listed[0]["failing"], listed[0]["last_error"]) == (
        ALL_HITS, 1, "connection refused")

    up = Receiver(port=port).start()
    try:
        second, summary = desk.poll_json()
        assert second.exit_code == 0, second.output
        assert summary["notifications"] == {"sent": ALL_HITS, "failed": 0, "pending": 0}
        assert sorted(up.ids()) == desk.hit_ids()
    finally:
        up.close()
    listing = desk("notify").stdout
    assert f"hooks [webhook] http://127.0.0.1:{port}/hook: {ALL_HITS} sent, 0 waiting" in listing


def test_a_program_gets_each_hit_as_json_on_stdin(desk: NotifyDesk, tmp_path: Path) -> None:
    out = tmp_path / "alerts.jsonl"
    script = "import sys; open(sys.argv[1], 'a').write(sys.stdin.read().replace(chr(10), ' ') + chr(10))"
    desk.notify(f'[[notify]]\nid = "log"\ncommand = {json.dumps([sys.executable, "-c", script, str(out)])}\n')
    first = desk("poll", "--quiet")
    assert first.exit_code == 0 and "notify" not in first.stdout
    assert desk("poll", "--force", "--quiet").stdout == ""
    received = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(p["id"] for p in received) == desk.hit_ids()


def test_a_hanging_program_is_killed_at_its_timeout(desk: NotifyDesk, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    script = "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(600)"
    command = json.dumps([sys.executable, "-c", script, str(pid_file)])
    desk.notify(f'[[notify]]\nid = "stuck"\ncommand = {command}\ntimeout = 0.5\n')
    result = desk("poll", "--quiet")
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith("notify ")]
    assert lines == [f"notify stuck: not delivered: {sys.executable} did not finish within 0.5 s; killed; "
                     f"{ALL_HITS} hits waiting, tried again at the next poll"]
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)
    listed = json.loads(desk("notify", "--json").stdout)
    assert [(e["id"], e["pending"], e["failing"]) for e in listed] == [("stuck", ALL_HITS, 1)]


def test_ntfy_sets_title_and_click(desk: NotifyDesk, receiver: Receiver) -> None:
    topic = receiver.url("/partwatch-alerts")
    desk.notify(f'[[notify]]\nid = "phone"\nntfy = "{topic}"\nwatch = ["ftc-probe"]\n')
    assert desk("poll").exit_code == 0
    assert len(receiver.posts) == len(TRUTH["watch"]["ftc-probe"])
    post = receiver.posts[0]
    assert post.path == "/partwatch-alerts"
    assert post.headers["title"].startswith("FTC probe: ")
    assert post.headers["click"].startswith("http")
    headline, rest = post.body.decode().split("\n", 1)
    assert post.headers["title"] == header_value(f"FTC probe: {headline.rsplit(' (', 1)[0]}")


def test_ntfy_headers_from_a_hostile_article_are_one_clean_line(feed_server: FeedServer, tmp_path: Path,
                                                                receiver: Receiver) -> None:
    title = "FTC probe\r\nX-Injected: 1 \x1b]8;;https://evil.example\x07Müller\u202e ‘quoted’"
    link = "https://example.com/ftc probe?q=ü\nX-Evil: 1"
    feed = rss_feed([item(title=title, link=link, guid="hostile", description="The FTC opened a probe.")])
    url = feed_server.add("/hostile.xml", Route(body=feed))
    config = tmp_path / "config.toml"
    config.write_text(textwrap.dedent(f"""
        [[feeds]]
        url = "{url}"
        [[watch]]
        id = "ftc"
        title = "FTC\\u001b[31m probe"
        terms = [["FTC"], ["probe"]]
        [[notify]]
        id = "phone"
        ntfy = "{receiver.url("/t")}"
    """), encoding="utf-8")
    desk = Desk.__new__(Desk)
    desk.config, desk.db = config, tmp_path / "pw.db"
    assert desk("poll", "--quiet").exit_code == 0
    (post,) = receiver.posts
    for value in (post.headers["title"], post.headers["click"]):
        assert value.isascii() and value.isprintable() and "\n" not in value
    assert "x-injected" not in post.headers and "x-evil" not in post.headers
    assert post.headers["title"].startswith("=?utf-8?b?")
    import email.header
    decoded = str(email.header.make_header(email.header.decode_header(post.headers["title"])))
    assert decoded.isprintable() and "\x1b" not in decoded and "\u202e" not in decoded
    assert "Müller" in decoded and decoded.startswith("FTC[31m probe: FTC probe X-Injected: 1")
    assert post.headers["click"].startswith("https://example.com/ftc") and " " not in post.headers["click"]


def test_header_cleaning_rules() -> None:
    assert header_value("a\r\nb\tc") == "a b c"
    assert len(header_value("x" * 1000)) <= 250
    assert header_value("ü").startswith("=?utf-8?b?")
    assert click_url("javascript:alert(1)") is None
    assert click_url("file:///etc/passwd") is None
    assert click_url(None) is None
    assert click_url("https://e.example/ä b\r\n") == "https://e.example/%C3%A4b"


def test_filters_by_watch_item_and_partnership(desk: NotifyDesk, receiver: Receiver) -> None:
    desk.notify(webhook(receiver, "ftc-only", "/ftc", 'watch = ["ftc-probe"]')
                + webhook(receiver, "aws-only", "/aws", 'partnerships = ["openai-aws"]')
                + webhook(receiver, "both", "/both", 'watch = ["lawsuit", "frontier-launch"]\n'
                                                    'partnerships = ["openai-aws"]'))
    assert desk("poll").exit_code == 0
    tagged = ("EXISTS (SELECT 1 FROM article_partnerships p WHERE p.article_id = h.article_id "
              "AND p.partnership = 'openai-aws')")
    assert sorted(receiver.ids("/ftc")) == desk.hit_ids("h.item_id = 'ftc-probe'")
    assert sorted(receiver.ids("/aws")) == desk.hit_ids(tagged)
    both = f"h.item_id IN ('lawsuit', 'frontier-launch') AND {tagged}"
    assert sorted(receiver.ids("/both")) == desk.hit_ids(both)
    assert receiver.ids("/ftc") and receiver.ids("/aws") and receiver.ids("/both")
    assert len(receiver.ids("/both")) < len(receiver.ids("/aws"))


def test_hits_seen_before_delivery_are_not_sent(desk: NotifyDesk) -> None:
    down = Receiver()
    port = down.port
    down.close()
    desk.notify(f'[[notify]]\nid = "hooks"\nwebhook = "http://127.0.0.1:{port}/hook"\n')
    assert desk("poll", "--quiet").exit_code == 1                  # queued, not delivered
    assert desk("watch", "seen", "ftc-probe").exit_code == 0
    up = Receiver(port=port).start()
    try:
        result, summary = desk.poll_json()
        assert result.exit_code == 0, result.output
        assert sorted(up.ids()) == desk.hit_ids("h.item_id != 'ftc-probe'")
        assert summary["notifications"] == {"sent": ALL_HITS - len(TRUTH["watch"]["ftc-probe"]),
                                            "failed": 0, "pending": 0}
    finally:
        up.close()


def test_a_new_entry_gets_only_hits_found_after_it_appeared(desk: NotifyDesk, receiver: Receiver) -> None:
    desk.serve("ledgerline.xml", EMPTY_RSS)
    assert desk("poll", "--quiet").exit_code == 0                  # hits found before any entry
    desk.notify(webhook(receiver))
    assert desk("poll", "--force", "--quiet").stdout == ""
    assert receiver.posts == []                                     # not flooded with old hits
    desk.serve("ledgerline.xml", (DEMO / "feeds" / "ledgerline.xml").read_bytes())
    result, summary = desk.poll_json()
    assert summary["notifications"]["sent"] == LEDGERLINE_HITS
    ledgerline = "h.article_id IN (SELECT a.id FROM articles a WHERE a.guid LIKE 'ledgerline-%')"
    assert sorted(receiver.ids()) == desk.hit_ids(ledgerline)


def test_hits_of_a_poll_whose_delivery_failed_go_out_with_the_next(desk: NotifyDesk, receiver: Receiver,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Stands in for a poll killed after storing its hits: the queue is derived from the hits."""
    import partwatch.polling

    desk.notify(webhook(receiver))
    real = partwatch.polling.deliver

    def broken(*args: object, **kwargs: object) -> object:
        raise OSError("disk gone")

    monkeypatch.setattr(partwatch.polling, "deliver", broken)
    first = desk("poll", "--quiet")
    assert first.exit_code == 1
    assert first.stdout.splitlines()[-1] == ("failed: delivering watch alerts: OSError: disk gone (they stay "
                                             "queued; the next poll tries again)")
    monkeypatch.setattr(partwatch.polling, "deliver", real)
    result, summary = desk.poll_json()
    assert summary["notifications"]["sent"] == ALL_HITS
    assert sorted(receiver.ids()) == desk.hit_ids()


def test_poll_json_keeps_its_keys_and_adds_notifications(desk: NotifyDesk) -> None:
    result, summary = desk.poll_json()
    assert list(summary) == ["feeds", "ok", "not_modified", "failed", "skipped", "new_articles",
                             "updated_articles", "errors", "warnings", "moved", "alerts", "refresh_error",
                             "seconds", "notifications", "full_text"]
    assert summary["notifications"] == {"sent": 0, "failed": 0, "pending": 0}


def test_notify_test_sends_a_sample_to_each_entry(desk: NotifyDesk, receiver: Receiver) -> None:
    down = Receiver()
    port = down.port
    down.close()
    desk.notify(webhook(receiver) + f'[[notify]]\nid = "dead"\nwebhook = "http://127.0.0.1:{port}/x"\n')
    result = desk("notify", "test")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"hooks: sent (webhook {receiver.url('/hook')})",
                                          "dead: failed after 3 tries: connection refused"]
    assert "1 of 2 [[notify]] entries failed the test" in result.stderr
    (post,) = receiver.posts
    sample = post.json()
    assert set(sample) == PAYLOAD_KEYS and sample["test"] is True and sample["watch_id"] == "ftc-probe"

    only = desk("notify", "test", "--id", "hooks")
    assert only.exit_code == 0 and only.stdout == f"hooks: sent (webhook {receiver.url('/hook')})\n"
    unknown = desk("notify", "test", "--id", "nope")
    assert unknown.exit_code == 2 and "no such [[notify]] entry (known: hooks, dead)" in unknown.stderr
    assert not desk.db.exists() or desk.hit_ids() == []             # a test is no delivery


def test_notify_lists_entries(desk: NotifyDesk, receiver: Receiver) -> None:
    assert desk("notify").stdout == "No [[notify]] entries configured.\n"
    desk.notify(webhook(receiver, extra='watch = ["ftc-probe", "lawsuit"]')
                + '[[notify]]\nid = "phone"\nntfy = "https://user:pw@ntfy.example/topic?auth=x"\n')
    listed = desk("notify")
    assert listed.exit_code == 0
    assert listed.stdout.splitlines() == [
        f"hooks [webhook] {receiver.url('/hook')}; watch ftc-probe, lawsuit: 0 sent, 0 waiting",
        "phone [ntfy] https://ntfy.example/topic: 0 sent, 0 waiting",
    ]


@pytest.mark.parametrize(("toml", "message"), [
    ('id = "a"\nwebhook = "https://x.example/h"\nwatch = ["ftc-prob"]',
     '[[notify]] #1 watch names "ftc-prob", which is not in [[watch]]; did you mean "ftc-probe"?'),
    ('id = "a"\nwebhook = "https://x.example/h"\npartnerships = ["nope"]',
     '[[notify]] #1 partnerships names "nope", which is not in [[partnerships]]; use one of: '),
    ('id = "a"', "[[notify]] #1 says nowhere to send; give exactly one of"),
    ('id = "a"\nwebhook = "https://x.example/h"\nntfy = "https://ntfy.sh/t"',
     "[[notify]] #1 has webhook and ntfy; give exactly one of"),
    ('id = "a"\nwebhook = "ftp://x.example/h"', '[[notify]] #1 webhook "ftp://x.example/h" is not an http'),
    ('id = "a"\nntfy = "https://ntfy.sh/"', '[[notify]] #1 ntfy "https://ntfy.sh/" names no topic'),
    ('id = "a"\ncommand = []', "[[notify]] #1 command is empty"),
    ('id = "a"\ncommand = "notify-send hi"', "[[notify]] #1 command must be a list of non-empty strings"),
    ('id = "a"\ncommand = ["x"]\nheaders = { A = "b" }', "[[notify]] #1 has headers, which only a webhook"),
    ('id = "a"\nwebhook = "https://x.example/h"\nheaders = { A = "b\\nc" }', '[[notify]] #1 header "A" must'),
    ('id = "a"\nwebhook = "https://x.example/h"\ntimeout = 0', "[[notify]] #1 timeout = 0.0 is out of range"),
    ('id = "a"\nwebhook = "https://x.example/h"\nretries = 3', '[[notify]] #1 has unknown key "retries"'),
])
def test_bad_notify_entries_are_one_line_and_exit_2(desk: NotifyDesk, toml: str, message: str) -> None:
    desk.notify("[[notify]]\n" + toml + "\n")
    result = desk("notify")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert message in line and "config.toml:" in line
