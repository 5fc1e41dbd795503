"""Stories: which articles tell the same story (issue 11), computed once per index generation.

A news pile holds the same story many times: the wire copy and the sites that ran it,
an agency's updates, other outlets' rewrites. Every article gets a story id; an article
alone is a story of one. Two articles are joined when either test holds:

* **near-copy**: the MinHash estimate of the Jaccard similarity of their word 4-gram
  shingles is at least `COPY_JACCARD` and their dates are at most `COPY_DAYS` apart.
  Candidates come from datasketch's MinHash LSH, so this never compares all pairs.
* **rewrite**: the same event in other words. Candidates are articles at most
  `REWRITE_DAYS` apart that share a key (one of the `KEY_TERMS` heaviest tf-idf terms
  or `KEY_ENTITIES` rarest actors and places; a key held by more than `MAX_POSTING`
  articles in the window says little and is skipped). A candidate pair is joined when
  the tf-idf cosine of their term profiles (headline and lead counted `LEAD_BOOST`
  times more, since they name the event) is at least `REWRITE_COSINE`, or at least
  `REWRITE_FLOOR` with `SHARED_RARE_NAMES` rare actors or places in common: two
  reports of one strike share its rare names even when their wording differs.
  And the pair must share `SHARED_RARE_TERMS` rare word or name (not a number), or,
  from two outlets, `BURST_WORDS` words their days hold in a burst (`_Bursts`: an event
  covered for days by many outlets makes its own words common, so rarity alone misses
  its later reports): templated briefs (a day's earnings reports) share only common
  words. What is rare depends on how busy the pair's days are (`_rare_limits`). Three
  more conditions:
  - two reports by one outlet need a cosine of `SAME_OUTLET_COSINE`: an outlet retells
    its own story in nearly its own words, and its reports on one company or one
    minister in other words are different stories (on Reuters-21578, where every
    article is Reuters', most joins below that cosine were). Even in like words, one
    wire's reports on one company (a payout and the quarter's results, a bid and its
    reply, Monday's and Tuesday's rate fixing) are two events when their figures
    disagree (`FIGURES_SHARED`: a correction or a fuller version keeps the figures it
    retells) or, below `SAME_OUTLET_CLOSE`, when their openings report other news
    (`SAME_OPENING`: a repeat or a fuller version opens as its first version did);
  - without dates on both sides, the cosine alone is not enough and the names must
    agree: like words without a date window say "same subject" (Cranfield's abstracts,
    a lab's series of papers, fell into stories of up to eight);
  - the rewrite must be within `STORY_DAYS` of its story's first report.

A new article is compared for rewrites with any version of a story from another outlet,
but with a story's founder (its first report) only among its own outlet's: an event's
reports from many outlets each retell the one before (tolls rise, details come in), so
the latest report is often far from the first, while one wire's briefs that share a
template would chain through each other (single link within Reuters-21578 put 509 of
one day's earnings briefs into one story). The window from the story's first report
(`STORY_DAYS`) still bounds how far a story runs. A copy of any version is that
version's story too (a site rerunning an outlet's rewrite copies the rewrite), so every
article is in the LSH index, and a copy joins within `COPY_DAYS` of its story's first report.

Joined pairs are closed by union-find. Everything is deterministic: articles are taken
in (date, id) order, MinHash uses a fixed seed, and ties break on ids. A story's id is
derived from the article that founded it (the earliest one when built in one go), and
it is kept when later articles join (`--incremental`), so links to a story stay valid.

Dates matter twice: a story is told within days, and templated reports (weekly figures,
daily market closes) share most of their words from one week to the next. An unknown
date (0) fits any window: a dateless article is joined on its text alone.

The state kept per generation (`Sidecar`) is what the next incremental build needs:
each article's shingle signature and term profile, the document frequencies, and the
story of each article. New articles are added against it without re-clustering.
"""
from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import os
import re
import time
import zlib
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

from index.analysis import STOP_WORDS, fold, stem
from index.document import date_number

SHINGLE_WORDS = 4
NUM_PERM = 64
MINHASH_SEED = 11
MINHASH_SCHEME = "affine32"  # datasketch 2 default, named so stored signatures stay comparable
COPY_JACCARD = 0.5
COPY_DAYS = 7
REWRITE_DAYS = 2  # a rewrite is at most this many days from the version it retells
STORY_DAYS = 3  # and this many from its story's first dated report (a pile's dates can be a day or two off)
REWRITE_COSINE = 0.25
LEAD_WORDS = 60  # the headline and first words name the event; a rewrite keeps them closest
LEAD_BOOST = 2  # so each of their terms counts this many times more
KEY_TERMS = 10  # an article's terms that make it a rewrite candidate of another
KEY_ENTITIES = 5  # and its rarest actors and places
REWRITE_FLOOR = 0.12  # below REWRITE_COSINE, text this close joins when the names agree:
SHARED_RARE_NAMES = 2  # this many actors or places in common, each of them rare:
RARE_NAME_SHARE = 0.01  # named in at most this share of the articles (or RARE_NAME_MIN of them)
RARE_NAME_MIN = 3
RARE_EXPECTED = 1  # and, in a busy window, expected by chance in at most this many of its articles
SHARED_RARE_TERMS = 1  # and a rewrite shares at least this many rare terms or names at all
BURST_LIFT = 5  # or a term the pair's days hold this many times more often than the whole pile does:
BURST_MIN = 2  # (in at least this many of the window's articles) is the window's event, however often it is reported
BURST_WORDS = 2  # and a pair sharing this many such words (not rare ones) shares an event
# except calendar words: every dateline names its month and weekday, which burst with the calendar, not with an event
CALENDAR = frozenset(stem(word) for word in (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat sun").split())
SAME_OUTLET_COSINE = 0.5  # an outlet retells its own story in nearly its own words, or it is another story
FIGURES_MIN = 2  # and when the report with fewer figures names at least this many,
FIGURES_SHARED = 0.5  # more than this share must be in the other (a correction or a fuller version keeps its figures)
FIGURES_KEPT = 64  # figures kept per article (in reading order) for that test and the incremental state
OPENING_WORDS = 30  # an article's headline and first words after its dateline say what it reports:
SAME_OPENING = 0.45  # one outlet's two reports whose openings share less than this (Jaccard of their content words)
SAME_OUTLET_CLOSE = 0.7  # are two events (the bid and its reply), unless their texts are at least this close
PROFILE_TERMS = 60  # terms kept per article for the cosine (and the incremental state)
MAX_POSTING = 100  # a key term shared by more articles in the window says little
SIDECAR = "stories.json"
SIGNATURES = "stories-signatures.npy"
DOC_STORIES = "stories-docs.npy"  # story ordinal (into the sorted story ids) per document number, -1 if deleted
STORY_LIST = "stories-list.json"  # per ordinal: id, size, outlets
FORMAT = 4


@dataclass(frozen=True)
class StoryArticle:
    """What clustering reads of an article."""

    id: str
    title: str
    body: str
    date: int = 0  # yyyymmdd, 0 when unknown
    source: str | None = None
    content_hash: str = ""
    entities: tuple[str, ...] = ()  # its actors and places, as the extractor named them


@dataclass
class Member:
    """One article's clustering state: enough to compare a later article against it."""

    id: str
    date: int
    source: str | None
    terms: dict[str, int]  # the article's heaviest terms and their counts
    story: str = ""
    content_hash: str = ""  # so an incremental build knows an unchanged article
    entities: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)  # the numbers it states (`_figures`)
    opening: list[str] = field(default_factory=list)  # its opening's content words, stemmed (`_Words.read`)


@dataclass
class Sidecar:
    """A generation's stories and the state that lets the next build extend them."""

    members: list[Member] = field(default_factory=list)
    signatures: np.ndarray = field(default_factory=lambda: np.zeros((0, NUM_PERM), dtype=np.uint32))
    df: Counter = field(default_factory=Counter)
    documents: int = 0

    def story_of(self) -> dict[str, str]:
        return {member.id: member.story for member in self.members}

    def stories(self) -> dict[str, list[Member]]:
        """Story id -> its members, earliest first (unknown dates last, then by id)."""
        grouped: dict[str, list[Member]] = defaultdict(list)
        for member in self.members:
            grouped[member.story].append(member)
        return {story: sorted(group, key=_time_order) for story, group in sorted(grouped.items())}

    def save(self, directory: Path) -> None:
        """Write into a generation directory that is not yet published.

        Each file is written aside and renamed into place: an incremental generation
        starts as hard links to the live one's files, so writing into the linked file
        would change the live generation's sidecar under its readers.
        """
        payload = {
            "format": FORMAT,
            "documents": self.documents,
            "df": dict(sorted(self.df.items())),
            "members": [
                {"id": m.id, "date": m.date, "source": m.source, "story": m.story, "hash": m.content_hash,
                 "terms": m.terms, "entities": m.entities, "figures": m.figures, "opening": m.opening}
                for m in self.members
            ],
        }
        with open(directory / (SIDECAR + ".part"), "w", encoding="utf-8") as handle:
            handle.write(_json(payload))
        with open(directory / (SIGNATURES + ".part"), "wb") as handle:
            np.save(handle, self.signatures, allow_pickle=False)
        for name in (SIDECAR, SIGNATURES):
            os.replace(directory / (name + ".part"), directory / name)

    @classmethod
    def load(cls, directory: Path) -> Sidecar | None:
        """The sidecar of a generation, or None if it has none (built before stories existed)."""
        try:
            with open(directory / SIDECAR, encoding="utf-8") as handle:
                payload = json.load(handle)
            signatures = np.load(directory / SIGNATURES, allow_pickle=False)
        except FileNotFoundError:
            return None
        if payload.get("format") != FORMAT or len(signatures) != len(payload["members"]):
            return None
        members = [Member(m["id"], m["date"], m["source"], m["terms"], m["story"], m["hash"], m["entities"],
                          m["figures"], m["opening"]) for m in payload["members"]]
        return cls(members, signatures.astype(np.uint32), Counter(payload["df"]), payload["documents"])


def _json(payload: object) -> str:
    """Compact JSON in one string: `json.dump` to a file streams through the pure-Python encoder,
    `json.dumps` runs the C one, several times faster on a sidecar of every article's terms."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def story_id(founder: str) -> str:
    """A story's id: short, URL-safe, and the same whenever the same article founds it."""
    return "s" + hashlib.sha1(founder.encode("utf-8")).hexdigest()[:12]


def _time_order(member: Member) -> tuple[int, str]:
    return (member.date or 99_999_999, member.id)


def _days(date: int) -> int | None:
    """yyyymmdd -> a day number, None when unknown or not a real date."""
    if not date:
        return None
    try:
        return Date(date // 10000, max(date // 100 % 100, 1), max(date % 100, 1)).toordinal()
    except ValueError:
        return None


def _near(first: int | None, second: int | None, days: int) -> bool:
    """Day numbers at most `days` apart; an unknown day is near any."""
    return first is None or second is None or abs(first - second) <= days


_SHINGLE_MIX = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F], dtype=np.uint64)[:SHINGLE_WORDS]
_MAX_HASH = np.uint32(0xFFFFFFFF)  # datasketch's starting value: the signature of an article without shingles
_ROWS_AT_ONCE = 1 << 15  # shingles permuted in one step (times NUM_PERM 4-byte values: 8 MB)


def _shingles(word_hashes: Sequence[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """32-bit hashes of every article's `SHINGLE_WORDS`-word shingles, from its words' hashes, in one numpy
    pass over all articles, and how many each article has (0 without words; a short article is one shingle,
    padded with zeros).

    Each shingle mixes its words' CRC-32s with odd multipliers (so word order counts);
    joining and hashing each shingle's text in Python cost most of the clustering time.
    """
    padded = [hashes + [0] * (SHINGLE_WORDS - len(hashes)) if 0 < len(hashes) < SHINGLE_WORDS else hashes
              for hashes in word_hashes]
    lengths = np.array([len(hashes) for hashes in padded], dtype=np.int64)
    counts = np.maximum(lengths - (SHINGLE_WORDS - 1), 0)
    flat = np.fromiter(itertools.chain.from_iterable(padded), dtype=np.uint64, count=int(lengths.sum()))
    if len(flat) < SHINGLE_WORDS:
        return np.zeros(0, dtype=np.uint64), counts
    windows = np.lib.stride_tricks.sliding_window_view(flat, SHINGLE_WORDS)
    # Each article's windows start at its first word and stop SHINGLE_WORDS - 1 before its end.
    starts = np.cumsum(lengths) - lengths
    firsts = np.cumsum(counts) - counts
    rows = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(starts - firsts, counts)
    mixed = (windows[rows] * _SHINGLE_MIX).sum(axis=1)  # wraps around at 2**64, as intended
    return (mixed ^ (mixed >> np.uint64(32))) & np.uint64(0xFFFFFFFF), counts


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, which datasketch's affine32 scheme applies to each value it is given."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


class _Hasher:
    """MinHash signatures with one set of permutations (making them per article is slow)."""

    def __init__(self) -> None:
        self._template = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)

    def signatures(self, word_hashes: Sequence[list[int]]) -> np.ndarray:
        """Each article's signature over its shingles (`_shingles`: already hashed, so datasketch's hash
        function is the identity), as deterministic across processes and runs as CRC-32.

        The values datasketch's `MinHash.update_batch` gives (a test holds them equal), computed for
        all articles at once: permuting every shingle and taking each article's minimum by `reduceat`,
        instead of a MinHash object and a few small numpy calls per article.
        """
        shingles, counts = _shingles(word_hashes)
        signatures = np.full((len(counts), NUM_PERM), _MAX_HASH, dtype=np.uint32)
        multipliers, offsets = self._template.permutations
        values = _fmix32(shingles.astype(np.uint32))
        holding = np.flatnonzero(counts)  # articles with shingles, in order
        ends = np.cumsum(counts[holding])
        starts = ends - counts[holding]
        first = 0
        while first < len(holding):
            # Whole articles, up to _ROWS_AT_ONCE shingles (one longer article alone).
            last = max(first + 1, int(np.searchsorted(ends, starts[first] + _ROWS_AT_ONCE, side="right")))
            rows = slice(int(starts[first]), int(ends[last - 1]))
            # One row per permutation, so each minimum runs along contiguous memory; wraps around at 2**32,
            # as datasketch's arithmetic does.
            permuted = multipliers[:, None] * values[None, rows] + offsets[:, None]
            minima = np.minimum.reduceat(permuted, starts[first:last] - starts[first], axis=1)
            signatures[holding[first:last]] = minima.T
            first = last
        return signatures



class _Copies:
    """Near-copy candidates by MinHash LSH: the articles whose signatures agree on every value of one band,
    with the bands datasketch's `MinHashLSH` picks for `COPY_JACCARD`, so the candidates are the ones its
    query returns (a test holds them equal), and the Jaccard estimate its `MinHash.jaccard` gives.

    Bands are slices of each signature's bytes in plain dicts: a MinHash object per article and
    datasketch's per-band byte swapping cost more than the lookups themselves.
    """

    def __init__(self, signatures: np.ndarray) -> None:
        bands = MinHashLSH(threshold=COPY_JACCARD, num_perm=NUM_PERM).hashranges
        width = signatures.dtype.itemsize
        self.ranges = [(start * width, end * width) for start, end in bands]
        self.signatures = signatures
        self.rows = [row.tobytes() for row in signatures]
        self.tables: list[dict[bytes, list[int]]] = [{} for _ in self.ranges]

    def add(self, i: int) -> None:
        row = self.rows[i]
        for table, (start, end) in zip(self.tables, self.ranges, strict=True):
            table.setdefault(row[start:end], []).append(i)

    def candidates(self, i: int) -> set[int]:
        """The articles added so far that share a band with `i`."""
        row, found = self.rows[i], set[int]()
        for table, (start, end) in zip(self.tables, self.ranges, strict=True):
            found.update(table.get(row[start:end], ()))
        return found

    def jaccard(self, i: int, j: int) -> float:
        """The share of signature values `i` and `j` agree on."""
        return float(np.count_nonzero(self.signatures[i] == self.signatures[j])) / NUM_PERM


_WORD = re.compile(r"\w+")
# Numbers style guides spell out; "one" is left out, as a pronoun ("one of the") as often as a number.
_SPELT = {word: str(n) for n, word in enumerate(
    "two three four five six seven eight nine ten eleven twelve".split(), 2)}
_MAGNITUDES = {word: Decimal(10) ** power for words, power in (("thousand", 3), ("mln million", 6),
                                                                 ("bln billion bn", 9), ("trillion", 12))
               for word in words.split()}
# A number (digits, or spelt out) and the magnitude word after it, if any: "2.8 mln", "two million", "2,800,000".
# (The lookahead, on the characters a number can start with, lets the scan skip other words twice as fast.)
_FIGURE = re.compile(rf"(?=[\d{''.join(sorted({word[0] for word in _SPELT}))}])"
                     rf"(\d+(?:[.,/]\d+)*|\b(?:{'|'.join(_SPELT)})\b)(?:\s+({'|'.join(_MAGNITUDES)})\b)?",
                     re.IGNORECASE)
_DATELINE = re.compile(r"[^\n]{0,80}?\s[-\u2013\u2014]{1,2}\s")  # "PARIS, March 3 - ": where and when it was filed


def _dateline_end(body: str) -> int:
    """Where the body's dateline ("PARIS, March 3 - ") ends, 0 when it opens without one."""
    dateline = _DATELINE.match(body)
    return dateline.end() if dateline is not None and len(dateline.group(0).split()) <= 10 else 0


def _figures(article: StoryArticle) -> list[str]:
    """The numbers an article states (amounts, counts, rates, periods; digits or spelt out), first `FIGURES_KEPT`
    in reading order, leaving out its dateline's: an outlet's repeat the next day has another dateline, not
    other figures. Two of one outlet's reports on one company or one market share its name and its template
    words (a payout and the quarter's results, Monday's and Tuesday's rate fixing), and differ in their figures;
    a correction or a fuller version keeps most of the figures it retells, though it may write them another
    way ("2,800,000 shares", "2.8 mln shares"), so each is read as the value it names (`_value`).
    """
    found: dict[str, None] = {}
    for match in _FIGURE.finditer(article.title + "\n" + article.body[_dateline_end(article.body):]):
        found[_value(*match.groups(""))] = None
        if len(found) >= FIGURES_KEPT:
            break
    return list(found)


@functools.lru_cache(maxsize=1 << 16)
def _value(number: str, unit: str) -> str:
    """A number as the value it names, scaled by the word after it when that is a magnitude ("2.8 mln"):
    "2,800,000", "2.8 mln" and "2.8 million" are one figure. A number that is not one value ("1/2", a range
    written "1.5.2") is kept as written."""
    number = _SPELT.get(number.casefold(), number)
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return number
    return str((value * _MAGNITUDES.get(unit.casefold(), 1)).normalize())


class _Words:
    """Each distinct word's hash (CRC-32 of its folded form) and stem (None for a stop word), worked out once per run.

    Python's `re` rather than the analyser's NLTK tokenizer, which checks every pattern
    for catastrophic backtracking; both split on runs of word characters, and folding
    and stemming are the analyser's. Working per distinct word, not per token, is what
    keeps reading 19,000 articles to seconds.
    """

    def __init__(self) -> None:
        self._forms: dict[str, tuple[int, str | None]] = {}

    def _learn(self, words: Iterable[str]) -> None:
        forms = self._forms
        for word in set(words).difference(forms):  # the membership test in C: most words are known
            folded = fold(word)
            forms[word] = (zlib.crc32(folded.encode("utf-8")), None if folded in STOP_WORDS else stem(folded))

    def read(self, article: StoryArticle) -> tuple[Counter, list[int], list[str]]:
        """An article's stemmed content terms (those of its headline and lead counted `LEAD_BOOST`
        times more), its words' hashes, headline first, and its opening.

        The opening is the sorted content words (stemmed; numbers are `_figures`' part) of the headline
        and the first `OPENING_WORDS` after the dateline. A wire's correction, repeat or fuller version
        opens as its first version did; its next report on the same company or the same talks names the
        same people and places but opens on other news (a bid, then its reply).
        """
        title, body = _WORD.findall(article.title), _WORD.findall(article.body)
        lead = _WORD.findall(" ".join(article.body.split(maxsplit=LEAD_WORDS)[:LEAD_WORDS]))  # words as written
        body_counts = Counter(body)
        self._learn(body_counts)
        self._learn(title)
        forms = self._forms
        counts: Counter = Counter()
        for word, n in body_counts.items():
            stemmed = forms[word][1]
            if stemmed is not None:
                counts[stemmed] += n
        self._learn(lead)
        for word in title + lead:
            stemmed = forms[word][1]
            if stemmed is not None:
                counts[stemmed] += LEAD_BOOST
        start = len(_WORD.findall(article.body[:_dateline_end(article.body)]))
        opening = sorted({stemmed for word in title + body[start:start + OPENING_WORDS]
                          if (stemmed := forms[word][1]) is not None and not word.isdigit()})
        return counts, [forms[word][0] for word in title + body], opening  # the folded words' CRC-32s


class _Idf:
    """Inverse document frequencies of one clustering run, each computed once."""

    def __init__(self, df: Counter, documents: int) -> None:
        self.df, self.documents = df, documents
        self._known: dict[str, float] = {}

    def __call__(self, term: str) -> float:
        found = self._known.get(term)
        if found is None:
            found = self._known[term] = math.log((self.documents + 1) / (self.df.get(term, 0) + 0.5))
        return found


def _weights(terms: dict[str, int], idf: _Idf) -> dict[str, float]:
    """Unit-length tf-idf weights of a profile."""
    weights = {t: (1 + math.log(c)) * idf(t) for t, c in terms.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Over the shared terms only (a set intersection, in C), summed exactly so the order of a set never counts."""
    return math.fsum(a[t] * b[t] for t in a.keys() & b.keys())


class _UnionFind:
    """Disjoint sets of article positions, each knowing the day its earliest dated article appeared."""

    def __init__(self) -> None:
        self.parent: list[int] = []
        self.first_day: list[int | None] = []

    def add(self, day: int | None) -> int:
        self.parent.append(len(self.parent))
        self.first_day.append(day)
        return len(self.parent) - 1

    def first(self, i: int) -> int | None:
        return self.first_day[self.find(i)]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            days = [d for d in (self.first_day[ra], self.first_day[rb]) if d is not None]
            self.parent[max(ra, rb)] = min(ra, rb)  # the older root (added first) survives
            self.first_day[min(ra, rb)] = min(days) if days else None


@dataclass(frozen=True)
class StoryReading:
    """What clustering reads of one article's text (`StoryReader`): its term counts, opening, figures and
    shingle signature. Read where the article is indexed, so it crosses to the clustering process small."""

    counts: dict[str, int]
    opening: list[str]
    figures: list[str]
    signature: np.ndarray  # NUM_PERM uint32 MinHash values


# (article id, content hash) -> its reading: a reading is used only for the very article it was made of.
Readings = dict[tuple[str, str], StoryReading]


class StoryReader:
    """Reads articles for clustering, one process's worth: its word cache (hash and stem of each distinct
    word) grows with what it reads. An indexing worker reads each article it indexes: the analyser has
    already folded and stemmed the article's words in that process, so reading there costs little and
    runs in parallel, where the clustering process would redo it serially from the stored text."""

    def __init__(self) -> None:
        self._words = _Words()
        self._hasher = _Hasher()

    def read(self, articles: Sequence[StoryArticle]) -> list[StoryReading]:
        read = [self._words.read(article) for article in articles]
        signatures = self._hasher.signatures([words for _, words, _ in read])
        return [StoryReading(dict(counts), opening, _figures(article), signature)
                for (counts, _, opening), article, signature in zip(read, articles, signatures, strict=True)]


def cluster(articles: Iterable[StoryArticle], previous: Sidecar | None = None, keep: set[str] | None = None,
            readings: Readings | None = None) -> Sidecar:
    """Stories of `articles`, added to `previous` (an incremental build) or from scratch.

    `keep`, with `previous`: the ids of earlier articles still in the index (the others
    are dropped, and so are earlier versions of ids that `articles` brings anew). Earlier
    articles keep their stories; a new article joins the story of whatever it matches,
    and if it matches several, they merge under the id of the oldest. `readings`: what the
    indexing workers read of the articles (`StoryReader`); any article without one is read here.
    """
    new = sorted(articles, key=lambda a: (a.date or 99_999_999, a.id))
    new_ids = {a.id for a in new}
    old: list[tuple[Member, np.ndarray]] = []
    df: Counter = Counter()
    documents = 0
    if previous is not None:
        for member, signature in zip(previous.members, previous.signatures, strict=False):
            if member.id not in new_ids and (keep is None or member.id in keep):
                old.append((member, signature))
        df, documents = Counter(previous.df), previous.documents
    read = _readings(new, readings or {})
    for reading, article in zip(read, new, strict=True):
        df.update(reading.counts.keys())
        df.update(_entity_keys(article.entities))
    documents += len(new)
    idf = _Idf(df, documents)
    members = [member for member, _ in old]
    signatures = [signature for _, signature in old]
    for article, reading in zip(new, read, strict=True):
        counts = reading.counts
        heaviest = sorted(counts, key=lambda t: (-(1 + math.log(counts[t])) * idf(t), t))[:PROFILE_TERMS]
        members.append(Member(article.id, article.date, article.source, {t: counts[t] for t in heaviest}, "",
                              article.content_hash, sorted(set(article.entities)), reading.figures,
                              reading.opening))
        signatures.append(reading.signature)
    stacked = np.vstack(signatures) if signatures else np.zeros((0, NUM_PERM), dtype=np.uint32)
    _link(members, stacked, len(old), idf)
    return Sidecar(members, stacked, df, documents)


def _readings(articles: list[StoryArticle], given: Readings) -> list[StoryReading]:
    """Each article's reading: the one given for it, else read now (all the missing ones in one go)."""
    missing = [article for article in articles if (article.id, article.content_hash) not in given]
    made = dict(zip(((a.id, a.content_hash) for a in missing), StoryReader().read(missing), strict=True))
    return [given.get((a.id, a.content_hash)) or made[(a.id, a.content_hash)] for a in articles]


class _Postings:
    """Key term -> articles, bucketed by day, so a lookup only reads articles near in time.

    Dateless articles are in every window: they sit in a bucket each lookup reads, and
    their own lookups read a term's whole list.
    """

    def __init__(self, days: int) -> None:
        self.width = days + 1
        self.buckets: dict[tuple[str, int | None], list[int]] = defaultdict(list)
        self.every: dict[str, list[int]] = defaultdict(list)

    def add(self, term: str, day: int | None, i: int) -> None:
        self.buckets[(term, None if day is None else day // self.width)].append(i)
        self.every[term].append(i)

    def near(self, term: str, day: int | None) -> list[int]:
        if day is None:
            return self.every.get(term, [])
        bucket = day // self.width
        found = list(self.buckets.get((term, None), []))
        for b in (bucket - 1, bucket, bucket + 1):
            found += self.buckets.get((term, b), [])
        return found


def _entity_keys(entities: Iterable[str]) -> set[str]:
    """Entities as document-frequency keys, apart from words ("@" cannot start a stemmed term)."""
    return {"@" + e.casefold() for e in entities}


def _rare_limits(days: list[int | None], documents: int) -> list[float]:
    """Per article, the document frequency up to which a word or name it shares with another is rare.

    Two reports of one event name its people and places (a spy chief, a border town)
    even when their words differ; two reports of the same kind of event share only
    common names ("Syria", a monitoring group) and template words. Rare means held by
    at most `RARE_NAME_SHARE` of all articles, and, in a busy window, fewer still: of
    the W articles dated within `REWRITE_DAYS` of this one, a term held by df of all N
    is expected in df * W / N of them by chance, so it is rare only when that is at most
    `RARE_EXPECTED`. A wire service's day (Reuters-21578: a thousand articles in five
    days) thus needs names held by a dozen articles, where a few reports a day (FA-KES)
    keep the 1% share. A dateless article's window is unknown, so the share alone applies.
    """
    dated = sorted(d for d in days if d is not None)
    share = max(RARE_NAME_MIN, RARE_NAME_SHARE * documents)
    limits = []
    for day in days:
        if day is None:
            limits.append(share)
            continue
        window = bisect_right(dated, day + REWRITE_DAYS) - bisect_left(dated, day - REWRITE_DAYS)
        limits.append(max(RARE_NAME_MIN, min(share, RARE_EXPECTED * documents / window)))
    return limits


class _Bursts:
    """Which terms a window of days holds far more often than the whole pile: the words of that window's events.

    A rare word says "one event", but an event that many outlets covered for days
    (a convoy bombing, a siege) makes its own words common: the evacuees, the transit
    point and the towns' names end up in 2% of the pile, all of it within a few days.
    A template's words (earnings, weekly figures) and a beat's names (the Observatory,
    Aleppo) are spread over the whole span instead. The window's count is of the
    members' term profiles and names, so an incremental build counts as a full one
    does; it is compared with the term's document frequency in the whole pile, which
    counts every word, so a word that is in few profiles but many texts ("though")
    never looks bursty. A pile whose articles all fall in one window has no bursts:
    rarity alone decides.
    """

    def __init__(self, keys: list[set[str]], days: list[int | None], df: Counter) -> None:
        self.keys, self.days, self.df = keys, days, df
        self.dated = sorted(d for d in days if d is not None)
        self.documents = len(days)
        self._by_day: Counter | None = None  # counted when first asked: a one-outlet pile never asks
        self._near: dict[tuple[str, int], int] = {}  # (term, day) -> members holding it within the window

    def by_day(self) -> Counter:
        """(term, day) -> members of that day whose profile holds the term."""
        if self._by_day is None:
            self._by_day = Counter()
            for held, day in zip(self.keys, self.days, strict=True):
                if day is not None:
                    self._by_day.update((k, day) for k in held)
        return self._by_day

    def window(self, day: int) -> int:
        return bisect_right(self.dated, day + REWRITE_DAYS) - bisect_left(self.dated, day - REWRITE_DAYS)

    def bursty(self, key: str, day: int, window: int) -> bool:
        """Whether `key` is in `BURST_LIFT` times more of the `window` articles near `day` than chance puts there."""
        near = self._near.get((key, day))
        if near is None:
            by_day = self.by_day()
            near = self._near[(key, day)] = sum(by_day.get((key, d), 0)
                                                for d in range(day - REWRITE_DAYS, day + REWRITE_DAYS + 1))
        return near >= BURST_MIN and near * self.documents >= BURST_LIFT * self.df.get(key, 0) * window


class _Evidence:
    """What the rules read of each member, and the rewrite test of a pair of them."""

    def __init__(self, members: list[Member], idf: _Idf) -> None:
        self.weights = [_weights(m.terms, idf) for m in members]
        entities = [_entity_keys(m.entities) for m in members]
        self.keys = [
            sorted(w, key=lambda t: (-w[t], t))[:KEY_TERMS]
            + sorted(e, key=lambda k: (-idf(k), k))[:KEY_ENTITIES]
            for w, e in zip(self.weights, entities, strict=True)
        ]
        self.days = [_days(m.date) for m in members]
        self.outlets = [m.source.casefold() if m.source else None for m in members]
        limits = _rare_limits(self.days, idf.documents)
        # Rare words and names, not numbers: "3,398,000" is three tokens that any two earnings briefs may share.
        self.rare = [{k for k in (*m.terms, *e) if idf.df.get(k, 0) <= limit and not k.isdigit()}
                     for m, e, limit in zip(members, entities, limits, strict=True)]
        self.words = [set(m.terms) for m in members]
        self.figures = [set(m.figures) for m in members]
        self.openings = [set(m.opening) for m in members]
        self.bursts = _Bursts(self.words, self.days, idf.df)

    def same_outlet(self, i: int, j: int) -> bool:
        return self.outlets[i] is not None and self.outlets[i] == self.outlets[j]

    def figures_disagree(self, i: int, j: int) -> bool:
        """Whether the report with fewer figures names at least `FIGURES_MIN` and the other has no more than
        `FIGURES_SHARED` of them: two reports of one outlet then tell two events (`_figures`). Half is not enough:
        two funds' payouts on one day share their dates, not their amounts."""
        fewer, more = sorted((self.figures[i], self.figures[j]), key=len)
        return len(fewer) >= FIGURES_MIN and len(fewer & more) <= FIGURES_SHARED * len(fewer)

    def openings_differ(self, i: int, j: int) -> bool:
        """Whether `i` and `j` open on different news: their openings share less than `SAME_OPENING` of their words."""
        shared = len(self.openings[i] & self.openings[j])
        return shared < SAME_OPENING * (len(self.openings[i] | self.openings[j]) or 1)

    def burst_words(self, i: int, j: int) -> set[str]:
        """The words `i` and `j` share that their days hold in a burst, when they are two outlets' (one outlet's
        series bursts on the days it runs; an event, across outlets). Words, not names: a name's words burst with it."""
        day = self.days[i] if self.days[i] is not None else self.days[j]
        if day is None or self.same_outlet(i, j):
            return set()
        window = self.bursts.window(day)
        return {k for k in (self.words[i] & self.words[j]) - self.rare[i]
                if not k.isdigit() and k not in CALENDAR and self.bursts.bursty(k, day, window)}

    def rewrite(self, i: int, j: int) -> bool:
        """Whether `i` retells `j`'s event in other words (the rules in the module's docstring)."""
        # The cheap tests first: most candidates share a key word but no rare one.
        same_outlet = self.same_outlet(i, j)
        dated = self.days[i] is not None and self.days[j] is not None
        rare = self.rare[i] & self.rare[j]
        if len(rare) < SHARED_RARE_TERMS:
            # Without a rare word or name in common, only bursts of two outlets' dated reports can
            # say "one event" (templated briefs share only common words), and then by the cosine alone.
            return (dated and not same_outlet and _cosine(self.weights[i], self.weights[j]) >= REWRITE_COSINE
                    and len(self.burst_words(i, j)) >= BURST_WORDS)
        text = _cosine(self.weights[i], self.weights[j])
        if text < (SAME_OUTLET_COSINE if same_outlet else REWRITE_FLOOR):
            return False
        if same_outlet and (self.figures_disagree(i, j) or text < SAME_OUTLET_CLOSE and self.openings_differ(i, j)):
            return False
        names = sum(1 for k in rare if k[0] == "@") >= SHARED_RARE_NAMES
        # Without dates on both sides, like words only say "same subject" (a lab's series of papers):
        # the event's own names must agree too.
        return names or (dated and text >= REWRITE_COSINE)


def _link(members: list[Member], signatures: np.ndarray, first_new: int, idf: _Idf) -> None:
    """Give every member a story: the first `first_new` keep theirs, the rest are matched and joined."""
    copies = _Copies(signatures)
    evidence = _Evidence(members, idf)
    keys, days = evidence.keys, evidence.days
    postings = _Postings(REWRITE_DAYS)
    sets = _UnionFind()
    founders: dict[str, int] = {}
    founding: list[bool] = []  # per member: whether it founded its story

    def index(i: int, founder: bool) -> None:
        """Any version can be copied, and any version can be rewritten by another outlet (a site retelling
        an update retells the update), but an outlet's own retelling is matched with the story's founder
        only: one wire's briefs that share a template would chain through each other into one story."""
        copies.add(i)
        founding.append(founder)
        for key in keys[i]:
            postings.add(key, days[i], i)

    for i, member in enumerate(members[:first_new]):
        sets.add(days[i])
        index(i, member.story not in founders)
        if member.story in founders:
            sets.union(founders[member.story], i)
        else:
            founders[member.story] = i
    for i in range(first_new, len(members)):
        sets.add(days[i])
        matches = set()
        for j in copies.candidates(i):
            if _near(days[i], sets.first(j), COPY_DAYS) and copies.jaccard(i, j) >= COPY_JACCARD:
                matches.add(j)
        candidates = set()
        for key in keys[i]:
            near = [j for j in postings.near(key, days[i]) if _near(days[i], days[j], REWRITE_DAYS)]
            if len(near) <= MAX_POSTING:
                candidates.update(near)
        for j in sorted(candidates - matches):
            if not founding[j] and evidence.same_outlet(i, j):
                continue
            # A story is retold within days of its first report, not chained along for weeks.
            if _near(days[i], sets.first(j), STORY_DAYS) and evidence.rewrite(i, j):
                matches.add(j)
        for j in sorted(matches):
            sets.union(i, j)
        index(i, not matches)
    _name(members, sets, first_new)


def _name(members: list[Member], sets: _UnionFind, first_new: int) -> None:
    """Each set's story id: the oldest earlier story in it, else derived from its earliest article."""
    by_root: dict[int, list[int]] = defaultdict(list)
    for i in range(len(members)):
        by_root[sets.find(i)].append(i)
    for group in by_root.values():
        earlier = sorted({members[i].story for i in group if i < first_new and members[i].story})
        if earlier:
            oldest = min(earlier, key=lambda s: min(_time_order(members[i]) for i in group if members[i].story == s))
            name = oldest
        else:
            name = story_id(min((members[i] for i in group), key=_time_order).id)
        for i in group:
            members[i].story = name


def read_articles(generation: str | os.PathLike) -> Iterator[tuple[int, StoryArticle]]:
    """(document number, article) for every live document of a generation, as clustering reads it."""
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(str(generation)).reader() as reader:
        for docnum, fields in reader.iter_docs():
            yield docnum, story_article(fields)


def story_article(stored: Mapping) -> StoryArticle:
    """The article clustering reads, from a document's stored fields (as the index returns them, or as an
    indexing worker is about to store them), so a worker's reading and a re-read one are of one article."""
    sources = stored.get("source") or []
    return StoryArticle(
        stored.get("id", ""), stored.get("title") or "", stored.get("body") or "",
        date_number(stored.get("published")), sources[0] if sources else None,
        stored.get("content_hash") or "",
        tuple(stored.get("actor") or ()) + tuple(stored.get("location") or ()),
    )


def write_stories(
    generation: str | os.PathLike,
    incremental_from: str | os.PathLike | None = None,
    stages: dict[str, float] | None = None,
    readings: Readings | None = None,
) -> Sidecar:
    """Compute the stories of a finished (unpublished) generation and write its sidecar there.

    Called by the indexer after the generation's last commit and before it is published,
    so readers see a generation and its stories together. With `incremental_from` (the
    live generation the build started from), only articles that are new or changed
    (by content hash) are clustered, against that generation's sidecar; where it has
    none (built before stories existed), everything is clustered afresh. The seconds
    spent are added to `stages["stories"]` (the build report's stage timings). `readings`
    are the indexing workers' (`StoryReader`): articles without one are read from their stored text.
    """
    started = time.perf_counter()
    generation = Path(generation)
    previous = Sidecar.load(Path(incremental_from)) if incremental_from is not None else None
    known = {m.id: m.content_hash for m in previous.members} if previous is not None else {}
    articles: list[StoryArticle] = []
    keep: set[str] = set()
    docnums: dict[str, int] = {}
    for docnum, article in read_articles(generation):
        docnums[article.id] = docnum
        if known.get(article.id) == article.content_hash and article.content_hash:
            keep.add(article.id)
        else:
            articles.append(article)
    sidecar = cluster(articles, previous, keep, readings)
    sidecar.save(generation)
    _save_doc_stories(generation, sidecar, docnums)
    if stages is not None:
        stages["stories"] = stages.get("stories", 0.0) + time.perf_counter() - started
    return sidecar


def _save_doc_stories(generation: Path, sidecar: Sidecar, docnums: dict[str, int]) -> None:
    """What searching reads once per generation: the story of each document number, and each story's outlets.

    `DOC_STORIES` holds the story ordinal per document number (-1 for a deleted one);
    `STORY_LIST` names each ordinal's story with its size and outlets in time order,
    so a hit can say "3 versions: outlet A, outlet B" without reading the versions.
    """
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(str(generation)).reader() as reader:
        size = reader.doc_count_all()
    grouped = sidecar.stories()
    ordinals = {story: n for n, story in enumerate(grouped)}  # `stories()` is sorted by story id
    doc_stories = np.full(size, -1, dtype=np.int32)
    for member in sidecar.members:
        doc_stories[docnums[member.id]] = ordinals[member.story]
    listing = [
        {"id": story, "size": len(members), "sources": list(dict.fromkeys(m.source for m in members if m.source))}
        for story, members in grouped.items()
    ]
    with open(generation / (DOC_STORIES + ".part"), "wb") as handle:
        np.save(handle, doc_stories, allow_pickle=False)
    with open(generation / (STORY_LIST + ".part"), "w", encoding="utf-8") as handle:
        handle.write(_json(listing))
    for name in (DOC_STORIES, STORY_LIST):
        os.replace(generation / (name + ".part"), generation / name)


def pairwise(stories: dict[str, str], pairs: Sequence[tuple[str, str, bool]]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of "same story" over judged pairs (id, id, same)."""
    tp = sum(1 for a, b, same in pairs if same and stories.get(a) == stories.get(b) is not None)
    fp = sum(1 for a, b, same in pairs if not same and stories.get(a) == stories.get(b) is not None)
    fn = sum(1 for a, b, same in pairs if same) - tp
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn, "pairs": len(pairs)}
