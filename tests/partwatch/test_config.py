"""config.toml: where it is found, what it becomes, and one clear line per kind of mistake."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from feeds.records import PollSettings
from partwatch.config import ConfigError, FeedConfig, load_config

Writer = Callable[[str], Path]

GOOD = """
[store]
path = "data/pw.db"

[poll]
concurrency = 4
timeout = 7.5
min_interval = 60

[[feeds]]
url = "https://the-decoder.com/feed/"
name = "The Decoder"

[[feeds]]
url = "https://example.com/rss"
full_text = true

[[partnerships]]
id = "microsoft-openai"
name = "Microsoft and OpenAI"
parties = { Microsoft = ["MSFT", "Azure"], OpenAI = ["Open AI", "ChatGPT"] }

[[questions]]
id = "stateful-carveout"
partnership = "microsoft-openai"
text = "Does Azure exclusivity cover stateful runtimes on Bedrock?"
terms = [["stateful", "stateless"], ["Azure", "exclusiv"]]

[[watch]]
id = "ftc-probe"
title = "FTC probe"
terms = [["FTC"], ["probe", "inquiry"]]
exclude = ["FTX"]
"""


def error(write_config: Writer, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(text))
    message = str(caught.value)
    assert "\n" not in message and "config.toml" in message
    return message


def test_a_good_config_becomes_typed_records(write_config: Writer, tmp_path: Path) -> None:
    config = load_config(write_config(GOOD))
    assert config.db_path == tmp_path / "data" / "pw.db"          # relative to the config file
    assert config.poll == PollSettings(concurrency=4, timeout=7.5, min_interval=60)
    assert config.feeds == (FeedConfig("https://the-decoder.com/feed/", "The Decoder"),
                            FeedConfig("https://example.com/rss", None, True))
    assert config.partnerships[0].parties["OpenAI"] == ("Open AI", "ChatGPT")
    assert config.questions[0].terms == (("stateful", "stateless"), ("Azure", "exclusiv"))
    assert config.watch[0].exclude == ("FTX",) and config.watch[0].partnership is None


def test_db_option_wins_over_the_file(write_config: Writer, tmp_path: Path) -> None:
    assert load_config(write_config(GOOD), db=tmp_path / "x.db").db_path == tmp_path / "x.db"


def test_search_order_env_then_default(write_config: Writer, monkeypatch: pytest.MonkeyPatch,
                                       tmp_path: Path) -> None:
    path = write_config(GOOD)
    monkeypatch.setenv("PARTWATCH_CONFIG", str(path))
    assert load_config(None).path == path
    monkeypatch.setenv("PARTWATCH_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="no such file"):
        load_config(None)
    monkeypatch.delenv("PARTWATCH_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdgdata"))
    empty = load_config(None)                                      # a missing default file is fine
    assert empty.path is None and empty.feeds == () and empty.db_path.is_relative_to(tmp_path / "xdgdata")


def test_missing_named_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.toml: no such file; check the path"):
        load_config(tmp_path / "missing.toml")


def test_toml_syntax_error_names_line_and_column(write_config: Writer) -> None:
    message = error(write_config, '[poll]\ntimeout = 20\nname = oops\n')
    assert "config.toml:3:8: TOML syntax error" in message


def test_unknown_key_suggests_the_closest(write_config: Writer) -> None:
    message = error(write_config, "[poll]\nconcurency = 3\n")
    assert message.endswith('config.toml:2: [poll] has unknown key "concurency"; did you mean "concurrency"?')


def test_unknown_section_suggests_the_closest(write_config: Writer) -> None:
    assert 'top-level key "feed" is unknown; did you mean "feeds"?' in error(write_config, "[feed]\n")


def test_wrong_type_says_how_to_write_it(write_config: Writer) -> None:
    message = error(write_config, '[poll]\ntimeout = "20"\n')
    assert '[poll] timeout = "20" is a string, not a number; write it like timeout = 20.0' in message


def test_out_of_range_setting(write_config: Writer) -> None:
    assert "concurrency = 0 is out of range" in error(write_config, "[poll]\nconcurrency = 0\n")
    assert "timeout = nan is out of range" in error(write_config, "[poll]\ntimeout = nan\n")
    assert "min_interval = -1 is out of range; use a number 0 or more" in \
        error(write_config, "[poll]\nmin_interval = -1\n")


def test_duplicate_id(write_config: Writer) -> None:
    text = '[[watch]]\nid = "w"\nterms = [["a"]]\n[[watch]]\nid = "w"\nterms = [["b"]]\n'
    assert 'config.toml:5: [[watch]] #2 id "w" is used twice in [[watch]]; give each entry its own id' in \
        error(write_config, text)


def test_duplicate_feed_url(write_config: Writer) -> None:
    text = '[[feeds]]\nurl = "https://a.example/"\n[[feeds]]\nurl = "https://a.example/"\n'
    assert '[[feeds]] #2 url "https://a.example/" repeats [[feeds]] #1' in error(write_config, text)


def test_unknown_partnership(write_config: Writer) -> None:
    text = ('[[partnerships]]\nid = "microsoft-openai"\nparties = { Microsoft = [] }\n'
            '[[questions]]\nid = "q"\ntext = "?"\nterms = [["a"]]\npartnership = "microsoft-opneai"\n')
    message = error(write_config, text)
    assert ('config.toml:8: [[questions]] #1 partnership "microsoft-opneai" is not a configured partnership'
            in message)
    assert 'did you mean "microsoft-openai"?' in message


def test_feed_url_must_be_http(write_config: Writer) -> None:
    text = '[[feeds]]\nurl = "https://a.example/"\n[[feeds]]\nurl = "https://b.example/"\n[[feeds]]\nurl = "ftp://x"\n'
    assert error(write_config, text).endswith(
        'config.toml:6: [[feeds]] #3 url "ftp://x" is not http or https; use an http:// or https:// URL')


def test_terms_shape(write_config: Writer) -> None:
    message = error(write_config, '[[watch]]\nid = "ftc"\nterms = ["FTC", "probe"]\n')
    assert "[[watch]] #1 terms must be a list of groups" in message and 'terms = [["FTC"' in message


def test_missing_required_key(write_config: Writer) -> None:
    assert "[[feeds]] #1 has no url; add url = " in error(write_config, '[[feeds]]\nname = "x"\n')


def test_not_utf8(write_config: Writer, tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[[feeds]]\nname = "Caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)
