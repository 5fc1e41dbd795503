"""Query parsing (pure: no index needed) and date arguments."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from search.query import (
    MAX_CLAUSES, MAX_QUERY_LENGTH, DateRange, FuzzyWord, QueryError, WordPattern, date_range, parse_query,
)


def leaves(q):
    if q.is_leaf():
        return [q]
    return [leaf for child in q.children() for leaf in leaves(child)]


def test_words_are_stemmed_and_all_required_over_title_and_body():
    q = parse_query("Damascus protests").query
    assert isinstance(q, wq.And)
    assert {(t.fieldname, t.text) for t in leaves(q)} == {
        ("title", "damascus"), ("body", "damascus"), ("title", "protest"), ("body", "protest"),
    }


def test_phrases_go_to_the_exact_field_unstemmed():
    assert parse_query('"Security Forces"').query == wq.Phrase("exact", ["security", "forces"])
    assert parse_query('"Protesters"').query == wq.Term("exact", "protesters")
    title = parse_query('title:"civil war"').query
    assert isinstance(title, wq.Phrase) and title.fieldname == "title"


def test_hyphenated_words_are_phrases_not_exclusions():
    q = parse_query("al-Assad covid-19").query
    assert not any(isinstance(node, wq.Not) for node in q.children())
    assert all(isinstance(leaf, wq.Phrase) for leaf in leaves(q))


@pytest.mark.parametrize("text", ["NOT rebels", "-rebels", "syria -rebels", "syria NOT rebels", "(-rebels)"])
def test_negation(text):
    nots = [node for node in [parse_query(text).query, *parse_query(text).query.children()]
            if isinstance(node, wq.Not)]
    assert len(nots) == 1


def test_or_and_groups():
    q = parse_query("(war OR peace) treaty").query
    assert isinstance(q, wq.And) and isinstance(q.subqueries[0], wq.Or)


def test_patterns_and_fuzzy_are_left_for_the_index():
    assert {type(leaf) for leaf in leaves(parse_query("dam*").query)} == {WordPattern}
    fuzzy = leaves(parse_query("damscus~2").query)
    assert {type(leaf) for leaf in fuzzy} == {FuzzyWord} and {leaf.maxdist for leaf in fuzzy} == {2}
    assert {leaf.maxdist for leaf in leaves(parse_query("damscus~9").query)} == {2}


def test_facet_fields_keep_the_whole_value():
    q = parse_query('actor:"Bashar al-Assad" Country:syria').query
    assert set(q.subqueries) == {wq.Term("actor", "Bashar al-Assad"), wq.Term("country", "syria")}


def test_question_mark_is_not_a_wildcard():
    assert {leaf.text for leaf in leaves(parse_query("what is jihad?").query)} == {"jihad"}


@pytest.mark.parametrize("text, dates", [
    ("date:2020", DateRange(20200101, 20201231)),
    ("date:2020-02", DateRange(20200201, 20200229)),
    ("date:2023-05-17", DateRange(20230517, 20230517)),
    ("date:2020-01..2020-03", DateRange(20200101, 20200331)),
    ("date:2020.. date:..2020-06", DateRange(20200101, 20200630)),
])
def test_top_level_dates_become_the_range_in_force(text, dates):
    parsed = parse_query(text)
    assert parsed.dates == dates and parsed.query is None


def test_dates_under_or_stay_in_the_query():
    parsed = parse_query("war OR date:2020")
    assert parsed.dates is None
    assert any(isinstance(leaf, wq.NumericRange) for leaf in leaves(parsed.query))


@pytest.mark.parametrize("text, message", [
    ("date:2020-13", "no such month"), ("date:2021-02-29", "no such day"), ("date:soon", "YYYY"),
    ("date:", "needs a value"), ("date:..", "at least one end"), ("date:2021..2020", "empty"),
    ("*ing", "starts with a wildcard"), ("x" * (MAX_QUERY_LENGTH + 1), "too long"),
    (" ".join(f"w{i}" for i in range(MAX_CLAUSES)), "too many terms"),
])
def test_refused(text, message):
    with pytest.raises(QueryError, match=message):
        parse_query(text)


@pytest.mark.parametrize("text, words", [
    ("how do oil prices rise?", 3),  # stop words are not counted
    ("date:2020 oil prices rise", 3),  # a date clause is a filter, the words still relax
    ("heat-transfer of a wing", 2),  # a hyphenated word is one clause (of two words)
    ("oil prices", 0),  # too few words
    ("oil oil prices", 0),  # each word once
    ("oil AND prices AND rise", 0),
    ("oil OR prices rise", 0),
    ('oil "prices rise" fall', 0),
    ("title:oil prices rise", 0),
    ("oil prices -rise fall", 0),
    ("oil* prices rise", 0),
    ("oil~ prices rise", 0),
    ("actor:opec oil prices rise", 0),
])
def test_plain_queries_of_three_or_more_words_can_relax(text, words):
    assert len(parse_query(text).words) == words


def test_stop_words_alone_match_word_for_word():
    assert parse_query("The Who").query == wq.And([wq.Term("exact", "the"), wq.Term("exact", "who")])


@pytest.mark.parametrize("text", ["", "   ", '""', "()", "-", "!!!"])
def test_nothing_to_search_browses(text):
    assert parse_query(text).query is None


def test_date_arguments():
    assert date_range("2020", "2020") == DateRange(20200101, 20201231)
    assert date_range(None, "2020-02") == DateRange(10000101, 20200229)
    assert date_range(None, None) is None
    with pytest.raises(QueryError, match="empty"):
        date_range("2021", "2020")
    assert DateRange(20200101, 20201231).spans_a_year_or_less()
    assert DateRange(20200315, 20210314).spans_a_year_or_less()
    assert not DateRange(20200101, 20210101).spans_a_year_or_less()


SYNTAX = list('ab "()*~-:^\\[]{}<>&|!?+') + ["OR", "AND", "NOT", "date:", "title:", "actor:", "2020", "..", "é", " "]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SYNTAX), max_size=30).map("".join) | st.text(max_size=60))
def test_any_text_parses_or_is_refused_cleanly(text):
    try:
        parsed = parse_query(text)
    except QueryError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert parsed.query is None or isinstance(parsed.query, wq.Query)
