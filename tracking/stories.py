"""Incremental story placement: each article joins the story it matches best, or starts one.

Candidate generation is sub-quadratic: a new article is compared only with

* the open stories that share a word with it (token blocking: an inverted index from word to
  the open stories whose members use it; the cosine with each is accumulated word by word
  over the postings, see `centroid_scores`; a word used by more than `block_max_df` open
  stories is no key),
* the articles with the same comparison key or canonical URL (exact maps) and those whose body
  MinHash collides in an LSH band (tracking/bands.py, the bands of datasketch's MinHashLSH at
  the `body_same` threshold), for the
  copy rules of tracking/dedupe.py.

The index holds the articles of the last `window_days` before the newest one placed and the
stories founded within them (older ones can never match: rule 1), so its size follows the news
rate, not the size of the store. Word weights (IDF) are counted over the same window, so
placing articles in published order gives the same result in one run (rebuild) as poll by
poll (incremental), provided each poll starts from the window before its first article
(partwatch/stories_sync.py loads exactly that).

Story identity: a story's id is the id of its founding article (the first placed). When two
stories merge, the one founded earlier (published, then id) keeps its id.

Manual decisions (`partwatch stories merge/split`) are constraints replayed on every rebuild:
`must_link(a, b)` puts the stories of a and b together as soon as both are placed;
`cannot_link(a, b)` keeps a from joining a story that holds b, and the other way round.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from itertools import compress, repeat
from operator import add, mul, not_, setitem, sub

import numpy as np

from tracking.bands import BandIndex
from tracking.contradictions import Contradiction, Source, find
from tracking.dedupe import NUM_PERM, ArticleInput, Features, pair_score
from tracking.model import DedupeSettings
from tracking.normalize import display_title
from tracking.origin import Member, lead, origin

# The weights of some words, in their order (StoryIndex.weigh).
Weigh = Callable[[Iterable[str]], Iterable[float]]


class _Story:
    """A live story's centroid: word counts of its members (all, and those with a body).

    The centroid's squared norm (sum of weight * count^2) is kept up to date as members join,
    with the weights of the moment; it is recomputed in full when the story has grown by a
    quarter or the window by a tenth since the last full computation, so drifting weights are
    corrected at amortised O(1) cost (recomputing on every join made placement quadratic in a
    big story's size; never recomputing cost 0.04 of pairwise F1 on the UCI headlines).
    """

    __slots__ = ("founded", "last", "members", "head", "content", "bodied", "_norm2", "_full_at", "_full_n")

    def __init__(self, founded: tuple[float, int]) -> None:
        self.founded = founded
        self.last = founded[0]
        self.members: list[int] = []
        self.head: Counter[str] = Counter()
        self.content: Counter[str] = Counter()
        self.bodied = 0
        self._norm2: dict[bool, float] = {}
        self._full_at = 0
        self._full_n = 0

    def add(self, feat: Features, weigh: Weigh) -> None:
        self.members.append(feat.id)
        self.last = max(self.last, feat.published)
        if 4 * len(self.members) >= 5 * self._full_at:
            self._norm2.clear()
        self._count(self.head, feat.head_words, False, weigh)
        if feat.has_body:
            self._count(self.content, feat.words, True, weigh)
            self.bodied += 1

    def _count(self, counts: Counter[str], words: tuple[str, ...], content: bool, weigh: Weigh) -> None:
        norm2 = self._norm2.get(content)
        if norm2 is None:
            counts.update(words)
            return
        # The words are distinct: the terms use the counts before this member's, summed in
        # word order as a loop would, then the counts go up in one C-level update.
        before = list(map(counts.get, words, repeat(0)))
        odd = map(add, map(add, before, before), repeat(1))  # 2n + 1
        terms = map(mul, weigh(words), odd)
        self._norm2[content] = sum(terms, norm2)
        counts.update(words)

    def remove(self, feat: Features, weigh: Weigh) -> None:
        """Take a member that left the window out of the centroid (it stays a member)."""
        self._uncount(self.head, feat.head_words, False, weigh)
        if feat.has_body:
            self._uncount(self.content, feat.words, True, weigh)
            self.bodied -= 1

    def _uncount(self, counts: Counter[str], words: tuple[str, ...], content: bool, weigh: Weigh) -> None:
        norm2 = self._norm2.get(content)
        weights = list(weigh(words)) if norm2 is not None else [0.0] * len(words)
        for word, w in zip(words, weights, strict=True):
            n = counts.get(word, 0)
            if n <= 1:
                counts.pop(word, None)
            else:
                counts[word] = n - 1
            if norm2 is not None and n:
                norm2 -= w * (2 * n - 1)
        if norm2 is not None:
            self._norm2[content] = max(norm2, 0.0)

    def absorb(self, other: _Story) -> None:
        self.members.extend(other.members)
        self.last = max(self.last, other.last)
        self.head.update(other.head)
        self.content.update(other.content)
        self.bodied += other.bodied
        self._norm2.clear()

    def cosine_from(self, num: float, own: float, content: bool, weigh: Weigh, window: int) -> float:
        """Weighted cosine with this story's centroid, given the dot product `num`, the root of
        the article's summed weights `own` and the number of articles in the window."""
        norm2 = self._norm2.get(content)
        if norm2 is not None and not 10 * self._full_n <= 11 * window <= 12.1 * self._full_n:
            self._norm2.clear()
            norm2 = None
        if norm2 is None:
            counts = self.content if content else self.head
            # Terms (w * n) * n added in word order, as the loop this was, but in C: reduce(add),
            # not sum(), which compensates float rounding from Python 3.12 on. A story of one
            # member (most are) counts each word once, and w * 1 * 1 is w.
            if len(self.members) == 1:
                norm2 = reduce(add, weigh(counts), 0.0)
            else:
                ns = list(counts.values())
                norm2 = reduce(add, map(mul, map(mul, weigh(counts), ns), ns), 0.0)
            self._norm2[content] = norm2
            self._full_at = len(self.members)
            self._full_n = window
        if norm2 <= 0 or own <= 0:
            return 0.0
        return num / (own * math.sqrt(norm2))


_TABLES = 64


class _Weights(dict[int, float]):
    """Squared IDF by document frequency for one window size (see StoryIndex.weight)."""

    def __init__(self, step: int) -> None:
        super().__init__()
        self.total = float(step)

    def __missing__(self, df: int) -> float:
        idf = math.log(1.0 + self.total / (df + 1))
        self[df] = value = idf * idf
        return value


class StoryIndex:
    """The in-memory state of story placement over a sliding window of articles."""

    def __init__(self, settings: DedupeSettings) -> None:
        self.settings = settings
        self.features: dict[int, Features] = {}
        self.story_of: dict[int, int] = {}
        self._stories: dict[int, _Story] = {}
        self._closed: dict[int, list[int]] = {}
        self._newly_closed: list[int] = []
        self._df: Counter[str] = Counter()
        # How many words of the window have each document frequency (index: the frequency).
        self._df_hist: np.ndarray = np.zeros(64, dtype=np.int64)
        self._idf_sums: dict[int, np.ndarray] = {}
        # word -> {open story: how many of its members use the word} (title+slug; with bodies)
        self._head_postings: defaultdict[str, dict[int, int]] = defaultdict(dict)
        self._content_postings: defaultdict[str, dict[int, int]] = defaultdict(dict)
        self._by_key: defaultdict[str, set[int]] = defaultdict(set)
        self._by_url: defaultdict[str, set[int]] = defaultdict(set)
        self._window: deque[tuple[float, int]] = deque()
        self._expiry: list[tuple[float, int]] = []
        self._newest = -math.inf
        self._lsh = BandIndex(min(max(settings.body_same, 0.1), 0.99), NUM_PERM)
        self._must: defaultdict[int, set[int]] = defaultdict(set)
        self._cannot: defaultdict[int, set[int]] = defaultdict(set)
        self._tables: dict[int, _Weights] = {}

    # -- reading --------------------------------------------------------------------------------
    @property
    def members(self) -> dict[int, list[int]]:
        """Story id -> its article ids in placement order (open and closed stories)."""
        out = dict(self._closed)
        out.update({story: list(s.members) for story, s in self._stories.items()})
        return out

    def take_closed(self) -> list[tuple[int, list[int]]]:
        """(story, member ids) of the stories that left the window since the last call: no
        article placed later can join them (only a manual merge can bring one back)."""
        found = [(story, self._closed[story]) for story in self._newly_closed if story in self._closed]
        self._newly_closed.clear()
        return found

    # -- manual decisions ---------------------------------------------------------------------
    def must_link(self, a: int, b: int) -> None:
        self._must[a].add(b)
        self._must[b].add(a)
        self._cannot[a].discard(b)
        self._cannot[b].discard(a)
        if a in self.story_of and b in self.story_of:
            self._merge(self.story_of[a], self.story_of[b])

    def cannot_link(self, a: int, b: int) -> None:
        self._cannot[a].add(b)
        self._cannot[b].add(a)
        self._must[a].discard(b)
        self._must[b].discard(a)

    # -- placement ----------------------------------------------------------------------------
    def weight(self, word: str) -> float:
        """Squared IDF of `word` over the window (a word seen nowhere weighs the most):
        log(1 + N / (df + 1))^2, N the window's size plus one. Kept in a table by document
        frequency for each of the last `_TABLES` window sizes: most words of an article have one
        of a few small frequencies, so a logarithm is taken per frequency, not per word; and
        once the window is full its size only wobbles by a few articles (one joins, one
        leaves), so the tables are reused from article to article (with only the current
        one made 3.7 million logarithms of the 20,000 articles of the synthetic bench feeds,
        a quarter of their placement time)."""
        return self._table()[self._df.get(word, 0)]

    def weights(self, words: Iterable[str]) -> dict[str, float]:
        """`weight` of many words at once (a table look-up per word, no logarithm)."""
        words = tuple(words)
        return dict(zip(words, self.weigh(words), strict=True))

    def weigh(self, words: Iterable[str]) -> Iterable[float]:
        """The `weight` of each of `words`, in their order, lazily."""
        return self._weights_at(map(self._df.get, words, repeat(0)))

    def _weights_at(self, frequencies: Iterable[int]) -> Iterator[float]:
        """The weight of each of these document frequencies, lazily."""
        # map() over built-ins keeps the loop in C; the table's __missing__ runs only per new df.
        return map(self._table().__getitem__, frequencies)

    def _table(self) -> _Weights:
        step = len(self.features) + 1
        table = self._tables.get(step)
        if table is None:
            if len(self._tables) >= _TABLES:
                del self._tables[next(iter(self._tables))]
            table = self._tables[step] = _Weights(step)
        return table

    def centroid_scores(
        self, feat: Features, horizon: float, weights: Sequence[float]
    ) -> list[tuple[float, float, int]]:
        """(cosine, threshold, story) for every open story sharing a word with `feat`, given
        the `weights` of its words (in their order).

        Accumulated word by word over the inverted index, as a search engine scores documents:
        each word of the article visits the stories that use it, so the cost is the total size of
        those postings, never the number of stories. A word used by more than `block_max_df` open
        stories finds no candidates (it would visit most of the window for little evidence); it
        still counts in the cosine of the `max_candidates` best candidates.
        """
        s = self.settings
        window = len(self.features)
        head_words = feat.head_words
        body = feat.has_body
        head_frequencies = self._frequencies(head_words)
        head_weights = list(self._weights_at(head_frequencies))
        num_head, common_head, _, common_head_df = self._accumulate(
            head_words, head_weights, self._head_postings, head_frequencies
        )
        num_content: dict[int, float] = {}
        common_content: list[str] = []
        common_content_w: list[float] = []
        if body:
            num_content, common_content, common_content_w, _ = self._accumulate(
                feat.words, weights, self._content_postings
            )
        own_head = math.sqrt(sum(head_weights))
        own_all = math.sqrt(sum(weights))
        stories = self._stories
        overlap = {**num_head, **num_content} if num_content else num_head
        # Sorting the story ids by a C-level look-up ranks them as sorting (story, overlap)
        # pairs by overlap would (stable: ties keep the order found), without building pairs.
        found = (
            list(overlap)
            if len(overlap) <= s.max_candidates
            else sorted(overlap, key=overlap.__getitem__, reverse=True)[: s.max_candidates]
        )
        scored: list[tuple[float, float, int]] = []
        for story in found:
            state = stories[story]
            if state.founded[0] < horizon:
                continue
            content = body and bool(state.bodied)
            if content:
                num = num_content.get(story, 0.0)
                if common_content:
                    num += _dot(common_content, common_content_w, state.content)
                score = state.cosine_from(num, own_all, True, self.weigh, window)
                scored.append((score, s.content_same, story))
            else:
                num = num_head.get(story, 0.0)
                if common_head:
                    num += self._dot_as_one(common_head, common_head_df, state.head)
                score = state.cosine_from(num, own_head, False, self.weigh, window)
                scored.append((score, s.title_related, story))
        return scored

    def _accumulate(
        self, words: Sequence[str], weights: Sequence[float], postings: dict[str, dict[int, int]],
        frequencies: Sequence[int] | None = None,
    ) -> tuple[dict[int, float], list[str], list[float], list[int]]:
        """Dot products of the article's words (of these `weights`) with each story's counts,
        over the postings; and the common words, with their weights and frequencies (for
        `_dot`). Given the words' `frequencies`, a shared word weighs as if the story's members
        were one document instead: by its frequency outside the story, plus one (rule 6 of
        tracking/dedupe.py says why).

        `num` is a plain dict, not a defaultdict(float): the interpreter specialises subscripts
        of exact dicts only, which makes this inner loop a quarter faster."""
        cap = self.settings.block_max_df
        table = self._table()
        as_one = frequencies is not None
        num: dict[int, float] = {}
        get = num.get
        common: list[str] = []
        common_weights: list[float] = []
        common_df: list[int] = []
        dfs = frequencies if frequencies is not None else repeat(0)
        for word, w, df, posting in zip(words, weights, dfs, map(postings.get, words), strict=False):
            if not posting:
                continue
            if len(posting) > cap:
                common.append(word)
                common_weights.append(w)
                common_df.append(df)
            elif as_one:
                for story, n in posting.items():
                    num[story] = get(story, 0.0) + table[max(df - n, 0) + 1] * n
            else:
                for story, n in posting.items():
                    num[story] = get(story, 0.0) + w * n
        return num, common, common_weights, common_df

    def _dot_as_one(self, words: list[str], frequencies: list[int], counts: Counter[str]) -> float:
        """`_dot` with the story-as-one-document weights of `_accumulate`, in word order."""
        table = self._table()
        total = 0.0
        for word, df in zip(words, frequencies, strict=True):
            n = counts.get(word, 0)
            if n:
                total += table[max(df - n, 0) + 1] * n
        return total

    def background(
        self, feat: Features, content: bool, weights: Sequence[float], frequencies: Sequence[int]
    ) -> float:
        """The weighted cosine the article can expect with an unrelated article of the window:
        its dot product with the window's document frequencies over the window's size, over
        its own norm and the root of the window's mean squared norm (both exact sums over the
        frequencies the window holds). Near zero in news, where most words are rare; high when
        the window's vocabulary is small and every article uses most of it. `weights` and
        `frequencies` are those of all of the article's words, in their order (best_story had
        them)."""
        size = len(self.features)
        if size < self.settings.background_min:
            return 0.0
        if not content:
            frequencies = self._frequencies(feat.head_words)
            weights = list(self._weights_at(frequencies))
        num: float = sum(map(mul, weights, frequencies)) / size
        own2 = sum(weights)
        mean2 = self._window_norm2() / size
        if num <= 0 or own2 <= 0 or mean2 <= 0:
            return 0.0
        return num / math.sqrt(own2 * mean2)

    def _window_norm2(self) -> float:
        """The sum of every window article's squared norm with today's weights: each word
        adds its weight once per article using it, so it is a sum over document frequencies
        (df * weight(df) * how many words have that df)."""
        size = len(self.features) + 1
        terms = self._idf_sums.get(size)
        hist = self._df_hist
        if terms is None or len(terms) != len(hist):
            if len(self._idf_sums) >= _TABLES:
                del self._idf_sums[next(iter(self._idf_sums))]
            df = np.arange(len(hist), dtype=float)
            idf = np.log(1.0 + size / (df + 1))
            terms = self._idf_sums[size] = df * idf * idf
        return float(np.dot(terms, hist))

    def _shift_hist(self, frequencies: list[int], step: int) -> None:
        """Words of one article moved from these document frequencies by `step` (+1 joining
        the window, -1 leaving it)."""
        if not frequencies:
            return
        before = np.array(frequencies, dtype=np.int64)
        top = int(before.max()) + 2
        hist = self._df_hist
        if top > len(hist):
            grown = np.zeros(max(top, 2 * len(hist)), dtype=np.int64)
            grown[: len(hist)] = hist
            hist = self._df_hist = grown
        # In place at the frequencies moved: a bincount as long as the histogram (the window's
        # size) would zero and add thousands of cells for an article's few hundred words.
        np.subtract.at(hist, before, 1)
        np.add.at(hist, before + step, 1)

    def candidate_copies(self, feat: Features) -> list[int]:
        found: set[int] = set(self._by_key.get(feat.key, ()))
        if feat.url_key:
            found |= self._by_url.get(feat.url_key, set())
        if feat.minhash is not None and self._lsh:
            found |= self._lsh.query(feat.minhash)
        found.discard(feat.id)
        return sorted(found)

    def best_story(self, feat: Features, frequencies: Sequence[int]) -> int | None:
        """The story `feat` belongs to among the open ones, or None for a new story, given the
        window's document `frequencies` of its words."""
        s = self.settings
        forbidden = {self.story_of[o] for o in self._cannot.get(feat.id, ()) if o in self.story_of}
        horizon = feat.published - s.window_days * 86400
        best: tuple[float, int] | None = None
        for other in self.candidate_copies(feat):
            story = self.story_of.get(other)
            if story is None or story in forbidden or story not in self._stories:
                continue
            score = pair_score(feat, self.features[other], s)
            if score is not None and (best is None or (score, -story) > best):
                best = (score, -story)
        if best is not None:
            return -best[1]
        weights = list(self._weights_at(frequencies))
        for score, threshold, story in self.centroid_scores(feat, horizon, weights):
            if story in forbidden:
                continue
            if score >= threshold and (best is None or (score, -story) > best):
                best = (score, -story)
        if best is None:
            return None
        story = -best[1]
        content = feat.has_body and bool(self._stories[story].bodied)
        if best[0] < s.background_ratio * self.background(feat, content, weights, frequencies):
            return None
        return story

    def place(self, feat: Features) -> int:
        """Place one article (one already placed keeps its story) and return its story id."""
        if feat.id in self.story_of:
            return self.story_of[feat.id]
        self._evict(feat.published)
        # Looked up once: matching weighs the words by them, joining moves them up by one.
        frequencies = self._frequencies(feat.words)
        story = self.best_story(feat, frequencies)
        self._add(feat, frequencies)
        if story is None:
            story = feat.id
            self._stories[story] = _Story((feat.published, feat.id))
            heapq.heappush(self._expiry, (feat.published, story))
        self._join(story, feat)
        for partner in sorted(self._must.get(feat.id, ())):
            if partner in self.story_of:
                self._merge(self.story_of[feat.id], self.story_of[partner])
        return self.story_of[feat.id]

    def place_all(self, feats: Iterable[Features]) -> None:
        for feat in feats:
            self.place(feat)

    def assign(self, feat: Features, story: int, founded: float | None = None) -> None:
        """Load a placement decided earlier (from the store) without matching, in published
        order; `founded` is the publication time of the story's founding article."""
        if feat.id in self.story_of:
            return
        self._evict(feat.published)
        self._add(feat, self._frequencies(feat.words))
        if story not in self._stories:
            self._closed.pop(story, None)
            start = feat.published if founded is None else founded
            self._stories[story] = _Story((start, story))
            heapq.heappush(self._expiry, (start, story))
        self._join(story, feat)

    # -- internals ----------------------------------------------------------------------------
    def _join(self, story: int, feat: Features) -> None:
        state = self._stories[story]
        state.add(feat, self.weigh)
        self.story_of[feat.id] = story
        _post(self._head_postings, feat.head_words, state.head, story)
        if feat.has_body:
            _post(self._content_postings, feat.words, state.content, story)

    def _frequencies(self, words: Iterable[str]) -> list[int]:
        """The window's document frequency of each of `words`."""
        return list(map(self._df.get, words, repeat(0)))

    def _add(self, feat: Features, frequencies: list[int]) -> None:
        """Take `feat` into the window; `frequencies` are its words' before it."""
        self.features[feat.id] = feat
        self._shift_hist(frequencies, 1)
        self._df.update(feat.words)
        self._by_key[feat.key].add(feat.id)
        if feat.url_key:
            self._by_url[feat.url_key].add(feat.id)
        if feat.minhash is not None:
            self._lsh.insert(feat.id, feat.minhash)
        self._window.append((feat.published, feat.id))
        self._newest = max(self._newest, feat.published)

    def _evict(self, published: float) -> None:
        horizon = max(self._newest, published) - self.settings.window_days * 86400
        while self._window and self._window[0][0] < horizon:
            _, article = self._window.popleft()
            feat = self.features.pop(article, None)
            if feat is None:
                continue
            df = self._df
            before = list(map(df.__getitem__, feat.words))
            self._shift_hist(before, -1)
            after = list(map(sub, before, repeat(1)))
            # dict.update sets the counts (Counter.update would add to them), in C.
            dict.update(df, zip(feat.words, after, strict=True))
            for word in compress(feat.words, map(not_, after)):
                del df[word]
            self._discard(self._by_key, feat.key, article)
            if feat.url_key:
                self._discard(self._by_url, feat.url_key, article)
            if feat.minhash is not None:
                self._lsh.remove(article)
            story = self.story_of.get(article)
            state = self._stories.get(story) if story is not None else None
            # A story founded before the window closes below, taking all of its
            # postings with it: taking this member out first would be wasted work.
            if state is not None and story is not None and state.founded[0] >= horizon:
                state.remove(feat, self.weigh)
                _lower(self._head_postings, feat.head_words, story)
                if feat.has_body:
                    _lower(self._content_postings, feat.words, story)
        while self._expiry and self._expiry[0][0] < horizon:
            founded, story = heapq.heappop(self._expiry)
            state = self._stories.get(story)
            if state is None or state.founded[0] != founded:
                continue
            self._close(story, state)

    def _close(self, story: int, state: _Story) -> None:
        _unpost(self._head_postings, state.head, story)
        _unpost(self._content_postings, state.content, story)
        self._closed[story] = state.members
        self._newly_closed.append(story)
        del self._stories[story]

    @staticmethod
    def _discard(mapping: defaultdict[str, set[int]], key: str, item: int) -> None:
        bucket = mapping.get(key)
        if bucket is not None:
            bucket.discard(item)
            if not bucket:
                del mapping[key]

    def _merge(self, a: int, b: int) -> int:
        if a == b:
            return a
        for story in (a, b):
            if story not in self._stories:
                self._reopen(story)
        keep, gone = (a, b) if self._stories[a].founded <= self._stories[b].founded else (b, a)
        absorbed = self._stories.pop(gone)
        _unpost(self._head_postings, absorbed.head, gone)
        _unpost(self._content_postings, absorbed.content, gone)
        for postings, counts in (
            (self._head_postings, absorbed.head),
            (self._content_postings, absorbed.content),
        ):
            for word, n in counts.items():
                posting = postings[word]
                posting[keep] = posting.get(keep, 0) + n
        for article in absorbed.members:
            self.story_of[article] = keep
        self._stories[keep].absorb(absorbed)
        heapq.heappush(self._expiry, (self._stories[keep].founded[0], keep))
        return keep

    def _reopen(self, story: int) -> None:
        """A closed story brought back by a manual merge (its centroid is rebuilt from the
        features still in the window; members older than that only count as members)."""
        members = self._closed.pop(story, [])
        state = _Story((math.inf, story))
        for article in members:
            feat = self.features.get(article)
            if feat is not None:
                state.add(feat, self.weigh)
                state.founded = min(state.founded, (feat.published, article))
            else:
                state.members.append(article)
        if state.founded[0] == math.inf:
            state.founded = (-math.inf, story)
        self._stories[story] = state
        for postings, counts in ((self._head_postings, state.head), (self._content_postings, state.content)):
            for word, n in counts.items():
                postings[word][story] = n


@dataclass(frozen=True)
class StorySummary:
    """What the story list shows of one story, computed from all its members."""

    id: int
    member_ids: tuple[int, ...]  # in published order
    origin_id: int
    lead_id: int
    title: str
    first_published: datetime
    last_published: datetime
    outlets: int
    contradictions: tuple[Contradiction, ...]


def summarise(story_id: int, members: Sequence[ArticleInput], settings: DedupeSettings) -> StorySummary:
    """Origin, lead, dates, outlets and contradictions of a story (tracking/origin.py,
    tracking/contradictions.py say how)."""
    ordered = sorted(members, key=lambda m: (m.published, m.id))
    people = [Member(m.id, m.feed, m.title, m.text, m.published, len(m.text.split())) for m in ordered]
    if len(ordered) == 1:
        # Most stories hold one article: nothing to credit, compare or choose.
        source = shown = people[0]
        found: list[Contradiction] = []
    else:
        source = origin(people)
        shown = lead(people, source, settings.lead_length_ratio)
        found = find(
            [Source(m.id, m.feed, m.url, m.title, m.text, m.published) for m in ordered],
            context=settings.contradiction_context,
            shared=settings.contradiction_shared,
        )
    shown_article = next(m for m in ordered if m.id == shown.id)
    return StorySummary(
        id=story_id,
        member_ids=tuple(m.id for m in ordered),
        origin_id=source.id,
        lead_id=shown.id,
        title=display_title(shown_article.title, shown_article.feed),
        first_published=ordered[0].published,
        last_published=ordered[-1].published,
        outlets=len({m.feed for m in ordered}),
        contradictions=tuple(found),
    )


def _dot(words: list[str], weights: list[float], counts: Counter[str]) -> float:
    """Sum of weight * count over `words`, in their order, in C. A word the story does not use
    adds 0.0, which leaves a sum of positive terms exactly as it was, so no filter is needed."""
    total: float = sum(map(mul, weights, map(counts.get, words, repeat(0))))
    return total


def _post(
    postings: defaultdict[str, dict[int, int]], words: Iterable[str], counts: Counter[str], story: int
) -> None:
    """Bring `story`'s entries in the postings of `words` up to its centroid's `counts` (which
    hold the new member already), in C: no entry is read."""
    found = map(postings.__getitem__, words)
    _run(map(setitem, found, repeat(story), map(counts.__getitem__, words)))


def _unpost(postings: defaultdict[str, dict[int, int]], words: Iterable[str], story: int) -> None:
    """Take `story` out of the postings of `words`, dropping the postings left empty."""
    words = tuple(words)
    found = list(map(postings.__getitem__, words))
    _run(map(dict.pop, found, repeat(story), repeat(None)))
    for word in compress(words, map(not_, found)):
        del postings[word]


def _lower(postings: defaultdict[str, dict[int, int]], words: Iterable[str], story: int) -> None:
    """Lower `story`'s count in the postings of `words` by one (a member left the window)."""
    for word in words:
        posting = postings.get(word)
        if posting is None:
            continue
        left = posting.get(story, 0) - 1
        if left > 0:
            posting[story] = left
        else:
            posting.pop(story, None)
            if not posting:
                del postings[word]


def _run(calls: Iterable[object]) -> None:
    """Make the calls of a lazy map() for their effect, at C speed."""
    deque(calls, maxlen=0)
