"""Loading config.toml: found once, validated once, into typed records.

The rest of the program never touches raw TOML: every mistake a user can make in the file is
caught here and reported as one line that names the file, the line (when we can find it) or the
key, and the fix. A config error must never surface later as a traceback from deep inside a poll.

Where things are found:
- the file: ``--config FILE``, else ``$PARTWATCH_CONFIG``, else
  ``platformdirs.user_config_dir("partwatch")/config.toml``. A missing default file is an empty
  config (a first run must work); a missing file the user named is an error.
- the database: ``--db FILE``, else ``[store] path`` (relative to the config file's folder),
  else ``platformdirs.user_data_dir("partwatch")/partwatch.db``.

``[poll]`` and ``[dedupe]`` map generically onto the fields of PollSettings and DedupeSettings:
each field is a key, its default's type is the key's type, so a field added by feeds/ or
tracking/ is configurable without touching this file.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
import re
import tomllib
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import platformdirs

from feeds.records import PollSettings
from partwatch.keys import BINDING_IDS, bad_key
from tracking.model import DedupeSettings, Partnership, Question, Terms, WatchItem

if TYPE_CHECKING:
    from partwatch.notify_config import NotifyEntry

ENV_VAR = "PARTWATCH_CONFIG"
APP_NAME = "partwatch"

# Settings that make no sense at zero (a poll with no request in flight would never end).
_POSITIVE = {"concurrency", "timeout", "max_bytes"}


class ConfigError(Exception):
    """A bad config file; the message is one line: file, line or key, problem, fix."""


@dataclass(frozen=True)
class FeedConfig:
    """One [[feeds]] entry. `name` wins over the feed's own title when set."""

    url: str
    name: str | None = None
    full_text: bool = False


@dataclass(frozen=True)
class Config:
    path: Path | None               # None: no file (the default location had none)
    db_path: Path
    poll: PollSettings
    dedupe: DedupeSettings
    feeds: tuple[FeedConfig, ...] = ()
    partnerships: tuple[Partnership, ...] = ()
    questions: tuple[Question, ...] = ()
    watch: tuple[WatchItem, ...] = ()
    notify: tuple[NotifyEntry, ...] = ()
    keys: tuple[tuple[str, str], ...] = ()  # [keys]: (binding id, keys) for the dashboard

    def partnership(self, partnership_id: str) -> Partnership | None:
        return next((p for p in self.partnerships if p.id == partnership_id), None)


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "partwatch.db"


def default_config_text() -> str:
    """The repo's commented config.toml, as installed: partwatch/default_config.toml is a symlink
    to it that the wheel build copies in as a file, so the one source stays the root file."""
    return (resources.files("partwatch") / "default_config.toml").read_text(encoding="utf-8")


def find_config(path: Path | None) -> tuple[Path, bool]:
    """The config file to read and whether the user named it (then it must exist)."""
    if path is not None:
        return Path(path), True
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser(), True
    return default_config_path(), False


def load_config(path: Path | None, db: Path | None = None) -> Config:
    """Find, read and validate the config (see the module docstring for the search order)."""
    target, explicit = find_config(path)
    if not target.exists():
        if explicit:
            raise ConfigError(f"{target}: no such file; check the path given by --config or ${ENV_VAR}")
        return parse_config("", None, db=db)
    if target.is_dir():
        raise ConfigError(f"{target}: is a folder, not a file; name the config.toml inside it")
    try:
        text = target.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{target}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from exc
    except OSError as exc:
        raise ConfigError(f"{target}: cannot read ({exc.strerror}); check the file's permissions") from exc
    return parse_config(text, target, db=db)


def parse_config(text: str, path: Path | None, *, db: Path | None = None) -> Config:
    """Validate the TOML `text` read from `path` (None: no file) into a Config."""
    return _Validator(text, path).config(db)


T = TypeVar("T")

_TOP_LEVEL = {
    "store": "table", "poll": "table", "dedupe": "table",
    "feeds": "array", "partnerships": "array", "questions": "array", "watch": "array",
    "notify": "array",
    "keys": "table",
}
_FEED_KEYS = ("url", "name", "full_text")
_PARTNERSHIP_KEYS = ("id", "name", "parties")
_QUESTION_KEYS = ("id", "text", "terms", "partnership")
_WATCH_KEYS = ("id", "title", "terms", "exclude", "partnership")
_STORE_KEYS = ("path",)


def unknown_id_fix(value: str, known: Sequence[str], section: str) -> str:
    """The fix for a reference to an id that `section` does not have: the closest id, else the
    ids there are, else how to add one."""
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return (f'did you mean "{close[0]}"?' if close
            else f"use one of: {', '.join(known)}" if known
            else f"add a {section} entry with that id, or remove the line")


class _Validator:
    """Walks the parsed TOML once; every check raises ConfigError with a located message."""

    def __init__(self, text: str, path: Path | None) -> None:
        self.text = text
        self.path = path
        self.name = str(path) if path is not None else "config"
        self.lines = text.splitlines()

    # -- messages ------------------------------------------------------------------------------

    def fail(self, where: str, problem: str, fix: str, line: int | None = None) -> typing.NoReturn:
        located = f"{self.name}:{line}" if line else self.name
        raise ConfigError(f"{located}: {where} {problem}; {fix}")

    def locate(self, table: str, index: int | None = None, key: str | None = None) -> int | None:
        """Best-effort line number of `[table]` (or the index-th `[[table]]`) and its `key`.

        tomllib reports positions only for syntax errors, so we look for the header and the
        `key =` line in the text; inline tables and dotted keys simply get no line number.
        """
        header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]" if index is not None
                            else rf"^\s*\[\s*{re.escape(table)}\s*\]")
        start = None
        seen = 0
        for number, line in enumerate(self.lines):
            if header.match(line):
                if index is None or seen == index:
                    start = number
                    break
                seen += 1
        if start is None:
            return None
        if key is None:
            return start + 1
        key_re = re.compile(rf"^\s*(\"{re.escape(key)}\"|{re.escape(key)})\s*=")
        for number in range(start + 1, len(self.lines)):
            line = self.lines[number]
            if re.match(r"^\s*\[", line):
                break
            if key_re.match(line):
                return number + 1
        return start + 1

    @staticmethod
    def where(table: str, index: int | None) -> str:
        return f"[[{table}]] #{index + 1}" if index is not None else f"[{table}]"

    def unknown_keys(self, table: str, index: int | None, data: Mapping[str, Any],
                     allowed: typing.Iterable[str]) -> None:
        allowed = list(allowed)
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                fix = f'did you mean "{close[0]}"?' if close else f"valid keys: {', '.join(allowed)}"
                self.fail(self.where(table, index), f'has unknown key "{key}"', fix,
                          self.locate(table, index, key))

    def expect(self, table: str, index: int | None, key: str, value: Any, kind: type[T],
               example: str) -> T:
        ok = isinstance(value, kind) and not (kind in (int, float) and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return typing.cast(T, float(value))
        if not ok:
            self.fail(self.where(table, index),
                      f"{key} = {_show(value)} is {_kind(value)}, not {_kind_name(kind)}",
                      f"write it like {key} = {example}", self.locate(table, index, key))
        return typing.cast(T, value)

    def text_value(self, table: str, index: int | None, data: Mapping[str, Any], key: str,
                   *, required: bool, example: str) -> str | None:
        if key not in data:
            if required:
                self.fail(self.where(table, index), f"has no {key}", f"add {key} = {example}",
                          self.locate(table, index))
            return None
        value = self.expect(table, index, key, data[key], str, example).strip()
        if not value:
            self.fail(self.where(table, index), f"{key} is empty", f"write it like {key} = {example}",
                      self.locate(table, index, key))
        return value

    # -- the file ------------------------------------------------------------------------------

    def config(self, db: Path | None) -> Config:
        try:
            data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            match = re.search(r"\(at line (\d+), column (\d+)\)", message)
            problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
            if match:
                raise ConfigError(f"{self.name}:{match.group(1)}:{match.group(2)}: TOML syntax error: "
                                  f"{problem}; fix the TOML at that spot (strings need quotes)") from None
            problem = problem.replace(" (at end of document)", "")
            raise ConfigError(
                f"{self.name}:{max(len(self.lines), 1)}: TOML syntax error: {problem} at the end of the file;"
                " finish the last line (a value after =, a closing quote or bracket)") from None

        for key, value in data.items():
            if key not in _TOP_LEVEL:
                close = difflib.get_close_matches(key, list(_TOP_LEVEL), n=1, cutoff=0.6)
                fix = f'did you mean "{close[0]}"?' if close else f"valid sections: {', '.join(_TOP_LEVEL)}"
                self.fail(f'top-level key "{key}"', "is unknown", fix, self._top_line(key))
            shape = _TOP_LEVEL[key]
            if shape == "table" and not isinstance(value, dict):
                self.fail(f'"{key}"', "must be a table", f"write a [{key}] section", self._top_line(key))
            if shape == "array" and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
                self.fail(f'"{key}"', "must be a list of tables", f"write each entry under [[{key}]]",
                          self._top_line(key))

        partnerships = self.partnerships(data.get("partnerships", []))
        known = {p.id for p in partnerships}
        watch = self.watch(data.get("watch", []), known)
        from partwatch.notify_config import notify_entries
        return Config(
            path=self.path,
            db_path=self.db_path(data.get("store", {}), db),
            poll=self.settings("poll", data.get("poll", {}), PollSettings),
            dedupe=self.settings("dedupe", data.get("dedupe", {}), DedupeSettings),
            feeds=self.feeds(data.get("feeds", [])),
            partnerships=partnerships,
            questions=self.questions(data.get("questions", []), known),
            watch=watch,
            notify=notify_entries(self, data.get("notify", []), [w.id for w in watch], known),
            keys=self.keys(data.get("keys", {})),
        )

    def keys(self, data: Mapping[str, Any], prefix: str = "") -> tuple[tuple[str, str], ...]:
        """[keys]: binding id = "keys". An unquoted dotted id (view.feeds = "f") is a nested
        table to TOML, so nested tables are read as dotted ids too."""
        found: list[tuple[str, str]] = []
        for name, value in data.items():
            binding = prefix + name
            if isinstance(value, dict):
                found += self.keys(value, binding + ".")
                continue
            line = self.locate("keys", None, binding)
            if binding not in BINDING_IDS:
                close = difflib.get_close_matches(binding, list(BINDING_IDS), n=1, cutoff=0.6)
                fix = f'did you mean "{close[0]}"?' if close else "the README lists the binding ids"
                self.fail("[keys]", f'has unknown binding id "{binding}"', fix, line)
            keys = self.expect("keys", None, binding, value, str, '"ctrl+f"').strip()
            wrong = bad_key(keys)
            if wrong is not None:
                self.fail("[keys]", f'{binding} = {_show(value)}: "{wrong}" is not a key name',
                          'write keys like "f", "ctrl+f" or "f5,ctrl+f"', line)
            found.append((binding, keys))
        return tuple(found)

    def _top_line(self, key: str) -> int | None:
        pattern = re.compile(rf"^\s*(\[\[?\s*{re.escape(key)}\s*\]\]?|{re.escape(key)}\s*=)")
        return next((n + 1 for n, line in enumerate(self.lines) if pattern.match(line)), None)

    def db_path(self, store: Mapping[str, Any], db: Path | None) -> Path:
        self.unknown_keys("store", None, store, _STORE_KEYS)
        if db is not None:
            return Path(db).expanduser()
        path = self.text_value("store", None, store, "path", required=False, example='"partwatch.db"')
        if path is None:
            return default_db_path()
        target = Path(path).expanduser()
        if not target.is_absolute() and self.path is not None:
            target = self.path.resolve().parent / target
        return target

    def settings(self, table: str, data: Mapping[str, Any], cls: type[T]) -> T:
        fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        self.unknown_keys(table, None, data, fields)
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for key, value in data.items():
            field = fields[key]
            default = field.default if field.default is not dataclasses.MISSING else None
            kind = type(default) if default is not None else _plain_type(hints[key])
            if kind is tuple:
                values[key] = self.strings(table, None, key, value)
                continue
            checked: Any = self.expect(table, None, key, value, kind, _example(default, kind))
            if isinstance(checked, (int, float)) and not isinstance(checked, bool):
                if not math.isfinite(checked) or checked < 0 or (checked == 0 and key in _POSITIVE):
                    bound = "greater than 0" if key in _POSITIVE else "0 or more"
                    self.fail(self.where(table, None), f"{key} = {checked} is out of range",
                              f"use a number {bound}", self.locate(table, None, key))
            values[key] = checked
        return cls(**values)

    def strings(self, table: str, index: int | None, key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(self.where(table, index), f"{key} must be a list of non-empty strings",
                      f'write it like {key} = ["one", "two"]', self.locate(table, index, key))
        return tuple(v.strip() for v in value)

    def feeds(self, entries: list[dict[str, Any]]) -> tuple[FeedConfig, ...]:
        feeds: list[FeedConfig] = []
        seen: dict[str, int] = {}
        for index, entry in enumerate(entries):
            self.unknown_keys("feeds", index, entry, _FEED_KEYS)
            url = self.text_value("feeds", index, entry, "url", required=True,
                                  example='"https://example.com/feed.xml"')
            assert url is not None
            parts = urlsplit(url)
            if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
                self.fail(self.where("feeds", index), f"url {_show(url)} is not http or https",
                          "use an http:// or https:// URL", self.locate("feeds", index, "url"))
            if url in seen:
                self.fail(self.where("feeds", index), f"url {_show(url)} repeats [[feeds]] #{seen[url] + 1}",
                          "remove one of the two entries", self.locate("feeds", index, "url"))
            seen[url] = index
            name = self.text_value("feeds", index, entry, "name", required=False, example='"The Decoder"')
            full_text = self.expect("feeds", index, "full_text", entry.get("full_text", False), bool, "true")
            feeds.append(FeedConfig(url=url, name=name, full_text=full_text))
        return tuple(feeds)

    def partnerships(self, entries: list[dict[str, Any]]) -> tuple[Partnership, ...]:
        result: list[Partnership] = []
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            self.unknown_keys("partnerships", index, entry, _PARTNERSHIP_KEYS)
            pid = self.unique_id("partnerships", index, entry, seen)
            name = self.text_value("partnerships", index, entry, "name", required=False,
                                   example='"Microsoft and OpenAI"') or pid
            raw = entry.get("parties")
            example = 'parties = { Microsoft = ["MSFT", "Azure"], OpenAI = ["ChatGPT"] }'
            if raw is None:
                self.fail(self.where("partnerships", index), "has no parties", f"add {example}",
                          self.locate("partnerships", index))
            if not isinstance(raw, dict) or not raw:
                self.fail(self.where("partnerships", index),
                          "parties must be a table of parties, each with a list of aliases",
                          f"write it like {example}", self.locate("partnerships", index, "parties"))
            parties: dict[str, tuple[str, ...]] = {}
            for party, aliases in raw.items():
                if not party.strip():
                    self.fail(self.where("partnerships", index), "has a party with an empty name",
                              f"write it like {example}", self.locate("partnerships", index, "parties"))
                parties[party.strip()] = self.strings("partnerships", index, f"parties.{party}", aliases)
            result.append(Partnership(id=pid, name=name, parties=parties))
        return tuple(result)

    def questions(self, entries: list[dict[str, Any]], known: set[str]) -> tuple[Question, ...]:
        result: list[Question] = []
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            self.unknown_keys("questions", index, entry, _QUESTION_KEYS)
            qid = self.unique_id("questions", index, entry, seen)
            text = self.text_value("questions", index, entry, "text", required=True,
                                   example='"Does Azure exclusivity cover stateful runtimes?"')
            assert text is not None
            result.append(Question(id=qid, text=text, terms=self.terms("questions", index, entry),
                                   partnership=self.partnership_ref("questions", index, entry, known)))
        return tuple(result)

    def watch(self, entries: list[dict[str, Any]], known: set[str]) -> tuple[WatchItem, ...]:
        result: list[WatchItem] = []
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            self.unknown_keys("watch", index, entry, _WATCH_KEYS)
            wid = self.unique_id("watch", index, entry, seen)
            title = self.text_value("watch", index, entry, "title", required=False,
                                    example='"FTC probe"') or wid
            exclude = self.strings("watch", index, "exclude", entry.get("exclude", []))
            result.append(WatchItem(id=wid, title=title, terms=self.terms("watch", index, entry),
                                    exclude=exclude,
                                    partnership=self.partnership_ref("watch", index, entry, known)))
        return tuple(result)

    def unique_id(self, table: str, index: int, entry: Mapping[str, Any], seen: set[str]) -> str:
        value = self.text_value(table, index, entry, "id", required=True, example='"microsoft-openai"')
        assert value is not None
        if value in seen:
            self.fail(self.where(table, index), f"id {_show(value)} is used twice in [[{table}]]",
                      "give each entry its own id", self.locate(table, index, "id"))
        seen.add(value)
        return value

    def partnership_ref(self, table: str, index: int, entry: Mapping[str, Any],
                        known: set[str]) -> str | None:
        value = self.text_value(table, index, entry, "partnership", required=False,
                                example='"microsoft-openai"')
        if value is not None and value not in known:
            fix = unknown_id_fix(value, sorted(known), "[[partnerships]]")
            self.fail(self.where(table, index), f"partnership {_show(value)} is not a configured partnership",
                      fix, self.locate(table, index, "partnership"))
        return value

    def terms(self, table: str, index: int, entry: Mapping[str, Any]) -> Terms:
        example = 'terms = [["FTC", "Federal Trade Commission"], ["probe", "investigation"]]'
        if "terms" not in entry:
            self.fail(self.where(table, index), "has no terms", f"add {example}", self.locate(table, index))
        raw = entry["terms"]
        good = (isinstance(raw, list) and raw
                and all(isinstance(group, list) and group
                        and all(isinstance(term, str) and term.strip() for term in group) for group in raw))
        if not good:
            self.fail(self.where(table, index),
                      "terms must be a list of groups, each a non-empty list of words "
                      "(every group needs one hit)",
                      f"write it like {example}", self.locate(table, index, "terms"))
        return tuple(tuple(term.strip() for term in group) for group in raw)


def _plain_type(hint: Any) -> type:
    """The concrete type behind `X | None` or `tuple[str, ...]` hints of a settings field."""
    origin = typing.get_origin(hint)
    if origin is tuple:
        return tuple
    if origin is not None:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return _plain_type(args[0]) if args else object
    return hint if isinstance(hint, type) else object


def _kind_name(kind: type) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", str: "a quoted string",
            dict: "a table", list: "a list"}.get(kind, kind.__name__)


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "a whole number", float: "a number", str: "a string",
            dict: "a table", list: "a list"}.get(type(value), type(value).__name__)


def _example(default: Any, kind: type) -> str:
    if default is not None:
        if isinstance(default, bool):
            return "true" if default else "false"
        if isinstance(default, str):
            return f'"{default}"'
        return repr(default)
    return {bool: "true", int: "10", float: "1.5", str: '"text"'}.get(kind, '"..."')


def _show(value: Any) -> str:
    """A value as the user wrote it, shortened and with control characters escaped."""
    text = f'"{value}"' if isinstance(value, str) else repr(value)
    text = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return text if len(text) <= 60 else text[:57] + "..."
