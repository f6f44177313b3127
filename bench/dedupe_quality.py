"""Story clustering quality on labelled real news (../shared/corpus), beside the naive baseline.

Runs partwatch's placement exactly as polls would (published order, one article at a time,
incremental) over

* UCI News Aggregator headlines (4,035 headlines, 52 stories; headline only, labels noisy),
* Giveme5W1H news_cluster (245 full articles, 41 events),

and prints pairwise precision/recall/F1, B-cubed precision/recall/F1, a curve over each set's
main threshold (title_related for headlines, content_same for full text), and 10 of the worst
false merges and false splits. Two reference lines: the ceiling that the time window allows
(the labels themselves, cut into runs spanning at most window_days: Giveme5W1H labels some
events across months), and partwatch with a 30-day window. The naive method beside it:
all-pairs rapidfuzz plus union-find, at its best single threshold (fuzz.ratio on titles for
UCI, token_set_ratio on title+text for Giveme5W1H), computed in the same run.

    .venv/bin/python bench/dedupe_quality.py [--corpus DIR] [--set uci|giveme|all] [key=value ...]

key=value pairs override [dedupe] settings (e.g. title_related=0.45) for exploring.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracking.dedupe import ArticleInput, features  # noqa: E402
from tracking.model import DedupeSettings  # noqa: E402
from tracking.stories import StoryIndex  # noqa: E402

UCI = "uci_news_aggregator_head.shared.jsonl.gz"
GIVEME = "giveme5w1h_news_cluster.shared.jsonl.gz"


@dataclasses.dataclass(frozen=True)
class Labelled:
    article: ArticleInput
    story: str


def _when(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def load(corpus: Path, name: str) -> list[Labelled]:
    rows: list[Labelled] = []
    with gzip.open(corpus / name, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            row = json.loads(line)
            rows.append(
                Labelled(
                    ArticleInput(
                        id=number,
                        feed=row.get("publisher") or "",
                        url=row.get("url"),
                        canonical_url=row.get("url"),
                        title=row.get("title") or "",
                        text=row.get("text") or "",
                        published=_when(row["published"]),
                    ),
                    str(row["story"]),
                )
            )
    return rows


def cluster(rows: Sequence[Labelled], settings: DedupeSettings) -> dict[int, int]:
    """Place in published order (ties: file order), one at a time, as polls would."""
    index = StoryIndex(settings)
    for row in sorted(rows, key=lambda r: (r.article.published, r.article.id)):
        index.place(features(row.article, settings))
    return dict(index.story_of)


# -- scores ------------------------------------------------------------------------------------
def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def scores(truth: dict[int, str], found: dict[int, int]) -> dict[str, float]:
    both: Counter[tuple[str, int]] = Counter((truth[a], found[a]) for a in truth)
    gold = Counter(truth.values())
    pred = Counter(found[a] for a in truth)
    tp = sum(_pairs(n) for n in both.values())
    fp = sum(_pairs(n) for n in pred.values()) - tp
    fn = sum(_pairs(n) for n in gold.values()) - tp
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    bp = sum(n * n / pred[c] for (_, c), n in both.items()) / len(truth)
    br = sum(n * n / gold[g] for (g, _), n in both.items()) / len(truth)
    return {
        "P": p,
        "R": r,
        "F1": _f1(p, r),
        "bP": bp,
        "bR": br,
        "bF1": _f1(bp, br),
        "stories": float(len(pred)),
    }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def window_oracle(rows: Sequence[Labelled], settings: DedupeSettings) -> dict[int, int]:
    """The best any method can do under the time window: the labelled stories, cut into runs
    of consecutive articles that each span at most `window_days` (rule 1 of tracking/dedupe.py:
    no two members of a story further apart than that), choosing the cut that keeps the most
    same-story pairs together (dynamic programming over each story's articles in published
    order). Precision is 1 by construction; pairwise and B-cubed recall are the most the
    window allows."""
    found: dict[int, int] = {}
    by_story: defaultdict[str, list[Labelled]] = defaultdict(list)
    for row in rows:
        by_story[row.story].append(row)
    span = settings.window_days * 86400
    for members in by_story.values():
        members.sort(key=lambda r: (r.article.published, r.article.id))
        times = [r.article.published.timestamp() for r in members]
        # best[j]: most pairs kept among the first j articles; cut[j]: where its last run starts
        best = [0] * (len(members) + 1)
        cut = [0] * (len(members) + 1)
        for j in range(1, len(members) + 1):
            best[j] = -1
            for i in range(j - 1, -1, -1):
                if times[j - 1] - times[i] > span:
                    break
                kept = best[i] + (j - i) * (j - i - 1) // 2
                if kept > best[j]:
                    best[j], cut[j] = kept, i
        j = len(members)
        while j > 0:
            i = cut[j]
            for row in members[i:j]:
                found[row.article.id] = members[i].article.id
            j = i
    return found


# -- the naive baseline ------------------------------------------------------------------------
def naive(
    texts: Sequence[str], scorer: Callable[..., float], threshold: float, matrix: np.ndarray | None = None
) -> tuple[dict[int, int], np.ndarray]:
    """All-pairs rapidfuzz similarity, then union-find over the pairs at >= threshold."""
    if matrix is None:
        matrix = process.cdist(
            texts, texts, scorer=scorer, processor=utils.default_process, workers=-1, dtype=np.uint8
        )
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows, cols = np.nonzero(np.triu(matrix >= threshold, k=1))
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        parent[root(i)] = root(j)
    return {i + 1: root(i) for i in range(len(texts))}, matrix


def best_naive(
    rows: Sequence[Labelled], texts: Sequence[str], scorer: Callable[..., float], key: str
) -> tuple[float, dict[str, float]]:
    truth = {r.article.id: r.story for r in rows}
    matrix = None
    best: tuple[float, float, dict[str, float]] | None = None
    for threshold in range(40, 100, 5):
        found, matrix = naive(texts, scorer, threshold, matrix)
        got = scores(truth, found)
        if best is None or got[key] > best[0]:
            best = (got[key], float(threshold), got)
    assert best is not None
    return best[1], best[2]


# -- reporting ---------------------------------------------------------------------------------
def line(label: str, s: dict[str, float]) -> str:
    return (
        f"{label:<34} {s['P']:5.3f} {s['R']:5.3f} {s['F1']:5.3f}   {s['bP']:5.3f} {s['bR']:5.3f} "
        f"{s['bF1']:5.3f}  {int(s['stories']):5d}"
    )


HEADER = f"{'method':<34} {'P':>5} {'R':>5} {'F1':>5}   {'bP':>5} {'bR':>5} {'bF1':>5}  {'found':>5}"


def worst(rows: Sequence[Labelled], found: dict[int, int], settings: DedupeSettings, n: int = 10) -> None:
    """The largest false merges (found stories mixing labels) and false splits (labels spread)."""
    by_id = {r.article.id: r for r in rows}
    found_members: defaultdict[int, list[int]] = defaultdict(list)
    gold_members: defaultdict[str, list[int]] = defaultdict(list)
    for article, story in found.items():
        found_members[story].append(article)
        gold_members[by_id[article].story].append(article)
    merges = []
    for members in found_members.values():
        labels = Counter(by_id[a].story for a in members)
        if len(labels) > 1:
            wrong = len(members) * len(members) - sum(v * v for v in labels.values())
            merges.append((wrong, members, labels))
    merges.sort(key=lambda m: -m[0])
    print(f"\n  {min(n, len(merges))} worst false merges (one found story, several labelled stories):")
    for _, members, labels in merges[:n]:
        (main, _), *others = labels.most_common()
        stray = next(a for a in members if by_id[a].story != main)
        anchor = next(a for a in members if by_id[a].story == main)
        print(
            f"  - {len(members)} articles, {len(labels)} labels; e.g.\n"
            f"      [{main[:12]}] {_t(by_id[anchor])}\n      [{by_id[stray].story[:12]}] {_t(by_id[stray])}"
        )
    splits = []
    for label, members in gold_members.items():
        parts = Counter(found[a] for a in members)
        if len(parts) > 1:
            missed = len(members) * len(members) - sum(v * v for v in parts.values())
            splits.append((missed, label, parts, members))
    splits.sort(key=lambda s: -s[0])
    print(f"\n  {min(n, len(splits))} worst false splits (one labelled story, several found stories):")
    for _, label, parts, members in splits[:n]:
        (big, _), (second, _) = parts.most_common(2)
        a = next(m for m in members if found[m] == big)
        b = next(m for m in members if found[m] == second)
        print(
            f"  - [{label[:24]}] {len(members)} articles in {len(parts)} stories; e.g.\n"
            f"      {_t(by_id[a])}\n      {_t(by_id[b])}"
        )


def _t(row: Labelled) -> str:
    day = row.article.published.strftime("%Y-%m-%d")
    return f"{day} {row.article.feed[:18]!r}: {row.article.title[:90]}"


def run_set(
    name: str,
    rows: list[Labelled],
    settings: DedupeSettings,
    curve_field: str,
    curve: Sequence[float],
    naive_texts: Sequence[str],
    naive_scorer: Callable[..., float],
    naive_label: str,
    naive_key: str,
    show_worst: bool,
) -> dict[str, float]:
    truth = {r.article.id: r.story for r in rows}
    print(f"\n== {name}: {len(rows)} articles, {len(set(truth.values()))} labelled stories")
    print(HEADER)
    started = time.perf_counter()
    found = cluster(rows, settings)
    took = time.perf_counter() - started
    main = scores(truth, found)
    print(line(f"partwatch (defaults, {took:.2f} s)", main))
    threshold, base = best_naive(rows, naive_texts, naive_scorer, naive_key)
    print(line(f"naive {naive_label} >= {threshold:.0f}", base))
    print(
        line(f"ceiling at window_days={settings.window_days:g}", scores(truth, window_oracle(rows, settings)))
    )
    wide = dataclasses.replace(settings, window_days=30.0)
    print(line("partwatch with window_days=30", scores(truth, cluster(rows, wide))))
    print(f"\n  curve over {curve_field} (default {getattr(settings, curve_field)}):")
    print("  " + HEADER)
    for value in curve:
        tuned = dataclasses.replace(settings, **{curve_field: value})
        print("  " + line(f"{curve_field} = {value:g}", scores(truth, cluster(rows, tuned))))
    if show_worst:
        worst(rows, found, settings)
    return main


def parse_overrides(pairs: Sequence[str]) -> DedupeSettings:
    settings = DedupeSettings()
    changes: dict[str, object] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        current = getattr(settings, key)
        changes[key] = type(current)(value)
    return dataclasses.replace(settings, **changes)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--set", choices=["uci", "giveme", "all"], default="all")
    parser.add_argument("--no-worst", action="store_true", help="skip the lists of worst errors")
    parser.add_argument("overrides", nargs="*", help="key=value [dedupe] overrides")
    args = parser.parse_args()
    settings = parse_overrides(args.overrides)
    results = {}
    if args.set in ("uci", "all"):
        rows = load(args.corpus, UCI)
        results["uci"] = run_set(
            "UCI News Aggregator (headlines)",
            rows,
            settings,
            "title_related",
            [0.16, 0.2, 0.25, 0.28, 0.3, 0.32, 0.35, 0.4],
            [r.article.title for r in rows],
            fuzz.ratio,
            "fuzz.ratio(title)",
            "F1",
            not args.no_worst,
        )
    if args.set in ("giveme", "all"):
        rows = load(args.corpus, GIVEME)
        results["giveme"] = run_set(
            "Giveme5W1H news_cluster (full text)",
            rows,
            settings,
            "content_same",
            [0.06, 0.08, 0.1, 0.12, 0.14, 0.17, 0.2],
            [f"{r.article.title} {r.article.text}" for r in rows],
            fuzz.token_set_ratio,
            "token_set_ratio(title+text)",
            "bF1",
            not args.no_worst,
        )
    print("\n== targets")
    if "uci" in results:
        s = results["uci"]
        ok = s["F1"] >= 0.70 and s["P"] >= 0.85
        print(
            f"UCI pairwise F1 {s['F1']:.3f} (>= 0.70) at P {s['P']:.3f} (>= 0.85): "
            f"{'met' if ok else 'NOT met'}"
        )
    if "giveme" in results:
        s = results["giveme"]
        ok = s["bF1"] >= 0.85 and s["bP"] >= 0.95
        print(
            f"Giveme5W1H B-cubed F1 {s['bF1']:.3f} (>= 0.85) at bP {s['bP']:.3f} (>= 0.95): "
            f"{'met' if ok else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
