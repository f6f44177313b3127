"""The config stamps the refresh steps keep in the meta table, computable without their modules.

stories_sync rebuilds every story when the [dedupe] settings or the features' version
(tracking/normalize.py FEATURES_VERSION) differ from the stamp stored at the last placement;
desk_sync redoes tags, evidence or watch hits when the hash of [[partnerships]], [[questions]]
or [[watch]] differs. Both modules pull in numpy, scipy and dateparser (over a second of
imports), so the stamps live here: a poll that stored nothing new (every feed answered 304)
compares them and skips the refresh without importing either.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

from partwatch.config import Config
from tracking.model import DedupeSettings
from tracking.normalize import FEATURES_VERSION

STORIES_SETTINGS_KEY = "stories.settings"
KEY_PARTNERSHIPS = "desk.partnerships_hash"
KEY_QUESTIONS = "desk.questions_hash"
KEY_WATCH = "desk.watch_hash"


def stories_stamp(settings: DedupeSettings) -> str:
    """The [dedupe] settings and the version of the features the stories were placed with."""
    return json.dumps({**dataclasses.asdict(settings), "features_version": FEATURES_VERSION}, sort_keys=True)


def config_hash(value: object) -> str:
    return hashlib.sha1(json.dumps(value, sort_keys=True, default=list).encode()).hexdigest()


def desk_hashes(config: Config) -> dict[str, str]:
    return {
        KEY_PARTNERSHIPS: config_hash([(p.id, sorted((k, list(v)) for k, v in p.parties.items()))
                                       for p in config.partnerships]),
        KEY_QUESTIONS: config_hash([(q.id, q.partnership, [list(g) for g in q.terms])
                                    for q in config.questions]),
        KEY_WATCH: config_hash([(w.id, w.partnership, [list(g) for g in w.terms], list(w.exclude))
                                for w in config.watch]),
    }
