#!/usr/bin/env python3
"""Ranking quality on the Cranfield collection: MAP, P@10, nDCG@10 and recall@100.

    python benchmarks/bench_ranking.py [--cranfield DIR] [--no-write]

The 1,400 abstracts (`cran.all.1400`: id = `.I`, title = `.T`, body = `.W`; no date or
source) go through a temporary JSONL file into `index.build.build_index`, in a temporary
directory that is deleted afterwards (the collection is research-only: nothing derived
from it stays on disk). Each of the 225 queries (`cran.qry`) is then run through
`Searcher.search` as a user would type it, top 100 hits, in three modes:

- OR: the query's analysed words (folded, stop words such as "what" dropped, each word
  once) joined with " OR ": a ranked "any word" list, written out explicitly;
- AND (default): the query text as it is; stop words and punctuation are dropped by the
  parser, `a-b` becomes the phrase "a b"; a plain query of three or more words that
  matches nothing as typed is relaxed to any of its words, and one still empty is
  retried fuzzily, exactly as `Searcher.search` does for any user;
- OR, body only: the OR query with every word as `body:word`, so the title field is not
  searched. The title boost itself (`index.schema.TITLE_BOOST`, 2.0) is fixed in the
  schema and not a `Searcher` option, so this is the nearest the public API comes to
  "without the title boost" (Cranfield bodies repeat the title, so it isolates the boost).

Relevance (`cranqrel`: `query doc grade`): queries are numbered by their order in
`cran.qry`, not by its `.I` numbers; grades 1-4 are relevant (1 the most) and -1 means
not relevant. nDCG uses gains 4, 3, 2, 1 for grades 1-4. MAP and recall divide by all
judged-relevant documents of a query, as trec_eval does; queries with none are skipped.
Figures go to the `## Ranking` section of docs/BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from report import machine, publish  # noqa: E402

from index.analysis import EXACT, STOP_WORDS, terms  # noqa: E402
from index.build import build_index  # noqa: E402
from index.schema import TITLE_BOOST  # noqa: E402
from search import QueryError, Searcher  # noqa: E402
from search.query import MAX_CLAUSES  # noqa: E402

DEFAULT_CRANFIELD = REPO.parent / "shared" / "corpus" / "cranfield"
DEPTH = 100  # hits per query: one page of `Searcher.search`'s maximum size
CUTOFF = 10  # for P@10 and nDCG@10
# Each word of an unfielded query searches title and body: two clauses under the parser's limit.
MAX_OR_WORDS = MAX_CLAUSES // 2

Grades = dict[str, int]  # document id -> Cranfield grade 1 (complete answer) .. 4 (minimum interest)


# ---------------------------------------------------------------------------- reading


def _records(path: Path) -> Iterator[dict[str, str]]:
    """SMART-format records (`.I n`, then `.T`/`.A`/`.B`/`.W` fields): {"I": "n", "T": ..., "W": ...}."""
    record: dict[str, str] | None = None
    field = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith(".I"):
            if record is not None:
                yield record
            record, field = {"I": line[2:].strip()}, None
        elif len(line) == 2 and line.startswith(".") and record is not None:
            field = line[1]
            record[field] = ""
        elif record is not None and field is not None:
            record[field] += line + "\n"
    if record is not None:
        yield record


def read_documents(cranfield: Path) -> Iterator[dict[str, str]]:
    """The abstracts as our JSONL records: id, title and body."""
    for record in _records(cranfield / "cran.all.1400"):
        yield {"id": record["I"], "title": " ".join(record.get("T", "").split()), "body": record.get("W", "").strip()}


def read_queries(cranfield: Path) -> dict[int, str]:
    """Query number (its position in cran.qry, as cranqrel counts them) -> text."""
    return {n: " ".join(record.get("W", "").split()) for n, record in enumerate(_records(cranfield / "cran.qry"), 1)}


def read_qrels(cranfield: Path) -> dict[int, Grades]:
    """Query number -> its relevant documents' grades; grade -1 (not relevant) is left out."""
    qrels: dict[int, Grades] = {}
    for line in (cranfield / "cranqrel").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        query, doc, grade = line.split()
        if 1 <= int(grade) <= 4:
            qrels.setdefault(int(query), {})[doc] = int(grade)
    return qrels


# ---------------------------------------------------------------------------- queries


def query_words(text: str) -> list[str]:
    """The words of a natural-language query that can match: folded, stop words out, each once, in order."""
    return list(dict.fromkeys(w for w in terms(EXACT, text) if w not in STOP_WORDS))


def or_query(text: str) -> str:
    """`text` as an OR of its words (at most `MAX_OR_WORDS`, so the parser accepts it)."""
    return " OR ".join(query_words(text)[:MAX_OR_WORDS])


def body_or_query(text: str) -> str:
    """`or_query` restricted to the body field, so the title (and its boost) plays no part."""
    return " OR ".join(f"body:{w}" for w in query_words(text)[:MAX_OR_WORDS])


def as_typed(text: str) -> str:
    """The query as the user wrote it: our default AND of all words."""
    return text


MODES: dict[str, Callable[[str], str]] = {
    "OR of the query's words": or_query,
    "AND (default), text as typed": as_typed,
    "OR, body only (title not searched)": body_or_query,
}


# ---------------------------------------------------------------------------- running


def build(cranfield: Path, index_dir: Path) -> int:
    """Index the abstracts into `index_dir`; returns how many were indexed."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "cranfield.jsonl"
        with corpus.open("w", encoding="utf-8") as handle:
            for document in read_documents(cranfield):
                handle.write(json.dumps(document) + "\n")
        return build_index([corpus], index_dir).indexed


def rankings(searcher: Searcher, queries: dict[int, str], to_query: Callable[[str], str]) -> dict[int, list[str]]:
    """Query number -> ids of its top `DEPTH` hits; a query we refuse ranks nothing (and is counted)."""
    ranked = {}
    for number, text in queries.items():
        try:
            # Judgements are per document: every version is ranked, none collapsed into its story.
            result = searcher.search(to_query(text), per_page=DEPTH, facet_size=0, snippets=False, collapse="none")
        except QueryError:
            ranked[number] = []
            continue
        ranked[number] = [hit.id for hit in result.hits]
    return ranked


# ---------------------------------------------------------------------------- metrics


def average_precision(ranked: list[str], grades: Grades) -> float:
    """Mean of the precision at each relevant hit, over all relevant documents (found or not)."""
    found, total = 0, 0.0
    for rank, doc in enumerate(ranked, 1):
        if doc in grades:
            found += 1
            total += found / rank
    return total / len(grades)


def precision_at(ranked: list[str], grades: Grades, k: int = CUTOFF) -> float:
    return sum(doc in grades for doc in ranked[:k]) / k


def recall_at(ranked: list[str], grades: Grades, k: int = DEPTH) -> float:
    return sum(doc in grades for doc in ranked[:k]) / len(grades)


def gain(grade: int) -> int:
    """Grade 1 (complete answer) gains 4, grade 4 (minimum interest) gains 1."""
    return 5 - grade


def ndcg_at(ranked: list[str], grades: Grades, k: int = CUTOFF) -> float:
    dcg = sum(gain(grades[doc]) / math.log2(rank + 1) for rank, doc in enumerate(ranked[:k], 1) if doc in grades)
    best = sorted((gain(g) for g in grades.values()), reverse=True)[:k]
    ideal = sum(g / math.log2(rank + 1) for rank, g in enumerate(best, 1))
    return dcg / ideal


@dataclass(frozen=True)
class Scores:
    """Means over the judged queries."""

    queries: int
    map: float
    p_at_10: float
    ndcg_at_10: float
    recall_at_100: float
    empty: int  # queries that ranked no document at all


def evaluate(ranked: dict[int, list[str]], qrels: dict[int, Grades]) -> Scores:
    judged = [n for n in ranked if qrels.get(n)]
    if not judged:
        raise ValueError("no query has relevance judgements: check cranqrel against cran.qry")

    def mean(metric) -> float:
        return statistics.fmean(metric(ranked[n], qrels[n]) for n in judged)

    return Scores(
        queries=len(judged),
        map=mean(average_precision),
        p_at_10=mean(precision_at),
        ndcg_at_10=mean(ndcg_at),
        recall_at_100=mean(recall_at),
        empty=sum(not ranked[n] for n in judged),
    )


def evaluate_modes(cranfield: Path, index_dir: Path, modes=MODES) -> dict[str, Scores]:
    """Every mode's scores over the index of `cranfield` at `index_dir` (built beforehand)."""
    queries, qrels = read_queries(cranfield), read_qrels(cranfield)
    with Searcher(index_dir) as searcher:
        return {name: evaluate(rankings(searcher, queries, to_query), qrels) for name, to_query in modes.items()}


# ---------------------------------------------------------------------------- report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cranfield", type=Path, default=DEFAULT_CRANFIELD, help="folder with cran.all.1400, cran.qry and cranqrel"
    )
    parser.add_argument("--no-write", action="store_true", help="print figures, leave docs/BENCHMARKS.md alone")
    args = parser.parse_args()
    missing = [name for name in ("cran.all.1400", "cran.qry", "cranqrel") if not (args.cranfield / name).is_file()]
    if missing:
        print(f"bench_ranking: {', '.join(missing)} not found in {args.cranfield}", file=sys.stderr)
        return 1

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        documents = build(args.cranfield, index_dir)
        figures = evaluate_modes(args.cranfield, index_dir)
    seconds = time.perf_counter() - started
    queries = read_queries(args.cranfield)
    capped = sum(len(query_words(text)) > MAX_OR_WORDS for text in queries.values())
    words = statistics.median(len(query_words(text)) for text in queries.values())

    rows = "\n".join(
        f"| {name} | {s.map:.3f} | {s.p_at_10:.3f} | {s.ndcg_at_10:.3f} | {s.recall_at_100:.3f} | {s.empty} |"
        for name, s in figures.items()
    )
    judged = next(iter(figures.values())).queries
    body = f"""`python benchmarks/bench_ranking.py` on {machine()} ({seconds:.0f} s with the index build).

Corpus: Cranfield, {documents} abstracts indexed (title = `.T`, body = `.W`, no dates or sources),
{judged} judged queries, top {DEPTH} hits each through `Searcher.search` (BM25F, title boost
{TITLE_BOOST:g}). Relevant = cranqrel grades 1-4 (queries numbered by their order in `cran.qry`);
nDCG gains 4, 3, 2, 1 for grades 1, 2, 3, 4; MAP and recall over all relevant documents of a query.

| mode | MAP | P@10 | nDCG@10 | recall@100 | queries with no hits |
|---|---|---|---|---|---|
{rows}

- **OR**: the query's words (median {words:.0f}; stop words such as "what" dropped; {capped} queries cut
  to their first {MAX_OR_WORDS} words, the parser's clause limit) joined with ` OR `.
- **AND (default)**: the question as typed. All words must match, which suits the two or three words
  people type; a whole question rarely matches as typed, so it is relaxed to "any of its words"
  (the result says `relaxed: true`). Questions that match a handful of articles strictly are not
  relaxed, which is most of the gap to the OR row.
- **OR, body only**: each word as `body:word`. The title boost is fixed in the schema, not a search
  option; since Cranfield bodies start with the title, this is the nearest public-API proxy for
  "no title boost".

No published reference figure is quoted: their tokenisation, stemming and query handling differ.
"""
    publish("Ranking", body, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
