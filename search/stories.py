"""Stories at search time (issue 11): collapse hits by story, and a story's versions.

The indexer writes each generation's stories beside it (`index.stories`): the story
ordinal of every document number, and each story's id, size and outlets. They are read
once per generation into a `StoryIndex`, so collapsing a result is numpy work:

* the stories a query matches are the distinct ordinals among its matching documents
  (a document without a story, from a generation built before stories existed, is a
  story of its own);
* a page shows one hit per story, its best-ranked version, so the page is the first
  occurrences of each story in the ranked documents. Ranking everything to find them
  would cost as much as the search; instead the top documents are ranked in growing
  prefixes until the prefix holds enough stories for the page (`representatives`).

A story page lists the versions in time order, the earliest first ("first reported
by"), each with the sentences it adds to the earliest and the ones it drops from it.
"""
from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.analysis import exact_terms
from index.stories import DOC_STORIES, STORY_LIST

COLLAPSES = ("story", "none")
MAX_VERSIONS = 200  # versions listed on one story page
MAX_SENTENCES = 300  # sentences of one version compared
SAME_SENTENCE = 0.6  # word-set Jaccard at which two sentences say the same thing (light edits)
OUTLETS_SHOWN = 5  # outlets a hit names ("N versions: A, B, ...")
_SENTENCE = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n+")


@dataclass(frozen=True)
class StoryIndex:
    """One generation's stories: `doc_stories[docnum]` is a story ordinal, -1 for none."""

    doc_stories: np.ndarray
    ids: list[str]
    sizes: np.ndarray
    sources: list[list[str]]
    by_id: dict[str, int]

    @classmethod
    def load(cls, generation: Path, size: int) -> StoryIndex:
        """Read a generation's story files; a generation without them has no stories (each article its own)."""
        try:
            doc_stories = np.load(generation / DOC_STORIES, allow_pickle=False)
            with open(generation / STORY_LIST, encoding="utf-8") as handle:
                listing = json.load(handle)
        except (FileNotFoundError, ValueError):
            return cls(np.full(size, -1, dtype=np.int32), [], np.zeros(0, dtype=np.int64), [], {})
        if len(doc_stories) != size:
            return cls(np.full(size, -1, dtype=np.int32), [], np.zeros(0, dtype=np.int64), [], {})
        ids = [entry["id"] for entry in listing]
        return cls(doc_stories.astype(np.int64), ids, np.array([entry["size"] for entry in listing], dtype=np.int64),
                   [entry["sources"] for entry in listing], {story: n for n, story in enumerate(ids)})

    def keys(self, docs: np.ndarray) -> np.ndarray:
        """A story key per document: its ordinal, or a key of its own when it has no story."""
        stories = self.doc_stories[docs]
        return np.where(stories >= 0, stories, len(self.ids) + docs)

    def count(self, docs: np.ndarray) -> int:
        """How many stories the documents (distinct document numbers) belong to: each one without a story is its own.

        A scatter over the story ordinals, not `np.unique` (a sort of the matches: 2-4 ms for
        the 30,000 of a common word in 190,000 stories).
        """
        stories = self.doc_stories[docs]
        alone = stories < 0
        seen = np.zeros(len(self.ids), dtype=bool)
        seen[stories[~alone]] = True
        return int(np.count_nonzero(seen)) + int(np.count_nonzero(alone))

    def first_of_each(self, ranked: np.ndarray) -> np.ndarray:
        """The documents of `ranked` (best first) that are the first of their story in it, in rank order."""
        return ranked[self.first_places(ranked)]

    def first_places(self, ranked: np.ndarray) -> np.ndarray:
        """The positions in `ranked` of the documents `first_of_each` keeps, ascending."""
        if not len(ranked):
            return np.zeros(0, dtype=np.int64)
        _, first = np.unique(self.keys(ranked), return_index=True)
        return np.sort(first)

    def members(self, ordinal: int, dates: np.ndarray) -> np.ndarray:
        """A story's documents in time order: dated ones by date, undated last, ties by document number."""
        docs = np.flatnonzero(self.doc_stories == ordinal)
        return docs[np.lexsort((docs, dates[docs], dates[docs] == 0))]

    def describe(self, doc: int) -> dict:
        """What a hit or an article says of its story: id, number of versions, outlets."""
        ordinal = int(self.doc_stories[doc]) if 0 <= doc < len(self.doc_stories) else -1
        if ordinal < 0:
            return {"story": None, "versions": 1, "outlets": []}
        return {"story": self.ids[ordinal], "versions": int(self.sizes[ordinal]),
                "outlets": self.sources[ordinal][:OUTLETS_SHOWN]}


_CACHE: OrderedDict[Path, StoryIndex] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHED_GENERATIONS = 2  # the live generation and the one readers may still be on


def story_index(generation: Path, size: int) -> StoryIndex:
    """The `StoryIndex` of a generation, read once and shared by all threads (generations never change)."""
    with _CACHE_LOCK:
        found = _CACHE.get(generation)
        if found is not None and len(found.doc_stories) == size:
            _CACHE.move_to_end(generation)
            return found
    loaded = StoryIndex.load(generation, size)
    with _CACHE_LOCK:
        _CACHE[generation] = loaded
        while len(_CACHE) > _CACHED_GENERATIONS:
            _CACHE.popitem(last=False)
    return loaded


def representatives(
    stories: StoryIndex, top: Callable[[int], tuple[np.ndarray, np.ndarray]], total: int, start: int, stop: int,
) -> list[tuple[int, float]]:
    """Ranks start..stop of the stories: each story's best-ranked document, with its score.

    `top(n)` gives the n best documents of the matches and their scores, best first, as
    arrays (only the page becomes Python objects). A prefix of
    the ranking that holds `stop` stories decides the page exactly (a story's best
    version is its first document in the ranking), so prefixes grow until one does or
    the ranking is exhausted; with mostly single-article stories the first one does.
    """
    wanted = max(2 * stop, 20)
    while True:
        docs, scores = top(min(wanted, total))
        firsts = stories.first_places(docs)
        if len(firsts) >= stop or len(docs) >= total:
            page = firsts[start:stop]
            return list(zip(docs[page].tolist(), scores[page].tolist(), strict=True))
        wanted *= 4


def sentences(text: str) -> list[str]:
    """A body split into sentences and paragraph lines, blank pieces dropped."""
    return [piece.strip() for piece in _SENTENCE.split(text or "") if piece and piece.strip()][:MAX_SENTENCES]


def _words(sentence: str) -> frozenset[str]:
    return frozenset(exact_terms(sentence))


def _unmatched(mine: list[str], theirs: list[str]) -> list[str]:
    """Sentences of `mine` that no sentence of `theirs` says (word sets at least SAME_SENTENCE alike)."""
    their_words = [_words(s) for s in theirs]
    alone = []
    for sentence in mine:
        words = _words(sentence)
        if not words:
            continue
        if not any(len(words & other) / len(words | other) >= SAME_SENTENCE for other in their_words if other):
            alone.append(sentence)
    return alone


def differences(body: str, earliest: str) -> dict[str, list[str]]:
    """What a version adds to the earliest version (sentences only it has) and drops from it."""
    mine, first = sentences(body), sentences(earliest)
    return {"adds": _unmatched(mine, first), "drops": _unmatched(first, mine)}


# ------------------------------------------------------------------ `newsfacets story ID`

def add_arguments(parser) -> None:
    """Arguments of `newsfacets story`: one story's versions in time order."""
    parser.add_argument("story", metavar="ID", help="a story id (as search hits and articles give it)")
    parser.add_argument("--index", type=Path, default=None,
                        help="index directory (default: $NEWSFACETS_INDEX or var/index)")
    parser.add_argument("--json", action="store_true", help="print the story as JSON (as /api/stories/ID does)")


def render(story: dict) -> str:
    """A story as a person reads it in a terminal: the versions, earliest first, and what each changes."""
    from search.cli import _plain

    first = story["first_reported_by"]
    lines = [f"{story['articles']} version{'s' if story['articles'] != 1 else ''}; first reported by "
             f"{_plain(first['source'] or 'an unnamed source')} ({first['date'] or 'undated'})"]
    for n, version in enumerate(story["versions"], start=1):
        lines.append("")
        lines.append(f"{n}. {_plain(version['title']) or '(untitled)'}")
        meta = [version["date"] or "undated"] + ([_plain(version["source"])] if version["source"] else [])
        lines.append("   " + " · ".join(meta))
        lines.append(f"   id: {_plain(version['id'])}")
        for label, key in (("adds", "adds"), ("drops", "drops")):
            for sentence in version.get(key, []):
                lines.append(f"   {label}: {_plain(sentence)}")
    return "\n".join(lines)


def run(args) -> int:
    """Exit codes as `newsfacets search`: 0 found, 2 no such story, 1 no usable index."""
    import sys

    from index.store import IndexProblem, default_index_dir
    from search.searcher import Searcher

    try:
        with Searcher(args.index or default_index_dir()) as searcher:
            story = searcher.story(args.story)
    except IndexProblem as error:
        print(f"newsfacets story: {error}", file=sys.stderr)
        return 1
    if story is None:
        print(f"newsfacets story: no story {args.story[:40]!r} in this index", file=sys.stderr)
        return 2
    print(json.dumps(story, ensure_ascii=False, indent=2) if args.json else render(story))
    return 0
