"""The body sketch and the body words it is made of: the properties story matching relies on."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from datasketch import MinHash

from tracking.dedupe import (
    NUM_PERM,
    PERMUTATIONS,
    SCHEME,
    ArticleInput,
    _shingles,
    _sketch,
    body_overlap,
    features,
)
from tracking.model import DedupeSettings
from tracking.normalize import FEATURES_VERSION, body_words, clean_text, slug_words, tokens

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = DedupeSettings()
# Made-up words, so that two bodies share exactly the shingles the test builds them to share.
VOCAB = [f"w{n}x" for n in range(5000)]
BODY = " ".join(random.Random(7).choices(VOCAB[:400], k=300))


def _article(text: str, title: str = "Acme and Initech sign a cloud deal") -> ArticleInput:
    return ArticleInput(
        id=1,
        feed="Outlet",
        url="https://example.com/a",
        canonical_url=None,
        title=title,
        text=text,
        published=datetime(2026, 3, 19, tzinfo=UTC),
    )


def _minhash(text: str) -> np.ndarray:
    found = features(_article(text), SETTINGS).minhash
    assert found is not None
    return found


def test_identical_bodies_and_bodies_that_normalise_alike_have_identical_sketches() -> None:
    sketch = _minhash(BODY)
    assert sketch.shape == (NUM_PERM,)
    assert np.array_equal(sketch, _minhash(BODY))
    assert np.array_equal(sketch, _minhash(f"  {BODY.upper().replace(' ', ' &amp; ')}! "))
    assert not np.array_equal(sketch, _minhash(BODY.replace("w1x", "w2x")))


def test_the_sketch_is_the_same_in_a_fresh_process_whatever_its_hash_seed() -> None:
    code = "from tests.tracking.test_sketch import BODY, _minhash; print(_minhash(BODY).tolist())"
    here = str(_minhash(BODY).tolist())
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        assert run.stdout.strip() == here


def test_the_sketch_estimates_the_jaccard_index_of_the_shingle_sets() -> None:
    errors = []
    for shared in (0, 60, 150, 240, 300):
        # 300 distinct words each; the first `shared` words in common, the rest different words.
        a = VOCAB[:300]
        b = VOCAB[:shared] + VOCAB[1000 + shared : 1300]
        runs_a, runs_b = set(zip(a, a[1:], a[2:], strict=False)), set(zip(b, b[1:], b[2:], strict=False))
        exact = len(runs_a & runs_b) / len(runs_a | runs_b)
        fa, fb = features(_article(" ".join(a)), SETTINGS), features(_article(" ".join(b)), SETTINGS)
        estimate = body_overlap(fa, fb)
        assert estimate is not None
        errors.append(estimate - exact)
        assert abs(estimate - exact) <= 0.2, (shared, exact, estimate)  # 3 sd at 64 permutations
    assert abs(float(np.mean(errors))) <= 0.06


def test_the_sketch_is_datasketchs_minhash_of_the_shingle_hashes() -> None:
    shingles = _shingles(body_words(BODY), SETTINGS.shingle)
    reference = MinHash(num_perm=NUM_PERM, permutations=PERMUTATIONS, scheme=SCHEME, hashfunc=int)
    reference.update_batch(shingles.tolist())
    assert np.array_equal(_sketch(shingles), reference.hashvalues)


def test_a_body_shorter_than_a_shingle_or_empty_is_one_shingle() -> None:
    assert len(_shingles([b"acme", b"deal"], 3)) == 1
    assert len(_shingles([], 3)) == 1
    assert len(_shingles([b"acme"] * 5, 3)) == 3


def test_body_words_are_the_words_of_the_cleaned_case_folded_text() -> None:
    texts = [
        "Acme\x00Corp's CEO said: \"we're in_talks\" &amp;amp; 50% up\tnow.\x7f",
        "Caf\u00e9 \uff21\uff23\uff2d\uff25 Stra\u00dfe micro\u200bsoft &#8217;s",
        "",
    ]
    for text in texts:
        expected = [w.encode() for w in re.findall(r"\w+", clean_text(text).casefold())]
        assert body_words(text) == expected
    assert body_words(texts[0])[:3] == [b"acmecorp", b"s", b"ceo"]


def test_the_lede_adds_the_content_words_of_the_body() -> None:
    body = "The partners' stateful runtimes we're launching on Bedrock in_house. " * 8
    feat = features(_article(body), SETTINGS)
    head = set(tokens("Acme and Initech sign a cloud deal")) | set(slug_words("https://example.com/a"))
    lede = " ".join(re.findall(r"\w+", body.casefold()))
    assert set(feat.words) == head | set(tokens(lede))
    assert {"stateful", "bedrock", "house", "launch"} <= set(feat.words) - head
    assert not {"in", "we", "the"} & set(feat.words)


def test_features_version_pins_the_sketch() -> None:
    # Stored stories were placed with the features of FEATURES_VERSION: a change that alters
    # this sketch must bump FEATURES_VERSION (the next poll then rebuilds the stories) and update
    # the pinned values.
    assert (FEATURES_VERSION, _minhash(BODY)[:4].tolist()) == (3, [16019071, 3427874, 14538021, 6935871])
