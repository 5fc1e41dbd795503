"""Counting over matched document numbers: stories (a scatter over story ordinals), the date histogram
(a bincount over periods) and the top values (a partition before the sort) give what sorting everything gives."""
from __future__ import annotations

import numpy as np

from search.facets import date_counts, top_counts
from search.stories import StoryIndex


def _stories(doc_stories: list[int]) -> StoryIndex:
    count = max(doc_stories) + 1
    return StoryIndex(np.array(doc_stories, dtype=np.int64), [f"s{n}" for n in range(count)],
                      np.ones(count, dtype=np.int64), [[] for _ in range(count)], {})


def test_story_count_counts_each_story_once_and_each_article_without_one_alone():
    stories = _stories([0, 0, 1, -1, -1, 2, 1, -1])
    assert stories.count(np.array([0, 1, 2, 6], dtype=np.int64)) == 2
    assert stories.count(np.array([3, 4, 7], dtype=np.int64)) == 3
    assert stories.count(np.arange(8)) == 6
    assert stories.count(np.zeros(0, dtype=np.int64)) == 0
    rng = np.random.default_rng(7)
    many = _stories(rng.integers(-1, 40, size=500).tolist())
    for _ in range(20):
        docs = np.flatnonzero(rng.random(500) < 0.3)
        assert many.count(docs) == len(np.unique(many.keys(docs)))


def test_date_counts_are_the_sorted_histogram_across_a_year_boundary_and_skip_unknown_dates():
    dates = np.array([19991231, 20000101, 20000115, 0, 19991201, 20000301, 0, 18500704], dtype=np.int64)
    months = date_counts(dates, np.arange(6), by_month=True)
    assert months == [{"value": "1999-12", "count": 2}, {"value": "2000-01", "count": 2},
                      {"value": "2000-03", "count": 1}]  # ties in time order
    years = date_counts(dates, np.arange(8), by_month=False)
    assert years == [{"value": "2000", "count": 3}, {"value": "1999", "count": 2}, {"value": "1850", "count": 1}]
    assert date_counts(dates, np.array([3, 6]), by_month=False) == []


def test_top_counts_picks_what_sorting_every_value_picks_ties_by_label_order():
    rng = np.random.default_rng(11)
    for _ in range(500):
        counts = rng.integers(0, int(rng.integers(1, 6)), size=int(rng.integers(0, 80)))
        labels = [f"v{n:03d}" for n in range(len(counts))]
        for size in (0, 1, 4, 10, 200):
            everything = sorted((-int(c), n) for n, c in enumerate(counts.tolist()) if c)[:size]
            expected = [{"value": labels[n], "count": -c} for c, n in everything]
            assert top_counts(labels, counts, size) == expected
