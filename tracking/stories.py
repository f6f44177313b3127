"""Incremental story placement: each article joins the story it matches best, or starts one.

Candidate generation is sub-quadratic: a new article is compared only with

* the stories that share its rare words (token blocking: an inverted index from word to the
  live stories whose members use it; the article's title and slug words and its
  `BLOCKING_LEDE` rarest lede words are looked up; a word found in more than `block_max_df`
  articles of the window is no key; of the stories found, the `max_candidates` sharing the
  most weight are scored),
* the articles with the same comparison key or canonical URL (exact maps) and those whose body
  MinHash collides in an LSH band (datasketch MinHashLSH at the `body_same` threshold), for the
  copy rules of tracking/dedupe.py.

The index holds the articles of the last `window_days` before the newest one placed and the
stories still open then (older ones can never match: rule 1), so its size follows the news
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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from datasketch import MinHash, MinHashLSH

from tracking.contradictions import Contradiction, Source, find
from tracking.dedupe import NUM_PERM, ArticleInput, Features, pair_score
from tracking.model import DedupeSettings
from tracking.normalize import display_title
from tracking.origin import Member, lead, origin

BLOCKING_LEDE = 8


class _Story:
    """A live story's centroid: word counts of its members (all, and those with a body)."""

    __slots__ = ("founded", "last", "members", "head", "content", "bodied", "_norms")

    def __init__(self, founded: tuple[float, int]) -> None:
        self.founded = founded
        self.last = founded[0]
        self.members: list[int] = []
        self.head: Counter[str] = Counter()
        self.content: Counter[str] = Counter()
        self.bodied = 0
        self._norms: dict[bool, float] = {}

    def add(self, feat: Features) -> None:
        self.members.append(feat.id)
        self.last = max(self.last, feat.published)
        self.head.update(feat.head_words)
        if feat.has_body:
            self.content.update(feat.words)
            self.bodied += 1
        self._norms.clear()

    def absorb(self, other: _Story) -> None:
        self.members.extend(other.members)
        self.last = max(self.last, other.last)
        self.head.update(other.head)
        self.content.update(other.content)
        self.bodied += other.bodied
        self._norms.clear()

    def cosine(self, words: frozenset[str], content: bool, weight: Callable[[str], float]) -> float:
        """Weighted cosine of a word set with this story's centroid (the norm is cached until
        the story changes: a word's weight drifts slowly as the window moves)."""
        counts = self.content if content else self.head
        norm = self._norms.get(content)
        if norm is None:
            norm = math.sqrt(sum(weight(w) * n * n for w, n in counts.items()))
            self._norms[content] = norm
        if not norm:
            return 0.0
        num = 0.0
        own = 0.0
        for word in words:
            w = weight(word)
            own += w
            n = counts.get(word)
            if n:
                num += w * n
        return num / (math.sqrt(own) * norm) if own else 0.0


class StoryIndex:
    """The in-memory state of story placement over a sliding window of articles."""

    def __init__(self, settings: DedupeSettings) -> None:
        self.settings = settings
        self.features: dict[int, Features] = {}
        self.story_of: dict[int, int] = {}
        self._stories: dict[int, _Story] = {}
        self._closed: dict[int, list[int]] = {}
        self._df: Counter[str] = Counter()
        self._postings: defaultdict[str, set[int]] = defaultdict(set)
        self._by_key: defaultdict[str, set[int]] = defaultdict(set)
        self._by_url: defaultdict[str, set[int]] = defaultdict(set)
        self._window: deque[tuple[float, int]] = deque()
        self._expiry: list[tuple[float, int]] = []
        self._newest = -math.inf
        self._lsh = MinHashLSH(threshold=min(max(settings.body_same, 0.1), 0.99), num_perm=NUM_PERM)
        self._must: defaultdict[int, set[int]] = defaultdict(set)
        self._cannot: defaultdict[int, set[int]] = defaultdict(set)

    # -- reading --------------------------------------------------------------------------------
    @property
    def members(self) -> dict[int, list[int]]:
        """Story id -> its article ids in placement order (open and closed stories)."""
        out = dict(self._closed)
        out.update({story: list(s.members) for story, s in self._stories.items()})
        return out

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
        """Squared IDF of `word` over the window (a word seen nowhere weighs the most)."""
        idf = math.log(1.0 + (len(self.features) + 1) / (self._df.get(word, 0) + 1))
        return idf * idf

    def _blocking_words(self, feat: Features) -> list[str]:
        lede = sorted(feat.words - feat.head_words, key=lambda w: (self._df.get(w, 0), w))
        return sorted(feat.head_words) + lede[:BLOCKING_LEDE]

    def candidate_stories(self, feat: Features) -> list[int]:
        s = self.settings
        shared: dict[int, float] = defaultdict(float)
        for word in self._blocking_words(feat):
            if self._df.get(word, 0) > s.block_max_df:
                continue
            posting = self._postings.get(word)
            if posting:
                w = self.weight(word)
                for story in posting:
                    shared[story] += w
        ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
        return [story for story, _ in ranked[: s.max_candidates]]

    def candidate_copies(self, feat: Features) -> list[int]:
        found: set[int] = set(self._by_key.get(feat.key, ()))
        if feat.url_key:
            found |= self._by_url.get(feat.url_key, set())
        if feat.minhash is not None and self._lsh.keys:
            found.update(self._lsh.query(self._sketch(feat)))
        found.discard(feat.id)
        return sorted(found)

    def best_story(self, feat: Features) -> int | None:
        """The story `feat` belongs to among the open ones, or None for a new story."""
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
        for story in self.candidate_stories(feat):
            if story in forbidden:
                continue
            state = self._stories.get(story)
            if state is None or state.last < horizon:
                continue
            if feat.has_body and state.bodied:
                score = state.cosine(feat.words, True, self.weight)
                threshold = s.content_same
            else:
                score = state.cosine(feat.head_words, False, self.weight)
                threshold = s.title_related
            if score >= threshold and (best is None or (score, -story) > best):
                best = (score, -story)
        return None if best is None else -best[1]

    def place(self, feat: Features) -> int:
        """Place one article (one already placed keeps its story) and return its story id."""
        if feat.id in self.story_of:
            return self.story_of[feat.id]
        self._evict(feat.published)
        story = self.best_story(feat)
        self._add(feat)
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

    def assign(self, feat: Features, story: int, centroid_only: bool = False) -> None:
        """Load a placement decided earlier (from the store) without matching. Load in
        published order; `centroid_only` for members older than the window, which count in
        their story's centroid but are no longer candidates themselves."""
        if feat.id in self.story_of:
            return
        if not centroid_only:
            self._evict(feat.published)
            self._add(feat)
        if story not in self._stories:
            self._closed.pop(story, None)
            self._stories[story] = _Story((feat.published, story))
            heapq.heappush(self._expiry, (feat.published, story))
        self._join(story, feat)

    # -- internals ----------------------------------------------------------------------------
    def _join(self, story: int, feat: Features) -> None:
        state = self._stories[story]
        state.add(feat)
        self.story_of[feat.id] = story
        for word in feat.words:
            self._postings[word].add(story)
        heapq.heappush(self._expiry, (state.last, story))

    def _sketch(self, feat: Features) -> MinHash:
        return MinHash(num_perm=NUM_PERM, hashvalues=feat.minhash, scheme="affine32")

    def _add(self, feat: Features) -> None:
        self.features[feat.id] = feat
        self._df.update(feat.words)
        self._by_key[feat.key].add(feat.id)
        if feat.url_key:
            self._by_url[feat.url_key].add(feat.id)
        if feat.minhash is not None:
            self._lsh.insert(feat.id, self._sketch(feat), check_duplication=False)
        self._window.append((feat.published, feat.id))
        self._newest = max(self._newest, feat.published)

    def _evict(self, published: float) -> None:
        horizon = max(self._newest, published) - self.settings.window_days * 86400
        while self._window and self._window[0][0] < horizon:
            _, article = self._window.popleft()
            feat = self.features.pop(article, None)
            if feat is None:
                continue
            self._df.subtract(feat.words)
            for word in feat.words:
                if self._df[word] <= 0:
                    del self._df[word]
            self._discard(self._by_key, feat.key, article)
            if feat.url_key:
                self._discard(self._by_url, feat.url_key, article)
            if feat.minhash is not None:
                self._lsh.remove(article)
        while self._expiry and self._expiry[0][0] < horizon:
            last, story = heapq.heappop(self._expiry)
            state = self._stories.get(story)
            if state is None or state.last != last:
                continue
            self._close(story, state)

    def _close(self, story: int, state: _Story) -> None:
        for word in set(state.head) | set(state.content):
            self._discard(self._postings, word, story)
        self._closed[story] = state.members
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
        for word in set(absorbed.head) | set(absorbed.content):
            self._discard(self._postings, word, gone)
            self._postings[word].add(keep)
        for article in absorbed.members:
            self.story_of[article] = keep
        self._stories[keep].absorb(absorbed)
        heapq.heappush(self._expiry, (self._stories[keep].last, keep))
        return keep

    def _reopen(self, story: int) -> None:
        """A closed story brought back by a manual merge (its centroid is rebuilt from the
        features still in the window; members older than that only count as members)."""
        members = self._closed.pop(story, [])
        state = _Story((math.inf, story))
        for article in members:
            feat = self.features.get(article)
            if feat is not None:
                state.add(feat)
                state.founded = min(state.founded, (feat.published, article))
            else:
                state.members.append(article)
        if state.founded[0] == math.inf:
            state.founded = (-math.inf, story)
        self._stories[story] = state


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
    source = origin(people)
    shown = lead(people, source, settings.lead_length_ratio)
    shown_article = next(m for m in ordered if m.id == shown.id)
    found = find([Source(m.id, m.feed, m.url, m.title, m.text, m.published) for m in ordered])
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
