"""What one query may cost (issue 13): expansion budget, phrase limits, positional work, deadline, gate.

Each on a real index built on disk by the real indexer, from generated articles whose
vocabulary is made to be hostile: hundreds of distinct words under one prefix, and a
word in every article.
"""
from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path

import pytest
from search_support import made_up_word
from whoosh import query as wq

from index.build import build_index
from search import QueryError, SearchBusy, Searcher, SearchTimeout
from search.budget import AdmissionGate, Deadline, within
from search.matching import ArrayMatcher
from search.query import (
    MAX_COMMON_PHRASE_WORDS,
    MAX_EXPANSIONS,
    MAX_PHRASE_WORDS,
    MAX_TOTAL_EXPANSIONS,
    Highlight,
    fair_shares,
    parse_query,
    resolve,
)
from search.snippets import MAX_ALTERNATIVES, Highlighter
from search.vocabulary import Vocabulary

PREFIXES = ("kel", "mor", "tav")  # each starts many distinct made-up words
WORDS_PER_PREFIX = 260


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory) -> Path:
    """600 articles: every one says "common"; together they use 260 words under each prefix."""
    root = tmp_path_factory.mktemp("budget")
    rng = random.Random(13)
    vocabulary = [made_up_word(prefix, n) for prefix in PREFIXES for n in range(WORDS_PER_PREFIX)]
    with open(root / "articles.jsonl", "w", encoding="utf-8") as handle:
        for number in range(600):
            words = rng.sample(vocabulary, 12)
            body = f"The common report said {' '.join(words)}. Officials met in the capital. " * 2
            handle.write(json.dumps({"id": f"a{number}", "title": f"Report {number}", "body": body,
                                     "date": "2020-01-01", "source": "Wire"}) + "\n")
    index = root / "index"
    build_index([root / "articles.jsonl"], index, workers=1)
    return index


@pytest.fixture(scope="module")
def searcher(hostile_index) -> Searcher:
    with Searcher(hostile_index) as searcher:
        yield searcher


def test_fair_shares_give_no_claim_more_than_it_wants_and_split_the_rest():
    assert fair_shares([3, 500, 500], 256) == [3, 126, 127]
    assert fair_shares([10, 20], 256) == [10, 20]
    shares = fair_shares([200] * 32, 256)
    assert shares == [8] * 32 and sum(shares) <= 256
    assert fair_shares([], 256) == []


def test_wildcards_of_one_query_share_one_budget_and_say_what_was_cut(searcher, hostile_index):
    with Searcher(hostile_index) as fresh:
        generation = fresh._handle.current()
        whoosh_searcher = generation.index.searcher()
        vocabulary = Vocabulary.from_reader(whoosh_searcher.reader())
        parsed = parse_query(" OR ".join(f"{prefix}*" for prefix in PREFIXES))
        resolved = resolve(parsed.query, vocabulary, lambda *_: [])
    stems = {leaf.text for leaf in resolved.query.leaves() if isinstance(leaf, wq.Term)}
    assert WORDS_PER_PREFIX * len(PREFIXES) > MAX_TOTAL_EXPANSIONS  # the test means something
    assert len(stems) <= MAX_TOTAL_EXPANSIONS
    assert len(resolved.highlight.words) <= MAX_TOTAL_EXPANSIONS
    assert len(resolved.narrowed) == len(PREFIXES)  # one line per wildcard, not per field it searches
    for prefix, line in zip(PREFIXES, resolved.narrowed, strict=False):
        assert line.startswith(f"{prefix}*") and f"{MAX_EXPANSIONS} or more words" in line
    result = searcher.search(" OR ".join(f"{prefix}*" for prefix in PREFIXES))
    assert result.narrowed == list(resolved.narrowed) and result.to_dict()["narrowed"] == result.narrowed
    assert result.total > 0


def test_a_wildcard_within_budget_is_not_narrowed(searcher):
    result = searcher.search("kela*")  # a handful of words
    assert result.total > 0 and result.narrowed == []


def test_long_and_common_phrases_are_refused_before_any_work(searcher):
    with pytest.raises(QueryError, match=f"at most {MAX_PHRASE_WORDS}"):
        searcher.search('"' + " ".join(f"w{n}" for n in range(MAX_PHRASE_WORDS + 1)) + '"')
    with pytest.raises(QueryError, match="only of common words"):
        searcher.search('"' + " ".join(["the", "of", "and", "in", "a", "to"][: MAX_COMMON_PHRASE_WORDS + 1]) + '"')
    # Phrase words count toward the term cap: 13 phrases of 5 words are 65 terms.
    with pytest.raises(QueryError, match="too many terms"):
        searcher.search(" ".join(f'"officials met in the capital{n}"' for n in range(13)))
    # A phrase of a few common words is still a question we answer.
    assert searcher.search('"the common report"', collapse="none").total == 600


def test_positional_work_of_phrases_is_charged_before_it_runs(searcher):
    """Whoosh's positional loop cannot be interrupted, so its work is charged before it runs; a segment
    with mapped positions (`index.postings`) answers with numpy and is not charged."""
    generation = searcher._handle.current()
    whoosh_searcher = generation.index.searcher()
    phrase = wq.Phrase("exact", ["common", "report", "said"])
    mapped = generation.matcher(whoosh_searcher)
    assert generation.postings, "the built index maps its frequent terms' positions"
    mapped.max_positional_work = 0
    assert mapped.mask(phrase).sum() == 600 and mapped.positional_work == 0
    matcher = ArrayMatcher(whoosh_searcher, generation.facets.size, generation.facets.dates, generation.lengths)
    matcher.max_positional_work = 600 * 3 - 1  # one article short of "common report said" everywhere
    with pytest.raises(QueryError, match="too common to match word by word"):
        matcher.mask(phrase)
    matcher = ArrayMatcher(whoosh_searcher, generation.facets.size, generation.facets.dates, generation.lengths)
    matcher.max_positional_work = 600 * 3
    assert (matcher.mask(phrase) == mapped.mask(phrase)).all()


def test_the_highlighter_scans_words_when_a_regex_would_be_huge_and_finds_the_same():
    rng = random.Random(5)
    words = frozenset(made_up_word(prefix, n) for prefix in PREFIXES for n in range(WORDS_PER_PREFIX))
    vocabulary = sorted(words) + ["common", "capital", "officials"]
    text = " ".join(rng.choice(vocabulary) for _ in range(3000))
    many = Highlighter(Highlight(words=words))
    assert many.scan and len(many.prefixes) > MAX_ALTERNATIVES
    few = Highlighter(Highlight(words=words))
    few.scan = False  # the same highlight through the regex path
    assert many.hits(text) == few.hits(text)
    expected = sum(1 for word in text.split() if word in words)
    assert len(many.hits(text, max_per_term=10_000, max_candidates=10_000)) == expected


def test_a_spent_deadline_stops_the_search_with_a_clear_message(searcher):
    with within(Deadline(0.0)), pytest.raises(SearchTimeout, match="budget: narrow the query") as error:
        searcher.search("common")
    assert error.value.retry_after >= 1
    with within(Deadline(30.0, gone=lambda: True)), pytest.raises(SearchTimeout, match="disconnected"):
        searcher.search("kel*")
    waited_too_long = Deadline(30.0, started=time.monotonic() - 1000)  # CPU left, wall-clock cap long past
    with within(waited_too_long), pytest.raises(SearchTimeout):
        searcher.search("common")
    assert searcher.search("common", collapse="none").total == 600  # no deadline in force: unbounded, as before


def test_the_gate_holds_back_expensive_queries_only(hostile_index):
    gate = AdmissionGate(slots=1, queue=0, wait=0)
    with Searcher(hostile_index, gate=gate) as gated:
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            with gate.admit(True):
                held.set()
                release.wait(10)

        holder = threading.Thread(target=hold)
        holder.start()
        try:
            assert held.wait(10)
            with pytest.raises(SearchBusy, match="busy"):
                gated.search("kel*")
            with pytest.raises(SearchBusy):
                gated.search("capitol~1")
            assert gated.search("common", collapse="none").total == 600  # cheap queries never wait for the gate
        finally:
            release.set()
            holder.join()
        assert gated.search("kel*").total > 0  # the slot is free again


def test_a_waiting_query_gets_the_slot_when_it_frees():
    gate = AdmissionGate(slots=1, queue=1, wait=10)
    order: list[str] = []
    inside = threading.Event()

    def first() -> None:
        with gate.admit(True):
            inside.set()
            order.append("first")

    with gate.admit(True):
        thread = threading.Thread(target=first)
        thread.start()
        assert not inside.wait(0.2)  # waiting for our slot
        order.append("holder")
    thread.join(10)
    assert order == ["holder", "first"]


# ---------------------------------------------------------------- through real HTTP

def test_hostile_queries_over_http_are_narrowed_or_refused_in_one_line(hostile_index):
    import requests
    from hostile import Server

    wildcards = " OR ".join(f"{prefix}*" for prefix in PREFIXES)
    with Server(hostile_index) as server:
        answer = requests.get(f"{server.url}/api/search", params={"q": wildcards}, timeout=30)
        assert answer.status_code == 200 and len(answer.json()["narrowed"]) == len(PREFIXES)
        page = requests.get(f"{server.url}/search", params={"q": wildcards}, timeout=30)
        assert page.status_code == 200 and 'class="suggestion narrowed"' in page.text
        long_phrase = '"' + " ".join(f"w{n}" for n in range(MAX_PHRASE_WORDS + 1)) + '"'
        refused = requests.get(f"{server.url}/api/search", params={"q": long_phrase}, timeout=30)
        assert refused.status_code == 400
        assert f"at most {MAX_PHRASE_WORDS}" in refused.json()["error"] and "\n" not in refused.json()["error"]
        article = requests.get(f"{server.url}/articles/a1", params={"q": wildcards}, timeout=30)
        assert article.status_code == 200
        assert "Traceback" not in server.log()


def test_a_request_over_its_time_budget_answers_503_with_retry_after(hostile_index):
    import requests
    from hostile import Server

    with Server(hostile_index, env={"NEWSFACETS_TIME_BUDGET": "0.000001"}) as server:
        for path in ("/api/search", "/search"):
            answer = requests.get(f"{server.url}{path}", params={"q": "common"}, timeout=30)
            assert answer.status_code == 503, (path, answer.text[:200])
            assert int(answer.headers["Retry-After"]) >= 1
            assert "budget" in answer.text and "Traceback" not in answer.text
        assert "Traceback" not in server.log()


def test_the_gate_is_shared_by_processes_forked_after_it(hostile_index):
    """`serve` creates the app (and its gate) before forking workers: a slot held in one is held in all."""
    import multiprocessing

    gate = AdmissionGate(slots=1, queue=0, wait=0)
    context = multiprocessing.get_context("fork")
    held, release = context.Event(), context.Event()

    def hold() -> None:
        with gate.admit(True):
            held.set()
            release.wait(20)

    worker = context.Process(target=hold)
    worker.start()
    try:
        assert held.wait(20)
        with Searcher(hostile_index, gate=gate) as gated, pytest.raises(SearchBusy):
            gated.search("kel*")
    finally:
        release.set()
        worker.join(20)
    with Searcher(hostile_index, gate=gate) as gated:
        assert gated.search("kel*").total > 0


def test_a_query_that_turns_out_expensive_takes_a_slot_when_it_has_cost_enough(hostile_index):
    """Promotion: the gate judges by CPU spent, not only by syntax (a long plain OR query looks cheap)."""
    from search import budget

    gate = AdmissionGate(slots=1, queue=0, wait=0)
    with gate.admit(False):
        ticket = budget._admission.get()
        assert ticket is not None and ticket.fd is None
        started = time.thread_time()
        while time.thread_time() - started <= budget.PROMOTE_AFTER_CPU_SECONDS:
            sum(range(10_000))
        budget.check()
        assert ticket.fd is not None  # holds the slot now
        other = AdmissionGate.__new__(AdmissionGate)  # a second view of the same slots, as another process has
        other.__dict__.update(gate.__dict__)
        assert other._try_slot() is None
    fd = gate._try_slot()
    assert fd is not None  # released with the request
    import os

    os.close(fd)


def test_the_search_command_runs_unbounded_unless_given_a_time_budget(hostile_index):
    """`newsfacets search --time-budget`: a clear one-line refusal over it, an answer within it, a bad value refused."""
    from hostile import TRACEBACK, run_newsfacets

    query = " OR ".join(f"{prefix}*" for prefix in PREFIXES)
    unbounded = run_newsfacets("search", query, "--index", str(hostile_index), "--json")
    assert unbounded.returncode == 0 and json.loads(unbounded.stdout)["total"] > 0
    within_budget = run_newsfacets("search", query, "--index", str(hostile_index), "--json", "--time-budget", "60")
    assert within_budget.returncode == 0
    assert json.loads(within_budget.stdout)["total"] == json.loads(unbounded.stdout)["total"]
    over = run_newsfacets("search", query, "--index", str(hostile_index), "--time-budget", "0.000001")
    assert over.returncode == 2 and not over.stdout
    assert over.stderr.count("\n") == 1 and "budget" in over.stderr and TRACEBACK not in over.stderr
    for bad in ("-1", "soon", "inf"):
        refused = run_newsfacets("search", query, "--index", str(hostile_index), "--time-budget", bad)
        assert refused.returncode == 2 and "--time-budget" in refused.stderr and TRACEBACK not in refused.stderr
