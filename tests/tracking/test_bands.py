"""tracking/bands.py answers exactly what datasketch's MinHashLSH answers."""

from __future__ import annotations

import random

from datasketch import MinHash, MinHashLSH

from tracking.bands import BandIndex
from tracking.dedupe import NUM_PERM, PERMUTATIONS, SCHEME


def _sketch(words: set[str]) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, permutations=PERMUTATIONS, scheme=SCHEME)
    m.update_batch([w.encode() for w in words])
    return m


def test_band_index_matches_minhash_lsh_through_inserts_and_removals() -> None:
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(60)]
    sketches = {key: _sketch(set(rng.sample(vocab, 12))) for key in range(200)}
    ours = BandIndex(0.4, NUM_PERM)
    theirs = MinHashLSH(threshold=0.4, num_perm=NUM_PERM)
    assert not ours
    for key, m in sketches.items():
        ours.insert(key, m.hashvalues)
        theirs.insert(key, m)
    for key in range(0, 200, 3):
        ours.remove(key)
        theirs.remove(key)
    hits = 0
    for m in sketches.values():
        found = ours.query(m.hashvalues)
        assert found == set(theirs.query(m))
        hits += len(found)
    assert hits > 200  # the sets overlap enough for the bands to collide
    ours.remove(10_000)  # an unknown key is no error
