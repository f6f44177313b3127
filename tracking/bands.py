"""Banded MinHash look-up of body copies: which placed articles may copy a new one's body.

The band layout (how many bands of how many hash values) is datasketch's MinHashLSH for the
threshold, so the candidates are exactly those MinHashLSH returns; the buckets are plain
dicts keyed by a band's bytes. MinHashLSH was a fifth of story placement on the synthetic
bench feeds: it byte-swaps every band, checks the sketch's scheme and length and goes
through its storage layer on each insert, query and removal, none of which a one-process
index of a week of articles needs.
"""

from __future__ import annotations

import numpy as np
from datasketch import MinHashLSH


class BandIndex:
    """Article ids by MinHash band, for the articles of the window."""

    def __init__(self, threshold: float, num_perm: int) -> None:
        layout = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._ranges: list[tuple[int, int]] = [(int(a), int(b)) for a, b in layout.hashranges]
        self._buckets: list[dict[bytes, set[int]]] = [{} for _ in self._ranges]
        self._keys: dict[int, list[bytes]] = {}

    def __bool__(self) -> bool:
        return bool(self._keys)

    def _bands(self, hashvalues: np.ndarray) -> list[bytes]:
        return [hashvalues[start:end].tobytes() for start, end in self._ranges]

    def insert(self, key: int, hashvalues: np.ndarray) -> None:
        bands = self._keys[key] = self._bands(hashvalues)
        for band, buckets in zip(bands, self._buckets, strict=True):
            buckets.setdefault(band, set()).add(key)

    def query(self, hashvalues: np.ndarray) -> set[int]:
        """The keys that share at least one band with `hashvalues`."""
        found: set[int] = set()
        for band, buckets in zip(self._bands(hashvalues), self._buckets, strict=True):
            bucket = buckets.get(band)
            if bucket:
                found |= bucket
        return found

    def remove(self, key: int) -> None:
        for band, buckets in zip(self._keys.pop(key, ()), self._buckets, strict=False):
            bucket = buckets[band]
            bucket.discard(key)
            if not bucket:
                del buckets[band]
