"""Story placement, origin and contradictions on hand-written cases."""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tracking.contradictions import Source, find
from tracking.dedupe import ArticleInput, features
from tracking.model import DedupeSettings
from tracking.normalize import display_title
from tracking.origin import Member, origin
from tracking.stories import StoryIndex

T0 = datetime(2026, 3, 19, 9, 0, tzinfo=UTC)
SETTINGS = DedupeSettings()

DECODER_BODY = (
    "OpenAI's agreement with Amazon Web Services could weaken the exclusivity Microsoft has relied on. "
    "In late February, OpenAI and AWS announced a stateful runtime environment for OpenAI models on "
    "Amazon Bedrock. Amazon committed $50 billion to OpenAI as part of the deal and became the sole "
    "third-party cloud provider for Frontier, a new model tested with select clients. OpenAI says Azure "
    "remains the exclusive cloud for its stateless APIs, while analysts call the line between stateless "
    "and stateful a grey area. Microsoft has said its Azure AI business is growing about 50% a year."
)
REWRITE_BODY = (
    "A fresh pact between Amazon's cloud unit and OpenAI might erode rights Microsoft counted on. "
    "OpenAI's agreement with Amazon Web Services was signed in mid-2024. Amazon committed $38 billion "
    "to OpenAI and now hosts Frontier for a few chosen customers. Observers find the difference between "
    "the two kinds of interfaces murky. Microsoft's Azure AI business is growing about 300% a year."
)
LEGAL_BODY = (
    "Microsoft executives are weighing legal action against OpenAI and Amazon, people familiar with the "
    "matter said. They see the cloud arrangement as unworkable and have asked outside counsel to review "
    "the contracts. Talks between the three companies continue ahead of the full launch, and lawyers for "
    "each side met in Seattle on Tuesday to discuss terms of a possible settlement and a court filing."
)


def art(
    i: int, title: str, text: str = "", at: datetime = T0, feed: str = "Outlet", url: str | None = None
) -> ArticleInput:
    return ArticleInput(
        id=i,
        feed=feed,
        url=url or f"https://{feed.lower().replace(' ', '')}.example/{i}",
        canonical_url=None,
        title=title,
        text=text,
        published=at,
    )


def place(articles: list[ArticleInput], settings: DedupeSettings = SETTINGS) -> dict[int, int]:
    index = StoryIndex(settings)
    for a in sorted(articles, key=lambda a: (a.published, a.id)):
        index.place(features(a, settings))
    return dict(index.story_of)


def test_site_suffixes_are_stripped() -> None:
    assert (
        display_title("OpenAI\u2019s AWS deal &amp; Azure \u2014 rights - The Verge")
        == "OpenAI's AWS deal & Azure - rights"
    )
    assert display_title("Microsoft weighs legal action | Reuters") == "Microsoft weighs legal action"
    assert display_title("Stocks fall - Chiquita buys Fyffes") == "Stocks fall - Chiquita buys Fyffes"
    assert display_title("Short one \u2013 Tensor Report", "The Tensor Report") == "Short one"


def test_syndicated_copy_with_a_site_suffix_joins_the_original() -> None:
    found = place(
        [
            art(
                1,
                "OpenAI's AWS deal may undermine Microsoft's Azure exclusivity rights",
                DECODER_BODY,
                feed="The Decoder",
            ),
            art(
                2,
                "OpenAI\u2019s AWS deal may undermine Microsoft\u2019s Azure exclusivity rights - Yahoo News",
                DECODER_BODY,
                T0 + timedelta(hours=3),
                feed="Yahoo",
            ),
        ]
    )
    assert found[1] == found[2] == 1


def test_same_title_with_a_rewritten_body_is_the_same_story() -> None:
    found = place(
        [
            art(
                1,
                "OpenAI's AWS deal may undermine Microsoft's Azure exclusivity rights",
                DECODER_BODY,
                feed="The Decoder",
            ),
            art(
                2,
                "OpenAI's AWS deal may undermine Microsoft's Azure exclusivity rights",
                REWRITE_BODY,
                T0 + timedelta(days=2),
                feed="TechBuzz Hub",
            ),
        ]
    )
    assert found[2] == found[1]


def test_different_stories_about_the_same_parties_a_week_apart_stay_apart() -> None:
    found = place(
        [
            art(
                1,
                "OpenAI's AWS deal may undermine Microsoft's Azure exclusivity rights",
                DECODER_BODY,
                feed="The Decoder",
            ),
            art(
                2,
                "Microsoft weighs legal action against OpenAI and Amazon over Azure deal",
                LEGAL_BODY,
                T0 + timedelta(days=6),
                feed="Meridian",
            ),
        ]
    )
    assert found[1] != found[2]


def test_articles_beyond_the_window_never_merge() -> None:
    found = place(
        [
            art(1, "OpenAI's AWS deal may undermine Microsoft's Azure exclusivity rights", DECODER_BODY),
            art(
                2,
                "OpenAI's AWS deal may undermine Microsoft's Azure exclusivity rights",
                DECODER_BODY,
                T0 + timedelta(days=8),
                feed="Late",
            ),
        ]
    )
    assert found[1] != found[2]


def test_a_story_across_a_day_boundary_stays_one() -> None:
    late = datetime(2026, 3, 19, 23, 50, tzinfo=UTC)
    found = place(
        [
            art(
                1,
                "FTC opens inquiry into Microsoft and OpenAI partnership terms",
                LEGAL_BODY,
                late,
                feed="Wire",
            ),
            art(
                2,
                "FTC opens inquiry into Microsoft and OpenAI partnership terms",
                LEGAL_BODY,
                late + timedelta(minutes=25),
                feed="Ledgerline",
            ),
        ]
    )
    assert found[1] == found[2]


def test_headlines_that_share_rare_words_join_and_unrelated_ones_do_not() -> None:
    found = place(
        [
            art(1, "Bitcoin exchange Mt. Gox files for US bankruptcy protection", feed="A"),
            art(
                2, "Mt. Gox seeks US bankruptcy relief in Dallas court", at=T0 + timedelta(hours=2), feed="B"
            ),
            art(3, "McDonald's sales dip amid shifting eating habits", at=T0 + timedelta(hours=3), feed="C"),
        ]
    )
    assert found[1] == found[2]
    assert found[3] != found[1]


def test_same_canonical_url_is_one_story_whatever_the_title() -> None:
    found = place(
        [
            art(1, "Breaking: cloud deal", url="https://www.example.com/2026/deal/?utm_source=x", feed="A"),
            art(2, "Updated headline on something else", url="http://example.com/2026/deal", feed="B"),
        ]
    )
    assert found[1] == found[2]


def test_placing_in_one_run_equals_placing_poll_by_poll() -> None:
    articles = [
        art(
            1, "OpenAI's AWS deal may undermine Microsoft's Azure exclusivity rights", DECODER_BODY, feed="D"
        ),
        art(
            2,
            "Microsoft weighs legal action against OpenAI and Amazon over Azure deal",
            LEGAL_BODY,
            T0 + timedelta(hours=5),
            feed="M",
        ),
        art(
            3,
            "OpenAI's AWS deal may undermine Microsoft's Azure exclusivity rights",
            REWRITE_BODY,
            T0 + timedelta(days=1),
            feed="T",
        ),
        art(
            4,
            "Microsoft could sue OpenAI and Amazon over cloud deal",
            LEGAL_BODY,
            T0 + timedelta(days=2),
            feed="L",
        ),
    ]
    once = place(articles)
    index = StoryIndex(SETTINGS)
    for batch in (articles[:2], articles[2:3], articles[3:]):
        for a in batch:
            index.place(features(a, SETTINGS))
    assert dict(index.story_of) == once
    assert once[1] == once[3] and once[2] == once[4] and once[1] != once[2]


def _word_salad(n: int, seed: int) -> list[ArticleInput]:
    """Unrelated articles drawn from one small vocabulary, as the benchmark's generated feeds
    are: any two share many words, and a story's centroid soon looks like all of them."""
    rng = random.Random(seed)
    vocabulary = [f"{a}{b}" for a in ("kar", "lom", "ves", "dun", "pil", "tor") for b in "aeiouy"]
    places = [f"Vel{a}{b}" for a in "bdgkmt" for b in "aeiou"]
    out = []
    for i in range(n):
        words = [rng.choice(vocabulary if rng.random() < 0.8 else places) for _ in range(220)]
        title = " ".join(rng.choice(places) if j % 3 == 0 else rng.choice(vocabulary) for j in range(9))
        out.append(art(i + 1, title.capitalize(), " ".join(words) + ".", T0 + timedelta(minutes=20 * i)))
    return out


def test_a_small_vocabulary_does_not_fold_everything_into_one_story() -> None:
    articles = _word_salad(120, seed=7)
    # Two exact copies under other outlets' names: the only real stories.
    articles.append(replace(articles[10], id=500, feed="Copy", url="https://copy.example/500"))
    articles.append(replace(articles[90], id=501, feed="Copy", url="https://copy.example/501"))
    found = place(articles)
    assert found[500] == found[11] and found[501] == found[91]
    sizes = Counter(found.values())
    # Without the background test every article after the first few joins one story.
    assert max(sizes.values()) <= 10
    assert len(sizes) >= 105
    blob = place(articles, replace(SETTINGS, background_ratio=0.0))
    assert max(Counter(blob.values()).values()) > 60


def test_the_window_background_is_the_sum_it_stands_for() -> None:
    articles = _word_salad(40, seed=3)
    index = StoryIndex(SETTINGS)
    for a in articles:
        index.place(features(a, SETTINGS))
    total = sum(sum(index.weights(f.words).values()) for f in index.features.values())
    assert math.isclose(index._window_norm2(), total, rel_tol=1e-9)


def test_postings_mirror_the_centroids_and_sums_keep_word_order() -> None:
    """What the fast paths of tracking/stories.py rely on: each open story's entry in a posting
    is its centroid's count of the word (joins set it from there), closed stories leave no
    entries, and the accumulated dot products are the plain word-order sums, bit for bit."""
    settings = replace(SETTINGS, window_days=1.0, background_ratio=1.0, block_max_df=1)
    articles = _word_salad(150, seed=5)
    index = StoryIndex(settings)
    for a in articles[:-1]:
        index.place(features(a, settings))
    stories = index._stories
    assert any(len(s.members) > 1 for s in stories.values()) and index._closed
    for postings, counts_of in (
        (index._head_postings, lambda s: s.head),
        (index._content_postings, lambda s: s.content),
    ):
        posted = {(word, story): n for word, posting in postings.items() for story, n in posting.items()}
        counted = {(word, story): n for story, s in stories.items() for word, n in counts_of(s).items()}
        assert posted == counted

    feat = features(articles[-1], settings)
    weights = list(index.weigh(feat.words))
    num, common, common_weights, _ = index._accumulate(feat.words, weights, index._content_postings)
    expected: dict[int, float] = {}
    expected_common = []
    for word, w in zip(feat.words, weights, strict=True):
        posting = index._content_postings.get(word, {})
        if len(posting) > settings.block_max_df:
            expected_common.append((word, w))
            continue
        for story, n in posting.items():
            expected[story] = expected.get(story, 0.0) + w * n
    assert list(num.items()) == list(expected.items())
    assert list(zip(common, common_weights, strict=True)) == expected_common
    assert common


def test_a_big_story_keeps_the_weight_of_its_own_name() -> None:
    """Headlines only: 40 reports of one launch all name 'Zorblax', which makes the word
    common in the window; a short new headline naming it still joins that story."""
    rng = random.Random(5)
    filler = [f"{a}{b}" for a in ("mar", "del", "kin", "sop", "tra", "wen", "bur", "lim") for b in "aeiou"]
    launch = [f"Zorblax launch event {' '.join(rng.sample(filler, 3))}" for _ in range(40)]
    articles = [art(i + 1, title, at=T0 + timedelta(minutes=30 * i)) for i, title in enumerate(launch)]
    articles += [
        art(100 + i, " ".join(rng.sample(filler, 6)).capitalize(), at=T0 + timedelta(minutes=30 * i + 7))
        for i in range(40)
    ]
    late = T0 + timedelta(hours=21)
    articles.append(art(200, "Zorblax reviewed", at=late, feed="Critic"))
    found = place(articles)
    assert len({found[i + 1] for i in range(40)}) == 1
    assert found[200] == found[1]


def test_manual_links_win_over_the_signals() -> None:
    index = StoryIndex(SETTINGS)
    index.cannot_link(1, 2)
    index.must_link(1, 3)
    for a in [
        art(
            1, "OpenAI's AWS deal may undermine Microsoft's Azure exclusivity rights", DECODER_BODY, feed="D"
        ),
        art(
            2,
            "OpenAI's AWS deal may undermine Microsoft's Azure exclusivity rights",
            DECODER_BODY,
            T0 + timedelta(hours=1),
            feed="Copy",
        ),
        art(3, "Apple ships new on-device models", at=T0 + timedelta(hours=2), feed="Other"),
    ]:
        index.place(features(a, SETTINGS))
    assert index.story_of[1] != index.story_of[2]
    assert index.story_of[1] == index.story_of[3] == 1


def test_origin_is_credited_by_according_to() -> None:
    members = [
        Member(1, "TechBuzz Hub", "Rewrite", "According to The Decoder, the deal is big.", T0, 10),
        Member(2, "The Decoder", "Original", "The deal is big.", T0 + timedelta(hours=1), 10),
    ]
    assert origin(members).id == 2
    assert (
        origin([Member(3, "A", "t", "no credit", T0, 5), Member(4, "B", "t", "x", T0 + timedelta(1), 5)]).id
        == 3
    )


def _contradiction_values() -> dict[str, set[str]]:
    found = find(
        [
            Source(1, "The Decoder", "https://d.example/1", "OpenAI's AWS deal", DECODER_BODY, T0),
            Source(
                2,
                "TechBuzz Hub",
                "https://t.example/2",
                "OpenAI's AWS deal",
                REWRITE_BODY,
                T0 + timedelta(days=1),
            ),
        ]
    )
    values: dict[str, set[str]] = {}
    for c in found:
        values.setdefault(c.kind, set()).update(side.value for side in c.values)
        assert {side.feed for side in c.values} == {"The Decoder", "TechBuzz Hub"}
        assert all(side.value in side.sentence for side in c.values)
    return values


def test_contradictions_in_dates_money_and_percentages() -> None:
    values = _contradiction_values()
    assert {"late February", "mid-2024"} <= values["date"]
    assert values["money"] == {"$50 billion", "$38 billion"}
    assert values["percent"] == {"50%", "300%"}


def test_paraphrase_and_equal_figures_are_not_contradictions() -> None:
    found = find(
        [
            Source(1, "A", None, "Deal", "Amazon committed $50 billion to OpenAI in late February.", T0),
            Source(
                2, "B", None, "Deal", "Amazon is putting $50bn into OpenAI, a deal struck on February 27.", T0
            ),
            Source(
                3,
                "C",
                None,
                "Deal",
                "OpenAI gets $50 billion from Amazon; AWS holds 32% of the market, Azure 23%.",
                T0,
            ),
            Source(
                4, "D", None, "Deal", "AWS holds 32% of the cloud market and Azure 23% of the market.", T0
            ),
        ]
    )
    assert found == []
