"""The highlighter on its own: what it marks, where it looks, and that only <mark> is ever markup."""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.analysis import STEMMED, terms
from search.query import Highlight
import bleach

from search.snippets import (
    ALLOWED_TAGS, FRAGMENT_CHARS, LEAD_CHARS, MAX_FRAGMENTS, clean, clean_many, find_hits, highlight_whole,
    lead_markup, snippet, snippet_markup, whole_markup,
)
from search_support import TAG, only_marks


def stems(text: str) -> Highlight:
    return Highlight(stems=frozenset(terms(STEMMED, text)))


def marked(markup: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", markup)


def test_marks_every_form_of_a_stem_and_nothing_else():
    text = "Protesters protested; the protest grew. Protection was promised."
    assert marked(highlight_whole(text, stems("protesting"))) == ["Protesters", "protested", "protest"]


def test_accents_and_case_are_folded():
    assert marked(highlight_whole("Le Café, CAFE et café.", stems("cafe"))) == ["Café", "CAFE", "café"]


def test_phrases_are_marked_whole_and_only_in_order():
    h = Highlight(phrases=(("security", "forces"),))
    text = "Security  forces fired; forces of security stood by; security forces left."
    assert marked(highlight_whole(text, h)) == ["Security forces", "security forces"]


def test_exact_words_and_facet_mentions():
    h = Highlight(words=frozenset({"assad"}), values=frozenset({"Homs, Syria"}))
    text = "Assad visited Homs. Assads are many."
    mentions = [[14, 18, "place", "location", "Homs, Syria"]]
    assert marked(snippet(text, h, mentions)) == ["Assad", "Homs"]


def test_best_passages_cover_different_terms():
    filler = "nothing to see here at all. " * 200
    text = filler + "alpha appears here. " + filler + "beta appears here. " + filler + "alpha again. " + filler
    out = snippet(text, stems("alpha beta"))
    assert set(marked(out)) == {"alpha", "beta"}
    assert out.count("…") >= 2 and len(out) <= MAX_FRAGMENTS * (FRAGMENT_CHARS + 40)


def test_match_deep_in_a_huge_text_is_found():
    text = "word " * 400_000 + "the needle is here " + "word " * 1000  # 2 MB
    out = snippet(text, stems("needle"))
    assert marked(out) == ["needle"]


def test_common_term_cannot_crowd_out_a_rare_one():
    text = "said " * 30_000 + "the zeppelin said so"
    assert "zeppelin" in marked(snippet(text, stems("said zeppelin")))


def test_no_match_gives_the_start():
    text = "First sentence here. " * 50
    out = snippet(text, stems("absent"))
    assert out.startswith("First sentence here.") and out.endswith("…") and "<mark>" not in out
    assert snippet("", stems("x")) == ""
    assert snippet(None, Highlight()) == ""


def test_markup_in_text_is_escaped():
    text = '<script>alert(1)</script><img src=x onerror="alert(2)"> bread & <mark>butter</mark>'
    out = snippet(text, stems("bread"))
    assert only_marks(out)
    assert marked(out) == ["bread"]
    assert "&lt;script&gt;" in out and "&lt;mark&gt;butter&lt;/mark&gt;" in out


def test_hits_do_not_overlap():
    h = Highlight(stems=frozenset({"secur"}), phrases=(("security", "forces"),))
    hits = find_hits("security forces", h)
    assert [(s, e) for s, e, _ in hits] == [(0, 15)]


PIECES = list("ab <>&\"'/=mark scrip\n\té") + ["<mark>", "</mark>", "<script>", "bread", "&lt;", "<!--"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.lists(st.sampled_from(PIECES), max_size=60).map("".join) | st.text(max_size=300),
    query=st.text(max_size=30),
)
def test_snippets_never_contain_markup_but_mark(text, query):
    highlight = Highlight(stems=frozenset(terms(STEMMED, query)), words=frozenset(query.lower().split()[:3]),
                          phrases=(tuple(query.lower().split()[:2]),) if query.split() else ())
    for out in (snippet(text, highlight), highlight_whole(text, highlight)):
        assert only_marks(out)
        assert "<" not in TAG.sub("", out)


def bleached(markup: str) -> str:
    return bleach.clean(markup, tags=ALLOWED_TAGS, attributes={}, protocols=[], strip=False)


MARKUP_PIECES = [*PIECES, "&amp;", "&quot;", "&#x27;", "&#39;", "&nbsp;", "&", "</mark><mark>", "<mark><mark>", "<b>",
                 "…", "\u2028", "\ufffd", "\U0001f600"]
# Control characters other than tab and newline always go to bleach (whose handling of them
# depends on what it parsed before), so comparing the two on them would test bleach, not `clean`.
NO_CONTROLS = st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\t\n")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    markup=st.lists(st.sampled_from(MARKUP_PIECES), max_size=40).map("".join) | st.text(NO_CONTROLS, max_size=200),
    query=st.text(max_size=20),
)
def test_clean_gives_what_bleach_gives(markup, query):
    """`clean` skips bleach for markup it can check; the answer must be bleach's, for our markup and any other."""
    highlight = Highlight(stems=frozenset(terms(STEMMED, query)), words=frozenset(query.lower().split()[:3]))
    pieces = [markup, snippet_markup(markup, highlight), whole_markup(markup, highlight), lead_markup(markup)]
    assert [clean(piece) for piece in pieces] == [bleached(piece) for piece in pieces]
    assert clean_many(pieces) == [bleached(piece) for piece in pieces]


def test_lead_is_the_start_cut_at_a_word_and_escaped():
    text = "Oil <b>prices</b> & more. " + "word " * 100
    lead = lead_markup(text)
    assert lead.startswith("Oil &lt;b&gt;prices&lt;/b&gt; &amp; more. word") and lead.endswith("word…")
    assert len(lead) <= LEAD_CHARS + 30 and "<mark>" not in lead
    assert lead_markup("short text") == "short text"
