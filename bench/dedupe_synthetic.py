"""Story clustering on the synthetic harness feeds (/work/shared/bench/gen_feeds.py), which
write a ground truth of entry id -> story id: word salad from a small vocabulary, where most
entries are stories of their own and a fifth are copies of a wire story in 2-5 feeds.

Parses every feed with feeds/parse.py, places the articles in published order as one cold
poll would, and prints pairwise and B-cubed precision/recall/F1, the number of stories, the
largest story and the placement time (wall and CPU seconds).

    python3 /work/shared/bench/gen_feeds.py -n 1000 -m 20 -o /tmp/syn
    .venv/bin/python bench/dedupe_synthetic.py /tmp/syn [key=value ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))

from dedupe_quality import parse_overrides, scores  # noqa: E402

from feeds.parse import parse_feed  # noqa: E402
from partwatch import stories_sync  # noqa: E402
from tracking.dedupe import ArticleInput  # noqa: E402
from tracking.stories import StoryIndex  # noqa: E402


def load(folder: Path) -> tuple[list[ArticleInput], dict[int, str]]:
    truth_by_guid: dict[str, str] = json.loads((folder / "ground_truth.json").read_text())
    seen = datetime.now(UTC)
    articles: list[ArticleInput] = []
    truth: dict[int, str] = {}
    for rel in (folder / "feeds.txt").read_text().split():
        parsed = parse_feed((folder / rel).read_bytes(), f"file:///{rel}", {}, seen)
        for a in parsed.articles:
            story = truth_by_guid.get(a.guid) or truth_by_guid.get(a.url or "")
            if story is None or a.published is None:
                continue
            number = len(articles) + 1
            articles.append(ArticleInput(number, rel, a.url, a.canonical_url, a.title, a.text, a.published))
            truth[number] = story
    articles.sort(key=lambda a: (a.published, a.id))
    return articles, truth


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("overrides", nargs="*", help="key=value [dedupe] overrides")
    args = parser.parse_args()
    settings = parse_overrides(args.overrides)
    articles, truth = load(args.folder)
    print(f"{len(articles):,} articles, {len(set(truth.values())):,} labelled stories")
    index = StoryIndex(settings)
    started, cpu = time.perf_counter(), time.process_time()
    for feat in stories_sync.features_stream(articles, settings, parallel=False):
        index.place(feat)
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    s = scores(truth, dict(index.story_of))
    sizes = Counter(index.story_of.values())
    print(
        f"P {s['P']:.3f} R {s['R']:.3f} F1 {s['F1']:.3f}   "
        f"bP {s['bP']:.3f} bR {s['bR']:.3f} bF1 {s['bF1']:.3f}"
        f"   stories {len(sizes):,} (labelled {len(set(truth.values())):,}), largest {max(sizes.values())}"
    )
    print(f"placement (features included): {took:.2f} s wall, {cpu:.2f} s cpu")


if __name__ == "__main__":
    main()
