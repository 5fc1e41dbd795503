"""The Searcher on a real index of a small hand-written corpus, where every expected answer is known.

The corpus is JSON Lines written to a temporary folder and indexed with the real
`index.build.build_index`; sources and dates come from the records, so facet and date
assertions are exact.
"""
from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.build import build_index
from index.store import IndexMissing
from search import QueryError, Searcher
from search_support import only_marks

FILLER_WORDS = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor".split()
LONG_PREFIX = " ".join(FILLER_WORDS[i % len(FILLER_WORDS)] for i in range(20_000))  # ~120K characters

RECORDS = [
    {"id": "a1", "title": "Protests spread in Damascus", "date": "2011-03-25", "source": "Wire A",
     "body": "Thousands of protesters marched in Damascus on Friday. Security forces opened fire on the "
             "protesters near the old mosque."},
    {"id": "a2", "title": "Ceasefire talks in Geneva", "date": "2016-02-10", "source": "Wire B",
     "body": "Diplomats met in Geneva to discuss a ceasefire. The talks ended without agreement on "
             "humanitarian corridors for the ceasefire."},
    {"id": "a3", "title": "Aleppo siege tightens", "date": "2016-08-05", "source": "Wire A",
     "body": "Government forces tightened the siege of Aleppo. Residents reported shortages of bread and "
             "fuel as the siege entered its third month."},
    {"id": "a4", "title": "Refugees reach Lesbos", "date": "2015-09-01", "source": "Wire C",
     "body": "Boats carrying refugees reached the Greek island of Lesbos. Volunteers handed out blankets."},
    {"id": "a5", "title": "Analysis: the economy of war", "source": "Wire B",
     "body": "Sanctions and war have shrunk the economy. Prices rose as the currency collapsed."},
    {"id": "a6", "title": "<script>alert('t')</script> Hostile title about bread", "date": "2016-08-20",
     "source": "Wire C",
     "body": "<img src=x onerror=alert(1)> bread <b>bold</b> & <a href='javascript:alert(2)'>link</a> "
             "<script>document.write('x')</script> siege"},
    {"id": "a7", "title": "Long report", "date": "2016-01-15", "source": "Wire A",
     "body": LONG_PREFIX + " At last the rare zeppelin landed in the square. " + " ".join(FILLER_WORDS * 20)},
    {"id": "a8", "title": "Geneva talks resume", "date": "2016-02-28", "source": "Wire A",
     "body": "Negotiators returned to Geneva as the ceasefire held in most areas. Aid convoys reached "
             "besieged towns."},
    {"id": "a9", "title": "Café owners reopen", "date": "2017-05-05", "source": "Wire D",
     "body": "The café reopened on the corniche. Crème brûlée returned to the menu."},
]
ALL = {r["id"] for r in RECORDS}


def write_corpus(folder: Path, records: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "articles.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("search")
    report = build_index([write_corpus(root / "corpus", RECORDS)], root / "index", workers=1)
    assert report.indexed == len(RECORDS), report.skipped
    return root / "index"


@pytest.fixture(scope="module")
def searcher(index_dir):
    with Searcher(index_dir) as s:
        yield s


def ids(result) -> set[str]:
    return {hit.id for hit in result.hits}


def search_ids(searcher, query="", **kwargs) -> set[str]:
    result = searcher.search(query, per_page=100, **kwargs)
    assert result.total == len(result.hits)
    return ids(result)


def facet(result, name) -> dict[str, int]:
    return {v["value"]: v["count"] for v in result.facets[name]}


# ------------------------------------------------------------------ query forms


@pytest.mark.parametrize("query, expected", [
    ("protesters damascus", {"a1"}),
    ("protest", {"a1"}),  # stemmed: protesters -> protest
    ("damascus geneva", set()),  # all words must match
    ('"security forces"', {"a1"}),
    ('"forces security"', set()),
    ('"protester"', set()),  # phrases are word for word, not stemmed
    ("geneva OR lesbos", {"a2", "a4", "a8"}),
    ("ceasefire -aid", {"a2"}),
    ("ceasefire NOT aid", {"a2"}),
    ("gene*", {"a2", "a8"}),
    ("genava~", {"a2", "a8"}),
    ("title:siege", {"a3"}),
    ("body:siege", {"a3", "a6"}),
    ("(geneva OR lesbos) AND refugees", {"a4"}),
    ("(geneva OR lesbos) refugees", {"a4"}),
    ("date:2016-01..2016-02", {"a2", "a7", "a8"}),
    ("date:2016-02 ceasefire", {"a2", "a8"}),
    ("date:..2015", {"a1", "a4"}),
    ("geneva OR date:2011", {"a1", "a2", "a8"}),
    ("cafe", {"a9"}),
    ("Café CRÈME brulee", {"a9"}),
    ('source:"wire a"', {"a1", "a3", "a7", "a8"}),
    ("source:wire", ALL),
    ("source:wire siege", {"a3", "a6"}),
    ("-source:wire", set()),
    ('"security forces', {"a1"}),  # unbalanced quote: plain words
    ("(geneva OR lesbos", {"a2", "a4", "a8"}),  # unbalanced bracket
    ("geneva)", {"a2", "a8"}),
    ("zeppelin", {"a7"}),
])
def test_query_forms(searcher, query, expected):
    assert search_ids(searcher, query) == expected


def test_unknown_field_is_read_as_words(searcher):
    result = searcher.search("nosuchfield:geneva")
    assert result.total == 0  # "nosuchfield geneva" together: no article has both
    assert search_ids(searcher, "nosuchfield:geneva OR lesbos") == {"a4"}


def test_empty_query_browses_everything_newest_first(searcher):
    result = searcher.search("", per_page=100)
    assert result.total == len(RECORDS)
    assert [h.id for h in result.hits][:3] == ["a9", "a6", "a3"]
    assert result.hits[-1].id == "a5"  # undated last
    assert all(h.score is None for h in result.hits)


def test_relevance_ranks_more_matches_first(searcher):
    result = searcher.search("ceasefire")
    assert [h.id for h in result.hits] == ["a2", "a8"]  # a2 says it in the title and twice in the body
    assert result.hits[0].score > result.hits[1].score > 0


# ---------------------------------------------------------------------- filters


def test_filters_or_within_and_across(searcher):
    assert search_ids(searcher, source=["Wire A"]) == {"a1", "a3", "a7", "a8"}
    assert search_ids(searcher, source=["Wire A", "Wire B"]) == {"a1", "a2", "a3", "a5", "a7", "a8"}
    assert search_ids(searcher, source=["wire a"]) == {"a1", "a3", "a7", "a8"}  # case-insensitive
    assert search_ids(searcher, source=["Wire A"], date_from="2016") == {"a3", "a7", "a8"}
    assert search_ids(searcher, "siege", source=["Wire A", "Wire C"]) == {"a3", "a6"}
    assert search_ids(searcher, "siege", source=["Wire B"]) == set()
    assert search_ids(searcher, source=["No Such Wire"]) == set()


def test_exclusion_filters(searcher):
    assert search_ids(searcher, not_source=["Wire A"]) == {"a2", "a4", "a5", "a6", "a9"}
    assert search_ids(searcher, not_source=["Wire A", "wire b"]) == {"a4", "a6", "a9"}
    assert search_ids(searcher, source=["Wire A", "Wire B"], not_source=["Wire B"]) == {"a1", "a3", "a7", "a8"}
    result = searcher.search("", not_source=["Wire A"])
    assert "Wire A" not in facet(result, "source")  # excluded articles are counted nowhere


def test_own_filter_does_not_shrink_own_counts(searcher):
    result = searcher.search("", source=["Wire A"])
    assert result.total == 4
    assert facet(result, "source") == {"Wire A": 4, "Wire B": 2, "Wire C": 2, "Wire D": 1}
    assert facet(result, "date") == {"2016": 3, "2011": 1}  # other facets follow the filter
    filtered = searcher.search("", source=["Wire A"], date_from="2016-02", date_to="2016-08")
    assert facet(filtered, "source") == {"Wire A": 2, "Wire B": 1, "Wire C": 1}  # follows the date filter


def test_facet_counts_follow_the_query_and_sort_by_count_then_name(searcher):
    result = searcher.search("siege OR geneva OR lesbos")
    assert result.facets["source"] == [
        {"value": "Wire A", "count": 2}, {"value": "Wire C", "count": 2}, {"value": "Wire B", "count": 1},
    ]
    assert len(searcher.search("", facet_size=2).facets["source"]) == 2


def test_actor_location_country_filters_agree_with_the_articles(searcher):
    """OR within and AND across for the extracted facets, checked against each article's own values."""
    everything = searcher.search("", per_page=100, facet_size=100)
    articles = {hit.id: hit for hit in everything.hits}
    for name, key in (("actor", "actors"), ("location", "locations"), ("country", "countries")):
        values = [v["value"] for v in everything.facets[name]][:2]
        for value in values:
            expected = {i for i, hit in articles.items() if value in getattr(hit, key)}
            assert search_ids(searcher, **{name: [value]}) == expected
            assert facet(everything, name)[value] == len(expected)
        if len(values) == 2:
            either = {i for i, hit in articles.items() if set(values) & set(getattr(hit, key))}
            assert search_ids(searcher, **{name: values}) == either


# ------------------------------------------------------------------------ dates


@pytest.mark.parametrize("date_from, date_to, expected", [
    ("2016", "2016", {"a2", "a3", "a6", "a7", "a8"}),
    (None, "2015", {"a1", "a4"}),  # --to 2015 includes all of 2015; undated articles match no range
    ("2016-02", "2016-02", {"a2", "a8"}),
    ("2016-02-28", None, {"a3", "a6", "a8", "a9"}),
    ("2016-02-10", "2016-02-10", {"a2"}),
    ("2011-03-25", "2015-09-01", {"a1", "a4"}),
])
def test_date_filters(searcher, date_from, date_to, expected):
    assert search_ids(searcher, date_from=date_from, date_to=date_to) == expected


@pytest.mark.parametrize("bad", ["2016-13", "2016-02-30", "16", "yesterday", "2016/02/01"])
def test_bad_dates_are_query_errors(searcher, bad):
    with pytest.raises(QueryError, match="date"):
        searcher.search("", date_from=bad)


def test_date_buckets_years_then_months(searcher):
    assert facet(searcher.search(""), "date") == {"2016": 5, "2011": 1, "2015": 1, "2017": 1}
    months = searcher.search("", date_from="2016", date_to="2016")
    assert months.facets["date"] == [
        {"value": "2016-02", "count": 2}, {"value": "2016-08", "count": 2}, {"value": "2016-01", "count": 1},
    ]
    assert facet(searcher.search("date:2016-01..2016-12"), "date") == facet(months, "date")
    assert set(facet(searcher.search("", date_from="2016-01", date_to="2017-06"), "date")) == {"2016", "2017"}


# ----------------------------------------------------------------- sorts, pages


def test_sorts(searcher):
    newest = [h.id for h in searcher.search("", sort="newest", per_page=100).hits]
    oldest = [h.id for h in searcher.search("", sort="oldest", per_page=100).hits]
    assert newest[0] == "a9" and oldest[0] == "a1"
    assert newest[-1] == oldest[-1] == "a5"  # unknown dates last either way
    assert oldest[:-1] == list(reversed(newest[:-1]))
    assert [h.id for h in searcher.search("geneva", sort="oldest").hits] == ["a2", "a8"]


def test_paging(searcher):
    pages = [searcher.search("", per_page=4, page=n) for n in (1, 2, 3, 4)]
    assert [len(p.hits) for p in pages] == [4, 4, 1, 0]
    assert all(p.total == 9 for p in pages)
    seen = [h.id for p in pages for h in p.hits]
    assert sorted(seen) == sorted(ALL)
    relevance = [searcher.search("siege OR geneva OR lesbos OR bread", per_page=2, page=n) for n in (1, 2, 3)]
    assert sum(len(p.hits) for p in relevance) == relevance[0].total == 5


@pytest.mark.parametrize("kwargs", [
    {"page": 0}, {"page": 1001}, {"per_page": 0}, {"per_page": 101}, {"facet_size": -1},
    {"sort": "random"}, {"page": "2"}, {"source": ["x"] * 51}, {"actor": ["x" * 201]},
])
def test_argument_bounds(searcher, kwargs):
    with pytest.raises(QueryError):
        searcher.search("", **kwargs)


# --------------------------------------------------------------------- snippets


def test_snippets_mark_stems_and_phrases(searcher):
    [hit] = searcher.search("protesting damascus").hits
    assert hit.id == "a1"
    assert "<mark>protesters</mark>" in hit.snippet and "<mark>Damascus</mark>" in hit.snippet
    assert hit.title_html == "<mark>Protests</mark> spread in <mark>Damascus</mark>"
    phrase = searcher.search('"security forces"').hits[0]
    assert "<mark>Security forces</mark>" in phrase.snippet


def test_snippets_of_hostile_articles_are_inert(searcher):
    for query in ("bread", "siege", "", "script alert", "onerror", "javascript"):
        for hit in searcher.search(query, per_page=100).hits:
            assert only_marks(hit.snippet), hit.snippet
            assert only_marks(hit.title_html), hit.title_html
    hostile = searcher.search("bread hostile").hits[0]
    assert "&lt;script&gt;" in hostile.title_html and "<mark>bread</mark>" in hostile.title_html
    assert "&lt;img" in hostile.snippet


def test_hostile_queries_are_inert(searcher):
    for query in ('<script>alert(1)</script> bread', '"><img src=x onerror=alert(1)>', "<mark>bread</mark>"):
        result = searcher.search(query)
        for hit in result.hits:
            assert only_marks(hit.snippet) and only_marks(hit.title_html)
        assert result.query == query  # the query is echoed as data, the web layer escapes it


def test_long_article_snippet_from_deep_in_the_text(searcher):
    hit = searcher.search("zeppelin").hits[0]
    assert "<mark>zeppelin</mark>" in hit.snippet
    assert len(hit.snippet) < 1000
    assert hit.snippet.startswith("…")


def test_browse_snippet_is_the_start_of_the_body(searcher):
    hit = searcher.search("", source=["Wire D"]).hits[0]
    assert hit.snippet.startswith("The café reopened") and "<mark>" not in hit.snippet


# ------------------------------------------------------- suggestion and fuzzy


def test_misspelt_query_falls_back_to_fuzzy_and_suggests(searcher):
    result = searcher.search("damscus")
    assert result.suggestion == "damascus"
    assert result.fuzzy is True
    assert ids(result) == {"a1"}
    assert "<mark>Damascus</mark>" in result.hits[0].title_html


def test_suggestion_keeps_the_query_syntax(searcher):
    result = searcher.search('"securty forces" OR title:lesbso')
    assert result.suggestion == '"security forces" OR title:lesbos'
    assert searcher.suggest("genva talks") == "geneva talks"
    assert searcher.suggest("geneva talks") is None


def test_correct_query_has_no_suggestion_and_is_not_fuzzy(searcher):
    result = searcher.search("geneva")
    assert result.suggestion is None and result.fuzzy is False


def test_query_without_hits_and_nothing_to_correct(searcher):
    result = searcher.search("geneva lesbos")  # two words: too short to relax
    assert (result.total, result.fuzzy, result.relaxed, result.suggestion) == (0, False, False, None)


# ------------------------------------------------------------- relaxed matching


def test_plain_query_with_no_article_having_every_word_relaxes_to_most_of_them(searcher):
    strict = searcher.search("geneva ceasefire aleppo")
    assert strict.relaxed is True and strict.fuzzy is False
    # a2 and a8 have two of the three words, a3 one: more words rank higher.
    assert ids(strict) == {"a2", "a8", "a3"}
    assert {h.id for h in strict.hits[:2]} == {"a2", "a8"} and strict.hits[2].id == "a3"
    assert "<mark>Aleppo</mark>" in strict.hits[2].title_html


def test_relaxed_facets_count_the_hits_shown(searcher):
    result = searcher.search("geneva ceasefire aleppo", facet_size=20)
    assert sum(v["count"] for v in result.facets["source"]) == result.total == 3
    assert {v["value"]: v["count"] for v in result.facets["source"]} == {"Wire A": 2, "Wire B": 1}
    filtered = searcher.search("geneva ceasefire aleppo", source=["Wire A"])
    assert filtered.relaxed is True and ids(filtered) == {"a3", "a8"}


def test_a_query_with_every_word_in_one_article_is_not_relaxed(searcher):
    result = searcher.search("geneva ceasefire talks")
    assert result.relaxed is False and ids(result) == {"a2", "a8"}


@pytest.mark.parametrize("query", [
    "geneva aleppo",  # fewer than three words
    "geneva AND ceasefire AND aleppo",  # the user asked for all of them
    '"geneva talks" ceasefire aleppo',  # a phrase
    "title:geneva ceasefire aleppo",  # a field
    "geneva ceasefire aleppo -bread",  # an exclusion
    "gen* ceasefire aleppo",  # a pattern
])
def test_queries_with_syntax_or_few_words_are_not_relaxed(searcher, query):
    result = searcher.search(query)
    assert (result.total, result.relaxed) == (0, False)


def test_relaxing_comes_before_the_fuzzy_retry_and_the_suggestion_stays(searcher):
    result = searcher.search("geneva ceasefire alepo")
    assert (result.relaxed, result.fuzzy) == (True, False)
    assert ids(result) == {"a2", "a8"}
    assert result.suggestion == "geneva ceasefire aleppo"
    alone = searcher.search("genevva ceasefirre talkss")  # no word known: relaxing finds nothing
    assert (alone.relaxed, alone.fuzzy, ids(alone)) == (False, True, {"a2", "a8"})


def test_article_from_a_relaxed_search_marks_its_words(searcher):
    assert hit_texts(searcher, "a3", "geneva ceasefire aleppo") == ["Aleppo"]


# --------------------------------------------------- article, similar, facets


def test_article(searcher):
    article = searcher.article("a1")
    assert article["title"] == "Protests spread in Damascus"
    assert article["body"].startswith("Thousands of protesters")
    assert article["date"] == "2011-03-25" and article["source"] == "Wire A"
    for mention in article["mentions"]:
        assert article["body"][mention["start"]:mention["end"]]
        assert mention["facet"] in ("actor", "location", "country")
    assert searcher.article("nope") is None
    assert searcher.article("../../etc/passwd") is None
    assert searcher.article("") is None


def hit_texts(searcher, article_id: str, query: str) -> list[str]:
    article = searcher.article(article_id, query)
    return [article["body"][start:end] for start, end in article["hits"]]


@pytest.mark.parametrize("article_id, query, expected", [
    ("a1", "protesters", ["protesters", "protesters"]),  # the word
    ("a1", "protest", ["protesters", "protesters"]),  # a stem variant
    ("a2", '"humanitarian corridors"', ["humanitarian corridors"]),  # a phrase is one span
    ("a2", '"the ceasefire"', ["the ceasefire"]),  # ...only where its words are together
    ("a1", "dam*", ["Damascus"]),  # a wildcard, expanded against the index
    ("a1", "damascus~", ["Damascus"]),  # a fuzzy word
    ("a1", "damscus", ["Damascus"]),  # nothing matches as typed: the fuzzy retry, as search does
    ("a1", 'location:"damascus, syria"', ["Damascus"]),  # a facet term, through the entity mention
    ("a1", "protesters -damascus", ["protesters", "protesters"]),  # excluded words are not hits
    ("a1", "protesters NOT mosque", ["protesters", "protesters"]),
    ("a9", "creme brulee", ["Crème", "brûlée"]),  # accents folded as the index folds them
    ("a1", "aleppo", []),  # a real word not in this article
])
def test_article_hits(searcher, article_id, query, expected):
    assert hit_texts(searcher, article_id, query) == expected


def test_article_hits_are_ordered_char_spans_into_the_body(searcher):
    article = searcher.article("a2", "ceasefire OR talks OR geneva")
    spans = article["hits"]
    assert spans and all(isinstance(s, list) and len(s) == 2 for s in spans)
    assert all(a < b <= c < d for (a, b), (c, d) in zip(spans, spans[1:]))
    assert {article["body"][a:b].lower() for a, b in spans} == {"ceasefire", "talks", "geneva"}


def test_article_hits_only_with_a_query(searcher):
    assert "hits" not in searcher.article("a1")
    assert searcher.article("a1", "")["hits"] == []
    assert searcher.article("a1", "   ")["hits"] == []
    assert searcher.article("nope", "protest") is None


def test_article_hits_of_a_hostile_article_are_words_only(searcher):
    """Hits are spans into the plain text, never markup: each covers one word, nothing around it."""
    article = searcher.article("a6", "script img bread onerror")
    assert article["body"] == RECORDS[5]["body"]  # text as stored, for the caller to escape
    texts = [article["body"][a:b] for a, b in article["hits"]]
    assert texts == ["img", "onerror", "bread", "script", "script"]


def test_article_hits_mark_every_occurrence_in_a_long_article(searcher):
    """A snippet keeps 50 hits per term; a whole article is marked throughout."""
    texts = hit_texts(searcher, "a7", "lorem OR zeppelin")
    assert texts.count("zeppelin") == 1
    assert texts.count("lorem") > 50


@pytest.mark.parametrize("query", ["*ascus", "date:2020-13", "x" * 1001, 42])
def test_article_refuses_queries_search_refuses(searcher, query):
    with pytest.raises(QueryError):
        searcher.article("a1", query)


def test_similar(searcher):
    similar = searcher.similar("a2", limit=3)
    assert similar[0]["id"] == "a8"
    assert "a2" not in {s["id"] for s in similar}
    assert all(only_marks(s["snippet"]) for s in similar)
    # Nothing to highlight in "more like this": the plain title and the article's lead.
    assert similar[0]["title_html"] == "Geneva talks resume" and "<mark>" not in similar[0]["snippet"]
    assert similar[0]["snippet"].startswith("Negotiators returned to Geneva as the ceasefire held")
    assert searcher.similar("nope") == []


def test_facet_values_typeahead(searcher):
    assert searcher.facet_values("source", "wi") == [
        {"value": "Wire A", "count": 4}, {"value": "Wire B", "count": 2},
        {"value": "Wire C", "count": 2}, {"value": "Wire D", "count": 1},
    ]
    assert searcher.facet_values("source", "D", limit=5) == [{"value": "Wire D", "count": 1}]  # a word inside
    assert searcher.facet_values("source", "WIRE", limit=1) == [{"value": "Wire A", "count": 4}]
    assert searcher.facet_values("source", "zz") == []
    with pytest.raises(QueryError):
        searcher.facet_values("title", "x")


# ------------------------------------------------------------ errors, limits


@pytest.mark.parametrize("query", ["*eneva", "date:2016-13", "date:", "date:2017..2016", "x" * 1001,
                                   " OR ".join(f"w{i}" for i in range(70))])
def test_refused_queries(searcher, query):
    with pytest.raises(QueryError) as error:
        searcher.search(query)
    assert "\n" not in str(error.value) and str(error.value)


@pytest.mark.parametrize("query", ['"', "(", ")", "((", '""', "()", "OR", "AND OR NOT", "-", "~", "*", "title:",
                                   "actor:", 'actor:"', "date:2016..", "a~9", "\x00", "NOT NOT geneva", ":::"])
def test_odd_queries_are_answered(searcher, query):
    result = searcher.search(query)
    assert result.total >= 0


def test_wildcard_expansion_is_capped(searcher, monkeypatch):
    import search.query as q

    monkeypatch.setattr(q, "MAX_EXPANSIONS", 1)
    result = searcher.search("c*")  # café, carrying, ceasefire, collapsed, ... -> the most frequent one
    assert 0 < result.total < searcher.search("ceasefire OR cafe OR carrying OR collapsed OR corridors").total


def test_missing_index(tmp_path):
    with Searcher(tmp_path / "none") as s:
        with pytest.raises(IndexMissing):
            s.search("x")


# ------------------------------------------------------- rebuilds and threads


def test_picks_up_a_rebuilt_index_without_restart(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", RECORDS[:2])
    index = tmp_path / "index"
    build_index([corpus], index, workers=1)
    with Searcher(index) as s:
        assert s.search("").total == 2
        assert s.search("lesbos").total == 0
        write_corpus(corpus, RECORDS[:4])
        build_index([corpus], index, workers=1)
        assert s.search("").total == 4
        assert ids(s.search("lesbos")) == {"a4"}
        assert s.facet_values("source", "wire c") == [{"value": "Wire C", "count": 1}]


def test_idle_thread_survives_two_rebuilds(tmp_path):
    """A thread whose searcher's generation was deleted (the builder keeps one previous) reopens cleanly."""
    corpus = write_corpus(tmp_path / "corpus", RECORDS[:2])
    index = tmp_path / "index"
    build_index([corpus], index, workers=1)
    with Searcher(index) as s, ThreadPoolExecutor(max_workers=1) as one_thread:
        answers = [one_thread.submit(s.search, "geneva OR lesbos OR siege").result().total]
        for records in (RECORDS[:3], RECORDS[:4]):  # two builds: the first generation is deleted
            write_corpus(corpus, records)
            build_index([corpus], index, workers=1)
        assert not (index / s.generation.name).exists()
        answers.append(one_thread.submit(s.search, "geneva OR lesbos OR siege").result().total)
        assert answers == [1, 3]


def test_threads_share_one_searcher(searcher):
    queries = ["geneva", "siege", "", "damscus", '"security forces"', "c*"]
    expected = {q: [h.id for h in searcher.search(q).hits] for q in queries}
    failures = []

    def work() -> None:
        for _ in range(5):
            for q in queries:
                got = [h.id for h in searcher.search(q).hits]
                if got != expected[q]:
                    failures.append((q, got))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_to_dict_is_the_issue_3_json(searcher):
    data = searcher.search("geneva", source=["Wire A"]).to_dict()
    assert set(data) == {"query", "total", "page", "per_page", "took_ms", "suggestion", "fuzzy", "relaxed", "narrowed",
                         "hits", "facets", "stories", "articles", "collapse",  # these three: issue 11
                         "location_tree"}  # issue 10
    assert set(data["facets"]) == {"actor", "location", "country", "source", "author", "language", "division", "date"}
    assert set(data["hits"][0]) == {"id", "title", "title_html", "date", "source", "url", "score", "snippet",
                                   "actors", "locations", "countries", "authors", "language",  # issue 9
                                   "story", "versions", "outlets"}
    json.dumps(data)


QUERY_PIECES = ['"', "(", ")", "*", "~", "-", ":", "OR ", "NOT ", "AND ", "title:", "actor:", "source:", "date:",
                "2016", "-02", "..", "geneva", "siege", "bread", "caf", "<script>", "<mark>", "&", "é", " ", "\x00"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(QUERY_PIECES), max_size=12).map("".join) | st.text(max_size=80))
def test_any_query_is_answered_or_refused_cleanly(searcher, query):
    try:
        result = searcher.search(query, per_page=20)
    except QueryError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert result.total >= len(result.hits)
    for hit in result.hits:
        assert only_marks(hit.snippet) and only_marks(hit.title_html)
    json.dumps(result.to_dict())


def test_date_histogram_is_never_cut_to_facet_size(searcher):
    """The date facet is a timeline: quiet periods stay in it whatever `facet_size` says."""
    full = searcher.search("", facet_size=100).facets["date"]
    assert len(full) > 2
    assert searcher.search("", facet_size=1).facets["date"] == full
    assert len(searcher.search("", facet_size=1).facets["source"]) == 1
